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
# The host rules (rp_filter, tunnel MTU) read $ERCX_PROCFS_ROOT/proc and /sys:
# point them at a directory that does not exist unless a test says otherwise.
NOPROC=$PWD/fixtures/procfs/none
export ERCX_PROCFS_ROOT=$NOPROC
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

# The admin guide shows examples/keepalived.conf whole: the same lines
guide=../../Documentation/admin-guide.rst
sed -n '/^\.\. begin: userspace\/examples\/keepalived.conf$/,/^\.\. end: userspace\/examples\/keepalived.conf$/p' "$guide" |
	sed -e '1,/^::$/d' -e '$d' | sed -e 's/^  //' | sed -e '/./,$!d' |
	sed -e ':a' -e '/^\n*$/{$d;N;ba' -e '}' >"$T/out"
[ -s "$T/out" ] && diff -u ../examples/keepalived.conf "$T/out" >"$T/err"
ok $? "the admin guide's keepalived.conf is examples/keepalived.conf"

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
[ $rc -eq 0 ] && [ ! -s "$T/err" ] && $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = d.pop("findings")
assert d == {"schema": 1, "file": "fixtures/good-full.conf", "valid": True, "strict": False,
             "errors": [], "warnings": 4, "prefixes": 7}, d
assert [(x["rule"], x["severity"], x["line"]) for x in f] == [
    ("path-address-steered", "warning", 5), ("path-address-steered", "warning", 15),
    ("prefix-vpn-more-specific", "warning", 36), ("azure-vpn-sku-unlisted", "warning", 47)], f
assert all(set(x) == {"rule", "severity", "line", "message"} for x in f), f
' "$T/out"
ok $? "-j check: valid file with four warnings: exit 0, findings with rule, severity, line, message, nothing on stderr"

run check fixtures/good-full.conf
[ $rc -eq 0 ] && grep -qx "fixtures/good-full.conf: ok (7 prefixes, 4 warnings)" "$T/out" &&
	[ "$(grep -c '^fixtures/good-full.conf:[0-9]*: warning\[' "$T/err")" = 4 ]
ok $? "check: warnings alone exit 0, printed as FILE:LINE: warning[RULE]: ..."

run check --strict fixtures/good-full.conf
[ $rc -eq 1 ] && [ ! -s "$T/out" ] && [ "$(grep -c '^fixtures/good-full.conf:[0-9]*: warning\[' "$T/err")" = 4 ] &&
	[ "$(tail -n 1 "$T/err")" = "fixtures/good-full.conf: 4 warnings (--strict: warnings fail)" ]
ok $? "check --strict: warnings fail with exit 1 and say why"

run -j check --strict fixtures/good-full.conf
[ $rc -eq 1 ] && [ ! -s "$T/err" ] && $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] is False and d["strict"] is True and d["warnings"] == 4 and d["errors"] == [], d
' "$T/out"
ok $? "-j check --strict: valid false, strict true, exit 1"

run check --strict fixtures/good-spec.conf
[ $rc -eq 0 ] && grep -qx "fixtures/good-spec.conf: ok (2 prefixes)" "$T/out" && [ ! -s "$T/err" ]
ok $? "check --strict: a file without warnings passes"

run check --bogus fixtures/good-spec.conf
[ $rc -eq 1 ] && grep -q "Usage: ercoexistctl check \[--strict\] \[FILE|-\]" "$T/err"
ok $? "check --bogus: usage, exit 1"

run check --help
[ $rc -eq 0 ] && grep -q "check \[--strict\]" "$T/out" && [ ! -s "$T/err" ]
ok $? "check --help: usage on stdout, exit 0"

# Every command: COMMAND --help prints its usage on stdout and exits 0
for c in load check showconf status get failover auto monitor flush daemon health; do
	run "$c" --help
	[ $rc -eq 0 ] && grep -q "^Usage: ercoexistctl $c\b" "$T/out" && [ ! -s "$T/err" ]
	ok $? "$c --help: usage on stdout, exit 0"
done
for c in showconf status auto flush; do
	run "$c" extra
	[ $rc -eq 1 ] && grep -q "^ercoexistctl $c: takes no argument ('extra')" "$T/err" &&
		grep -q "^Usage: ercoexistctl $c\b" "$T/err" && [ ! -s "$T/out" ]
	ok $? "$c extra: refused with its usage on stderr, exit 1"
done

