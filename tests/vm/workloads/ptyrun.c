// SPDX-License-Identifier: GPL-2.0-or-later
// Runs a command on a terminal of its own: a new pseudo-terminal (raw mode)
// as its standard input, output and error and as the controlling terminal
// of a new session. Copies what the command writes there to standard
// output until the terminal has no more users, then exits as the command
// did (128 + N if signal N killed it).
//   ptyrun CMD [ARG...]
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: ptyrun CMD [ARG...]\n");
		return 2;
	}
	const int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	const char *name = master >= 0 && !grantpt(master) && !unlockpt(master) ? ptsname(master) : NULL;
	const int slave = name ? open(name, O_RDWR | O_NOCTTY) : -1;
	struct termios raw;
	if (slave < 0 || tcgetattr(slave, &raw)) {
		perror("ptyrun: pseudo-terminal");
		return 1;
	}
	cfmakeraw(&raw);
	tcsetattr(slave, TCSANOW, &raw);
	const pid_t child = fork();
	if (child < 0) {
		perror("ptyrun: fork");
		return 1;
	}
	if (child == 0) {
		if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) || dup2(slave, 0) < 0 || dup2(slave, 1) < 0 ||
		    dup2(slave, 2) < 0) {
			perror("ptyrun: terminal");
			_exit(127);
		}
		if (slave > 2)
			close(slave);
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	close(slave);
	/* read() fails with EIO once no one has the terminal open any more */
	char buf[4096];
	ssize_t n;
	while ((n = read(master, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && write(1, buf, (size_t)n) != n)
			break;
	int status;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
