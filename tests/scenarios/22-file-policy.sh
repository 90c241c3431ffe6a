# How cr_checkpoint treats an existing file (BLCR's options): --atomic (the
# default) replaces it only once the new image is complete; --backup keeps
# the old one as FILE.~1~, FILE.~2~..., --backup=NAME as NAME; --clobber
# writes over it (even one the user may not write, by unlinking it first);
# --noclobber refuses it with EEXIST (17) and leaves it alone; the last of
# these options wins. A failed checkpoint leaves the old file and no
# backup (atomic, backup) or no file (clobber). Files are created mode 0400.
# as: root user
# timeout: 120
. /blcr/lib.sh
blcr_load

counter log 50 </dev/null >/dev/null 2>&1 &
pid=$!
counting log || fail "counter did not start"
valid() { cr_info "$1" >/dev/null 2>&1; }
ck() { cr_checkpoint "$@" "$pid"; }
left() { ls -A | grep -v '^log$' | tr '\n' ' '; }
# put TEXT FILE: a plain file in place of FILE (an image is read-only).
put() { rm -f "$2"; echo "$1" >"$2"; }

# --atomic, the default
put old img
ck -f img || fail "atomic: exit $?"
valid img || fail "atomic: img is not an image"
expect_eq "$(stat -c %a img)" 400 "mode of a new image"
expect_eq "$(left)" "img " "atomic: files"

# --backup: numbered, newest highest; --backup=NAME
put one img
ck --backup -f img || fail "backup: exit $?"
expect_eq "$(cat img.~1~)" one "backup: img.~1~"
valid img || fail "backup: img is not an image"
cp img first.img
ck --backup -f img || fail "second backup: exit $?"
cmp -s img.~2~ first.img || fail "backup: img.~2~ is not the previous image"
expect_eq "$(cat img.~1~)" one "backup: img.~1~ after the second"
put named img
ck --backup=kept.img -f img || fail "backup=NAME: exit $?"
expect_eq "$(cat kept.img)" named "backup=NAME: kept.img"
valid img || fail "backup=NAME: img is not an image"
[ ! -e img.~3~ ] || fail "backup=NAME also made img.~3~"
rm -f img* first.img kept.img
ck --backup -f img || fail "backup without an old file: exit $?"
expect_eq "$(left)" "img " "backup without an old file: files"

# --noclobber
put old img
out=$(ck --noclobber -f img 2>&1) && fail "noclobber over an existing file succeeded"
expect_eq "$?" 17 "noclobber: exit status"
expect_match "$out" "^Checkpoint failed: cannot create img: File exists$" "noclobber: message"
expect_eq "$(cat img)" old "noclobber: img"
ck --noclobber -f new.img || fail "noclobber, new file: exit $?"
valid new.img || fail "noclobber: new.img is not an image"
rm -f new.img

# --clobber, over a file its owner may not write (mode 0400 like every image)
chmod 400 img
ck --clobber -f img || fail "clobber: exit $?"
valid img || fail "clobber: img is not an image"
expect_eq "$(left)" "img " "clobber: files"

# The last one wins.
put old img
ck --noclobber --clobber -f img || fail "--noclobber --clobber: exit $?"
valid img || fail "--noclobber --clobber: img"
put old img
out=$(ck --backup=x --clobber --noclobber -f img 2>&1) && fail "--clobber --noclobber succeeded"
expect_eq "$(cat img)" old "--clobber --noclobber: img"
[ ! -e x ] || fail "--backup=x --clobber --noclobber made a backup"

# A failed checkpoint: a process holding a socket.
fdhold unix sock.log </dev/null >/dev/null 2>&1 &
spid=$!
counting sock.log || fail "fdhold did not start"
for policy in --atomic --backup --backup=b.img; do
	put old img
	cr_checkpoint $policy -f img "$spid" 2>/dev/null && fail "$policy: checkpoint of a socket succeeded"
	expect_eq "$(cat img)" old "$policy: img after a failure"
	expect_eq "$(ls -A | grep -v -e '^log$' -e '^sock.log$' | tr '\n' ' ')" "img " "$policy: files after a failure"
done
cr_checkpoint --clobber -f img "$spid" 2>/dev/null && fail "--clobber: checkpoint of a socket succeeded"
[ ! -e img ] || fail "--clobber: a file is left after a failure"
kill "$spid"
counting log || fail "the counter stopped"
kill "$pid"
