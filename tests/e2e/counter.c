// The end-to-end test's counting program (tests/e2e/guest.sh): counts up
// five times a second and writes the count to ./count (atomically), so
// that a checkpoint and a restart can be seen to carry on counting.
#include <stdio.h>
#include <time.h>

int main(void)
{
	const struct timespec tick = {0, 200 * 1000 * 1000};
	for (unsigned long n = 0;; n++) {
		FILE *f = fopen("count.tmp", "w");
		if (!f)
			return 1;
		fprintf(f, "%lu\n", n);
		fclose(f);
		if (rename("count.tmp", "count") != 0)
			return 1;
		nanosleep(&tick, NULL);
	}
}
