# teardown — build, test, sanitize.
#
# Dependencies come from the registries at build time, never from the repo:
#   Debian: libjansson-dev, libsqlite3-dev (the history database), pkg-config
#   npm:    tree-sitter-c (the C grammar; its src/parser.c is compiled here) and
#           tree-sitter (for the C runtime it vendors, compiled here too)
# scripts/install-deps installs them (as root, on Debian); `make` builds; `make check` tests.
#
# Why the runtime is not Debian's libtree-sitter0 (0.20.7): its error recovery
# frees a pointer it does not own once the parse stack is ~32 000 entries deep
# (32 766 unclosed `g(`, or 40 000 `if (x)` or `a =` in a row, then a syntax
# error), and the process dies in the middle of a scan.  0.22.4 parses the
# same inputs (tests/hostile makes them).  It speaks the grammar's ABI 14.
#
# Objects go to a folder named after the runtime version: the runtime's
# structs (TSTreeCursor) change size between versions, and an object built
# against another version's header must never be linked with this one.

VERSION      := 0.14
TS_C_VERSION := 0.23.6
TS_VERSION   := 0.22.4
GRAMMAR_DIR  := build/grammar/node_modules/tree-sitter-c/src
RUNTIME_DIR  := build/grammar/node_modules/tree-sitter/vendor/tree-sitter/lib
O            := obj-tree-sitter-$(TS_VERSION)

CC      ?= cc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -pthread -Isrc \
           -I$(RUNTIME_DIR)/include -MMD -MP -DTEARDOWN_VERSION='"$(VERSION)"'
LDLIBS  += -ljansson -lsqlite3 -pthread

SRCS := $(sort $(wildcard src/*.c src/*/*.c))
OBJS := $(SRCS:%.c=build/$(O)/%.o) build/$(O)/grammar/parser.o build/$(O)/grammar/runtime.o

# mimalloc (Debian's libmimalloc-dev) replaces malloc in the release binary:
# workers allocate and free a directory's text, trees and model states over
# and over, and glibc's malloc spent a tenth of a whole-tree scan in page
# faults and trimming (bench/speed).  Sanitized builds keep their own.
MALLOC_LIB := -lmimalloc

teardown: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS) $(MALLOC_LIB)

# Every object waits for the runtime's header: the system may hold an older
# one, and an early compile would silently pick that up.
build/$(O)/%.o: %.c | $(RUNTIME_DIR)/src/lib.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# The grammar and the runtime are C from npm; compile them quietly and without our warnings.
build/$(O)/grammar/parser.o: $(GRAMMAR_DIR)/parser.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -I$(GRAMMAR_DIR) -c -o $@ $<

build/$(O)/grammar/runtime.o: $(RUNTIME_DIR)/src/lib.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -I$(RUNTIME_DIR)/include -I$(RUNTIME_DIR)/src -c -o $@ $<

$(GRAMMAR_DIR)/parser.c:
	mkdir -p build/grammar
	cd build/grammar && npm install --ignore-scripts --no-audit --no-fund --loglevel=error tree-sitter-c@$(TS_C_VERSION)

# After the grammar: two npm installs in one folder must not run at once.
$(RUNTIME_DIR)/src/lib.c: | $(GRAMMAR_DIR)/parser.c
	cd build/grammar && npm install --ignore-scripts --no-audit --no-fund --loglevel=error tree-sitter@$(TS_VERSION)

# Microsoft's SARIF validator (npm), which make check runs on a real scan's
# SARIF.  A .NET program in the package for Linux; its own install script,
# which npm is told not to run, would only make it executable.  At run time
# it needs ICU (Debian's libicu72).
SARIF_VERSION := 5.7.0
SARIF_TOOL    := build/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool

$(SARIF_TOOL):
	mkdir -p build/sarif
	cd build/sarif && npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
		@microsoft/sarif-multitool@$(SARIF_VERSION)
	chmod u+x $@

check: teardown $(SARIF_TOOL)
	SARIF_TOOL=$(abspath $(SARIF_TOOL)) tests/run

