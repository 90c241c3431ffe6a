# blcr_imports then blcr load; the control file appears, open to everyone.
# as: root
. /blcr/lib.sh

blcr_unload
dmesg -c >/dev/null
insmod $MODDIR/blcr_imports.ko
insmod $MODDIR/blcr.ko

module_loaded blcr_imports || fail "blcr_imports is not in /proc/modules"
module_loaded blcr || fail "blcr is not in /proc/modules"
# blcr uses blcr_imports: the kernel records the dependency.
expect_match "$(grep '^blcr_imports ' /proc/modules)" ' 1 blcr,' "blcr_imports users"

expect_eq "$(stat -c %a /proc/checkpoint/ctrl)" 666 "mode of /proc/checkpoint/ctrl"

log=$(dmesg)
echo "$log"
expect_match "$log" 'blcr_imports: [0-9.]+: [0-9]+ kernel functions resolved' "blcr_imports load message"
# blcr's architecture names are the kernel's (arm64), not uname's (aarch64).
arch=$(uname -m | sed 's/^aarch64$/arm64/')
expect_match "$log" "blcr: [0-9.]+ loaded \\($arch, kernel interface 1\\.2, /proc/checkpoint/ctrl\\)" "blcr load message"
# The import module's line comes first.
first=$(echo "$log" | grep -nE 'blcr_imports: [0-9.]+:' | cut -d: -f1)
second=$(echo "$log" | grep -n 'blcr: .* loaded' | cut -d: -f1)
[ "$first" -lt "$second" ] || fail "blcr loaded before blcr_imports"
