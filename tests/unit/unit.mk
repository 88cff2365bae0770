# Rules for the unit-test programs (tests/unit/*.c).  A test's check-command reads
# this after the main Makefile (make -f Makefile -f tests/unit/unit.mk), so
# the programs build with the same compiler, flags and objects as teardown
# (command-line overrides such as sanitizer CFLAGS reach it via MAKEFLAGS).
UNIT_OBJS = $(filter-out %/src/main.o,$(OBJS))

build/tests/unit/%: tests/unit/%.c $(UNIT_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
