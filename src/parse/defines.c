/*
 * defines.c — the integer constants a directory's files #define.
 *
 * Drivers bound their loops and check their counts with macros of their
 * own headers: `for (i = 0; i < FOTG210_MAX_NUM_EP; i++)`, `if (nvec <
 * FOO_MIN_VECS)`.  Without their values the engine must let the loop stop
 * before its first round and the check go either way, and the evidence of
 * a finding then says `i < FOTG210_MAX_NUM_EP` is false at i = 0, which a
 * reader who opens the header sees is not so.  The values are read from
 * the text as written, while the files of a directory are read (no
 * preprocessor runs): only object-like macros whose whole body is an
 * integer literal, possibly negated or in parentheses, with its u/l
 * suffixes.  Anything else (an expression, another macro, BIT(3)) stays
 * a name the engine cannot fold; which numbers it takes is its own choice
 * (analyze/eval.c takes the small ones).
 *
 * The directory is one scope: a .c file's define is visible to its
 * siblings too.  That only matters where two of them define one name,
 * and a name defined twice with different values (two files, the
 * branches of an #ifdef) or #undef'd anywhere is no constant at all.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parse.h"
#include "util/clex.h"

static size_t skip_blank(const char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* The integer literal that is the whole of [A, B), in parentheses or
 * negated: true with its value. */
static bool literal(const char *s, size_t a, size_t b, int64_t *value)
{
	bool neg = false;
	for (int guard = 0; guard < 8; guard++) {
		while (a < b && (s[a] == ' ' || s[a] == '\t'))
			a++;
		while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r'))
			b--;
		if (a < b && s[a] == '(' && s[b - 1] == ')')
			a++, b--;
		else if (a < b && s[a] == '-' && !neg)
			a++, neg = true;
		else
			break;
	}
	if (a >= b || s[a] < '0' || s[a] > '9' || b - a > 40)
		return false;
	char buf[48];
	memcpy(buf, s + a, b - a);
	buf[b - a] = '\0';
	char *end;
	errno = 0;
	unsigned long long v = strtoull(buf, &end, 0);
	while (*end == 'u' || *end == 'U' || *end == 'l' || *end == 'L')
		end++;
	if (*end || errno || v > INT64_MAX)
		return false;
	*value = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

static bool has(const StrSet *set, const char *name, size_t len)
{
	int found;
	strset_get(set, name, len, &found);
	return found;
}

/* The directive `#define` or `#undef` at I (its '#'), up to END. */
static void directive(Constants *c, const char *s, size_t i, size_t end)
{
	i = skip_blank(s, i + 1, end);
	bool undef = end - i >= 5 && !memcmp(s + i, "undef", 5);
	if (!undef && (end - i < 6 || memcmp(s + i, "define", 6)))
		return;
	i = skip_blank(s, i + (undef ? 5 : 6), end);
	size_t a = i;
	while (i < end && lex_ident_char((unsigned char)s[i]))
		i++;
	if (i == a || i - a > 120 || (s[a] >= '0' && s[a] <= '9'))
		return;
	char name[128];
	memcpy(name, s + a, i - a);
	name[i - a] = '\0';
	if (undef) {
		strset_add(&c->unsure, name, NULL);
		return;
	}
	if (i < end && s[i] == '(') /* a function-like macro: not a constant */
		return;
	/* The body, each comment a blank (`5`, then a comment naming the
	 * endpoints); a body continued on the next line is no number. */
	char body[64];
	size_t n = 0;
	bool ok = true;
	for (size_t k = i; k < end && ok;) {
		if (lex_starts_literal(s, k, end) && s[k] == '/') {
			k = lex_skip_literal(s, k, end);
			body[n++] = ' ';
		} else if (s[k] == '\\' || n + 1 >= sizeof body) {
			ok = false;
		} else {
			body[n++] = s[k++];
		}
		ok = ok && n + 1 < sizeof body;
	}
	int64_t v;
	if (!ok || !literal(body, 0, n, &v)) {
		/* Defined as something else (here, or in another branch of
		 * an #if where a sibling defines it as a number). */
		strset_add(&c->unsure, name, NULL);
		return;
	}
	int found;
	void *old = strset_get(&c->values, name, strlen(name), &found);
	if (found && (int64_t)(intptr_t)old != v)
		strset_add(&c->unsure, name, NULL);
	else if (!found)
		strset_add(&c->values, name, (void *)(intptr_t)v);
}

void constants_collect(Constants *c, const char *s, size_t n)
{
	/* Each `#` with only blanks before it on its line starts a directive. */
	for (const char *p = s; (p = memchr(p, '#', (size_t)(s + n - p))); p++) {
		size_t h = (size_t)(p - s), q = h;
		while (q > 0 && (s[q - 1] == ' ' || s[q - 1] == '\t'))
			q--;
		if (q == 0 || s[q - 1] == '\n')
			directive(c, s, h, lex_skip_directive(s, h, n));
	}
}

bool constants_get(const Constants *c, const char *name, int64_t *value)
{
	if (!c)
		return false;
	size_t len = strlen(name);
	int found;
	void *v = strset_get(&c->values, name, len, &found);
	if (!found || has(&c->unsure, name, len))
		return false;
	*value = (int64_t)(intptr_t)v;
	return true;
}

void constants_free(Constants *c)
{
	strset_free(&c->values);
	strset_free(&c->unsure);
}
