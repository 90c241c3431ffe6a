// The control file's ioctls, called directly: the handshake's fields, a
// version mismatch, and hostile arguments (bad pointers, unknown requests,
// a restore thread that cannot be one).
// as: root user
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "blcr_errcodes.h"
#include "blcr_ioctl.h"

static int failures;

#define CHECK(cond, ...)                                       \
	do {                                                   \
		if (!(cond)) {                                 \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);          \
			fputc('\n', stderr);                   \
			failures++;                            \
		}                                              \
	} while (0)

int main(void)
{
	struct utsname uts;
	struct blcr_handshake hs;
	int fd = open(BLCR_CTRL_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror(BLCR_CTRL_PATH);
		return 1;
	}
	uname(&uts);

	memset(&hs, 0xff, sizeof(hs));
	hs.user_major = BLCR_IFACE_MAJOR;
	hs.user_minor = BLCR_IFACE_MINOR;
	CHECK(ioctl(fd, BLCR_IOC_HANDSHAKE, &hs) == 0, "handshake: %s", strerror(errno));
	CHECK(hs.kernel_major == BLCR_IFACE_MAJOR && hs.kernel_minor == BLCR_IFACE_MINOR,
	      "kernel interface %u.%u", hs.kernel_major, hs.kernel_minor);
	CHECK(hs.user_major == BLCR_IFACE_MAJOR && hs.user_minor == BLCR_IFACE_MINOR,
	      "the caller's version was not echoed");
	CHECK(memchr(hs.module_version, 0, sizeof(hs.module_version)) != NULL,
	      "module_version not terminated");
	CHECK(strcmp(hs.kernel_release, uts.release) == 0, "kernel_release '%.*s'",
	      (int)sizeof(hs.kernel_release), hs.kernel_release);

	/* A newer minor or another major than the module offers is refused,
	 * with the module's own version still reported. */
	memset(&hs, 0, sizeof(hs));
	hs.user_major = BLCR_IFACE_MAJOR;
	hs.user_minor = BLCR_IFACE_MINOR + 1;
	errno = 0;
	CHECK(ioctl(fd, BLCR_IOC_HANDSHAKE, &hs) == -1 && errno == CR_EVERSION,
	      "newer minor: errno %d", errno);
	CHECK(hs.kernel_major == BLCR_IFACE_MAJOR, "mismatch did not report the kernel version");
	hs.user_major = BLCR_IFACE_MAJOR + 1;
	hs.user_minor = 0;
	errno = 0;
	CHECK(ioctl(fd, BLCR_IOC_HANDSHAKE, &hs) == -1 && errno == CR_EVERSION,
	      "other major: errno %d", errno);

	/* Hostile arguments get an errno, never a kernel splat. */
	errno = 0;
	CHECK(ioctl(fd, BLCR_IOC_HANDSHAKE, NULL) == -1 && errno == EFAULT, "NULL: errno %d", errno);
	errno = 0;
	CHECK(ioctl(fd, BLCR_IOC_HANDSHAKE, (void *)-4096L) == -1 && errno == EFAULT,
	      "kernel pointer: errno %d", errno);
	errno = 0;
	CHECK(ioctl(fd, _IOWR(BLCR_IOC_MAGIC, 0x7f, struct blcr_handshake), &hs) == -1 &&
		      errno == ENOTTY, "unknown request: errno %d", errno);
	errno = 0;
	CHECK(ioctl(fd, TCGETS, &hs) == -1 && errno == ENOTTY, "TCGETS: errno %d", errno);

	/* A thread joins a restart only as a saved thread 1.., and never the leader. */
	struct blcr_restore_thread_args join = { .index = 1 };
	errno = 0;
	CHECK(ioctl(fd, BLCR_IOC_RESTORE_THREAD, &join) == -1 && errno == EINVAL,
	      "RESTORE_THREAD from the thread-group leader: errno %d", errno);
	join.index = 0;
	errno = 0;
	CHECK(ioctl(fd, BLCR_IOC_RESTORE_THREAD, &join) == -1 && errno == EINVAL,
	      "RESTORE_THREAD index 0: errno %d", errno);
	join = (struct blcr_restore_thread_args){ .index = 1, .reserved = 1 };
	errno = 0;
	CHECK(ioctl(fd, BLCR_IOC_RESTORE_THREAD, &join) == -1 && errno == EINVAL,
	      "RESTORE_THREAD reserved: errno %d", errno);
	errno = 0;
	CHECK(ioctl(fd, BLCR_IOC_RESTORE_THREAD, NULL) == -1 && errno == EFAULT,
	      "RESTORE_THREAD NULL: errno %d", errno);

	char byte;
	CHECK(read(fd, &byte, 1) == -1, "read() succeeded");
	CHECK(write(fd, "x", 1) == -1, "write() succeeded");

	close(fd);
	if (failures == 0)
		printf("ctrl-ioctl: all checks passed\n");
	return failures ? 1 : 0;
}
