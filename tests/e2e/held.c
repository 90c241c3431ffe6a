// The end-to-end test's target for a checkpoint held in flight
// (tests/e2e/guest.sh): blcr stops a target at its next return to user
// mode, and a vfork() parent does not return until its child exits. The
// child says ./held.ready, waits for ./held.release (at most 5 minutes)
// and exits; the parent then carries on, checkpointable, until killed.
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

int main(void)
{
	const struct timespec tick = {0, 100 * 1000 * 1000};
	pid_t child = vfork();

	if (child == 0) {
		// Only plain system calls here: this child runs on its parent's stack.
		int fd = open("held.ready", O_WRONLY | O_CREAT, 0644);
		if (fd < 0)
			_exit(1);
		close(fd);
		for (int i = 0; i < 3000 && access("held.release", F_OK) != 0; i++)
			nanosleep(&tick, NULL);
		_exit(0);
	}
	if (child < 0)
		return 1;
	waitpid(child, NULL, 0);
	for (;;)
		pause();
}
