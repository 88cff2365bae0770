/*
 * cfg.c — a function's control-flow graph, from its syntax tree.
 *
 * The engine executes a function symbolically, path by path, so it needs
 * the order of evaluation and every decision point, as plain facts it can
 * read without tree-sitter.  The graph is built here, while the tree still
 * exists: statements and conditions become CfgNodes, their expressions
 * Expr trees (expr.c).
 *
 * Construction is the classic "open edges" scheme: every emitted node takes
 * all the dangling edges so far as its predecessors.  Branches, loops,
 * switch dispatch, goto/labels (patched at the end), return, break and
 * continue only reshuffle the set of dangling edges.
 *
 * Conditions are lowered to atoms: `if (a && !b)` is a branch on `a` whose
 * true edge leads to a branch on `b` with its edges swapped.  Each atom is
 * then a comparison, a test of a value's truth, a bit test or a predicate
 * call, which the engine decides against what its path knows; and a call
 * in `b` is evaluated only where `a` held, as in C.  A switch is a chain of
 * `subject == label` atoms on a temporary that holds the subject, evaluated
 * once.
 *
 * Loops keep their back edges: a LOOP node heads each one, and the engine
 * decides how many times a path goes round (it unrolls a few iterations
 * with the exit condition decided on each, so a request loop and the
 * release loop over the same bound agree iteration by iteration).  An
 * iterator macro, masked into `while (pos, head, member)` before the parse
 * (parse/mask.c), is recognised by the text under its `while`: its LOOP
 * node carries the cursor and the collection, and has no condition.
 *
 * Statement nesting is followed recursively up to MAX_DEPTH and a function
 * gets at most MAX_NODES nodes; past either bound the rest of the function
 * is left out and the function is marked partial, never silently.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/cfg.h"
#include "extract/extract.h"
#include "extract/syms.h"

enum { MAX_DEPTH = 200, MAX_NODES = 20000, MAX_COND_DEPTH = 32, MAX_ATOM_TEXT = 120 };

typedef VEC(uint32_t) Holes; /* node * 2 + slot (0: next, 1: other) */

typedef struct {
	const char *name;
	uint32_t len;
	int32_t node;
} Label;

typedef struct {
	CfgBuf *buf;
	ExprBuild eb;
	uint32_t base;
	Holes open;
	VEC(Label) labels;
	VEC(Label) gotos; /* node = the goto's node, name = its target */
	Holes *breaks[MAX_DEPTH], *continues[MAX_DEPTH];
	int nbreaks, ncontinues, depth, nswitch;
	VEC(const char *) locals;
	VEC(bool) local_arrays; /* per local: declared as an array */
	bool partial;
} B;

static void connect(B *b, uint32_t hole, int32_t to)
{
	CfgNode *n = &b->buf->nodes.v[hole >> 1];
	if (hole & 1)
		n->other = to;
	else
		n->next = to;
}

static void move_holes(Holes *to, Holes *from)
{
	for (size_t i = 0; i < from->n; i++)
		VEC_PUSH(to, from->v[i]);
	from->n = 0;
}

static void connect_all(B *b, Holes *h, int32_t to)
{
	for (size_t i = 0; i < h->n; i++)
		connect(b, h->v[i], to);
	h->n = 0;
}

/* A node at AT's position taking the open edges; its NEXT edge is left open. */
static int32_t emit(B *b, CfgKind kind, TSNode at, int32_t expr)
{
	int32_t idx = (int32_t)b->buf->nodes.n;
	TSPoint p = ts_node_is_null(at) ? (TSPoint){ 0, 0 } : ts_node_start_point(at);
	CfgNode n = { .kind = (uint8_t)kind, .next = -1, .other = -1, .expr = expr, .expr2 = -1,
		      .pos = { p.row + 1, p.column + 1 } };
	VEC_PUSH(&b->buf->nodes, n);
	connect_all(b, &b->open, idx);
	if (kind != CFG_RETURN)
		VEC_PUSH(&b->open, (uint32_t)idx * 2);
	return idx;
}

static bool token_is(B *b, TSNode n, const char *s)
{
	uint32_t a = ts_node_start_byte(n), e = ts_node_end_byte(n);
	return e - a == strlen(s) && !memcmp(b->eb.src + a, s, e - a);
}

