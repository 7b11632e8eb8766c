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
HCFLAGS := -std=gnu11 -g -O2 -Wall -Wextra -Werror -Wno-format-truncation -Isim/include -Isim -I. \
           -DHVSIM_HOME_DEFAULT=\"$(CURDIR)\" $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
HLDLIBS := -ljansson -ldw -lelf -lcapstone -lpthread -lm
ifneq ($(SAN),)
HCFLAGS += -fsanitize=$(SAN) -fno-omit-frame-pointer
HLDFLAGS += -fsanitize=$(SAN)
endif

HARNESS_DIRS := sim/core sim/cli sim/scenario sim/pc tools/loops tools/report tools/matrix tools/threads sim/det/sup
HARNESS_SRC  := $(foreach d,$(HARNESS_DIRS),$(wildcard $(d)/*.c))
HARNESS_OBJ  := $(patsubst %.c,$(BUILD)/obj/%.o,$(HARNESS_SRC))
LIB_OBJ      := $(filter-out $(BUILD)/obj/sim/cli/main.o,$(HARNESS_OBJ))
UNIT_SRC     := $(wildcard tests/unit/test_*.c)
UNIT_BIN     := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

.PHONY: all deps deps-test run test unit integration bench check-asan check-tsan clean install fuzz
all: $(BUILD)/hvsim

deps:
	@tools/deps.sh all

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(HCC) $(HCFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libhvsim.a: $(LIB_OBJ)
	@rm -f $@; ar rcs $@ $^

# --whole-archive: the engines and commands are reached through weak
# references (an engine can be absent from a build), which never pull an
# archive member in by themselves.
$(BUILD)/hvsim: $(BUILD)/obj/sim/cli/main.o $(BUILD)/libhvsim.a
	$(HCC) $(HLDFLAGS) -o $@ $(BUILD)/obj/sim/cli/main.o -Wl,--whole-archive $(BUILD)/libhvsim.a -Wl,--no-whole-archive $(HLDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libhvsim.a
	@mkdir -p $(dir $@)
	$(HCC) $(HCFLAGS) $(HLDFLAGS) -o $@ $< $(BUILD)/libhvsim.a -lcmocka $(HLDLIBS)

-include $(HARNESS_OBJ:.o=.d)

run: deps $(BUILD)/hvsim
	$(BUILD)/hvsim matrix --out reports

unit: $(BUILD)/hvsim $(UNIT_BIN)
integration: $(BUILD)/hvsim

test: deps $(BUILD)/hvsim $(UNIT_BIN)
	@BUILD=$(BUILD) tests/run.sh

bench: deps $(BUILD)/hvsim
	$(BUILD)/hvsim bench --out reports

check-asan:
	$(MAKE) BUILD=build/asan SAN=address,undefined test

check-tsan:
	$(MAKE) BUILD=build/tsan SAN=thread test

clean:
	rm -rf build
