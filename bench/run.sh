#!/bin/bash
# make bench: blcr against CRIU and dd, side by side in one boot of Debian's
# 6.12 kernel under qemu (TCG, -cpu max,-erms, 3 GiB), images on tmpfs.
# A benchmark, not a test: it fails only when something breaks (a build, the
# guest, a checkpoint or restart, a restored process's memory check), never
# because a target is missed.
#
# Workloads (memhog: anonymous memory filled with a pattern it checks after
# the restore): 256 MiB and 1 GiB touched, and a 4 GiB mapping with 4 MiB
# touched. Per workload and repetition: dd of the touched size to tmpfs,
# cr_checkpoint --kill / cr_restart, criu dump / criu restore -d.
#
# Environment: BUILD (default ./build; output in $BUILD/bench), BLCR_CACHE,
# BENCH_REPS (default 3; the medians are reported), BENCH_WORKLOADS
# (default "256M:256:256 1G:1024:1024 4G-sparse:4096:4", NAME:MAP_MIB:TOUCH_MIB).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
out=$build/bench
line=6.12
reps=${BENCH_REPS:-3}
workloads=${BENCH_WORKLOADS:-256M:256:256 1G:1024:1024 4G-sparse:4096:4}
cache=${BLCR_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/blcr}/bench

# The machine is shared: everything here, qemu included, at the lowest priority.
renice -n 19 -p $$ >/dev/null 2>&1 || true

"$top/tests/deps.sh"
if ! command -v criu >/dev/null && ! [ -x /usr/sbin/criu ]; then
	[ "$(id -u)" -eq 0 ] || { echo "bench: Debian's criu package is missing; install it as root" >&2; exit 1; }
	echo "bench: installing criu" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends criu >/dev/null
fi
criu=$(command -v criu || echo /usr/sbin/criu)

cmake -S "$top" -B "$build/user" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build/user" -j"$(nproc)" >/dev/null

rm -rf "$out" && mkdir -p "$out"/{extra/blcr/bin,extra/lib/bench,extra/usr/sbin,scenarios}
for prog in memhog timeit; do
	gcc -O2 -Wall -Wextra -Wshadow -Wconversion -Werror -o "$out/extra/blcr/bin/$prog" "$top/bench/$prog.c"
done
cp "$criu" "$out/extra/usr/sbin/criu"

# The modules criu needs (kerndat probes nftables), from the same kernel
# package; kernels.sh keeps only its /boot.
read -r release _ _ < <("$top/tests/vm/kernels.sh" "$line")
mods=$cache/$release
if [ ! -f "$mods/.complete" ]; then
	echo "bench: fetching the netfilter modules of $release for criu" >&2
	rm -rf "$mods" && mkdir -p "$mods/deb"
	(cd "$mods/deb" && apt-get download -q "linux-image-$release" >&2)
	dpkg-deb --fsys-tarfile "$mods"/deb/*.deb | tar -x -C "$mods/deb" --wildcards \
		'*/crc32c_generic.ko.xz' '*/libcrc32c.ko.xz' '*/nfnetlink.ko.xz' '*/nf_tables.ko.xz'
	find "$mods/deb" -name '*.ko.xz' -exec sh -c 'xz -dc "$1" >"$2/$(basename "$1" .xz)"' _ {} "$mods" \;
	rm -rf "$mods/deb"
	touch "$mods/.complete"
