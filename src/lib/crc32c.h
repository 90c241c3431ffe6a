// SPDX-License-Identifier: LGPL-2.1-or-later
// CRC32C (Castagnoli: reflected polynomial 0x82F63B78, initial value and final
// xor ~0), the checksum of the image format (docs/image-format.md).
#ifndef BLCR_CRC32C_H
#define BLCR_CRC32C_H

#include <cstddef>
#include <cstdint>

namespace blcr {

// Continues a CRC32C: crc32c(crc32c(0, a), b) == crc32c(0, a + b).
// Uses the SSE4.2 crc32 instruction when the CPU has it.
std::uint32_t crc32c(std::uint32_t crc, const void *data, std::size_t len) noexcept;

// The portable table-driven implementation (slice-by-8), for the tests.
std::uint32_t crc32c_portable(std::uint32_t crc, const void *data, std::size_t len) noexcept;

}  // namespace blcr

#endif
