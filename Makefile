# customflow build. `make` builds build/customflow, the library (static
# build/libcustomflow.a and shared build/libcustomflow.so.0), the synthetic
# capture generator (build/libcfgen.a), the tools and the unit tests.
# `make SAN=1` builds into build-asan with AddressSanitizer +
# UndefinedBehaviorSanitizer. Every lib/**/*.c is part of the library, every
# gen/*.c part of the generator, every programs/*.c is one binary, every
# tests/unit/test_*.c is one test binary: adding a file needs no change here.
# `make install` (PREFIX, DESTDIR, LIBDIR) installs the programs, the header,
# both libraries, libcustomflow.pc, the man pages and the bash completion.

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
CPPFLAGS += -Ilib -I. -D_GNU_SOURCE
CFLAGS += -std=c11 -Wall -Wextra -Werror $(OPT) $(SANFLAGS) -MMD -MP
LDFLAGS += $(SANFLAGS)
# What the library itself links (also Libs.private of libcustomflow.pc).
LIB_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lpcap -lzstd -lz -lxxhash) -lsnappy -lm -lpthread
LDLIBS += $(LIB_LIBS)

# The library's version comes from its header (CF_VERSION_STRING); the
# shared library's soname carries the major version.
HASH := \#
VERSION := $(shell printf '$(HASH)include "customflow.h"\nCF_VERSION_STRING\n' | \
	$(CC) -E -P -Ilib -x c - 2>/dev/null | tail -n 1 | tr -d '" ')
SOVERSION := $(firstword $(subst ., ,$(VERSION)))
SONAME := libcustomflow.so.$(SOVERSION)
SHLIB := $(BUILD)/libcustomflow.so.$(VERSION)

