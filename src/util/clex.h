/* clex.h — the few lexical rules that text scanners of C share (see clex.c). */
#ifndef CLEX_H
#define CLEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strset.h"

extern const bool lex_ident_table[256];

static inline bool lex_ident_char(unsigned char c)
{
	return lex_ident_table[c];
}

/* The identifiers of a text, in order.  The scanner classifies 64 bytes at
 * a time into a word of bits (is this byte an identifier character?) and
 * walks the runs of set bits, so it costs per block and per identifier
 * rather than a test and a branch per byte: the prefilter runs it over
 * every file of every directory with a driver.  Numbers are skipped whole
 * (0x1f is no identifier). */
typedef struct {
	const unsigned char *s;
	size_t n;
	size_t base;   /* the block's first byte */
	uint64_t bits; /* identifier bytes of the block not yet returned */
} IdentScan;

/* Scan S from I (a run of identifier bytes at I starts an identifier) to N. */
void ident_scan_init(IdentScan *it, const char *s, size_t i, size_t n);
/* The next identifier: true, with [*START, *END); false at the end. */
bool ident_scan_next(IdentScan *it, size_t *start, size_t *end);

/* The kinds (values, OR-ed) of the names in NAMES that TEXT mentions, of
 * those in WANT; the scan stops once every kind in WANT has been seen.
 * (The prefilter, and the choice of items.) */
unsigned mentions(const StrSet *names, const char *text, size_t n, unsigned want);

/* Does a comment, string or character literal start at I? */
bool lex_starts_literal(const char *s, size_t i, size_t n);
/* Index just past the literal or comment starting at I. */
size_t lex_skip_literal(const char *s, size_t i, size_t n);
/* Index of the newline ending the preprocessor line that starts at I,
 * continuations included (or N). */
size_t lex_skip_directive(const char *s, size_t i, size_t n);

#endif
