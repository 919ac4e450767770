# SPDX-License-Identifier: GPL-2.0
#
# ercoexist: top-level build.
#   make            build kmod/ercoexist.ko and userspace/ercoexistctl
#   make deps       install every Debian package the build, tests and demo need
#   make check      host unit tests, then the VM kselftests on Debian's 6.1 and 6.12
#   make demo       boot a VM with the SPEC topology and show a failover
#   make bench-failover  the failover benchmark against FRR and stock Linux in
#                   the VM (not part of check): RUNS=10
#                   CASES="carrier down blackhole switch" KERNEL=6.12 ...
#                   (benchmarks/README.md); results in benchmarks/results/
#   make bench-lookup  the prefix table's lookup cost against N on the host
#                   (ns, callgrind instructions and cache misses) against a
#                   plain radix tree, no VM (not part of check); results in
#                   benchmarks/results/lookup.*
#   make lint       checkpatch --strict, sparse and W=1 on every installed kernel,
#                   kernel-doc -Wall and a kernel-doc comment on every
#                   non-static kernel function, no circle of calls between
#                   the kernel files
#   make fuzz       longer runs of the fuzzers than check's: the core's
#                   libFuzzer targets (MSS rewrite, prefix table),
#                   FUZZ_SECONDS (600) each, FUZZ_SEED (1), check: 60 s each;
#                   then in the VM on KERNEL (debug) the netlink fuzzer
#                   (make nlfuzz: NLFUZZ_MESSAGES (1000000, check: 100000)
#                   messages as root, NLFUZZ_CONC_MS (60000) of concurrency,
#                   NLFUZZ_PRIV (50000) per privilege phase, NLFUZZ_SEED) and
#                   the packet fuzzer (make mssfuzz: 75-mss-fuzz with
#                   MSSFUZZ_N (100000, check: 10000, 1000 on debug) random
#                   SYNs, MSSFUZZ_SEED); seeds default to the clock and are
#                   printed either way
#   make stress     the stress suite (selftests/net/95-stress.sh) with the
#                   issue's counts (ERCX_STRESS=full: 100,000-prefix
#                   policies replaced 20 times, 50 rmmod/insmod, 200
#                   namespaces, 100 carrier changes/s for 10 s) in the VM on
#                   KERNEL (debug); check runs it with smaller counts
#   make install    the module (for KDIR's kernel) and ercoexistctl, man pages,
#                   completion and systemd unit (DESTDIR=, PREFIX=/usr)
#   make dkms-install  the module through DKMS, rebuilt on kernel upgrades:
#                   sources to /usr/src/ercoexist-VERSION, dkms add, build and
#                   install for DKMS_KERNELS (default: every kernel with
#                   headers); root, into the running system (no DESTDIR)
#   make dkms-remove   dkms remove ercoexist/VERSION --all, and its sources

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

# The kernel build tree: the running kernel's when present, else the newest
# installed linux-headers-*-amd64.
KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; \
	  if [ -d $$d ]; then echo $$d; else \
	  ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1; fi)

.PHONY: all kmod userspace deps check unit vmtest demo lint clean spec-check \
	install bench-failover bench-lookup fuzz nlfuzz mssfuzz stress dkms-install dkms-remove

all: kmod userspace

kmod:
	$(MAKE) -C kmod KDIR=$(KDIR)

userspace:
	$(MAKE) -C userspace

deps:
	$(TOP)/scripts/install-deps.sh

# One line at the end: "N passed, N failed, N skipped"; non-zero on failure.
check: deps
	$(TOP)/selftests/check.sh

unit:
	$(TOP)/selftests/check.sh --unit-only

vmtest:
	$(TOP)/selftests/check.sh --vm-only

demo: deps
	$(TOP)/selftests/vm/run.sh --demo

# A benchmark, never a pass/fail test: not part of check.
BENCH_VARS := RUNS CASES SYSTEMS PROBE_INTERVALS PROBE_MULT RATE PRE DOWN POST \
	TCP_RUNS TCP_RATE FRR_FAST_MS PEERS KERNEL NO_DEPS TAG LATEST NOTE_FILE
bench-failover:
	$(TOP)/benchmarks/run.sh $(foreach v,$(BENCH_VARS),$(if $($(v)),'$(v)=$($(v))'))

