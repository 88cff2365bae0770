/*
 * front.h — what every fuzz target does first: load the tables once, then
 * turn the fuzzer's bytes into one file's facts the way a scan does (mask
 * kernel macros, parse with a time limit, extract).  Header-only, because
 * each target is one translation unit linked with teardown's objects.
 *
 * The parser's time limit is as in a scan: giving up on a pathological
 * input is specified behaviour, not a finding; libFuzzer's own -timeout
 * catches a hang anywhere else.
 */
#ifndef FUZZ_FRONT_H
#define FUZZ_FRONT_H

#include <stdlib.h>
#include <string.h>

#include "scan.h"

enum { FUZZ_PARSE_TIMEOUT_US = 2 * 1000 * 1000 };

static Tables fuzz_tables;
static Parser *fuzz_parser;

static void fuzz_front_init(void)
{
	if (tables_load(&fuzz_tables) < 0)
		fatal("cannot load data tables");
	fuzz_parser = parser_new(FUZZ_PARSE_TIMEOUT_US);
}

/* The facts of DATA as file "fuzz.c" in *FF, whose arena the caller frees;
 * false when the parser gave up.  SRC gets the NUL-terminated copy the facts
 * point into (the reader hands the pipeline one too): free it after FF. */
static bool fuzz_facts(const uint8_t *data, size_t size, FileFacts *ff, char **src)
{
	*src = xmalloc(size + 1);
	memcpy(*src, data, size);
	(*src)[size] = '\0';
	return parse_facts(&fuzz_tables, fuzz_parser, "fuzz.c", "fuzz.c", *src, size, ff);
}

#endif