/* Does the expression change anything: a call, an assignment, ++ or --? */
static bool effect_visit(TSNode n, void *found)
{
	TSSymbol s = ts_node_symbol(n);
	*(bool *)found = s == S.call_expression || s == S.assignment_expression || s == S.update_expression;
	return !*(bool *)found;
}

static bool has_effect(TSNode n)
{
	bool found = false;
	if (!ts_node_is_null(n))
		walk_subtree(n, effect_visit, &found);
	return found;
}

/* Lower condition E: emit its atoms as branches; the edges where E holds go
 * to T, where it does not to F. */
static void cond(B *b, TSNode e, Holes *t, Holes *f, int depth)
{
	e = expr_strip(e);
	if (!ts_node_is_null(e) && depth < MAX_COND_DEPTH) {
		TSSymbol s = ts_node_symbol(e);
		if (s == S.unary_expression) {
			TSNode op = ts_node_child_by_field_id(e, S.f_operator);
			if (!ts_node_is_null(op) && token_is(b, op, "!")) {
				cond(b, ts_node_child_by_field_id(e, S.f_argument), f, t, depth + 1);
				return;
			}
		}
		if (s == S.binary_expression) {
			TSNode op = ts_node_child_by_field_id(e, S.f_operator);
			bool and = token_is(b, op, "&&"), or = token_is(b, op, "||");
			if (and || or) {
				Holes lt = { 0 }, lf = { 0 };
				cond(b, ts_node_child_by_field_id(e, S.f_left), &lt, &lf, depth + 1);
				/* the right operand is evaluated where the left did not decide */
				move_holes(&b->open, and ? &lt : &lf);
				cond(b, ts_node_child_by_field_id(e, S.f_right), t, f, depth + 1);
				move_holes(and ? f : t, and ? &lf : &lt);
				VEC_FREE(&lt);
				VEC_FREE(&lf);
				return;
			}
		}
		if (s == S.call_expression) { /* likely(x), WARN_ON(x): the truth of x */
			TSNode fn = ts_node_child_by_field_id(e, S.f_function);
			TSNode args = ts_node_child_by_field_id(e, S.f_arguments);
			if (!ts_node_is_null(fn) && ts_node_symbol(fn) == S.identifier && !ts_node_is_null(args) &&
			    ts_node_named_child_count(args) >= 1) {
				const char *name = expr_text(&b->eb, fn, 64);
				if (convention_of(b->eb.conv, name) == CONV_TRANSPARENT) {
					cond(b, ts_node_named_child(args, 0), t, f, depth + 1);
					return;
				}
			}
		}
	}
	int32_t idx = emit(b, CFG_BRANCH, ts_node_is_null(e) ? (TSNode){ 0 } : e,
			   ts_node_is_null(e) ? -1 : expr_of(&b->eb, e));
	CfgNode *n = &b->buf->nodes.v[idx];
	n->text = ts_node_is_null(e) ? "?" : expr_text(&b->eb, e, MAX_ATOM_TEXT);
	b->open.n = 0;
	VEC_PUSH(t, (uint32_t)idx * 2);
	VEC_PUSH(f, (uint32_t)idx * 2 + 1);
}

static void add_local(B *b, const char *text, bool array)
{
	VEC_PUSH(&b->locals, text);
	VEC_PUSH(&b->local_arrays, array);
}

static void local(B *b, TSNode name, bool array)
{
	if (!ts_node_is_null(name))
		add_local(b, expr_text(&b->eb, name, 64), array);
}

/* Follow declarator wrappers (pointer, array, attributed) to the name. */
static TSNode declared_name(TSNode d)
{
	for (int guard = 0; guard < 16 && !ts_node_is_null(d); guard++) {
		if (ts_node_symbol(d) == S.identifier)
			return d;
		TSNode inner = ts_node_child_by_field_id(d, S.f_declarator);
		if (ts_node_is_null(inner))
			inner = ts_node_named_child_count(d) ? ts_node_named_child(d, 0) : inner;
		if (!ts_node_is_null(inner) && ts_node_eq(inner, d))
			break;
		d = inner;
	}
	return (TSNode){ 0 };
}

/* Does declarator D make its name an array: is the declarator right
 * around the name (parentheses aside) an array's?  `u64 uid[2]` and
 * `int *v[4]` do; `int (*p)[4]` is a pointer. */
