# teardown — build, test, sanitize.
#
# Dependencies come from the registries at build time, never from the repo:
#   Debian: libtree-sitter-dev (runtime, ABI 13-14), libjansson-dev, pkg-config
#   npm:    tree-sitter-c (the C grammar; its src/parser.c is compiled here)
# scripts/install-deps installs them (as root, on Debian); `make` builds; `make check` tests.

TS_C_VERSION := 0.23.6
GRAMMAR_DIR  := build/grammar/node_modules/tree-sitter-c/src

CC      ?= cc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -pthread -Isrc -MMD -MP
LDLIBS  += -ltree-sitter -ljansson -pthread

SRCS := $(sort $(wildcard src/*.c src/*/*.c))
OBJS := $(SRCS:%.c=build/obj/%.o) build/obj/grammar/parser.o

teardown: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

build/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# The grammar is generated C from npm; compile it quietly and without our warnings.
build/obj/grammar/parser.o: $(GRAMMAR_DIR)/parser.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -I$(GRAMMAR_DIR) -c -o $@ $<

$(GRAMMAR_DIR)/parser.c:
	mkdir -p build/grammar
	cd build/grammar && npm install --ignore-scripts --no-audit --no-fund --loglevel=error tree-sitter-c@$(TS_C_VERSION)

check: teardown
	tests/run

clean:
	rm -rf build teardown

.PHONY: check clean
-include $(OBJS:.o=.d)
