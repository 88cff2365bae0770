/* parse.h — kernel C to a tree-sitter syntax tree, without a preprocessor. */
#ifndef PARSE_H
#define PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "teardown.h"
#include "util/strset.h"

/* The macros of data/kernel-macros. */
typedef struct {
	StrSet attributes;  /* name -> (void *)1 bare, (void *)2 with arguments */
	char **iterators;   /* words that make a name a loop head */
	int niterators;
} MacroTable;

int macro_table_load(MacroTable *t);

/* Copy SRC (N bytes) to OUT with the table's macros masked: same length,
 * same line breaks, so positions in OUT are positions in SRC. */
void mask_macros(const MacroTable *t, const char *src, size_t n, char *out);

/* Check that the C grammar speaks an ABI the tree-sitter runtime accepts;
 * on failure write the reason to ERR and return -1. */
int parse_check_abi(char *err, size_t size);

/* A top-level item of a file (items.c): a function definition or a
 * declaration, as bytes [start, end) and rows/columns from 0. */
typedef struct {
	uint32_t start, end;
	uint32_t start_row, start_col, end_row, end_col;
	uint32_t first_name, nnames; /* a function definition's names (a NameVec) */
	bool is_func;
} Item;
typedef VEC(Item) ItemVec;
typedef struct {
	uint32_t start, len; /* bytes of the text */
} Name;
typedef VEC(Name) NameVec;

/* Append the top-level items of text S (N bytes) to OUT and the
 * names of its function definitions to NAMES; -1 (and both unchanged) when
 * its braces do not balance. */
int split_items(const char *s, size_t n, ItemVec *out, NameVec *names);

/* A file's part in select_items: its text and its items. */
typedef struct {
	const char *text; /* as written: only the chosen items are masked, to be parsed */
	ItemVec items;  /* all of them */
	NameVec names;  /* their names */
	ItemVec chosen; /* select_items' choice, in text order */
	bool whole;    /* not split: one item, always chosen, parsed whole */
} SelectFile;

/* What select_items chooses by: ROOT_KIND and LIVE_KIND are kinds of the
 * names of the prefilter's set (walk.h). */
typedef struct {
	unsigned root_kind; /* items that mention one are roots (driver structs, registrations;
			     * managed acquisitions, for the functions replayed alone) */
	unsigned live_kind; /* a function that reaches no mention of one is not chosen
			     * (the spec's APIs); 0 keeps every reachable function */
	int max_calls;      /* how deep calls are followed from an entry point */
} SelectRules;

/* Choose the items of a directory's files that the analysis can reach:
 * the roots, the functions they name, and the functions those call, as deep
 * as R says (select.c). */
void select_items(SelectFile *files, size_t nfiles, const StrSet *names, const SelectRules *r);

typedef struct Parser Parser;
Parser *parser_new(uint64_t timeout_us);
void parser_free(Parser *p);
/* Parse TEXT; NULL when the parser gave up (timeout). */
struct TSTree *parser_parse(Parser *p, const char *text, size_t n);
/* Parse each of the NITEMS items of TEXT on its own into TREES[i]; the
 * trees keep the whole text's positions.  False (and no trees) when the
 * parser gave up on one (timeout). */
bool parser_parse_items(Parser *p, const char *text, size_t n, const Item *items, size_t nitems,
			struct TSTree **trees);

/* The integer constants of a directory (defines.c): add those TEXT (N
 * bytes) #defines; the value of NAME when every definition gives the same
 * number (C may be NULL: none known). */
typedef struct {
	StrSet values; /* name -> its number, as intptr_t */
	StrSet unsure; /* names defined otherwise too, or #undef'd */
} Constants;
void constants_collect(Constants *c, const char *text, size_t n);
bool constants_get(const Constants *c, const char *name, int64_t *value);
void constants_free(Constants *c);

#endif
