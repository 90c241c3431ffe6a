# blcr: the single entry point.
#   make                  user space (CMake) and, if its headers are installed,
#                         the modules for the running kernel (or KVER=)
#   make modules KVER=R   the modules against /lib/modules/R/build (or KDIR=)
#   make check            unit tests + VM suite on Debian's 6.1 and 6.12 kernels
#   make demo             boots a VM and shows blcr at work
#   make install DESTDIR= FHS install; module sources to /usr/src/blcr-VERSION
#   make clean

VERSION := $(shell sed -n 's/^\#define BLCR_VERSION "\(.*\)"/\1/p' include/blcr_version.h)
BUILD   ?= build
PREFIX  ?= /usr
KVER    ?= $(shell uname -r)
KDIR    ?= /lib/modules/$(KVER)/build
JOBS    ?= $(shell nproc)

# Files the module build needs; also what DKMS gets.
KMOD_SOURCES := dkms.conf $(filter-out %.mod.c,$(wildcard src/kmod/*.[ch])) src/kmod/Kbuild src/kmod/Makefile \
	$(wildcard src/arch/*/*.h) \
	include/blcr_ioctl.h include/blcr_errcodes.h include/blcr_version.h

all: user
	@if [ -d "$(KDIR)" ]; then $(MAKE) modules; \
	else echo "note: no kernel headers at $(KDIR): modules not built (make modules KVER=<release>)"; fi

user:
	cmake -S . -B $(BUILD)/user -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX)
	cmake --build $(BUILD)/user -j$(JOBS)

modules:
	@[ -d "$(KDIR)" ] || { echo "make modules: no kernel build tree at $(KDIR); install linux-headers-$(KVER) or pass KVER=/KDIR=" >&2; exit 1; }
	$(MAKE) -C src/kmod KDIR=$(KDIR)

check:
	BUILD=$(abspath $(BUILD)) tests/check.sh

demo:
	tests/deps.sh
	$(MAKE) user
	tests/vm/run.sh --line 6.12 --userbuild $(BUILD)/user --out $(BUILD)/vm/demo --demo

install: user
	DESTDIR=$(DESTDIR) cmake --install $(BUILD)/user --prefix $(PREFIX)
	for f in $(KMOD_SOURCES); do install -D -m 0644 $$f $(DESTDIR)/usr/src/blcr-$(VERSION)/$$f; done

clean:
	rm -rf $(BUILD)
	find src/kmod \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' -o -name '.*.cmd' \
		-o -name '.*.d' -o -name 'modules.order' -o -name 'Module.symvers' \) -delete

.PHONY: all user modules check demo install clean
