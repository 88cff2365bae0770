/*
 * mask.c — hide kernel macros from a parser that has no preprocessor.
 *
 * tree-sitter reads C as written, and kernel C is written in macros.  Most
 * of them parse as calls or identifiers and do no harm; two families break
 * the functions around them:
 *
 *   - attributes (`static int __init foo(void)`, `void __iomem *p`), which
 *     look like stray identifiers in a declaration, and
 *   - iterator macros (`list_for_each_entry(p, head, list) { ... }`), a call
 *     followed by a block with no semicolon between.
 *
 * Both are masked in a copy of the text before parsing.  An attribute is
 * overwritten with spaces; an iterator's name becomes `while`, padded with
 * spaces, which turns its arguments into a comma expression and its body into
 * a loop body — valid C with the control flow the macro really has.  Every
 * replacement has the length of what it replaces and keeps line breaks, so
 * the tree's positions are the original file's.
 *
 * The scanner skips comments, string and character literals and
 * preprocessor lines (util/clex.c) (a `#define for_each_x(...)` keeps its name).  Which
 * names to mask is data (data/kernel-macros).
 *
 * Finding the parenthesis that closes a macro's arguments must not cost a
 * scan to the end of the file per macro: a generated or hostile file of
 * 100 000 nested or unclosed `list_for_each_entry(` took minutes that way.
 * So the parentheses of the file are paired once, in one pass with an
 * explicit stack that reads the text as the masker does, and each lookup
 * is a binary search.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/clex.h"
#include "parse/parse.h"
#include "teardown.h"
#include "util/datafile.h"

static const char *read_line(const DataLine *l, void *ctx)
{
	MacroTable *t = ctx;
	if (l->nfields != 2)
		return "expected: attribute NAME | attribute NAME() | iterator WORD";
	const char *name = l->field[1];
	if (!strcmp(l->field[0], "attribute")) {
		size_t n = strlen(name);
		int with_args = n > 2 && !strcmp(name + n - 2, "()");
		char *bare = xstrndup(name, with_args ? n - 2 : n);
		strset_add(&t->attributes, bare, (void *)(intptr_t)(with_args ? 2 : 1));
		free(bare);
		return NULL;
	}
	if (!strcmp(l->field[0], "iterator")) {
		t->iterators = xrealloc(t->iterators, (t->niterators + 1) * sizeof *t->iterators);
		t->iterators[t->niterators++] = xstrdup(name);
		return NULL;
	}
	return "unknown record (expected attribute or iterator)";
}

int macro_table_load(MacroTable *t)
{
	*t = (MacroTable){ 0 };
	return datafile_read("kernel-macros", read_line, t);
}

static int is_ident(int c)
{
	return lex_ident_char((unsigned char)c);
}

/* Every '(' of the file outside comments, literals and preprocessor lines,
 * in text order, with the index just past its ')' (0 if never closed). */
typedef struct {
	size_t open, close;
} Paren;
typedef VEC(Paren) Parens;

static void pair_parens(const char *s, size_t n, Parens *out)
{
	VEC(size_t) open = { 0 }; /* indexes into OUT of the unclosed ones */
	int line_start = 1;
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		if (c == '\n' || isspace(c)) {
			line_start |= c == '\n';
			i++;
			continue;
		}
		if (line_start && c == '#') {
			i = lex_skip_directive(s, i, n);
			continue;
		}
		line_start = 0;
		if (lex_starts_literal(s, i, n)) {
			i = lex_skip_literal(s, i, n);
			continue;
		}
		if (c == '(') {
			VEC_PUSH(&open, out->n);
			Paren p = { i, 0 };
			VEC_PUSH(out, p);
		} else if (c == ')' && open.n)
			out->v[open.v[--open.n]].close = i + 1;
		i++;
	}
	VEC_FREE(&open);
}

/* Index just past the parenthesis matching the one at I, or 0 if unmatched.
 * The pairs are made on first use: most files never ask. */
static size_t match_paren(const char *s, size_t i, size_t n, Parens *pairs, bool *paired)
{
	if (!*paired) {
		pair_parens(s, n, pairs);
		*paired = true;
	}
	size_t lo = 0, hi = pairs->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pairs->v[mid].open < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < pairs->n && pairs->v[lo].open == i ? pairs->v[lo].close : 0;
}

static size_t skip_space(const char *s, size_t i, size_t n)
{
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	return i;
}

static void blank(char *out, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (out[i] != '\n')
			out[i] = ' ';
}

static int is_iterator(const MacroTable *t, const char *name, size_t len)
{
	for (int k = 0; k < t->niterators; k++)
		if (memmem(name, len, t->iterators[k], strlen(t->iterators[k])))
			return 1;
	return 0;
}

/* A loop head stands where a statement may start and is followed by one. */
static int is_loop_head(const char *s, size_t after, size_t n, char prev)
{
	if (!strchr(";{}):", prev) && prev != '\0')
		return 0;
	size_t k = skip_space(s, after, n);
	return k < n && (s[k] == '{' || s[k] == '(' || s[k] == '*' || is_ident((unsigned char)s[k]));
}

void mask_macros(const MacroTable *t, const char *src, size_t n, char *out)
{
	memcpy(out, src, n);
	Parens pairs = { 0 };
	bool paired = false;
	int line_start = 1;
	char prev = '\0'; /* last significant character, for loop-head context */
	size_t i = 0;
	while (i < n) {
		unsigned char c = src[i];
		if (c == '\n') {
			line_start = 1;
			i++;
			continue;
		}
		if (isspace(c)) {
			i++;
			continue;
		}
		if (line_start && c == '#') {
			i = lex_skip_directive(src, i, n);
			continue;
		}
		line_start = 0;
		if (lex_starts_literal(src, i, n)) {
			i = lex_skip_literal(src, i, n);
			prev = '"';
			continue;
		}
		if (!is_ident(c) || isdigit(c)) {
			prev = c;
			i++;
			continue;
		}
		size_t end = i;
		while (end < n && is_ident((unsigned char)src[end]))
			end++;
		int kind = (int)(intptr_t)strset_get(&t->attributes, src + i, end - i, NULL);
		if (kind) {
			size_t to = end;
			size_t k = skip_space(src, end, n);
			if (kind == 2 && k < n && src[k] == '(') {
				size_t close = match_paren(src, k, n, &pairs, &paired);
				to = close ? close : end;
			}
			blank(out, i, to);
			i = to;
			continue;
		}
		if (is_iterator(t, src + i, end - i)) {
			size_t k = skip_space(src, end, n);
			size_t close = k < n && src[k] == '(' ? match_paren(src, k, n, &pairs, &paired) : 0;
			if (close && is_loop_head(src, close, n, prev)) {
				memcpy(out + i, "while", 5);
				blank(out, i + 5, end);
				prev = ')';
				i = close;
				continue;
			}
		}
		/* `else` and `do` may precede a statement too. */
		prev = ((end - i == 4 && !memcmp(src + i, "else", 4)) ||
			(end - i == 2 && !memcmp(src + i, "do", 2)))
			       ? ';'
			       : 'a';
		i = end;
	}
	VEC_FREE(&pairs);
}