static bool declares_array(TSNode d)
{
	bool array = false;
	for (int guard = 0; guard < 16 && !ts_node_is_null(d) && ts_node_symbol(d) != S.identifier; guard++) {
		if (ts_node_symbol(d) != S.parenthesized_declarator)
			array = ts_node_symbol(d) == S.array_declarator;
		TSNode inner = ts_node_child_by_field_id(d, S.f_declarator);
		if (ts_node_is_null(inner))
			inner = ts_node_named_child_count(d) ? ts_node_named_child(d, 0) : inner;
		if (ts_node_is_null(inner) || ts_node_eq(inner, d))
			return false;
		d = inner;
	}
	return array;
}

/* An array's initializer, element by element: `u64 uid[2] = {0, 0}` is
 * uid[0] = 0 and uid[1] = 0, so a later `if (uid[1])` is decided.  Only
 * the leading elements without a designator; the rest stay unknown (an
 * element not written is 0 in C, but the array's length is not read). */
static void array_init(B *b, TSNode name, TSNode list)
{
	uint32_t k = ts_node_named_child_count(list);
	for (uint32_t i = 0; i < k; i++) {
		TSNode v = ts_node_named_child(list, i);
		TSSymbol s = ts_node_symbol(v);
		if (s == S.initializer_pair || s == S.initializer_list)
			return;
		if (s == S.comment)
			continue;
		int32_t arr = expr_add(&b->eb, (Expr){ .kind = EX_NAME, .a = -1, .b = -1, .c = -1, .call = -1,
						      .text = expr_text(&b->eb, name, 64) });
		int32_t idx = expr_add(&b->eb, (Expr){ .kind = EX_NUM, .a = -1, .b = -1, .c = -1, .call = -1,
						      .num = i });
		int32_t lhs = expr_add(&b->eb, (Expr){ .kind = EX_INDEX, .a = arr, .b = idx, .c = -1, .call = -1 });
		emit(b, CFG_STMT, v,
		     expr_add(&b->eb, (Expr){ .kind = EX_ASSIGN, .a = lhs, .b = expr_of(&b->eb, v), .c = -1,
					      .call = -1 }));
	}
}

/* A declaration: its names become locals, each initializer an assignment. */
static void declaration(B *b, TSNode s)
{
	uint32_t k = ts_node_named_child_count(s);
	for (uint32_t i = 0; i < k; i++) {
		TSNode d = ts_node_named_child(s, i);
		if (ts_node_symbol(d) != S.init_declarator) {
			if (!ts_node_eq(d, ts_node_child_by_field_id(s, S.f_type)))
				local(b, declared_name(d), declares_array(d));
			continue;
		}
		TSNode decl = ts_node_child_by_field_id(d, S.f_declarator);
		TSNode name = declared_name(decl);
		TSNode val = ts_node_child_by_field_id(d, S.f_value);
		if (ts_node_is_null(name))
			continue;
		bool array = declares_array(decl);
		local(b, name, array);
		if (ts_node_is_null(val))
			continue;
		if (array && ts_node_symbol(val) == S.initializer_list) {
			array_init(b, name, val);
			continue;
		}
		int32_t lhs = expr_add(&b->eb, (Expr){ .kind = EX_NAME, .a = -1, .b = -1, .c = -1, .call = -1,
						      .text = expr_text(&b->eb, name, 64) });
		int32_t rhs = ts_node_symbol(val) == S.initializer_list
				      ? expr_add(&b->eb, (Expr){ .kind = EX_UNKNOWN, .a = -1, .b = -1, .c = -1, .call = -1 })
				      : expr_of(&b->eb, val);
		emit(b, CFG_STMT, d,
		     expr_add(&b->eb, (Expr){ .kind = EX_ASSIGN, .a = lhs, .b = rhs, .c = -1, .call = -1 }));
	}
}

static void stmt(B *b, TSNode s);

/* The loop node of an iterator macro (`while` in the masked text, the
 * macro's name in the source): cursor and collection from its arguments. */
