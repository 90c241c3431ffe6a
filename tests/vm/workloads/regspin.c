// Spins in user code with a 64-bit value in the register that carries a
// system call's return value (rax, x0), checking it all the time: a
// checkpoint stops it there, and a restart must give back all 64 bits
// (the restoring call returns through an int). Prints "spinning", then
// exits 1 on a wrong value.
#include <stdio.h>
#include <stdlib.h>

static void spin(void)
{
#if defined(__x86_64__)
	__asm__ volatile("movabs $0x123456789abcdef0, %%rax\n\t"
			 "mov %%rax, %%rbx\n"
			 "1:\tcmp %%rax, %%rbx\n\t"
			 "je 1b"
			 ::: "rax", "rbx", "cc");
#elif defined(__aarch64__)
	__asm__ volatile("ldr x0, =0x123456789abcdef0\n\t"
			 "mov x1, x0\n"
			 "1:\tcmp x0, x1\n\t"
			 "b.eq 1b"
			 ::: "x0", "x1", "cc");
#else
#error "regspin: unsupported architecture"
#endif
}

int main(void)
{
	printf("spinning\n");
	fflush(stdout);
	spin();
	fprintf(stderr, "the return-value register changed under the loop\n");
	return 1;
}
