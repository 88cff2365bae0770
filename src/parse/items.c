/*
 * items.c — a file's top-level items, found without parsing it.
 *
 * Most of a driver's file is never reached from its driver: ethtool and
 * netdev ops, sysfs attributes, debugfs, interrupt handlers' helpers.  Parsing
 * costs more than everything else a scan does, so the scan parses only the
 * items that a driver's callbacks can reach (select.c), each on its own
 * (parser_parse_items), positions intact.
 *
 * An item is a function definition or a declaration at file scope.  They are
 * told apart by counting braces in the text as written (masking changes no
 * brace, parenthesis or semicolon) outside comments, literals and
 * preprocessor lines:
 *
 *   - a `{` at depth 0 right after a `)` opens a function body, and the `}`
 *     that closes it ends the item; the function's names are the
 *     identifiers before each `(` at depth 0 of the item: the declarator's
 *     name is one of them, and a macro with no semicolon before it (`static
 *     DEF_SCSI_QCMD(foo)` then a function) makes another;
 *   - anything else ends at a `;` at depth 0 (a prototype, a variable, a
 *     driver struct's initializer, `module_pci_driver(foo);`).
 *
 * Conditional compilation may open a brace twice (`#ifdef A  if (a) {  #else
 * if (b) {  #endif`), so each branch of an #if starts at the depth the #if
 * had, and after #endif the depth is the first branch's.  Preprocessor lines
 * between items belong to no item.  A file whose braces still do not balance
 * gets -1: the caller parses it whole, as before items existed.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/parse.h"
#include "util/clex.h"

typedef struct {
	int depth_at_if;    /* brace depth where the #if stood */
	int depth_after_1st; /* at the first #else/#elif, or -1 */
} Cond;

typedef struct {
	const char *s;
	size_t n;
	uint32_t row, line_start;
	int depth, paren;
	bool open; /* an item has started and not ended */
	Item cur;
	char last; /* last significant character: ')' before '{' means a body */
	uint32_t ident, ident_len; /* the last identifier, for a function's names */
	VEC(Cond) conds;
	ItemVec *out;
	NameVec *names;
} Splitter;

static void begin(Splitter *p, size_t i)
{
	if (p->open)
		return;
	p->open = true;
	p->cur = (Item){ .start = (uint32_t)i, .start_row = p->row, .start_col = (uint32_t)i - p->line_start,
			 .first_name = (uint32_t)p->names->n };
}

static void end(Splitter *p, size_t i)
{
	p->cur.end = (uint32_t)i;
	p->cur.end_row = p->row;
	p->cur.end_col = (uint32_t)i - p->line_start;
	if (!p->cur.is_func) /* a name counts only for a function definition */
		p->names->n = p->cur.first_name;
	p->cur.nnames = (uint32_t)p->names->n - p->cur.first_name;
	VEC_PUSH(p->out, p->cur);
	p->open = false;
	p->paren = 0;
}

/* Rows and the line start after the bytes [from, to), which a skip jumped. */
static void count_lines(Splitter *p, size_t from, size_t to)
{
	for (const char *q = memchr(p->s + from, '\n', to - from); q;
	     q = memchr(q + 1, '\n', (size_t)(p->s + to - (q + 1)))) {
		p->row++;
		p->line_start = (uint32_t)(q + 1 - p->s);
	}
}

static bool word_is(const char *s, size_t i, size_t n, const char *w)
{
	size_t k = strlen(w);
	return i + k <= n && !memcmp(s + i, w, k) && (i + k == n || !lex_ident_char((unsigned char)s[i + k]));
}

/* A directive at I ('#'): conditionals move the brace depth, others nothing. */
static void directive(Splitter *p, size_t i)
{
	size_t k = i + 1;
	while (k < p->n && (p->s[k] == ' ' || p->s[k] == '\t'))
		k++;
	if (word_is(p->s, k, p->n, "if") || word_is(p->s, k, p->n, "ifdef") ||
	    word_is(p->s, k, p->n, "ifndef")) {
		Cond c = { p->depth, -1 };
		VEC_PUSH(&p->conds, c);
	} else if (p->conds.n && (word_is(p->s, k, p->n, "else") || word_is(p->s, k, p->n, "elif") ||
				  word_is(p->s, k, p->n, "elifdef") || word_is(p->s, k, p->n, "elifndef"))) {
		Cond *c = &p->conds.v[p->conds.n - 1];
		if (c->depth_after_1st < 0)
			c->depth_after_1st = p->depth;
		p->depth = c->depth_at_if;
	} else if (p->conds.n && word_is(p->s, k, p->n, "endif")) {
		Cond *c = &p->conds.v[--p->conds.n];
		if (c->depth_after_1st >= 0)
			p->depth = c->depth_after_1st;
	}
}

int split_items(const char *s, size_t n, ItemVec *out, NameVec *names)
{
	Splitter p = { .s = s, .n = n, .out = out, .names = names };
	bool bol = true; /* only spaces since the line began: a '#' is a directive */
	size_t first = out->n, first_name = names->n;
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		if (c == '\n') {
			p.row++;
			p.line_start = (uint32_t)i + 1;
			bol = true;
			i++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			i++;
			continue;
		}
		if (bol && c == '#') {
			directive(&p, i);
			size_t j = lex_skip_directive(s, i, n);
			count_lines(&p, i, j);
			i = j;
			continue;
		}
		bol = false;
		if (lex_starts_literal(s, i, n)) {
			size_t j = lex_skip_literal(s, i, n);
			if (c != '/') { /* a literal is part of an item; a comment is not */
				begin(&p, i);
				p.last = '"';
			}
			count_lines(&p, i, j);
			i = j;
			continue;
		}
		begin(&p, i);
		if (lex_ident_char(c)) {
			size_t j = i;
			while (j < n && lex_ident_char((unsigned char)s[j]))
				j++;
			p.ident = (uint32_t)i;
			p.ident_len = (uint32_t)(j - i);
			p.last = 'a';
			i = j;
			continue;
		}
		if (p.depth == 0) {
			if (c == '(' && p.paren++ == 0 && p.last == 'a') {
				Name nm = { p.ident, p.ident_len };
				VEC_PUSH(p.names, nm);
			} else if (c == ')' && p.paren > 0)
				p.paren--;
			else if (c == ';' && p.paren == 0) {
				p.cur.is_func = false;
				end(&p, i + 1);
				p.last = (char)c;
				i++;
				continue;
			} else if (c == '{' && p.paren == 0 && p.last == ')')
				p.cur.is_func = true;
		}
		p.last = (char)c;
		i++;
		if (c == '{')
			p.depth++;
		if (c != '}')
			continue;
		if (--p.depth < 0)
			break;
		if (p.depth == 0 && p.cur.is_func)
			end(&p, i);
	}
	bool balanced = p.depth == 0;
	if (balanced && p.open)
		end(&p, n);
	VEC_FREE(&p.conds);
	if (!balanced) {
		out->n = first;
		names->n = first_name;
		return -1;
	}
	return 0;
}
