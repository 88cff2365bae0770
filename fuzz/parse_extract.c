/*
 * parse_extract.c — libFuzzer target: arbitrary bytes through the front end.
 *
 * The bytes are one source file, taken as teardown takes a file that passed
 * the walk: kernel macros masked, parsed by tree-sitter, facts extracted
 * (functions, calls, driver structs, control-flow graphs), the file's
 * drivers joined, and the facts printed both ways.  Every stage that reads
 * what the file says runs; only the walk's and read's decisions about
 * whether to read it are left out (tests/hostile covers those), so binary
 * bytes and NULs reach the parser here too.
 *
 * The tables are loaded once from data/ (the `data` link beside the
 * binary, as for ./teardown).  The parser gets a time limit, as in a scan:
 * giving up on a pathological input is the specified behaviour, not a
 * finding; libFuzzer's own -timeout catches a hang anywhere else.
 *
 * Output goes to /dev/null: what matters is that printing every fact of
 * any input is memory-safe and the JSON encoder accepts every string.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "report/report.h"
#include "scan.h"

enum { PARSE_TIMEOUT_US = 2 * 1000 * 1000 };

static Tables tables;
static Parser *parser;
static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];
	if (parse_check_abi(err, sizeof err) < 0)
		fatal("%s", err);
	extract_init();
	if (tables_load(&tables) < 0)
		fatal("cannot load data tables");
	parser = parser_new(PARSE_TIMEOUT_US);
	sink = fopen("/dev/null", "w");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A NUL-terminated copy: the reader hands the pipeline one too. */
	char *src = xmalloc(size + 1);
	memcpy(src, data, size);
	src[size] = '\0';
	char *masked = xmalloc(size + 1);
	mask_macros(&tables.macros, src, size, masked);
	TSTree *tree = parser_parse(parser, masked, size);
	if (tree) {
		FileFacts ff = { .path = "fuzz.c", .rel = "fuzz.c", .bytes = size };
		extract_file(&ff, tree, src, &tables.buses, &tables.conv);
		ts_tree_delete(tree);
		DriverVec drivers = { 0 };
		join_drivers(&ff, 1, &drivers);
		for (size_t i = 0; i < drivers.n; i++) {
			driver_print(sink, &drivers.v[i]);
			json_decref(driver_json(&drivers.v[i]));
		}
		drivers_free(&drivers);
		facts_print(sink, &ff, true);
		json_t *j = facts_json(&ff);
		char *text = json_dumps(j, JSON_COMPACT);
		if (!text)
			abort(); /* the facts of some file could not be encoded */
		free(text);
		json_decref(j);
		arena_free(&ff.arena);
	}
	free(masked);
	free(src);
	return 0;
}