static bool iterator(B *b, TSNode s, TSNode c, int32_t head)
{
	if (token_is(b, ts_node_child(s, 0), "while"))
		return false;
	b->buf->nodes.v[head].iterator = 1;
	c = expr_strip(c);
	if (ts_node_is_null(c) || ts_node_symbol(c) != S.comma_expression)
		return true; /* one argument: no cursor, just an unknown number of rounds */
	TSNode cursor = ts_node_child_by_field_id(c, S.f_left), rest = ts_node_child_by_field_id(c, S.f_right);
	if (!ts_node_is_null(rest) && ts_node_symbol(rest) == S.comma_expression)
		rest = ts_node_child_by_field_id(rest, S.f_left);
	int32_t x = expr_of(&b->eb, cursor), y = expr_of(&b->eb, rest);
	b->buf->nodes.v[head].expr = x;
	b->buf->nodes.v[head].expr2 = y;
	return true;
}

/* while (COND) BODY, for (..; COND; UPDATE) BODY, do BODY while (COND). */
static void loop(B *b, TSNode s, TSNode c, TSNode body, TSNode update, bool do_while)
{
	int32_t head = emit(b, CFG_LOOP, s, -1);
	Holes exits = { 0 }, breaks = { 0 }, continues = { 0 };
	VEC_PUSH(&exits, (uint32_t)head * 2 + 1);
	bool iter = !do_while && ts_node_symbol(s) == S.while_statement && iterator(b, s, c, head);
	if (!do_while && !iter && !ts_node_is_null(c)) {
		Holes t = { 0 };
		cond(b, c, &t, &exits, 0);
		move_holes(&b->open, &t);
		VEC_FREE(&t);
	}
	b->breaks[b->nbreaks++] = &breaks;
	b->continues[b->ncontinues++] = &continues;
	stmt(b, body);
	b->nbreaks--;
	b->ncontinues--;
	move_holes(&b->open, &continues);
	if (do_while && !ts_node_is_null(c)) {
		Holes t = { 0 };
		cond(b, c, &t, &exits, 0);
		move_holes(&b->open, &t);
		VEC_FREE(&t);
	} else if (!ts_node_is_null(update) && has_effect(update))
		emit(b, CFG_STMT, update, expr_of(&b->eb, update));
	connect_all(b, &b->open, head); /* the back edge */
	move_holes(&b->open, &exits);
	move_holes(&b->open, &breaks);
	VEC_FREE(&exits);
	VEC_FREE(&breaks);
	VEC_FREE(&continues);
}

/* switch (SUBJECT): the subject into a temporary, then one `tmp == label`
 * atom per case label in order, the default's body where none holds. */
static void switch_stmt(B *b, TSNode s)
{
	TSNode body = ts_node_child_by_field_id(s, S.f_body);
	char name[24];
	snprintf(name, sizeof name, "switch#%d", b->nswitch++);
	const char *tmp = arena_strndup(&b->eb.f->arena, name, strlen(name));
	add_local(b, tmp, false);
	Expr var = { .kind = EX_NAME, .a = -1, .b = -1, .c = -1, .call = -1, .text = tmp };
	int32_t lhs = expr_add(&b->eb, var);
	int32_t subject = expr_of(&b->eb, ts_node_child_by_field_id(s, S.f_condition));
	emit(b, CFG_STMT, s, expr_add(&b->eb, (Expr){ .kind = EX_ASSIGN, .a = lhs, .b = subject, .c = -1, .call = -1 }));
	uint32_t nc = ts_node_is_null(body) ? 0 : ts_node_named_child_count(body);
	Holes entries = { 0 }, fall = { 0 }, breaks = { 0 }, no_match = { 0 };
	int32_t deflt = -1;
	for (uint32_t i = 0; i < nc; i++) {
		TSNode c = ts_node_named_child(body, i);
		if (ts_node_symbol(c) != S.case_statement)
			continue;
		TSNode value = ts_node_child_by_field_id(c, S.f_value);
		if (ts_node_is_null(value)) {
			deflt = (int32_t)i;
			VEC_PUSH(&entries, UINT32_MAX); /* reached through no_match */
			continue;
		}
		int32_t x = expr_add(&b->eb, var);
		int32_t test = expr_add(&b->eb, (Expr){ .kind = EX_BINARY, .op = OP_EQ, .a = x,
							.b = expr_of(&b->eb, value), .c = -1, .call = -1 });
		int32_t idx = emit(b, CFG_BRANCH, c, test);
		b->buf->nodes.v[idx].text = expr_text(&b->eb, value, MAX_ATOM_TEXT);
		b->open.n = 0;
		VEC_PUSH(&entries, (uint32_t)idx * 2);
		VEC_PUSH(&b->open, (uint32_t)idx * 2 + 1);
	}
	move_holes(&no_match, &b->open);
	b->breaks[b->nbreaks++] = &breaks; /* bounded: nesting is at most MAX_DEPTH */
	size_t k = 0;
	for (uint32_t i = 0; i < nc && !b->partial; i++) {
		TSNode c = ts_node_named_child(body, i);
		if (ts_node_symbol(c) != S.case_statement)
			continue;
		move_holes(&b->open, &fall);
		if (entries.v[k] != UINT32_MAX)
			VEC_PUSH(&b->open, entries.v[k]);
		k++;
		if ((int32_t)i == deflt)
			move_holes(&b->open, &no_match);
		TSNode value = ts_node_child_by_field_id(c, S.f_value);
		uint32_t m = ts_node_named_child_count(c);
		for (uint32_t j = 0; j < m; j++) {
			TSNode st = ts_node_named_child(c, j);
			if (!ts_node_eq(st, value))
				stmt(b, st);
		}
		move_holes(&fall, &b->open);
	}
	b->nbreaks--;
	move_holes(&b->open, &fall);
	move_holes(&b->open, &breaks);
	move_holes(&b->open, &no_match);
	VEC_FREE(&entries);
	VEC_FREE(&fall);
	VEC_FREE(&breaks);
	VEC_FREE(&no_match);
}

