/*
 * cfg.c — a function's control-flow graph, from its syntax tree.
 *
 * The analyzer replays every path through probe and remove, so it needs to
 * know which calls a path makes and which branch a failed call takes.  The
 * graph is built here, while the syntax tree still exists, and stored as
 * plain facts (CfgNode) so that analysis never touches tree-sitter.
 *
 * Construction is the classic "open edges" scheme: every emitted node takes
 * all the dangling edges so far as its predecessors.  Branches, loops,
 * switch dispatch, goto/labels (patched at the end), return, break and
 * continue only reshuffle the set of dangling edges.
 *
 * Loops are unrolled: the body is built UNROLL times in a row (once when
 * loops nest deeply), each copy guarded by the loop condition, so the graph
 * is acyclic and a path through it is finite — a driver that allocates per
 * queue in a loop is seen allocating once and twice.
 *
 * Conditions are summarised as a test on a subject (TestKind on a variable
 * or a call), which is how the analyzer knows that `if (ret < 0) goto err;`
 * is the failure edge of `ret = pci_alloc_irq_vectors(...)`.
 *
 * Statement nesting is followed recursively up to MAX_DEPTH and a function
 * gets at most MAX_NODES nodes; past either bound the rest of the function
 * is left out and the function is marked partial, never silently.
 */
#include <stdlib.h>
#include <string.h>

#include "extract/cfg.h"
#include "extract/extract.h"
#include "extract/syms.h"

enum { UNROLL = 2, UNROLL_NEST = 2, MAX_DEPTH = 200, MAX_NODES = 20000 };

typedef VEC(uint32_t) Holes; /* node * 2 + slot (0: next, 1: other) */

typedef struct {
	const char *name;
	uint32_t len;
	int32_t node;
} Label;

typedef struct {
	CfgBuf *buf;
	FileFacts *f;
	const char *src;
	const Conventions *conv;
	uint32_t base;
	Holes open;
	VEC(Label) labels;
	VEC(Label) gotos; /* node = the goto's node, name = its target */
	Holes *breaks[MAX_DEPTH], *continues[MAX_DEPTH];
	int nbreaks, ncontinues, loop_nest, depth;
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

static int32_t emit(B *b, CfgKind kind, TSNode at)
{
	int32_t idx = (int32_t)b->buf->nodes.n;
	TSPoint p = ts_node_start_point(at);
	CfgNode n = { .kind = kind, .next = -1, .other = -1, .pos = { p.row + 1, p.column + 1 } };
	VEC_PUSH(&b->buf->nodes, n);
	for (size_t i = 0; i < b->open.n; i++)
		connect(b, b->open.v[i], idx);
	b->open.n = 0;
	if (kind != CFG_RETURN)
		VEC_PUSH(&b->open, (uint32_t)idx * 2);
	return idx;
}

static const char *text(B *b, TSNode n)
{
	uint32_t a = ts_node_start_byte(n), e = ts_node_end_byte(n);
	/* Collapse whitespace so `priv -> buf` and `priv->buf` compare equal. */
	char *s = arena_alloc(&b->f->arena, e - a + 1);
	size_t k = 0;
	for (uint32_t i = a; i < e; i++) {
		char c = b->src[i];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c)
			s[k++] = c;
	}
	s[k] = '\0';
	return s;
}

/* Index of the call whose node is N, by position (calls are in document
 * order, so sorted by start byte); -1 if it was not recorded. */
static int32_t call_index(const FileFacts *f, TSNode n)
{
	uint32_t start = ts_node_start_byte(n), end = ts_node_end_byte(n);
	uint32_t lo = 0, hi = f->ncalls;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (f->calls[mid].start_byte < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < f->ncalls && f->calls[lo].start_byte == start; lo++)
		if (f->calls[lo].end_byte == end)
			return (int32_t)lo;
	return -1;
}

static int by_end(const void *x, const void *y, void *ctx)
{
	const FileFacts *f = ctx;
	uint32_t a = f->calls[*(const uint32_t *)x].end_byte, c = f->calls[*(const uint32_t *)y].end_byte;
	return a < c ? -1 : a > c;
}

