/* clex.h — the few lexical rules that text scanners of C share (see clex.c). */
#ifndef CLEX_H
#define CLEX_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strset.h"

extern const bool lex_ident_table[256];

static inline bool lex_ident_char(unsigned char c)
{
	return lex_ident_table[c];
}

/* The next identifier of S at or after I and before N: its start in
 * *START and the index just past it, or N if there is none.  Numbers are
 * skipped whole (0x1f is no identifier), as is everything else. */
static inline size_t lex_next_ident(const char *s, size_t i, size_t n, size_t *start)
{
	const unsigned char *u = (const unsigned char *)s;
	for (;;) {
		while (i < n && !lex_ident_char(u[i]))
			i++;
		*start = i;
		while (i < n && lex_ident_char(u[i]))
			i++;
		if (*start == n || !(u[*start] >= '0' && u[*start] <= '9'))
			return i;
	}
}

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