static void jump(B *b, Holes **stack, int n)
{
	if (n > 0)
		move_holes(stack[n - 1], &b->open);
	else
		b->open.n = 0; /* break outside a loop: a parse artefact */
}

static void stmt(B *b, TSNode s)
{
	if (ts_node_is_null(s))
		return;
	if (b->depth >= MAX_DEPTH || b->buf->nodes.n - b->base >= MAX_NODES) {
		b->partial = true;
		return;
	}
	b->depth++;
	TSSymbol sym = ts_node_symbol(s);
	if (sym == S.compound_statement) {
		uint32_t n = ts_node_named_child_count(s);
		for (uint32_t i = 0; i < n && !b->partial; i++)
			stmt(b, ts_node_named_child(s, i));
	} else if (sym == S.if_statement) {
		Holes t = { 0 }, f = { 0 }, then = { 0 };
		cond(b, ts_node_child_by_field_id(s, S.f_condition), &t, &f, 0);
		move_holes(&b->open, &t);
		stmt(b, ts_node_child_by_field_id(s, S.f_consequence));
		move_holes(&then, &b->open);
		move_holes(&b->open, &f);
		TSNode alt = ts_node_child_by_field_id(s, S.f_alternative);
		if (!ts_node_is_null(alt) && ts_node_symbol(alt) == S.else_clause)
			alt = ts_node_named_child_count(alt) ? ts_node_named_child(alt, 0) : (TSNode){ 0 };
		stmt(b, alt);
		move_holes(&b->open, &then);
		VEC_FREE(&t);
		VEC_FREE(&f);
		VEC_FREE(&then);
	} else if (sym == S.while_statement) {
		loop(b, s, ts_node_child_by_field_id(s, S.f_condition), ts_node_child_by_field_id(s, S.f_body),
		     (TSNode){ 0 }, false);
	} else if (sym == S.do_statement) {
		loop(b, s, ts_node_child_by_field_id(s, S.f_condition), ts_node_child_by_field_id(s, S.f_body),
		     (TSNode){ 0 }, true);
	} else if (sym == S.for_statement) {
		TSNode init = ts_node_child_by_field_id(s, S.f_initializer);
		if (!ts_node_is_null(init) && ts_node_symbol(init) == S.declaration)
			declaration(b, init);
		else if (has_effect(init))
			emit(b, CFG_STMT, init, expr_of(&b->eb, init));
		loop(b, s, ts_node_child_by_field_id(s, S.f_condition), ts_node_child_by_field_id(s, S.f_body),
		     ts_node_child_by_field_id(s, S.f_update), false);
	} else if (sym == S.switch_statement) {
		switch_stmt(b, s);
	} else if (sym == S.goto_statement) {
		int32_t idx = emit(b, CFG_STMT, s, -1);
		b->open.n = 0;
		TSNode l = ts_node_child_by_field_id(s, S.f_label);
		if (!ts_node_is_null(l)) {
			Label g = { b->eb.src + ts_node_start_byte(l), ts_node_end_byte(l) - ts_node_start_byte(l), idx };
			VEC_PUSH(&b->gotos, g);
		}
	} else if (sym == S.labeled_statement) {
		int32_t idx = emit(b, CFG_STMT, s, -1);
		TSNode l = ts_node_child_by_field_id(s, S.f_label);
		if (!ts_node_is_null(l)) {
			Label lb = { b->eb.src + ts_node_start_byte(l), ts_node_end_byte(l) - ts_node_start_byte(l), idx };
			VEC_PUSH(&b->labels, lb);
		}
		uint32_t n = ts_node_named_child_count(s);
		for (uint32_t i = 0; i < n; i++)
			if (!ts_node_eq(ts_node_named_child(s, i), l))
				stmt(b, ts_node_named_child(s, i));
	} else if (sym == S.return_statement) {
		TSNode e = ts_node_named_child_count(s) ? ts_node_named_child(s, 0) : (TSNode){ 0 };
		emit(b, CFG_RETURN, s, ts_node_is_null(e) ? -1 : expr_of(&b->eb, e));
	} else if (sym == S.break_statement) {
		jump(b, b->breaks, b->nbreaks);
	} else if (sym == S.continue_statement) {
		jump(b, b->continues, b->ncontinues);
	} else if (sym == S.declaration) {
		declaration(b, s);
	} else if (sym == S.expression_statement) {
		TSNode e = ts_node_named_child_count(s) ? ts_node_named_child(s, 0) : (TSNode){ 0 };
		if (has_effect(e))
			emit(b, CFG_STMT, s, expr_of(&b->eb, e));
	} else if (sym == S.attributed_statement) {
		uint32_t n = ts_node_named_child_count(s);
		if (n)
			stmt(b, ts_node_named_child(s, n - 1));
	}
	b->depth--;
}