static bool collect_call(TSNode n, void *ctx)
{
	B *b = ctx;
	if (ts_node_symbol(n) == S.call_expression) {
		int32_t ci = call_index(b->f, n);
		if (ci >= 0)
			VEC_PUSH(&b->buf->calls, (uint32_t)ci);
	}
	return true;
}

/* Attach the calls under EXPR to node IDX, innermost first: arguments are
 * evaluated before the call that takes them. */
static void add_calls(B *b, int32_t idx, TSNode expr)
{
	if (ts_node_is_null(expr))
		return;
	size_t first = b->buf->calls.n;
	walk_subtree(expr, collect_call, b);
	if (b->buf->calls.n > first) /* calls.v is NULL while empty: no pointer arithmetic on it */
		qsort_r(b->buf->calls.v + first, b->buf->calls.n - first, sizeof(uint32_t), by_end, b->f);
	CfgNode *n = &b->buf->nodes.v[idx];
	n->first_call = (uint32_t)first;
	n->ncalls = (uint32_t)(b->buf->calls.n - first);
}

static bool not_a_call(TSNode n, void *found)
{
	*(bool *)found = ts_node_symbol(n) == S.call_expression;
	return !*(bool *)found;
}

static bool has_call(TSNode expr)
{
	bool found = false;
	if (!ts_node_is_null(expr))
		walk_subtree(expr, not_a_call, &found);
	return found;
}

static TSNode strip(TSNode n)
{
	for (int guard = 0; guard < 64 && !ts_node_is_null(n); guard++) {
		TSSymbol s = ts_node_symbol(n);
		if (s == S.parenthesized_expression && ts_node_named_child_count(n))
			n = ts_node_named_child(n, 0);
		else if (s == S.cast_expression)
			n = ts_node_child_by_field_id(n, S.f_value);
		else
			break;
	}
	return n;
}

static bool token_is(B *b, TSNode n, const char *s)
{
	uint32_t a = ts_node_start_byte(n), e = ts_node_end_byte(n);
	return e - a == strlen(s) && !memcmp(b->src + a, s, e - a);
}

static const char *callee_name(B *b, TSNode call)
{
	TSNode fn = ts_node_child_by_field_id(call, S.f_function);
	return ts_node_is_null(fn) || ts_node_symbol(fn) != S.identifier ? "" : text(b, fn);
}

static TSNode first_arg(TSNode call)
{
	TSNode args = ts_node_child_by_field_id(call, S.f_arguments);
	return ts_node_is_null(args) || !ts_node_named_child_count(args) ? (TSNode){ 0 }
									   : ts_node_named_child(args, 0);
}

/* What an expression's value is known to mean as an error code. */
static Value value_of(B *b, TSNode e)
{
	e = strip(e);
	Value v = { VAL_UNKNOWN, -1, NULL };
	if (ts_node_is_null(e))
		return v;
	TSSymbol s = ts_node_symbol(e);
	if (s == S.number_literal) {
		if (token_is(b, e, "0"))
			v.kind = VAL_SUCCESS;
	} else if (s == S.unary_expression) {
		TSNode op = ts_node_child_by_field_id(e, S.f_operator);
		if (!ts_node_is_null(op) && token_is(b, op, "-"))
			v.kind = VAL_FAILURE;
	} else if (s == S.identifier || s == S.field_expression) {
		v.kind = VAL_VAR;
		v.var = text(b, e);
	} else if (s == S.call_expression) {
		if (convention_of(b->conv, callee_name(b, e)) == CONV_ERROR_CODE)
			v.kind = VAL_FAILURE;
		else if ((v.call = call_index(b->f, e)) >= 0)
			v.kind = VAL_CALL;
	} else if (s == S.assignment_expression)
		return value_of(b, ts_node_child_by_field_id(e, S.f_right));
	return v;
}

static TestKind negate(TestKind t)
{
	static const TestKind neg[] = {
		[TEST_NONE] = TEST_NONE,     [TEST_NONZERO] = TEST_ZERO,  [TEST_ZERO] = TEST_NONZERO,
		[TEST_NEG] = TEST_NONNEG,    [TEST_NONNEG] = TEST_NEG,    [TEST_POS] = TEST_NONPOS,
		[TEST_NONPOS] = TEST_POS,    [TEST_ISERR] = TEST_NOT_ISERR,
		[TEST_NOT_ISERR] = TEST_ISERR,
	};
	return neg[t];
}