run get not-an-address
[ $rc -eq 1 ] && grep -qx "ercoexistctl get: 'not-an-address' is not an IPv4 or IPv6 address" "$T/err"
ok $? "get with something that is not an address: named in the error, exit 1"

# -n NETNS as with ip -n: a namespace that does not exist is one clear error
run -n ercx-no-such-ns status
[ $rc -eq 1 ] && grep -qx "ercoexistctl: -n ercx-no-such-ns: /run/netns/ercx-no-such-ns: No such file or directory" "$T/err"
ok $? "-n with a missing namespace: named in the error, exit 1"
run -n ../etc status
[ $rc -eq 1 ] && grep -q "invalid namespace name '../etc'" "$T/err"
ok $? "-n with a path: refused"

# The same keys whatever the result; -j never repeats the findings on stderr
for f in fixtures/good-spec.conf fixtures/bad-syntax.conf fixtures/rules/azure-vpn-type.fail.conf; do
	run -j check "$f"
	[ ! -s "$T/err" ] && $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert sorted(d) == ["errors", "file", "findings", "prefixes", "schema", "strict", "valid", "warnings"], sorted(d)
assert isinstance(d["errors"], list) and isinstance(d["findings"], list), d
' "$T/out"
	ok $? "-j check $f: the same keys, nothing on stderr"
done

# Bytes that are not UTF-8 in a value end up in messages: the JSON stays UTF-8
printf '[ExpressRoute]\nDevice = er0\nGateway = 192.0.2.\377\376\n[VPN]\nDevice = \303\251t\300\257\n' >"$T/latin.conf"
run -j check "$T/latin.conf"
[ $rc -eq 1 ] && $PY -c '
import json, sys
raw = open(sys.argv[1], "rb").read()
d = json.loads(raw.decode("utf-8", "strict"))
m = [e["message"] for e in d["errors"]]
assert m[0].endswith("invalid address \x27192.0.2.\ufffd\ufffd\x27"), m
assert len(m) == 1, m
' "$T/out"
ok $? "-j check: bytes that are not UTF-8 are escaped as U+FFFD, valid UTF-8 stays"
$PY -c '
import json, sys
d = json.loads(open(sys.argv[1], "rb").read().decode("utf-8", "strict"))
assert d["prefixes"] == 0 and d["findings"] == [], d
' "$T/out"
ok $? "-j check: invalid UTF-8 file: prefixes 0, findings []"

printf '\357\273\277' | cat - fixtures/good-spec.conf >"$T/bom.conf"
run check "$T/bom.conf"
[ $rc -eq 0 ] && grep -qx "$T/bom.conf: ok (2 prefixes)" "$T/out"
ok $? "check: a UTF-8 byte order mark is accepted"

