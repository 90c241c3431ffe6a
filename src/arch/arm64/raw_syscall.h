/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User space: a system call of up to three arguments that leaves errno
 * alone, for threads that share their creator's thread-local storage
 * (cr_restart's restore threads). Returns the kernel's value (-errno).
 */
#ifndef BLCR_ARCH_RAW_SYSCALL_H
#define BLCR_ARCH_RAW_SYSCALL_H

static inline long blcr_raw_syscall(long nr, long a0, long a1, long a2)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a0;
	register long x1 __asm__("x1") = a1;
	register long x2 __asm__("x2") = a2;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}

#endif
