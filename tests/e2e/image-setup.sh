#!/bin/sh
# Runs once per cached image, in the image-building guest, chrooted into
# the new root after debootstrap's second stage (tests/e2e/image-init.sh):
# installs the 6.1 kernel packages the host copied to /e2e-setup/debs and
# makes the system start the test driver (blcr-e2e.service) at every boot.
# Nothing of blcr is installed here: the test installs it.
set -eux
export DEBIAN_FRONTEND=noninteractive LC_ALL=C PATH=/usr/sbin:/usr/bin:/sbin:/bin
# debootstrap unmounts /proc and /sys when its second stage ends.
[ -e /proc/self ] || mount -t proc proc /proc
[ -e /sys/kernel ] || mount -t sysfs sys /sys

echo blcr-e2e >/etc/hostname
printf '127.0.0.1\tlocalhost\n127.0.1.1\tblcr-e2e\n' >/etc/hosts
echo '/dev/vda / ext4 rw,errors=remount-ro 0 1' >/etc/fstab
# root may log in on the serial console without a password (debugging);
# "user" (uid 1000) is the unprivileged user of the test.
passwd -d root
useradd -m -u 1000 -s /bin/bash user

# The test driver: runs once per boot after multi-user.target when the
# kernel command line has blcr_e2e=; the payload disk goes to /mnt/e2e.
mkdir -p /mnt/e2e
install -m 0644 /e2e-setup/blcr-e2e.service /etc/systemd/system/blcr-e2e.service
systemctl enable blcr-e2e.service
systemctl set-default multi-user.target
# apt's daily jobs would take the dpkg lock in the middle of a test.
systemctl mask apt-daily.timer apt-daily-upgrade.timer

# The running kernel of the first test boot, as a user's system has it:
# image (modules, update-initramfs), headers for DKMS.
apt-get install -y --no-install-recommends /e2e-setup/debs/*.deb
ls -l /boot

# Offline from here on: apt knows only the installed packages.
apt-get clean
rm -rf /var/lib/apt/lists/* /e2e-setup
