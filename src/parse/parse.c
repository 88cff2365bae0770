/*
 * parse.c — the tree-sitter C parser, one per worker thread.
 *
 * The C grammar comes from npm (tree-sitter-c), compiled into teardown; so
 * does the runtime (npm tree-sitter's vendored C: Debian's 0.20.7 crashes
 * on deep parse stacks, see Makefile).  The two agree only on a range of
 * language ABI versions, and a grammar built for a newer runtime is refused
 * at run time with nothing but a false return, so start-up checks the range
 * and says which package to change.
 *
 * A scan parses only some items of a file (items.c), each on its own:
 * tree-sitter's included ranges read just the item's bytes, and the tree's
 * nodes keep the whole file's byte offsets and rows, so facts need no
 * mapping.  One parse per item, not one parse of all the chosen ranges:
 * tree-sitter's error recovery over many ranges let one bad function (an
 * #if inside an expression) spread errors over items hundreds of lines
 * away; alone, an item's errors stay in it.
 *
 * Parsing is bounded in time: a pathological file (megabytes of nested
 * parentheses, say) makes the parser give up and the scan report it, rather
 * than hold a worker for minutes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <tree_sitter/api.h>

#include "parse/parse.h"
#include "teardown.h"

const TSLanguage *tree_sitter_c(void);

struct Parser {
	TSParser *ts;
};

int parse_check_abi(char *err, size_t size)
{
	uint32_t v = ts_language_version(tree_sitter_c());
	if (v < TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION || v > TREE_SITTER_LANGUAGE_VERSION) {
		snprintf(err, size,
			 "the C grammar has language ABI %u, but this tree-sitter runtime accepts %d..%d: "
			 "build with npm tree-sitter-c 0.23.x (0.24 emits ABI 15)",
			 v, TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION, TREE_SITTER_LANGUAGE_VERSION);
		return -1;
	}
	return 0;
}

Parser *parser_new(uint64_t timeout_us)
{
	Parser *p = xmalloc(sizeof *p);
	p->ts = ts_parser_new();
	if (!ts_parser_set_language(p->ts, tree_sitter_c()))
		fatal("tree-sitter refused the C grammar (ABI mismatch)");
	ts_parser_set_timeout_micros(p->ts, timeout_us);
	return p;
}

void parser_free(Parser *p)
{
	ts_parser_delete(p->ts);
	free(p);
}

TSTree *parser_parse(Parser *p, const char *text, size_t n)
{
	if (n > UINT32_MAX)
		return NULL;
	TSTree *t = ts_parser_parse_string(p->ts, NULL, text, (uint32_t)n);
	if (!t)
		ts_parser_reset(p->ts);
	return t;
}

bool parser_parse_items(Parser *p, const char *text, size_t n, const Item *items, size_t nitems,
			TSTree **trees)
{
	size_t done = 0;
	for (; n <= UINT32_MAX && done < nitems; done++) {
		const Item *it = &items[done];
		TSRange r = {
			.start_point = { it->start_row, it->start_col },
			.end_point = { it->end_row, it->end_col },
			.start_byte = it->start,
			.end_byte = it->end,
		};
		if (!ts_parser_set_included_ranges(p->ts, &r, 1))
			fatal("tree-sitter refused an item's range (%u..%u)", it->start, it->end);
		if (!(trees[done] = ts_parser_parse_string(p->ts, NULL, text, (uint32_t)n))) {
			ts_parser_reset(p->ts);
			break;
		}
	}
	ts_parser_set_included_ranges(p->ts, NULL, 0); /* the whole text again */
	if (done == nitems)
		return true;
	while (done)
		ts_tree_delete(trees[--done]);
	return false;
}