# On the host, no VM; SIZES="10 1000" RUNS=7 L=1000000 CG_L=100000 DISTS=bgp
bench-lookup:
	$(TOP)/benchmarks/lookup.sh

lint:
	$(TOP)/scripts/lint.sh

FUZZ_SECONDS ?= 600
FUZZ_SEED ?= 1
# The VM's kernel for fuzz and stress (KERNEL= is bench-failover's too)
VM_KERNEL = $(or $(KERNEL),debug)
# Each part runs even when one before failed; fuzz fails if any did.
fuzz:
	@rc=0; \
	$(MAKE) -C kmod/core/test libfuzz FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_SEED=$(FUZZ_SEED) || rc=1; \
	$(MAKE) --no-print-directory nlfuzz || rc=1; \
	$(MAKE) --no-print-directory mssfuzz || rc=1; \
	exit $$rc

# The netlink fuzzer (selftests/genl/fuzz.sh) in the VM, longer than in
# check.  About 2 s of debug-kernel guest time per 1,000 messages: the
# suite's watchdog grows with the count.
NLFUZZ_MESSAGES ?= 1000000
NLFUZZ_CONC_MS ?= 60000
NLFUZZ_PRIV ?= 50000
NLFUZZ_SEED ?=
nlfuzz:
	ERCX_SUITE_TIMEOUT=$$(( 600 + $(NLFUZZ_MESSAGES) / 1000 )) \
	ERCX_VM_TIMEOUT=$$(( 3 * (900 + $(NLFUZZ_MESSAGES) / 1000) )) \
	$(TOP)/selftests/vm/run.sh --kernel $(VM_KERNEL) --suite selftests/genl/fuzz.sh \
		--env ERCX_FUZZ_MESSAGES=$(NLFUZZ_MESSAGES) \
		--env ERCX_FUZZ_CONC_MS=$(NLFUZZ_CONC_MS) \
		--env ERCX_FUZZ_PRIV_MESSAGES=$(NLFUZZ_PRIV) \
		$(if $(NLFUZZ_SEED),--env ERCX_FUZZ_SEED=$(NLFUZZ_SEED))

# The packet fuzzer (selftests/net/75-mss-fuzz.sh) with more random SYNs:
# 10,000 take ~50 s on 6.12, the debug kernel several times that
MSSFUZZ_N ?= 100000
MSSFUZZ_SEED ?=
mssfuzz:
	ERCX_SUITE_TIMEOUT=$$(( 600 + $(MSSFUZZ_N) / 20 )) \
	ERCX_VM_TIMEOUT=$$(( 3 * (900 + $(MSSFUZZ_N) / 20) )) \
	$(TOP)/selftests/vm/run.sh --kernel $(VM_KERNEL) --suite selftests/net/75-mss-fuzz.sh \
		--env ERCX_MSSFUZZ_N=$(MSSFUZZ_N) \
		$(if $(MSSFUZZ_SEED),--env ERCX_MSSFUZZ_SEED=$(MSSFUZZ_SEED))

# The stress suite with the issue's counts (selftests/net/95-stress.sh)
stress:
	ERCX_SUITE_TIMEOUT=3600 ERCX_VM_TIMEOUT=12000 \
	$(TOP)/selftests/vm/run.sh --kernel $(VM_KERNEL) \
		--suite selftests/net/95-stress.sh --env ERCX_STRESS=full

spec-check:
	$(TOP)/scripts/spec-check.py

install: all
	$(MAKE) -C kmod KDIR=$(KDIR) install
	$(MAKE) -C userspace install

# DKMS installs into the running system: refuse a staged install rather
# than write to / behind DESTDIR's back.
DKMS_KERNELS ?=
dkms-install:
	$(if $(DESTDIR),$(error dkms-install installs into the running system: DESTDIR is not supported))
	$(TOP)/scripts/dkms.sh install $(DKMS_KERNELS)

dkms-remove:
	$(if $(DESTDIR),$(error dkms-remove works on the running system: DESTDIR is not supported))
	$(TOP)/scripts/dkms.sh remove

clean:
	$(MAKE) -C kmod clean KDIR=$(KDIR) || true
	$(MAKE) -C kmod/core/test clean || true
	$(MAKE) -C userspace clean || true
	rm -rf $(TOP)/build
