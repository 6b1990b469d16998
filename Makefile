# customflow build. `make` builds build/customflow, build/libcustomflow.a,
# the tools and the unit tests. `make SAN=1` builds into build-asan with
# AddressSanitizer + UndefinedBehaviorSanitizer. Every lib/**/*.c is part of
# the library, every programs/*.c is one binary, every tests/unit/test_*.c is
# one test binary: adding a file needs no change here.

SAN ?= 0
ifeq ($(SAN),1)
BUILD ?= build-asan
CC = clang
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT = -O1 -g
else
BUILD ?= build
CC ?= cc
SANFLAGS =
OPT = -O2 -g
endif

PKGS = libpcap libzstd zlib libxxhash
CPPFLAGS += -Ilib -Iprograms -D_GNU_SOURCE
CFLAGS += -std=c11 -Wall -Wextra -Werror $(OPT) $(SANFLAGS) -MMD -MP
LDFLAGS += $(SANFLAGS)
LDLIBS += $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lpcap -lzstd -lz -lxxhash) -lsnappy -lm -lpthread

LIB_SRC := $(shell find lib -name '*.c' | sort)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
PROG_SRC := $(wildcard programs/*.c)
PROGS := $(PROG_SRC:programs/%.c=$(BUILD)/%)
TEST_SRC := $(wildcard tests/unit/test_*.c)
TESTS := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOLS := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/tools/%)
EXAMPLE_SRC := $(wildcard tests/examples/*.c)
EXAMPLES := $(EXAMPLE_SRC:tests/examples/%.c=$(BUILD)/tests/examples/%)
BENCH_SRC := $(wildcard bench/*.c)
BENCHES := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

all: $(BUILD)/libcustomflow.a $(PROGS) $(TESTS) $(TOOLS) $(EXAMPLES) $(BENCHES)

$(BUILD)/libcustomflow.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/%: $(BUILD)/obj/programs/%.o $(BUILD)/libcustomflow.a
	$(CC) $(LDFLAGS) $(filter %.o,$^) $(BUILD)/libcustomflow.a $(LDLIBS) -o $@

# The customflow command's subcommand `summary` (programs/summary/*.c): part
# of build/customflow, not of the library.
SUMMARY_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard programs/summary/*.c))
$(BUILD)/customflow: $(SUMMARY_OBJ)

# The customflow command's subcommands `plan` and `task` (programs/cluster/*.c):
# part of build/customflow, not of the library.
CLUSTER_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard programs/cluster/*.c))
$(BUILD)/customflow: $(CLUSTER_OBJ)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/libcustomflow.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/tools/%: $(BUILD)/obj/tests/tools/%.o $(BUILD)/libcustomflow.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/examples/%: $(BUILD)/obj/tests/examples/%.o $(BUILD)/libcustomflow.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(BUILD)/libcustomflow.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# Sample conversion: the README's first command ends here.
sample: all
	$(BUILD)/cf-gencap --preset sample -o $(BUILD)/sample.pcap --devices-out $(BUILD)/sample-devices.txt
	$(BUILD)/customflow -d $(BUILD)/sample-devices.txt -o flows $(BUILD)/sample.pcap

test: all
	tests/run.sh $(BUILD)

format:
	clang-format -i $$(find lib programs tests bench fuzz -name '*.[ch]')

format-check:
	clang-format --dry-run --Werror $$(find lib programs tests bench fuzz -name '*.[ch]')

clean:
	rm -rf build build-asan

.PHONY: all sample test format format-check clean
# Keep object files between runs (they are intermediates of pattern rules).
.SECONDARY:
-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# libFuzzer harnesses (clang): build/fuzz/fuzz_*. `make fuzz-smoke` runs each
# for FUZZ_SECONDS seeded from the shared captures; see README "Fuzzing".
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)
FUZZ_FLAGS = -std=c11 -D_GNU_SOURCE -Ilib -g -O1 -fsanitize=fuzzer,address,undefined
FUZZ_SECONDS ?= 60
fuzz: $(FUZZ_BIN)
build/fuzz/%: fuzz/%.c $(LIB_SRC)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) $< $(LIB_SRC) $(LDLIBS) -o $@
fuzz-smoke: fuzz
	fuzz/smoke.sh $(FUZZ_SECONDS)
.PHONY: fuzz fuzz-smoke
