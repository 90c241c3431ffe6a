# blcr_imports refuses to load, with one line naming the symbol, when a
# function it must resolve does not exist.
# as: root
. /blcr/lib.sh

blcr_unload
dmesg -c >/dev/null
if insmod $MODDIR/blcr_imports.ko test_import=blcr_no_such_function 2>/dev/null; then
	fail "blcr_imports loaded although a symbol is missing"
fi
module_loaded blcr_imports && fail "blcr_imports is loaded"
log=$(dmesg)
echo "$log"
expect_match "$log" '^(\[[ 0-9.]+\] )?blcr_imports: refusing to load: blcr_no_such_function: no such kernel function$' "refusal line"
# And blcr cannot load without it.
insmod $MODDIR/blcr.ko 2>/dev/null && fail "blcr loaded without blcr_imports"
blcr_load
