#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The release number lives in include/blcr_version.h; dkms.conf must agree.
# usage: check_versions.sh SOURCE_DIR
set -eu
top=$1
want=$(sed -n 's/^#define BLCR_VERSION "\(.*\)"/\1/p' "$top/include/blcr_version.h")
got=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
[ "$want" = "$got" ] || { echo "dkms.conf says $got, blcr_version.h says $want"; exit 1; }
echo "version $want"