static bool is_zero(B *b, TSNode n)
{
	n = strip(n);
	return !ts_node_is_null(n) &&
	       ((ts_node_symbol(n) == S.number_literal && token_is(b, n, "0")) ||
		ts_node_symbol(n) == S.null_ || token_is(b, n, "NULL"));
}

/* Summarise condition E into the branch node N. */
static void cond_of(B *b, TSNode e, CfgNode *n, int depth)
{
	e = strip(e);
	if (ts_node_is_null(e) || depth > 8)
		return;
	TSSymbol s = ts_node_symbol(e);
	if (s == S.unary_expression) {
		TSNode op = ts_node_child_by_field_id(e, S.f_operator);
		if (ts_node_is_null(op) || !token_is(b, op, "!"))
			return;
		cond_of(b, ts_node_child_by_field_id(e, S.f_argument), n, depth + 1);
		n->test = negate(n->test);
		n->shape = n->shape == COND_OR ? COND_AND : n->shape == COND_AND ? COND_OR : COND_SIMPLE;
		return;
	}
	if (s == S.binary_expression) {
		TSNode op = ts_node_child_by_field_id(e, S.f_operator);
		TSNode l = ts_node_child_by_field_id(e, S.f_left), r = ts_node_child_by_field_id(e, S.f_right);
		if (token_is(b, op, "&&") || token_is(b, op, "||")) {
			cond_of(b, l, n, depth + 1);
			if (n->shape != COND_SIMPLE) /* nested && / ||: give up */
				n->test = TEST_NONE;
			n->shape = token_is(b, op, "&&") ? COND_AND : COND_OR;
			return;
		}
		static const struct { const char *op; TestKind t; } cmp[] = {
			{ "<", TEST_NEG },  { "<=", TEST_NONPOS }, { ">", TEST_POS },
			{ ">=", TEST_NONNEG }, { "==", TEST_ZERO }, { "!=", TEST_NONZERO },
		};
		if (!is_zero(b, r))
			return;
		for (size_t i = 0; i < sizeof cmp / sizeof *cmp; i++)
			if (token_is(b, op, cmp[i].op)) {
				n->subject = value_of(b, l);
				n->test = cmp[i].t;
			}
		return;
	}
	if (s == S.call_expression) {
		int conv = convention_of(b->conv, callee_name(b, e));
		if (conv == CONV_TRANSPARENT) {
			cond_of(b, first_arg(e), n, depth + 1);
			return;
		}
		if (conv == CONV_ERROR_TEST) {
			n->subject = value_of(b, first_arg(e));
			n->test = TEST_ISERR;
			return;
		}
	}
	n->subject = value_of(b, e);
	n->test = n->subject.kind == VAL_UNKNOWN ? TEST_NONE : TEST_NONZERO;
}

static int32_t branch(B *b, TSNode cond, TSNode at)
{
	int32_t idx = emit(b, CFG_BRANCH, at);
	add_calls(b, idx, cond);
	cond_of(b, cond, &b->buf->nodes.v[idx], 0);
	return idx;
}

/* A statement with no control flow: its calls, and `var = value` when the
 * value is an error code the analyzer can track (`ret = -ENOMEM;`). */
static void simple(B *b, TSNode s)
{
	TSNode e = ts_node_named_child_count(s) ? ts_node_named_child(s, 0) : s;
	TSNode var = { 0 }, val = { 0 };
	if (ts_node_symbol(e) == S.assignment_expression) {
		TSNode op = ts_node_child_by_field_id(e, S.f_operator);
		if (!ts_node_is_null(op) && token_is(b, op, "=")) {
			var = ts_node_child_by_field_id(e, S.f_left);
			val = ts_node_child_by_field_id(e, S.f_right);
		}
	} else if (ts_node_symbol(s) == S.declaration) {
		TSNode d = ts_node_child_by_field_id(s, S.f_declarator);
		if (!ts_node_is_null(d) && ts_node_symbol(d) == S.init_declarator) {
			var = ts_node_child_by_field_id(d, S.f_declarator);
			val = ts_node_child_by_field_id(d, S.f_value);
		}
	}
	bool calls = has_call(s);
	bool assigns = !ts_node_is_null(val) && !calls;
	if (!calls && !assigns)
		return;
	int32_t idx = emit(b, CFG_STMT, s);
	add_calls(b, idx, s);
	if (assigns) {
		CfgNode *n = &b->buf->nodes.v[idx];
		n->assign_var = text(b, var);
		n->subject = value_of(b, val);
	}
}