$PY -c 'import sys; sys.stdout.buffer.write(open(sys.argv[1]).read().encode("utf-16"))' fixtures/good-spec.conf >"$T/u16.conf"
run check "$T/u16.conf"
[ $rc -eq 1 ] && [ "$(cat "$T/err")" = "$T/u16.conf:1: UTF-16 text (a UTF-16 or UTF-32 byte order mark): save the file as UTF-8
$T/u16.conf: 1 error" ]
ok $? "check: UTF-16 is one clear error"

run check fixtures
[ $rc -eq 1 ] && [ "$(cat "$T/err")" = "fixtures: Is a directory
fixtures: 1 error" ]
ok $? "check of a directory: one clear error"

{ cat fixtures/good-spec.conf; printf '# %05000d\n' 0; } >"$T/long.conf"
run check "$T/long.conf"
[ $rc -eq 1 ] && [ "$(head -n 1 "$T/err")" = "$T/long.conf:$(($(wc -l <fixtures/good-spec.conf) + 1)): line longer than 4096 bytes" ]
ok $? "check: a line over 4096 bytes is an error at its line"

run check /dev/zero
[ $rc -eq 1 ] && grep -qx "/dev/zero: larger than 16 MiB, the limit for a config file" "$T/err"
ok $? "check /dev/zero: stops at 16 MiB with one error"

# The shipped example on this host: probe-not-via-er speaks only where the
# ER device (er0) exists, so a laptop gets no warning
ERCX_PROCFS_ROOT= run check --strict ../examples/ercoexist.conf
if [ -e /sys/class/net/er0 ]; then
	skip "the shipped example passes check --strict on a host without er0" "this host has an er0"
else
	[ $rc -eq 0 ] && [ ! -s "$T/err" ] && grep -qx "../examples/ercoexist.conf: ok (2 prefixes)" "$T/out"
	ok $? "the shipped example passes check --strict on a host without er0 (no probe-not-via-er)"
fi

run -j check fixtures/bad-syntax.conf
[ $rc -eq 1 ] && $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] is False and d["findings"] == [] and d["warnings"] == 0, d
' "$T/out"
ok $? "-j check: syntax errors stop before the rules (findings empty)"

# Every rule fixture through the real binary: exit status and diagnostics.
for f in fixtures/rules/*.conf; do
	root=$NOPROC
	p=$(sed -n 's/^# procfs: //p' "$f")
	[ -n "$p" ] && root=$PWD/fixtures/procfs/$p
	sed -n 's/^# expect: \([^ ]*\) \([^ ]*\) \([0-9]*\)$/\3 \2 \1/p' "$f" >"$T/want"
	ERCX_PROCFS_ROOT=$root run check "$f"
	sed -n "s|^$f:\([0-9]*\): \([a-z]*\)\[\([a-z0-9-]*\)\]: .*|\1 \2 \3|p" "$T/err" >"$T/got"
	want_rc=0
	grep -q " error " "$T/want" && want_rc=1
	if [ -s "$T/want" ]; then
		nw=$(wc -l <"$T/want")
		[ $rc -eq $want_rc ] && diff "$T/want" "$T/got" >/dev/null &&
			[ "$(wc -l <"$T/err")" -eq $((nw + want_rc)) ]
		ok $? "check $f: exit $want_rc, $(tr '\n' ' ' <"$T/want")"
	else
		[ $rc -eq 0 ] && [ ! -s "$T/err" ] && grep -q ": ok (" "$T/out"
		ok $? "check $f: exit 0, no diagnostics"
	fi
done

ERCX_PROCFS_ROOT=$PWD/fixtures/procfs/gw-strict run -j check fixtures/rules/rp-filter-strict.fail.conf
[ $rc -eq 0 ] && $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] is True and d["warnings"] == 1, d
x = d["findings"][0]
assert (x["rule"], x["severity"], x["line"]) == ("rp-filter-strict", "warning", 5), x
assert "net.ipv4.conf.er0.rp_filter=2" in x["message"], x
' "$T/out"
ok $? "-j check: rp-filter-strict from a fake procfs, with the sysctl remedy"

run check --list-rules
[ $rc -eq 0 ] && [ "$(wc -l <"$T/out")" -ge 24 ]
ok $? "check --list-rules lists the rules"
cut -d' ' -f1 "$T/out" >"$T/rules"
miss=
while read -r r; do
	grep -qxF ".B ${r//-/\\-}" ../man/ercoexistctl.8 || miss="$miss man:$r"
	grep -q "\`\`$r\`\`" ../../Documentation/admin-guide-azure.rst || miss="$miss rst:$r"
done <"$T/rules"
[ -z "$miss" ] || echo "# missing:$miss"
[ -z "$miss" ]
ok $? "every rule id is documented in ercoexistctl(8) and admin-guide-azure.rst"

run -j check --list-rules
[ $rc -eq 0 ] && $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
ids = [r["rule"] for r in d["rules"]]
assert len(ids) == len(set(ids)) and "azure-gatewaysubnet-size" in ids, ids
assert {r["severity"] for r in d["rules"]} == {"error", "warning"}, d
' "$T/out"
ok $? "-j check --list-rules: rule, severity, summary"

# The real /proc: a path device on this host (lo) gets the warning exactly
# when max(all, lo) rp_filter is 1.
cat >"$T/host.conf" <<'CONF'
[ExpressRoute]
Device = lo
[VPN]
Device = ercx-nodev0
CONF
all=$(cat /proc/sys/net/ipv4/conf/all/rp_filter 2>/dev/null || echo 0)
lo=$(cat /proc/sys/net/ipv4/conf/lo/rp_filter 2>/dev/null || echo 0)
eff=$((all > lo ? all : lo))
ERCX_PROCFS_ROOT= run check "$T/host.conf"
if [ "$eff" -eq 1 ]; then
	[ $rc -eq 0 ] && grep -q "^$T/host.conf:2: warning\[rp-filter-strict\]" "$T/err"
else
	[ $rc -eq 0 ] && ! grep -q "rp-filter-strict" "$T/err"
fi
ok $? "check reads the host's /proc: lo rp_filter all=$all lo=$lo -> effective $eff"

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
[ $rc -eq 0 ] && grep -q "^$T/nodev.conf:2: warning\[device-missing\]: \[ExpressRoute\] Device ercx-nodev0 does not exist" "$T/err" &&
	! grep -q "Device lo" "$T/err"
ok $? "load --check resolves devices: a missing one is a warning with file:line, exit 0"

run check "$T/nodev.conf"
[ $rc -eq 0 ]
ok $? "check: a missing device is not an error"

printf '[ExpressRoute]\nDevice = ercx-nodev0\n[VPN]\nDevice = lo\n[Policy]\nPrefix = 10.0.0.0/33 er\n' >"$T/bad.conf"
run load "$T/bad.conf"
[ $rc -eq 1 ] && grep -q "prefix length out of range" "$T/err" && [ ! -s "$T/out" ]
ok $? "load of a bad config: exit 1 before any kernel contact"

# A second device that exists here, for load tests that must get past
# "no such device" (the module is not loaded on the host: a load that goes
# on to the kernel ends with exit 3).
dev2=$(ls /sys/class/net 2>/dev/null | grep -vx lo | sed -n 1p)
dev3=$(ls /sys/class/net 2>/dev/null | grep -vx lo | sed -n 2p)
if [ -n "$dev2" ] && [ -n "$dev3" ]; then
	cat >"$T/rule-err.conf" <<CONF
[ExpressRoute]
Device = lo
[VPN]
Device = $dev2
Peer = 203.0.113.10
[Underlay]
Device = $dev3
[Azure]
GatewaySubnet = 10.17.255.224/28
CONF
	run load "$T/rule-err.conf"
	[ $rc -eq 1 ] && grep -q "^$T/rule-err.conf:9: error\[azure-gatewaysubnet-size\]" "$T/err" &&
		! grep -q "module is not loaded" "$T/err" && [ ! -s "$T/out" ]
	ok $? "load refuses a coexistence error with exit 1 before any kernel contact"

	run -j load "$T/rule-err.conf"
	[ $rc -eq 1 ] && $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] is False and d["findings"][0]["rule"] == "azure-gatewaysubnet-size", d
' "$T/out"
	ok $? "-j load: the refusal as JSON findings"

	sed -i 's|/28|/27\nAsn = 65001|' "$T/rule-err.conf"
	run load --check "$T/rule-err.conf"
	[ $rc -eq 0 ] && grep -q "^$T/rule-err.conf:10: warning\[azure-asn\]" "$T/err" &&
		grep -q ": ok (0 prefixes, 1 warning)" "$T/out"
	ok $? "load --check: a warning alone exits 0"

	run load "$T/rule-err.conf"
	if [ -d /sys/module/ercoexist ]; then
		skip "load with a warning goes on to the kernel" "the ercoexist module is loaded"
	else
		[ $rc -eq 3 ] && grep -q "warning\[azure-asn\]" "$T/err" &&
			grep -q "module is not loaded" "$T/err"
		ok $? "load prints a warning and goes on to the kernel (exit 3 here: no module)"
	fi
else
	for t in 1 2 3 4; do
		skip "load with rule findings ($t)" "needs two network devices besides lo"
	done
fi

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

run health extra
[ $rc -eq 1 ] && grep -qx "Usage: ercoexistctl health \[-q|--quiet\] \[--path any|er|vpn\]" "$T/err" && [ ! -s "$T/out" ]
ok $? "health with an extra argument: usage on stderr, exit 1"

run health --path internet
[ $rc -eq 1 ] && grep -q "^Usage: ercoexistctl health" "$T/err"
ok $? "health --path internet: usage, exit 1"

run health --help
grep -q "4 when not" "$T/out"
ok $? "health --help names its exit status 4"

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
	# a keepalived track script: non-zero, one line on stderr; -q: silent
	run health --path er
	[ $rc -eq 3 ] && [ ! -s "$T/out" ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
		grep -qx "ercoexistctl: the ercoexist module is not loaded (modprobe ercoexist)" "$T/err"
	ok $? "health without the module: exit 3, the hint as its one line on stderr"
	run health -q
	[ $rc -eq 3 ] && [ ! -s "$T/out" ] && [ ! -s "$T/err" ]
	ok $? "health -q without the module: exit 3, nothing printed"
	run -j health --quiet
	[ $rc -eq 3 ] && [ ! -s "$T/err" ]
	ok $? "-j health --quiet without the module: exit 3, nothing on stderr"
fi

echo "1..$n"
[ $failed -eq 0 ]
