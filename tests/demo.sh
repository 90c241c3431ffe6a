#!/bin/sh
# make demo, inside the guest: the modules load and a user talks to them.
# (Checkpoint and restart join the demo as they land.)
. /blcr/lib.sh
set -x
insmod $MODDIR/blcr_imports.ko
insmod $MODDIR/blcr.ko
grep blcr /proc/modules
dmesg | grep -E 'blcr(_imports)?:'
ls -l /proc/checkpoint/ctrl
runas 1000 1000 cr_checkpoint --version
runas 1000 1000 cr_restart --version
