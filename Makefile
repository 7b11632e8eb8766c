# hvsim — top-level Makefile.
#
#   make run     install what is missing, build, run the default matrix, write reports/
#   make test    install what is missing, build, run the unit and integration tests
#   make bench   benchmarks (ratios against baselines measured in the same run)
#   make check-asan / check-tsan   the test suite on sanitizer builds of hvsim itself
#
# The harness (build/hvsim) is built here.  The participants — hv/ and
# backend/ compiled at every optimisation level — are built by hvsim itself at
# run time, into build/cache/, keyed by everything that changes the binary.

BUILD   ?= build
HCC     ?= gcc
SAN     ?=
PKGS    := jansson libdw
HCFLAGS := -std=gnu11 -g -O2 -Wall -Wextra -Werror -Isim/include -Isim -I. \
           -DHVSIM_HOME_DEFAULT=\"$(CURDIR)\" $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
HLDLIBS := -ljansson -ldw -lelf -lcapstone -lnettle -lpthread -lm
# CHECKDEFS: check builds of the harness (check-dpor-exact)
HCFLAGS += $(CHECKDEFS)
ifneq ($(SAN),)
HCFLAGS += -fsanitize=$(SAN) -fno-omit-frame-pointer
HLDFLAGS += -fsanitize=$(SAN)
endif

HARNESS_DIRS := sim/util sim/config sim/build sim/engine sim/engine/native sim/engine/det sim/engine/threads \
                sim/verdict sim/evidence sim/report sim/matrix sim/bench sim/litmus sim/cli