void cfg_build(CfgBuf *buf, FileFacts *f, const char *src, const Conventions *conv, Func *fn,
	       TSNode body)
{
	B b = { .buf = buf, .eb = { buf, f, src, conv, 0 }, .base = (uint32_t)buf->nodes.n };
	uint32_t expr_base = (uint32_t)buf->exprs.n;
	emit(&b, CFG_ENTRY, body, -1);
	stmt(&b, body);
	/* Falling off the end returns (void functions; int ones are UB anyway). */
	int32_t end = emit(&b, CFG_RETURN, body, -1);
	buf->nodes.v[end].pos = fn->end;
	for (size_t i = 0; i < b.gotos.n; i++) {
		int32_t to = end;
		for (size_t k = 0; k < b.labels.n; k++)
			if (b.labels.v[k].len == b.gotos.v[i].len &&
			    !memcmp(b.labels.v[k].name, b.gotos.v[i].name, b.gotos.v[i].len))
				to = b.labels.v[k].node;
		buf->nodes.v[b.gotos.v[i].node].next = to;
	}
	fn->cfg_first = b.base;
	fn->cfg_count = (uint32_t)buf->nodes.n - b.base;
	fn->expr_first = expr_base;
	fn->expr_count = (uint32_t)buf->exprs.n - expr_base;
	fn->cfg_partial = b.partial;
	fn->nlocals = (uint32_t)b.locals.n;
	fn->locals = arena_alloc(&f->arena, (b.locals.n ? b.locals.n : 1) * sizeof *fn->locals);
	if (b.locals.n)
		memcpy(fn->locals, b.locals.v, b.locals.n * sizeof *fn->locals);
	bool *arrays = arena_alloc(&f->arena, (b.local_arrays.n ? b.local_arrays.n : 1) * sizeof *arrays);
	if (b.local_arrays.n)
		memcpy(arrays, b.local_arrays.v, b.local_arrays.n * sizeof *arrays);
	fn->local_arrays = arrays;
	VEC_FREE(&b.local_arrays);
	VEC_FREE(&b.open);
	VEC_FREE(&b.labels);
	VEC_FREE(&b.gotos);
	VEC_FREE(&b.locals);
}
