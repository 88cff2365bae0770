/* clex.h — the few lexical rules that text scanners of C share (see clex.c). */
#ifndef CLEX_H
#define CLEX_H

#include <stdbool.h>
#include <stddef.h>

extern const bool lex_ident_table[256];

static inline bool lex_ident_char(unsigned char c)
{
	return lex_ident_table[c];
}

/* Does a comment, string or character literal start at I? */
bool lex_starts_literal(const char *s, size_t i, size_t n);
/* Index just past the literal or comment starting at I. */
size_t lex_skip_literal(const char *s, size_t i, size_t n);
/* Index of the newline ending the preprocessor line that starts at I,
 * continuations included (or N). */
size_t lex_skip_directive(const char *s, size_t i, size_t n);

#endif