fi
cp "$mods"/*.ko "$out/extra/lib/bench/"

printf 'REPS=%s\nWORKLOADS="%s"\n' "$reps" "$workloads" >"$out/extra/blcr/bench.conf"
cp "$top/bench/guest.sh" "$out/scenarios/bench.sh"

source=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)
host_cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
header="bench: $(date -u '+%Y-%m-%d %H:%M UTC'), blcr $source, host $host_cpu ($(nproc) cores)"
echo "$header"
echo "bench: $workloads, $reps repetitions, kernel $release, qemu TCG -cpu max,-erms -m 3G (takes a while)"
set +e
"$top/tests/vm/run.sh" --line "$line" --userbuild "$build/user" --out "$out/vm" \
	--cpu max,-erms --mem 3G --scenarios "$out/scenarios" --extra "$out/extra" | tee "$out/run.log"
status=${PIPESTATUS[0]}
set -e

# Medians over the repetitions, then the ratios the targets are about.
{ echo "$header"; grep -E '^(guest:|criu:|hook overhead)' "$out/run.log"; } >"$out/results.txt"
grep '^RESULT ' "$out/run.log" | awk -v out="$out/results.txt" '
function median(key,   n, i, j, t, v) {
	n = split(vals[key], v, " ")
	if (n == 0) return ""
	for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j-1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t }
	return n % 2 ? v[(n+1)/2] : (v[n/2] + v[n/2+1]) / 2
}
function spread(key,   n, v, i, lo, hi) {
	n = split(vals[key], v, " ")
	if (n < 2) return ""
	lo = hi = v[1]
	for (i = 2; i <= n; i++) { if (v[i] + 0 < lo + 0) lo = v[i]; if (v[i] + 0 > hi + 0) hi = v[i] }
	return sprintf(" [%.3f-%.3f]", lo, hi)
}
function sec(key) { m = median(key); return m == "" ? "-" : sprintf("%.3f s%s", m, spread(key)) }
function mib(key) { m = median(key); return m == "" ? "-" : sprintf("%.2f MiB", m / 1048576) }
function kib(key) { m = median(key); return m == "" ? "-" : sprintf("%.2f MiB", m / 1024) }
function verdict(ok) { return ok ? "met" : "NOT met" }
function p(s) { print s; print s >>out }
{
	if (!($2 in seen)) { seen[$2] = 1; order[++nw] = $2 }
	k = $2 SUBSEP $4
	vals[k] = (k in vals) ? vals[k] " " $5 : $5
}
END {
	p("medians over the repetitions [min-max]:")
	for (i = 1; i <= nw; i++) {
		w = order[i]
		p(sprintf("%s: mapped %s, touched %s", w, mib(w SUBSEP "mapped_bytes"), mib(w SUBSEP "touched_bytes")))
		p(sprintf("  dd                  %s", sec(w SUBSEP "dd_s")))
		p(sprintf("  blcr checkpoint     %s, image %s", sec(w SUBSEP "blcr_ckpt_s"), mib(w SUBSEP "blcr_image_bytes")))
		p(sprintf("  blcr restart        %s", sec(w SUBSEP "blcr_restart_s")))
		if (median(w SUBSEP "blcr_validate_s") != "")
			p(sprintf("    (cr_info, a user-space check of the whole file, page data included: %s)", sec(w SUBSEP "blcr_validate_s")))
		p(sprintf("  criu dump           %s, images %s", sec(w SUBSEP "criu_dump_s"), mib(w SUBSEP "criu_image_bytes")))
		p(sprintf("  criu restore        %s", sec(w SUBSEP "criu_restore_s")))
		p(sprintf("  resident memory     %s before, %s after blcr restart, %s after criu restore",
			kib(w SUBSEP "rss_kib"), kib(w SUBSEP "blcr_rss_kib"), kib(w SUBSEP "criu_rss_kib")))
		dd = median(w SUBSEP "dd_s"); ck = median(w SUBSEP "blcr_ckpt_s"); rs = median(w SUBSEP "blcr_restart_s")
		du = median(w SUBSEP "criu_dump_s"); cr = median(w SUBSEP "criu_restore_s")
		im = median(w SUBSEP "blcr_image_bytes"); tb = median(w SUBSEP "touched_bytes")
		if (ck != "" && dd != "")
			p(sprintf("  checkpoint / dd            = %6.2f   (target <= 1.3: %s)", ck / dd, verdict(ck / dd <= 1.3)))
		if (ck != "" && du != "")
			p(sprintf("  criu dump / checkpoint     = %6.2f   (target >= 3: %s)", du / ck, verdict(du / ck >= 3)))
		if (rs != "" && cr != "")
			p(sprintf("  criu restore / restart     = %6.2f   (target >= 3: %s)", cr / rs, verdict(cr / rs >= 3)))
		if (im != "" && tb != "")
			p(sprintf("  blcr image / touched       = %6.4f (target <= 1.01: %s)", im / tb, verdict(im / tb <= 1.01)))
	}
}'

if [ "$status" -ne 0 ]; then
	echo "bench: FAILED: something broke (see above, $out/run.log and $out/vm/console.log)"
	exit 1
fi
echo "bench: done; figures in $out/results.txt"
