// SPDX-License-Identifier: GPL-2.0-or-later
#include "request_options.h"

#include <csignal>
#include <string>
#include <string_view>
#include <utility>

#include "cli_common.h"

namespace po = boost::program_options;

namespace blcr::cli {

namespace {

// Options that name a fixed signal; early ones are negative.
constexpr std::pair<std::string_view, int> named_signals[] = {
	{"run", 0},
	{"stop", SIGSTOP},
	{"term", SIGTERM},
	{"abort", SIGABRT},
	{"kill", SIGKILL},
	{"cont", SIGCONT},
	{"early-stop", -SIGSTOP},
	{"early-abrt", -SIGABRT},
};

constexpr std::pair<std::string_view, KmsgLevel> kmsg_levels[] = {
	{"kmsg-none", KmsgLevel::none},
	{"kmsg-error", KmsgLevel::error},
	{"kmsg-warning", KmsgLevel::warning},
};

}  // namespace

void add_request_options(po::options_description &visible, po::options_description &hidden,
			 RequestKind kind)
{
	const bool restart = kind == RequestKind::restart;
	po::options_description signals(restart ? "Signal sent to the restarted processes"
						: "Signal sent to the checkpointed processes");
	signals.add_options()
		("run", "no signal: let them run (default)")
		("signal,S", po::value<std::string>()->value_name("NUM"), "send signal NUM")
		(restart ? "stop,freeze" : "stop",
		 restart ? "send SIGSTOP (also --freeze)" : "send SIGSTOP")
		("term", "send SIGTERM")
		("abort", "send SIGABRT")
		("kill", "send SIGKILL")
		("cont", "send SIGCONT (for processes that were stopped)");
	po::options_description kmsg("Kernel messages");
	kmsg.add_options()
		("kmsg-none", "never print them")
		("kmsg-error", "print them if the request fails (default)")
		("kmsg-warning", "print them even if the request succeeds");
	visible.add(signals).add(kmsg);
	hidden.add_options()
		("early-stop", "")
		("early-abrt", "");
}

bool apply_request_option(const po::option &opt, RequestOptions &out)
{
	const std::string &key = opt.string_key;
	for (const auto &[name, signo] : named_signals) {
		if (key == name) {
			out.signal = signo;
			return true;
		}
	}
	for (const auto &[name, level] : kmsg_levels) {
		if (key == name) {
			out.kmsg = level;
			return true;
		}
	}
	if (key == "signal") {
		const std::string &text = opt.value.front();
		const auto signo = parse_number(text, 1, NSIG - 1);
		if (!signo)
			throw po::error("invalid signal number '" + text + "' for --signal");
		out.signal = static_cast<int>(*signo);
		return true;
	}
	return false;
}

}  // namespace blcr::cli
