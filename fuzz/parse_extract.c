/*
 * parse_extract.c — libFuzzer target: arbitrary bytes through the front end.
 *
 * The bytes are one source file, taken as teardown takes a file that passed
 * the walk: kernel macros masked, parsed, facts extracted (functions, calls,
 * driver structs, control-flow graphs), the file's drivers joined, and the
 * facts printed both ways.  Twice: whole, as `teardown facts` reads a file,
 * and as a scan does, split into items (unbalanced braces, stray #else),
 * the reachable ones chosen, masked and parsed one by one.  Only the walk's and the reader's decisions on
 * whether to read a file are left out (tests/hostile covers those), so
 * binary bytes and NULs reach the parser here too.
 *
 * Output goes to /dev/null: what matters is that printing every fact of
 * any input is memory-safe and that the JSON encoder accepts every string.
 */
#include <stdio.h>

#include "front.h"

static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_front_init();
	sink = fopen("/dev/null", "w");
	return 0;
}

/* Join, print and encode FF's facts; free them. */
static void use(FileFacts *ff)
{
	DriverVec drivers = { 0 };
	join_drivers(ff, 1, &drivers);
	for (size_t i = 0; i < drivers.n; i++) {
		driver_print(sink, &drivers.v[i]);
		json_decref(driver_json(&drivers.v[i]));
	}
	drivers_free(&drivers);
	facts_print(sink, ff, true);
	json_t *j = facts_json(ff);
	char *text = json_dumps(j, JSON_COMPACT);
	if (!text)
		abort(); /* the facts of some file could not be encoded */
	free(text);
	json_decref(j);
	arena_free(&ff->arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FileFacts ff;
	char *src;
	if (fuzz_facts(data, size, &ff, &src))
		use(&ff);
	for (int every = 0; every < 2; every++)
		if (parse_reachable(&fuzz_tables, fuzz_parser, "fuzz.c", "fuzz.c", src, size, every, &ff))
			use(&ff);
	free(src);
	return 0;
}
