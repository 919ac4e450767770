#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The systemd unit (TAP): installed where the prefix says, with the paths
# of that prefix; `systemd-analyze verify` clean; ordered before
# network-pre.target and after nothing that waits for the network (so no
# tunnel's unit, wg-quick@, strongswan, networking.service or
# systemd-networkd, can close a cycle with it).  Run from userspace/.
cd "$(dirname "$0")/.." || exit 1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
fail=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
echo "1..6"

make -s install DESTDIR="$T" PREFIX=/usr/local SYSCONFDIR=/usr/local/etc >"$T/log" 2>&1
ok $? "make install DESTDIR PREFIX=/usr/local"
U=$T/usr/local/lib/systemd/system/ercoexist.service
[ -f "$U" ]
ok $? "UNITDIR follows the prefix: /usr/local/lib/systemd/system"
grep -qx "ExecStart=/usr/local/sbin/ercoexistctl daemon /usr/local/etc/ercoexist/ercoexist.conf" "$U" &&
	grep -qx "ConditionPathExists=/usr/local/etc/ercoexist/ercoexist.conf" "$U"
ok $? "the unit runs the daemon from SBINDIR with SYSCONFDIR's config"

# verify resolves ExecStart: point it at the installed binary
mkdir -p "$T/units"
sed "s|/usr/local/sbin/ercoexistctl|$T/usr/local/sbin/ercoexistctl|" "$U" >"$T/units/ercoexist.service"
out=$(SYSTEMD_UNIT_PATH="$T/units:" systemd-analyze verify --man=no \
	"$T/units/ercoexist.service" 2>&1)
rc=$?
[ -n "$out" ] && printf '# %s\n' "${out//$'\n'/$'\n# '}"
[ $rc -eq 0 ] && [ -z "$out" ]
ok $? "systemd-analyze verify: clean"

after=$(sed -n 's/^After=//p' "$U" | tr ' ' '\n' | sort | tr '\n' ' ')
[ "$after" = "local-fs.target systemd-modules-load.service " ]
ok $? "After= only local-fs.target and systemd-modules-load.service (got: $after)"
grep -q "^Before=.*network-pre.target" "$U" && grep -qx "DefaultDependencies=no" "$U" &&
	grep -qx "Type=notify" "$U" && grep -qxF "ExecReload=/bin/kill -HUP \$MAINPID" "$U"
ok $? "Before=network-pre.target, DefaultDependencies=no, Type=notify, ExecReload=kill -HUP"
exit $fail
