/* parse.h — kernel C to a tree-sitter syntax tree, without a preprocessor. */
#ifndef PARSE_H
#define PARSE_H

#include <stddef.h>
#include <stdint.h>

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

typedef struct Parser Parser;
Parser *parser_new(uint64_t timeout_us);
void parser_free(Parser *p);
/* Parse TEXT; NULL when the parser gave up (timeout). */
struct TSTree *parser_parse(Parser *p, const char *text, size_t n);

#endif