static void stmt(B *b, TSNode s);

static void loop(B *b, TSNode s, TSNode cond, TSNode body, TSNode update, bool cond_last)
{
	bool forever = ts_node_is_null(cond) || (ts_node_symbol(strip(cond)) == S.number_literal &&
						 !is_zero(b, cond)) ||
		       ts_node_symbol(strip(cond)) == S.true_;
	Holes exits = { 0 };
	int copies = b->loop_nest >= UNROLL_NEST ? 1 : UNROLL;
	b->loop_nest++;
	for (int k = 0; k < copies && !b->partial; k++) {
		Holes breaks = { 0 }, continues = { 0 };
		b->breaks[b->nbreaks++] = &breaks;
		b->continues[b->ncontinues++] = &continues;
		if (!cond_last) {
			int32_t idx = forever ? emit(b, CFG_STMT, s) : branch(b, cond, s);
			if (!forever)
				VEC_PUSH(&exits, (uint32_t)idx * 2 + 1);
		}
		stmt(b, body);
		move_holes(&b->open, &continues);
		if (cond_last && !forever) {
			int32_t idx = branch(b, cond, cond);
			VEC_PUSH(&exits, (uint32_t)idx * 2 + 1);
		} else if (!ts_node_is_null(update) && has_call(update)) {
			int32_t idx = emit(b, CFG_STMT, update);
			add_calls(b, idx, update);
		}
		b->nbreaks--;
		b->ncontinues--;
		move_holes(&exits, &breaks);
		VEC_FREE(&breaks);
		VEC_FREE(&continues);
	}
	b->loop_nest--;
	/* After the last copy the loop is taken to end. */
	move_holes(&b->open, &exits);
	VEC_FREE(&exits);
}

