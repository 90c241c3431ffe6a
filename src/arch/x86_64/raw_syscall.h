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
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
			 : "rcx", "r11", "memory");
	return ret;
}

#endif
