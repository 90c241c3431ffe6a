// SPDX-License-Identifier: GPL-2.0-or-later
// Options that cr_checkpoint and cr_restart both take: the signal sent to
// the processes once the request completes, and which kernel messages to
// print. Spellings and meanings are BLCR's.
#ifndef BLCR_CLI_REQUEST_OPTIONS_H
#define BLCR_CLI_REQUEST_OPTIONS_H

#include <boost/program_options.hpp>

namespace blcr::cli {

enum class KmsgLevel { none, error, warning };

struct RequestOptions {
	// 0: none. > 0: sent after completion. < 0: -signal sent as soon as
	// the kernel's part is done, before callbacks continue (--early-*).
	int signal = 0;
	KmsgLevel kmsg = KmsgLevel::error;
};

enum class RequestKind { checkpoint, restart };

// Adds the options to visible (documented in --help) and hidden.
void add_request_options(boost::program_options::options_description &visible,
			 boost::program_options::options_description &hidden,
			 RequestKind kind);

// Applies one parsed option; false if it is not one of ours. Later options
// override earlier ones, as in BLCR. Throws boost::program_options::error
// for a bad signal number.
bool apply_request_option(const boost::program_options::option &opt, RequestOptions &out);

}  // namespace blcr::cli

#endif