HARNESS_SRC  := $(foreach d,$(HARNESS_DIRS),$(wildcard $(d)/*.c))
# Generated at build time: the report page, edited as sim/report/report.html
# and turned into C strings by tools/embed_html.sh.
GEN_OBJ      := $(BUILD)/obj/gen/report_html_tpl.o
HARNESS_OBJ  := $(patsubst %.c,$(BUILD)/obj/%.o,$(HARNESS_SRC)) $(GEN_OBJ)
LIB_OBJ      := $(filter-out $(BUILD)/obj/sim/cli/main.o,$(HARNESS_OBJ))
UNIT_SRC     := $(wildcard tests/unit/test_*.c)
UNIT_BIN     := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

.PHONY: all deps deps-test run test unit integration bench check-asan check-tsan check-layout check-dpor \
        check-dpor-exact clean install fuzz
all: $(BUILD)/hvsim

deps:
	@tools/deps.sh all

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(HCC) $(HCFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/gen/report_html_tpl.c: sim/report/report.html tools/embed_html.sh
	@mkdir -p $(dir $@)
	tools/embed_html.sh sim/report/report.html > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(HCC) $(HCFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libhvsim.a: $(LIB_OBJ)
	@rm -f $@; ar rcs $@ $^

# Every engine and command is reached by a plain reference (the engine table
# in sim/engine/engine.c, the command table in sim/cli/main.c).
$(BUILD)/hvsim: $(BUILD)/obj/sim/cli/main.o $(BUILD)/libhvsim.a
	$(HCC) $(HLDFLAGS) -o $@ $(BUILD)/obj/sim/cli/main.o $(BUILD)/libhvsim.a $(HLDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libhvsim.a
	@mkdir -p $(dir $@)
	$(HCC) $(HCFLAGS) $(HLDFLAGS) -o $@ $< $(BUILD)/libhvsim.a -lcmocka $(HLDLIBS)

-include $(HARNESS_OBJ:.o=.d)

run: deps $(BUILD)/hvsim
	$(BUILD)/hvsim matrix --out reports

unit: $(BUILD)/hvsim $(UNIT_BIN)
integration: $(BUILD)/hvsim

# The build before the tests runs one job per CPU (unless make was given -j):
# nothing else runs meanwhile, and built one file at a time it took ~30 s.
NPROC := $(shell nproc 2>/dev/null || echo 1)
test: deps
	@$(MAKE) --no-print-directory $(if $(filter -j%,$(MAKEFLAGS)),,-j$(NPROC)) unit
	@BUILD=$(BUILD) tests/run.sh

# Layout rules (issue 19): no include or link cycle between files or folders
# of sim/, no file over 600 lines, no function over 80, unless the file says
# why (`/* layout: reason */`); tools/layout_allow.txt lists the known
# offenders.  tests/integration/test_layout_rules.sh runs it in `make test`.
check-layout: $(BUILD)/hvsim
	@tools/check_layout.sh $(CURDIR) tools/layout_allow.txt $(BUILD)/obj

# Opt-in, a few minutes: the dpor analysis' shortcuts checked against their
# slow paths.  hvsim built with POOL_CHECK (det_dpor_pool.c: every reused
# footprint is all zero once emptied) and FPSUM_CHECK (det_dpor.c: no pair the
# dense summary skips is one det_fp_dependent_in calls dependent; HB_CHECK,
# det_dpor.c: an ordered pair's happens-before merge changes nothing) aborts on a
# disagreement; make test's dpor searches under every model run on it.
EXACT_TESTS := test_det_behaviours test_det_verify test_det_wmm test_litmus_dpor test_dpor_profile
check-dpor-exact: deps
	$(MAKE) BUILD=build/exact CHECKDEFS="-DPOOL_CHECK -DFPSUM_CHECK -DHB_CHECK" build/exact/hvsim
	@rc=0; for t in $(EXACT_TESTS); do BUILD=build/exact tests/run.sh $$t || rc=1; done; exit $$rc

# Opt-in, some 16 minutes on two cores: the exhaustive dpor search on the reference
# handshake's larger workloads, checked by behaviour sets (tests/long/;
# `make test` checks the smaller ones).
check-dpor: deps $(BUILD)/hvsim
	@for t in tests/long/test_*.sh; do BUILD=$(BUILD) sh $$t || exit 1; done

bench: deps $(BUILD)/hvsim
	$(BUILD)/hvsim bench --out reports

# Sanitizer builds of the harness only (the participants hvsim compiles stay
# unsanitized: they are the code under test).  The whole suite is long under
# sanitizers and much of it measures timing, so these run the unit tests and
# CHECK_TESTS, the integration tests that drive the harness code paths: run,
# watchdog verdicts, kill/leak handling, scenarios, reports, det replay, CLI
# errors (docs/reliability.md).  Every sanitizer report goes to a log file
# (tests may swallow stderr); any log fails the target.
CHECK_TESTS ?= unit/ test_native_ test_kill_ test_leak_ test_scenarios test_report_html \
               test_cli_errors test_cli_limits test_det_replay test_det_checkpoint test_loops_cli \
               test_matrix_small test_restart_idle
SAN_ENV = ASAN_OPTIONS=log_path=$(CURDIR)/$(1)/san-log/asan:detect_leaks=1:exitcode=86 \
          UBSAN_OPTIONS=log_path=$(CURDIR)/$(1)/san-log/ubsan:print_stacktrace=1:halt_on_error=1 \
          TSAN_OPTIONS=log_path=$(CURDIR)/$(1)/san-log/tsan:exitcode=86:second_deadlock_stack=1
# Sanitizer instrumentation makes gcc's flow-based warnings fire on code that
# is clean in the normal build (e.g. -Wrestrict in matrix_oracle.c, and
# -Wstringop-overread on strcmp of a config's heap expect list in
# test_scenario.c); they stay warnings here, not errors.
SAN_HCC = $(HCC) -Wno-error=restrict -Wno-error=maybe-uninitialized -Wno-error=stringop-overflow \
          -Wno-error=array-bounds -Wno-error=stringop-truncation -Wno-error=format-overflow \
          -Wno-error=stringop-overread
define san_check
	$(MAKE) BUILD=$(1) SAN=$(2) HCC="$(SAN_HCC)" $(1)/hvsim unit
	@rm -rf $(1)/san-log; mkdir -p $(1)/san-log; rc=0; \
	for t in $(CHECK_TESTS); do \
	  $(call SAN_ENV,$(1)) BUILD=$(1) tests/run.sh $$t || rc=1; \
	done; \
	if [ -n "$$(ls $(1)/san-log)" ]; then \
	  echo "sanitizer reports in $(1)/san-log:"; head -n 30 $(1)/san-log/*; rc=1; \
	else echo "no sanitizer report"; fi; exit $$rc
endef
SAN_ASAN := address,undefined
check-asan:
	$(call san_check,build/asan,$(SAN_ASAN))

check-tsan:
	$(call san_check,build/tsan,thread)

# ---- fuzzing (libFuzzer + ASan/UBSan; clang) --------------------------------
# One target per reader of a file hvsim reads or writes: scenario scripts,
# report.json (load/validate/merge/writers), run-result JSON as `hvsim replay`
# reads it (det schedule strings).  `make fuzz` builds them into build/fuzz/;
# tests/integration/test_fuzz_short.sh runs each ~20 s from tests/fuzz/corpus_*;
# long runs: build/fuzz/fuzz_report -runs=1000000 DIR tests/fuzz/corpus_report
FUZZ_CC    ?= clang
FUZZ_FLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
              -Isim/include -Isim -I.
FUZZ_BIN   := build/fuzz/fuzz_scenario build/fuzz/fuzz_report build/fuzz/fuzz_replay
fuzz: $(FUZZ_BIN)
build/fuzz/fuzz_scenario: tests/fuzz/fuzz_scenario.c $(wildcard sim/config/*.c) sim/engine/engine.c \
                          tests/fuzz/fuzz_engine_stubs.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $^ -o $@
build/fuzz/fuzz_report: tests/fuzz/fuzz_report.c $(wildcard sim/report/*.c) build/gen/report_html_tpl.c \
                        sim/util/outpath.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $^ -o $@ -ljansson
build/fuzz/fuzz_replay: tests/fuzz/fuzz_replay.c sim/engine/det/det_sched.c $(wildcard sim/engine/det/det_dpor*.c) \
                        sim/engine/det/det_emit.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $^ -o $@ -ljansson

clean:
	rm -rf build

# ---- make install PREFIX=/usr/local [DESTDIR=] (issue 10) ------------------
# bin/hvsim finds PREFIX/share/hvsim on its own (../share/hvsim next to the
# executable); its build cache is then ~/.cache/hvsim unless HVSIM_BUILD_DIR.
PREFIX ?= /usr/local
HVSIM_SHARE := sim/include/hvsim sim/runtime/common sim/runtime/native sim/runtime/bench hv backend scenarios \
               $(wildcard sim/runtime/det) $(wildcard sim/runtime/threads) \
               examples examples/seqcount examples/relaxed_atomic examples/rust_handler \
               sim/include/hvsim/compat sim/runtime/port/hvisor sim/runtime/port/hvisor/crates \
               sim/runtime/port/hvisor/shim sim/runtime/port/hvisor_tool tools/port
install: $(BUILD)/hvsim
	@set -e; d="$(DESTDIR)$(PREFIX)"; \
	install -d "$$d/bin" "$$d/include/hvsim" "$$d/lib/pkgconfig" "$$d/share/man/man1" \
	           "$$d/share/doc/hvsim"; \
	install -m 755 $(BUILD)/hvsim "$$d/bin/hvsim"; \
	install -m 644 sim/include/hvsim/platform.h sim/include/hvsim/bridge.h \
	               sim/include/hvsim/virtio_mmio.h "$$d/include/hvsim/"; \
	for s in $(HVSIM_SHARE); do \
	  install -d "$$d/share/hvsim/$$s"; \
	  find "$$s" -maxdepth 1 -type f ! -name '*.a' ! -name '*.o' -exec cp -p {} "$$d/share/hvsim/$$s/" \; ; \
	done; \
	install -m 644 docs/hvsim.1 "$$d/share/man/man1/hvsim.1"; \
	install -m 644 docs/porting.md docs/scenarios.md "$$d/share/doc/hvsim/"; \
	v=$$(sed -n 's/^#define HVSIM_PLATFORM_VERSION \([0-9][0-9]*\).*/\1/p' sim/include/hvsim/platform.h); \
	hv=$$($(BUILD)/hvsim --version | sed 's/^hvsim //'); \
	sed -e "s|@PREFIX@|$(PREFIX)|g" -e "s|@PLATFORM_VERSION@|$$v|g" -e "s|@VERSION@|$$hv|g" \
	    tools/hvsim.pc.in > "$$d/lib/pkgconfig/hvsim.pc"; \
	echo "installed hvsim $$hv (platform version $$v) in $$d"