static void switch_stmt(B *b, TSNode s)
{
	TSNode cond = ts_node_child_by_field_id(s, S.f_condition);
	TSNode body = ts_node_child_by_field_id(s, S.f_body);
	if (has_call(cond)) {
		int32_t h = emit(b, CFG_STMT, s);
		add_calls(b, h, cond);
	}
	uint32_t nc = ts_node_is_null(body) ? 0 : ts_node_named_child_count(body);
	Holes entries = { 0 }, fall = { 0 }, breaks = { 0 };
	/* Dispatch: a chain of unknown branches, one per case label. */
	int32_t deflt = -1;
	for (uint32_t i = 0; i < nc; i++) {
		TSNode c = ts_node_named_child(body, i);
		if (ts_node_symbol(c) != S.case_statement)
			continue;
		if (ts_node_is_null(ts_node_child_by_field_id(c, S.f_value)))
			deflt = (int32_t)i;
		int32_t idx = emit(b, CFG_BRANCH, c);
		VEC_PUSH(&entries, (uint32_t)idx * 2);
		b->open.n = 0;
		VEC_PUSH(&b->open, (uint32_t)idx * 2 + 1);
	}
	Holes no_match = { 0 };
	move_holes(&no_match, &b->open);
	b->breaks[b->nbreaks++] = &breaks; /* bounded: nesting is at most MAX_DEPTH */
	size_t k = 0;
	for (uint32_t i = 0; i < nc && !b->partial; i++) {
		TSNode c = ts_node_named_child(body, i);
		if (ts_node_symbol(c) != S.case_statement)
			continue;
		move_holes(&b->open, &fall);
		VEC_PUSH(&b->open, entries.v[k++]);
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
		int32_t idx = branch(b, ts_node_child_by_field_id(s, S.f_condition), s);
		stmt(b, ts_node_child_by_field_id(s, S.f_consequence));
		Holes then = { 0 };
		move_holes(&then, &b->open);
		VEC_PUSH(&b->open, (uint32_t)idx * 2 + 1);
		TSNode alt = ts_node_child_by_field_id(s, S.f_alternative);
		if (!ts_node_is_null(alt) && ts_node_symbol(alt) == S.else_clause)
			alt = ts_node_named_child_count(alt) ? ts_node_named_child(alt, 0) : (TSNode){ 0 };
		stmt(b, alt);
		move_holes(&b->open, &then);
		VEC_FREE(&then);
	} else if (sym == S.while_statement) {
		loop(b, s, ts_node_child_by_field_id(s, S.f_condition), ts_node_child_by_field_id(s, S.f_body),
		     (TSNode){ 0 }, false);
	} else if (sym == S.do_statement) {
		loop(b, s, ts_node_child_by_field_id(s, S.f_condition), ts_node_child_by_field_id(s, S.f_body),
		     (TSNode){ 0 }, true);
	} else if (sym == S.for_statement) {
		TSNode init = ts_node_child_by_field_id(s, S.f_initializer);
		if (has_call(init)) {
			int32_t idx = emit(b, CFG_STMT, init);
			add_calls(b, idx, init);
		}
		loop(b, s, ts_node_child_by_field_id(s, S.f_condition), ts_node_child_by_field_id(s, S.f_body),
		     ts_node_child_by_field_id(s, S.f_update), false);
	} else if (sym == S.switch_statement) {
		switch_stmt(b, s);
	} else if (sym == S.goto_statement) {
		int32_t idx = emit(b, CFG_STMT, s);
		b->open.n = 0;
		TSNode l = ts_node_child_by_field_id(s, S.f_label);
		if (!ts_node_is_null(l)) {
			Label g = { b->src + ts_node_start_byte(l), ts_node_end_byte(l) - ts_node_start_byte(l), idx };
			VEC_PUSH(&b->gotos, g);
		}
	} else if (sym == S.labeled_statement) {
		int32_t idx = emit(b, CFG_STMT, s);
		TSNode l = ts_node_child_by_field_id(s, S.f_label);
		if (!ts_node_is_null(l)) {
			Label lb = { b->src + ts_node_start_byte(l), ts_node_end_byte(l) - ts_node_start_byte(l), idx };
			VEC_PUSH(&b->labels, lb);
		}
		uint32_t n = ts_node_named_child_count(s);
		for (uint32_t i = 0; i < n; i++)
			if (!ts_node_eq(ts_node_named_child(s, i), l))
				stmt(b, ts_node_named_child(s, i));
	} else if (sym == S.return_statement) {
		TSNode e = ts_node_named_child_count(s) ? ts_node_named_child(s, 0) : (TSNode){ 0 };
		int32_t idx = emit(b, CFG_RETURN, s);
		add_calls(b, idx, e);
		b->buf->nodes.v[idx].subject = ts_node_is_null(e) ? (Value){ VAL_SUCCESS, -1, NULL } : value_of(b, e);
	} else if (sym == S.break_statement) {
		jump(b, b->breaks, b->nbreaks);
	} else if (sym == S.continue_statement) {
		jump(b, b->continues, b->ncontinues);
	} else if (sym != S.comment) {
		simple(b, s);
	}
	b->depth--;
}

void cfg_build(CfgBuf *buf, FileFacts *f, const char *src, const Conventions *conv, Func *fn,
	       TSNode body)
{
	B b = { .buf = buf, .f = f, .src = src, .conv = conv, .base = (uint32_t)buf->nodes.n };
	emit(&b, CFG_ENTRY, body);
	stmt(&b, body);
	/* Falling off the end returns (void functions; int ones are UB anyway). */
	int32_t end = emit(&b, CFG_RETURN, body);
	buf->nodes.v[end].subject = (Value){ VAL_SUCCESS, -1, NULL };
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
	fn->cfg_partial = b.partial;
	VEC_FREE(&b.open);
	VEC_FREE(&b.labels);
	VEC_FREE(&b.gotos);
}
