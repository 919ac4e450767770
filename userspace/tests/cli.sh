#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# CLI tests of ercoexistctl that need no kernel module (TAP).
#   tests/cli.sh PATH/TO/ercoexistctl
# WRAP (e.g. "valgrind ...") is prefixed to every run.
set -u
BIN=$(realpath "$1")
cd "$(dirname "$0")" || exit 1
PY=/usr/bin/python3
n=0
failed=0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

ok() {	# ok COND-EXIT-STATUS NAME
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		sed 's/^/# stdout: /' "$T/out" | head -20
		sed 's/^/# stderr: /' "$T/err" | head -20
	fi
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

run() {	# run ARGS...: exit status in $rc, output in $T/out, $T/err
	${WRAP:-} "$BIN" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

run -V
[ $rc -eq 0 ] && [ "$(cat "$T/out")" = "ercoexistctl v0.1.0" ]
ok $? "-V prints the version"

run --version
[ $rc -eq 0 ] && grep -qx "ercoexistctl v0.1.0" "$T/out"
ok $? "--version prints the version"

run -h
[ $rc -eq 0 ] && grep -q "failover \[--to vpn|er\]" "$T/out"
ok $? "-h prints usage, exit 0"

run
[ $rc -eq 1 ] && grep -q Usage "$T/err"
ok $? "no command: usage, exit 1"

run frobnicate
[ $rc -eq 1 ] && grep -q "unknown command 'frobnicate'" "$T/err"
ok $? "unknown command: exit 1"

run --bogus status
[ $rc -eq 1 ]
ok $? "unknown global option: exit 1"

run check fixtures/good-spec.conf
[ $rc -eq 0 ] && grep -qx "fixtures/good-spec.conf: ok (2 prefixes)" "$T/out"
ok $? "check accepts the SPEC example"

run check ../examples/ercoexist.conf
[ $rc -eq 0 ]
ok $? "check accepts examples/ercoexist.conf"

for f in fixtures/bad-*.conf; do
	run check "$f"
	[ $rc -eq 1 ] && diff -u "${f%.conf}.err" "$T/err" >/dev/null
	ok $? "check $f: exit 1, exactly the expected errors on stderr"
done

${WRAP:-} "$BIN" check - <fixtures/bad-syntax.conf >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 1 ] && sed 's|fixtures/bad-syntax.conf|<stdin>|' fixtures/bad-syntax.err | diff - "$T/err" >/dev/null
ok $? "check - reads stdin and names it <stdin>"

run -j check fixtures/bad-prefixes.conf
[ $rc -eq 1 ] && $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == 1 and d["valid"] is False
assert len(d["errors"]) == 15, len(d["errors"])
assert d["errors"][0] == {"line": 6, "message": "fixtures/bad-prefixes.conf:6: host bits set in prefix '"'"'10.0.0.1/8'"'"'"}
' "$T/out"
ok $? "-j check: a JSON object with every error"

run -j check fixtures/good-full.conf
[ $rc -eq 0 ] && $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d == {"schema": 1, "file": "fixtures/good-full.conf", "valid": True, "prefixes": 7}, d
' "$T/out"
ok $? "-j check: valid file"

run check fixtures/nonexistent.conf
[ $rc -eq 1 ] && grep -qx "fixtures/nonexistent.conf: No such file or directory" "$T/err"
ok $? "check of a missing file: exit 1"

cat >"$T/nodev.conf" <<'CONF'
[ExpressRoute]
Device = ercx-nodev0
[VPN]
Device = lo
CONF
run load --check "$T/nodev.conf"
[ $rc -eq 1 ] && grep -qx "$T/nodev.conf:2: no such device 'ercx-nodev0'" "$T/err"
ok $? "load --check resolves devices: 'no such device' with file:line"

run check "$T/nodev.conf"
[ $rc -eq 0 ]
ok $? "check does not resolve devices"

run load "$T/nodev.conf"
[ $rc -eq 1 ] && grep -q "no such device" "$T/err" && [ ! -s "$T/out" ]
ok $? "load of a bad config: exit 1 before any kernel contact"

cat >"$T/lo.conf" <<'CONF'
[ExpressRoute]
Device = lo
[VPN]
Device = lo
CONF
run load --check "$T/lo.conf"
[ $rc -eq 1 ] && grep -q "is also the \[ExpressRoute\] Device" "$T/err"
ok $? "load --check: one device for both paths refused"

run failover --to internet
[ $rc -eq 1 ]
ok $? "failover --to internet: usage, exit 1"

run monitor --count 0
[ $rc -eq 1 ]
ok $? "monitor --count 0: usage, exit 1"

run monitor --count x
[ $rc -eq 1 ]
ok $? "monitor --count x: usage, exit 1"

run status extra
[ $rc -eq 1 ]
ok $? "status with an extra argument: exit 1"

# Without the module (the host cannot load it) the family is missing.
if [ -d /sys/module/ercoexist ]; then
	skip "status without the module: exit 3" "the ercoexist module is loaded"
	skip "-j status without the module: exit 3" "the ercoexist module is loaded"
else
	run status
	[ $rc -eq 3 ] && grep -qx "ercoexistctl: the ercoexist module is not loaded (modprobe ercoexist)" "$T/err"
	ok $? "status without the module: exit 3 and the modprobe hint"
	for c in showconf auto failover monitor; do
		run $c
		[ $rc -eq 3 ]
		ok $? "$c without the module: exit 3"
	done
fi

echo "1..$n"
[ $failed -eq 0 ]
