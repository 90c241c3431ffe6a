# blcr: the single entry point.
#   make                  user space (CMake) and, if its headers are installed,
#                         the modules for the running kernel (or KVER=)
#   make modules KVER=R   the modules against /lib/modules/R/build (or KDIR=)
#   make check            unit tests + VM suite on Debian's 6.1 and 6.12 kernels
#   make check-arch       the VM suite in other architectures' guests (arm64),
#                         user space and modules cross-built
#   make check-e2e        the Debian packages end to end in a full Debian guest (slow)
#   make demo             boots a VM and shows blcr at work
#   make bench            blcr vs CRIU vs dd in a VM (docs/performance.md)
#   make install DESTDIR= FHS install; module sources to /usr/src/blcr-VERSION,
#                         man pages to PREFIX/share/man
#   make deb / make rpm   packages into build/deb, build/rpm (packaging/)
#   make check-packages   builds both and checks their contents and lintian
#   make clean

VERSION := $(shell sed -n 's/^\#define BLCR_VERSION "\(.*\)"/\1/p' include/blcr_version.h)
BUILD   ?= build
PREFIX  ?= /usr
KVER    ?= $(shell uname -r)
KDIR    ?= /lib/modules/$(KVER)/build
JOBS    ?= $(shell nproc)
# Extra cmake -D options, e.g. from the package builds.
CMAKE_FLAGS ?=

# Files the module build needs; also what DKMS gets.
KMOD_SOURCES := dkms.conf $(filter-out %.mod.c,$(wildcard src/kmod/*.[ch])) src/kmod/Kbuild src/kmod/Makefile \
	$(wildcard src/arch/*/*.[ch]) \
	include/blcr_ioctl.h include/blcr_errcodes.h include/blcr_version.h include/blcr_image.h

# Man pages, installed uncompressed into man<section> (the package tools
# compress them).
MANPAGES := $(wildcard docs/man/*.[1-8])

all: user
	@if [ -d "$(KDIR)" ]; then $(MAKE) modules; \
	else echo "note: no kernel headers at $(KDIR): modules not built (make modules KVER=<release>)"; fi

user:
	cmake -S . -B $(BUILD)/user -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)
	cmake --build $(BUILD)/user -j$(JOBS)

modules:
	@[ -d "$(KDIR)" ] || { echo "make modules: no kernel build tree at $(KDIR); install linux-headers-$(KVER) or pass KVER=/KDIR=" >&2; exit 1; }
	$(MAKE) -C src/kmod KDIR=$(KDIR)

# The module sources exactly as DKMS gets them (the VM suite builds from these too).
kmod-sources:
	@[ -n "$(DEST)" ] || { echo "make kmod-sources DEST=DIR" >&2; exit 2; }
	for f in $(KMOD_SOURCES); do install -D -m 0644 $$f $(DEST)/$$f; done

check:
	BUILD=$(abspath $(BUILD)) tests/check.sh

check-arch:
	BUILD=$(abspath $(BUILD)) tests/check-arch.sh

check-e2e:
	BUILD=$(abspath $(BUILD)) tests/e2e/run.sh

bench:
	BUILD=$(abspath $(BUILD)) bench/run.sh

demo:
	tests/deps.sh
	$(MAKE) user
	tests/vm/run.sh --line 6.12 --userbuild $(BUILD)/user --out $(BUILD)/vm/demo --demo

install: user
	DESTDIR=$(DESTDIR) cmake --install $(BUILD)/user --prefix $(PREFIX)
	$(MAKE) kmod-sources DEST=$(DESTDIR)/usr/src/blcr-$(VERSION)
	install -D -m 0644 systemd/blcr.service $(DESTDIR)/usr/lib/systemd/system/blcr.service
	install -d $(DESTDIR)/usr/libexec/blcr
	sed 's/@VERSION@/$(VERSION)/' systemd/blcr-modules >$(DESTDIR)/usr/libexec/blcr/blcr-modules
	chmod 0755 $(DESTDIR)/usr/libexec/blcr/blcr-modules
	install -D -m 0644 packaging/bash-completion/cr_checkpoint \
		$(DESTDIR)/usr/share/bash-completion/completions/cr_checkpoint
	for t in cr_restart cr_run cr_info; do ln -sf cr_checkpoint $(DESTDIR)/usr/share/bash-completion/completions/$$t; done
	for f in $(MANPAGES); do install -D -m 0644 $$f $(DESTDIR)$(PREFIX)/share/man/man$${f##*.}/$${f##*/}; done

# Packages are built from the tree's files (tracked ones plus new, not
# ignored ones), copied under build/ so that the checkout stays clean.
TREE_FILES = git ls-files -co --exclude-standard | while read -r f; do [ ! -e "$$f" ] || echo "$$f"; done

# dpkg-buildpackage writes the .debs next to the tree, i.e. into build/deb.
deb:
	@v=$$(dpkg-parsechangelog -l packaging/debian/changelog -SVersion); [ "$$v" = "$(VERSION)" ] || \
		{ echo "packaging/debian/changelog is at $$v, blcr at $(VERSION): add an entry" >&2; exit 1; }
	rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/blcr-$(VERSION)
	$(TREE_FILES) | tar -cf - -T - | tar -xf - -C $(BUILD)/deb/blcr-$(VERSION)
	cp -r packaging/debian $(BUILD)/deb/blcr-$(VERSION)/debian
	cd $(BUILD)/deb/blcr-$(VERSION) && dpkg-buildpackage -us -uc -b

# rpmbuild -tb takes the spec from the tarball. --nodeps: on Debian the
# BuildRequires are met by Debian packages that rpm cannot see.
# RPMBUILD_FLAGS=--nocheck skips the tests (as DEB_BUILD_OPTIONS=nocheck).
RPMBUILD_FLAGS ?=
rpm:
	@v=$$(sed -n 's/^Version: *//p' packaging/rpm/blcr.spec); [ "$$v" = "$(VERSION)" ] || \
		{ echo "packaging/rpm/blcr.spec is at $$v, blcr at $(VERSION): update it" >&2; exit 1; }
	rm -rf $(BUILD)/rpm && mkdir -p $(BUILD)/rpm
	$(TREE_FILES) | tar -czf $(BUILD)/rpm/blcr-$(VERSION).tar.gz --transform 's,^,blcr-$(VERSION)/,' -T -
	rpmbuild -tb --nodeps $(RPMBUILD_FLAGS) --define '_topdir $(abspath $(BUILD)/rpm/top)' --define '_rpmdir $(abspath $(BUILD)/rpm)' \
		--define '_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm' $(BUILD)/rpm/blcr-$(VERSION).tar.gz

check-packages: deb rpm
	tests/packaging/check.sh $(BUILD)

clean:
	rm -rf $(BUILD)
	find src/kmod \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' -o -name '.*.cmd' \
		-o -name '.*.d' -o -name 'modules.order' -o -name 'Module.symvers' \) -delete

.PHONY: all user modules kmod-sources check check-arch check-e2e bench demo install clean deb rpm check-packages