LIB_SRC := $(shell find lib -name '*.c' | sort)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
# One set of objects serves both libraries: position independent, and only
# the functions marked CF_API in customflow.h visible outside the library.
$(LIB_OBJ): CFLAGS += -fPIC -fvisibility=hidden
$(LIB_OBJ): CPPFLAGS += -DCF_BUILDING_LIBRARY
GEN_SRC := $(wildcard gen/*.c)
GEN_OBJ := $(GEN_SRC:%.c=$(BUILD)/obj/%.o)
# Everything but the library links the generator (for those that use it)
# and the static library.
LINK_LIBS := $(BUILD)/libcfgen.a $(BUILD)/libcustomflow.a
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

all: $(BUILD)/libcustomflow.a $(BUILD)/libcustomflow.so $(PROGS) $(TESTS) $(TOOLS) $(EXAMPLES) $(BENCHES)

$(BUILD)/libcustomflow.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# -z defs: every symbol the library uses resolves at link time (not with the
# sanitizers, whose runtime the executable brings).
SHLIB_DEFS = $(if $(filter 1,$(SAN)),,-Wl,-z,defs)
$(SHLIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,$(SONAME) $(SHLIB_DEFS) $(LDFLAGS) $^ $(LIB_LIBS) -o $@
$(BUILD)/$(SONAME): $(SHLIB)
	ln -sf $(<F) $@
$(BUILD)/libcustomflow.so: $(BUILD)/$(SONAME)
	ln -sf $(<F) $@

$(BUILD)/libcfgen.a: $(GEN_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/%: $(BUILD)/obj/programs/%.o $(LINK_LIBS)
	$(CC) $(LDFLAGS) $(filter %.o,$^) $(LINK_LIBS) $(LDLIBS) -o $@

# The customflow command's subcommand `summary` (programs/summary/*.c): part
# of build/customflow, not of the library.
SUMMARY_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard programs/summary/*.c))
$(BUILD)/customflow: $(SUMMARY_OBJ)

# The customflow command's subcommands `plan` and `task` (programs/cluster/*.c):
# part of build/customflow, not of the library.
CLUSTER_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard programs/cluster/*.c))
$(BUILD)/customflow: $(CLUSTER_OBJ)

# What the parts of the customflow command share (programs/common/*.c).
COMMON_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard programs/common/*.c))
$(BUILD)/customflow: $(COMMON_OBJ)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LINK_LIBS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/tools/%: $(BUILD)/obj/tests/tools/%.o $(LINK_LIBS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/examples/%: $(BUILD)/obj/tests/examples/%.o $(BUILD)/libcustomflow.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(LINK_LIBS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# Sample conversion: the README's first command ends here.
sample: all
	$(BUILD)/cf-gencap --preset sample -o $(BUILD)/sample.pcap --devices-out $(BUILD)/sample-devices.txt
	$(BUILD)/customflow -d $(BUILD)/sample-devices.txt -o flows $(BUILD)/sample.pcap

test: all
	tests/run.sh $(BUILD)

FORMAT_SRC = $$(find lib gen programs tests bench fuzz python/src -name '*.[ch]' -not -path '*/node_modules/*')
format:
	clang-format -i $(FORMAT_SRC)

format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

clean:
	rm -rf build build-asan

# ---- Installation ----
# make install [PREFIX=/usr/local] [DESTDIR=] [LIBDIR=$(PREFIX)/lib]: the
# programs (every programs/*.c but the generator cf-gencap), customflow.h,
# both libraries with the soname links, libcustomflow.pc, the man pages and
# the bash completion. `make lib programs` builds only what is installed.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
COMPLETIONDIR ?= $(DATADIR)/bash-completion/completions
INSTALL ?= install
INSTALL_PROGS := $(filter-out $(BUILD)/cf-gencap,$(PROGS))
MAN_PAGES := $(wildcard man/*.1)
# The installed programs link the shared library (INSTALL_LINK=shared), which
# also proves they use nothing but customflow.h; with INSTALL_LINK=static
# they are the in-tree binaries, linked with the static archive.
INSTALL_LINK ?= shared
ifeq ($(INSTALL_LINK),shared)
INSTALL_BINS := $(INSTALL_PROGS:$(BUILD)/%=$(BUILD)/shared-bin/%)
else
INSTALL_BINS := $(INSTALL_PROGS)
endif
$(BUILD)/shared-bin/%: $(BUILD)/obj/programs/%.o $(BUILD)/libcustomflow.so
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(filter %.o,$^) -L$(BUILD) -lcustomflow -Wl,--as-needed $(LDLIBS) -o $@
$(BUILD)/shared-bin/customflow: $(SUMMARY_OBJ) $(CLUSTER_OBJ) $(COMMON_OBJ)

lib: $(BUILD)/libcustomflow.a $(BUILD)/libcustomflow.so
programs: $(INSTALL_BINS)

install: $(INSTALL_BINS) $(BUILD)/libcustomflow.a $(BUILD)/libcustomflow.so
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(COMPLETIONDIR)
	$(INSTALL) -m 755 $(INSTALL_BINS) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 644 lib/customflow.h $(DESTDIR)$(INCLUDEDIR)/
	$(INSTALL) -m 644 $(BUILD)/libcustomflow.a $(DESTDIR)$(LIBDIR)/
	$(INSTALL) -m 644 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libcustomflow.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    -e 's|@LIBS_PRIVATE@|$(strip $(LIB_LIBS))|' dist/libcustomflow.pc.in \
	    >$(DESTDIR)$(LIBDIR)/pkgconfig/libcustomflow.pc
	chmod 644 $(DESTDIR)$(LIBDIR)/pkgconfig/libcustomflow.pc
	$(INSTALL) -m 644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 644 dist/customflow.bash-completion $(DESTDIR)$(COMPLETIONDIR)/customflow

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(INSTALL_PROGS))) \
	    $(DESTDIR)$(INCLUDEDIR)/customflow.h $(DESTDIR)$(LIBDIR)/libcustomflow.a \
	    $(DESTDIR)$(LIBDIR)/$(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	    $(DESTDIR)$(LIBDIR)/libcustomflow.so $(DESTDIR)$(LIBDIR)/pkgconfig/libcustomflow.pc \
	    $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN_PAGES))) \
	    $(DESTDIR)$(COMPLETIONDIR)/customflow

.PHONY: all sample test format format-check clean lib programs install uninstall
# Keep object files between runs (they are intermediates of pattern rules).
.SECONDARY:
-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# libFuzzer harnesses (clang): build/fuzz/fuzz_*. `make fuzz-smoke` runs each
# for FUZZ_SECONDS seeded from the shared captures; see README "Fuzzing".
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)
FUZZ_FLAGS = -std=c11 -D_GNU_SOURCE -Ilib -I. -g -O1 -fsanitize=fuzzer,address,undefined
FUZZ_SECONDS ?= 60
fuzz: $(FUZZ_BIN)
build/fuzz/%: fuzz/%.c $(LIB_SRC)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) $< $(LIB_SRC) $(LDLIBS) -o $@
fuzz-smoke: fuzz
	fuzz/smoke.sh $(FUZZ_SECONDS)
.PHONY: fuzz fuzz-smoke
