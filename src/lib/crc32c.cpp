// SPDX-License-Identifier: LGPL-2.1-or-later
// CRC32C: slice-by-8 tables computed at compile time, and the SSE4.2 crc32
// instruction on x86 when the CPU reports it.
#include "crc32c.h"

#include <array>
#include <cstring>

namespace blcr {

namespace {

constexpr std::uint32_t poly = 0x82F63B78u;

using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables make_tables()
{
	Tables t{};
	for (std::uint32_t i = 0; i < 256; ++i) {
		std::uint32_t c = i;
		for (int k = 0; k < 8; ++k)
			c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
		t[0][i] = c;
	}
	for (std::size_t n = 1; n < 8; ++n)
		for (std::size_t i = 0; i < 256; ++i)
			t[n][i] = (t[n - 1][i] >> 8) ^ t[0][t[n - 1][i] & 0xff];
	return t;
}

constexpr Tables tables = make_tables();

std::uint32_t load_le32(const unsigned char *p) noexcept
{
	return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
	       static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

// Raw (not inverted) register update.
std::uint32_t update_portable(std::uint32_t c, const unsigned char *p, std::size_t len) noexcept
{
	while (len >= 8) {
		const std::uint32_t lo = c ^ load_le32(p);
		const std::uint32_t hi = load_le32(p + 4);
		c = tables[7][lo & 0xff] ^ tables[6][(lo >> 8) & 0xff] ^
		    tables[5][(lo >> 16) & 0xff] ^ tables[4][lo >> 24] ^
		    tables[3][hi & 0xff] ^ tables[2][(hi >> 8) & 0xff] ^
		    tables[1][(hi >> 16) & 0xff] ^ tables[0][hi >> 24];
		p += 8;
		len -= 8;
	}
	while (len-- > 0)
		c = (c >> 8) ^ tables[0][(c ^ *p++) & 0xff];
	return c;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2")))
std::uint32_t update_sse42(std::uint32_t c, const unsigned char *p, std::size_t len) noexcept
{
	std::uint64_t c64 = c;
	while (len >= 8) {
		std::uint64_t v;
		std::memcpy(&v, p, 8);  // x86 is little-endian, as the CRC wants
		c64 = __builtin_ia32_crc32di(c64, v);
		p += 8;
		len -= 8;
	}
	c = static_cast<std::uint32_t>(c64);
	while (len-- > 0)
		c = __builtin_ia32_crc32qi(c, *p++);
	return c;
}

bool have_sse42() noexcept
{
	static const bool have = __builtin_cpu_supports("sse4.2");
	return have;
}
#endif

}  // namespace

std::uint32_t crc32c_portable(std::uint32_t crc, const void *data, std::size_t len) noexcept
{
	return ~update_portable(~crc, static_cast<const unsigned char *>(data), len);
}

std::uint32_t crc32c(std::uint32_t crc, const void *data, std::size_t len) noexcept
{
#if defined(__x86_64__)
	if (have_sse42())
		return ~update_sse42(~crc, static_cast<const unsigned char *>(data), len);
#endif
	return crc32c_portable(crc, data, len);
}

}  // namespace blcr
