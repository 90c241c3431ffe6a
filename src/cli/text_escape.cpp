// SPDX-License-Identifier: GPL-2.0-or-later
#include "text_escape.h"

#include <cstddef>
#include <cstdint>

namespace blcr::cli {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

// Length of the well-formed UTF-8 sequence starting at text[at] (RFC 3629:
// no overlong forms, surrogates or code points past U+10FFFF), its code
// point in cp; 0 if there is none.
std::size_t utf8_sequence(std::string_view text, std::size_t at, std::uint32_t &cp)
{
	const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
	const unsigned char lead = byte(0);
	std::size_t len;
	std::uint32_t min;
	if (lead < 0x80) {
		cp = lead;
		return 1;
	} else if (lead >= 0xc2 && lead <= 0xdf) {
		len = 2, min = 0x80, cp = lead & 0x1fu;
	} else if (lead >= 0xe0 && lead <= 0xef) {
		len = 3, min = 0x800, cp = lead & 0x0fu;
	} else if (lead >= 0xf0 && lead <= 0xf4) {
		len = 4, min = 0x10000, cp = lead & 0x07u;
	} else {
		return 0;
	}
	if (text.size() - at < len)
		return 0;
	for (std::size_t i = 1; i < len; ++i) {
		if ((byte(i) & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (byte(i) & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

bool is_control(std::uint32_t cp) { return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f); }

}  // namespace

std::string printable(std::string_view text)
{
	std::string out;
	for (std::size_t at = 0; at < text.size();) {
		std::uint32_t cp = 0;
		std::size_t len = utf8_sequence(text, at, cp);
		if (len != 0 && !is_control(cp)) {
			if (cp == '\\')
				out += '\\';
			out.append(text, at, len);
		} else {
			// an invalid byte alone; every byte of an encoded control character
			len = len ? len : 1;
			for (std::size_t i = 0; i < len; ++i) {
				const auto c = static_cast<unsigned char>(text[at + i]);
				out += {'\\', 'x', hex_digits[c >> 4], hex_digits[c & 0xf]};
			}
		}
		at += len;
	}
	return out;
}

std::string json_string(std::string_view text)
{
	std::string out = "\"";
	for (std::size_t at = 0; at < text.size();) {
		std::uint32_t cp = 0;
		std::size_t len = utf8_sequence(text, at, cp);
		if (len == 0) {
			cp = static_cast<unsigned char>(text[at]);
			len = 1;
		} else if (!is_control(cp)) {
			if (cp == '"' || cp == '\\')
				out += '\\';
			out.append(text, at, len);
			at += len;
			continue;
		}
		// a control character, or a byte that is not UTF-8: below U+0100
		out += {'\\', 'u', '0', '0', hex_digits[cp >> 4], hex_digits[cp & 0xf]};
		at += len;
	}
	return out + '"';
}

}  // namespace blcr::cli