# `make install PREFIX=...`: the binary in bin/, the data (with the rules'
# pages) in share/teardown, where the binary looks for it (../share/teardown
# from itself), and the manual page.
PREFIX ?= /usr/local
install: teardown
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/teardown/explain $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 teardown $(DESTDIR)$(PREFIX)/bin/teardown
	install -m 644 $(filter-out data/explain,$(wildcard data/*)) $(DESTDIR)$(PREFIX)/share/teardown/
	install -m 644 docs/rules/*.md $(DESTDIR)$(PREFIX)/share/teardown/explain/
	install -m 644 teardown.1 $(DESTDIR)$(PREFIX)/share/man/man1/teardown.1

# ---- sanitizers and fuzzing (clang from Debian: clang, libclang-rt-14-dev) ----
#
# Both build the same sources, the runtime included, into their own folders,
# so ./teardown is never replaced by an instrumented binary.  Each folder gets
# a `data` link, so the binaries find data/ as ./teardown does (beside the
# executable).
# -Werror=int-conversion: clang only warns where gcc refuses a string passed
# for an enum (a rule id given as text instead of model/rules.def's RULE_*).
SAN_CC     ?= clang
SAN_FLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
SAN_CFLAGS := -std=gnu11 -D_GNU_SOURCE -Werror=int-conversion -pthread -Isrc -I$(RUNTIME_DIR)/include -MMD -MP \
	      -DTEARDOWN_VERSION='"$(VERSION)"'
ASAN_OBJS  := $(OBJS:build/%=build/asan/%)
FUZZ_OBJS  := $(filter-out %/src/main.o,$(OBJS:build/%=build/fuzz/%))

# `make asan`: the test suite against the sanitized binary (the real trees
# left out: the sanitized scan of one large subtree stands for them), then
# that scan.  tests/asan/env fails the run on any sanitizer report.
asan: build/asan/teardown
	TEARDOWN_BIN=build/asan/teardown TEARDOWN_SKIP_REAL=1 tests/asan/env tests/run
	tests/asan/env tests/asan/scan-subtree.sh build/asan/teardown 6.12 drivers/net

build/asan/teardown: $(ASAN_OBJS) | build/asan/data
	$(SAN_CC) $(SAN_FLAGS) -pthread -o $@ $(ASAN_OBJS) $(LDLIBS)

# `make fuzz`: every libFuzzer target under fuzz/ for FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(patsubst fuzz/%.c,build/fuzz/%,$(wildcard fuzz/*.c))

fuzz: $(FUZZ_TARGETS)
	fuzz/run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

build/fuzz/%: build/fuzz/$(O)/fuzz/%.o $(FUZZ_OBJS) | build/fuzz/data
	$(SAN_CC) $(SAN_FLAGS) -fsanitize=fuzzer -pthread -o $@ $< $(FUZZ_OBJS) $(LDLIBS)

build/asan/data build/fuzz/data:
	@mkdir -p $(dir $@)
	ln -sfn ../../data $@

# One pattern per build flavour; the fuzz flavour adds libFuzzer's coverage.
build/asan/$(O)/%.o: %.c | $(RUNTIME_DIR)/src/lib.c
	@mkdir -p $(dir $@)
	$(SAN_CC) $(SAN_FLAGS) $(SAN_CFLAGS) -c -o $@ $<

build/fuzz/$(O)/%.o: %.c | $(RUNTIME_DIR)/src/lib.c
	@mkdir -p $(dir $@)
	$(SAN_CC) $(SAN_FLAGS) -fsanitize=fuzzer-no-link $(SAN_CFLAGS) -c -o $@ $<

build/asan/$(O)/grammar/parser.o build/fuzz/$(O)/grammar/parser.o: $(GRAMMAR_DIR)/parser.c
	@mkdir -p $(dir $@)
	$(SAN_CC) $(SAN_FLAGS) $(if $(findstring fuzz,$@),-fsanitize=fuzzer-no-link) -I$(GRAMMAR_DIR) -c -o $@ $<

build/asan/$(O)/grammar/runtime.o build/fuzz/$(O)/grammar/runtime.o: $(RUNTIME_DIR)/src/lib.c
	@mkdir -p $(dir $@)
	$(SAN_CC) $(SAN_FLAGS) $(if $(findstring fuzz,$@),-fsanitize=fuzzer-no-link) \
		-I$(RUNTIME_DIR)/include -I$(RUNTIME_DIR)/src -c -o $@ $<

clean:
	rm -rf build teardown

.PHONY: check clean asan fuzz install
.SECONDARY: $(patsubst fuzz/%.c,build/fuzz/$(O)/fuzz/%.o,$(wildcard fuzz/*.c))
-include $(OBJS:.o=.d) $(ASAN_OBJS:.o=.d) $(FUZZ_OBJS:.o=.d) \
	 $(patsubst fuzz/%.c,build/fuzz/$(O)/fuzz/%.d,$(wildcard fuzz/*.c))
