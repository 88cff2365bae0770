/*
 * clex.c — comments, literals and preprocessor lines, for text scanners.
 *
 * Several passes read C as text before tree-sitter sees it: the prefilter
 * (mentions, below), the item splitter and chooser (parse/items.c,
 * parse/select.c) and the macro masker (parse/mask.c).  They must agree on
 * what is code: a brace or a macro name inside a comment, a string or a
 * `#define` is not.  These rules are the shared part; each scanner keeps its own loop.
 * A string or character literal ends at an unescaped newline as well as at
 * its quote, so one stray quote cannot swallow the rest of the file.
 */
#include <stdint.h>

#include "util/clex.h"

#define IDENT_RANGE(a, b) [a ... b] = true
const bool lex_ident_table[256] = {
	IDENT_RANGE('a', 'z'), IDENT_RANGE('A', 'Z'), IDENT_RANGE('0', '9'), ['_'] = true,
};

bool lex_starts_literal(const char *s, size_t i, size_t n)
{
	return s[i] == '"' || s[i] == '\'' ||
	       (s[i] == '/' && i + 1 < n && (s[i + 1] == '/' || s[i + 1] == '*'));
}

size_t lex_skip_literal(const char *s, size_t i, size_t n)
{
	if (s[i] == '/' && i + 1 < n && s[i + 1] == '/') {
		while (i < n && s[i] != '\n')
			i++;
		return i;
	}
	if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
		for (i += 2; i + 1 < n && !(s[i] == '*' && s[i + 1] == '/'); i++)
			;
		return i + 2 < n ? i + 2 : n;
	}
	char q = s[i++];
	for (; i < n && s[i] != q && s[i] != '\n'; i++)
		if (s[i] == '\\')
			i++;
	return i < n ? i + 1 : n;
}

size_t lex_skip_directive(const char *s, size_t i, size_t n)
{
	while (i < n && !(s[i] == '\n' && s[i - 1] != '\\'))
		i++;
	return i;
}

/* Every identifier is looked up: one bit of the set first
 * (strset_may_hold), the hash only for the few that pass, so the scan costs
 * little more than reading the bytes. */
unsigned mentions(const StrSet *names, const char *text, size_t n, unsigned want)
{
	unsigned seen = 0;
	size_t start;
	for (size_t i = 0; (seen & want) != want && (i = lex_next_ident(text, i, n, &start)) > start;)
		if (strset_may_hold(names, text + start, i - start))
			seen |= (unsigned)(uintptr_t)strset_get(names, text + start, i - start, NULL);
	return seen & want;
}
