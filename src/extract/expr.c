/*
 * expr.c — expressions, from the syntax tree to plain facts.
 *
 * The engine evaluates what a function computes: which object a pointer
 * names, which value a flag holds, what a condition compares.  It needs the
 * expressions, not their text, and it must not depend on tree-sitter; so
 * every expression a statement, condition or return evaluates is copied
 * here into a small tree of Expr nodes, operands by index.
 *
 * What is dropped on the way says what the engine does not need: parentheses
 * and casts (a cast changes no object and, for the values the engine
 * tracks, no number), and the transparent wrappers of data/conventions
 * (`unlikely(x)` is `x`).  What the engine cannot evaluate becomes
 * EX_UNKNOWN, a fresh value: sizeof, compound literals, statement
 * expressions, GNU asm.  Identifiers stay names: whether a name is a local,
 * a global, a function or an enumerator is the engine's business (it knows
 * the function's locals, cfg.c collects them).
 *
 * Nesting is bounded (MAX_DEPTH); deeper operands are EX_UNKNOWN, so a
 * hostile file of 40 000 nested `a = a = ...` costs a loop's worth.
 */
#include <stdlib.h>
#include <string.h>

#include "extract/cfg.h"
#include "extract/syms.h"

enum { MAX_DEPTH = 128 };

int32_t expr_add(ExprBuild *eb, Expr e)
{
	VEC_PUSH(&eb->buf->exprs, e);
	return (int32_t)eb->buf->exprs.n - 1;
}

static int32_t leaf(ExprBuild *eb, ExprKind kind, const char *text, int64_t num)
{
	return expr_add(eb, (Expr){ .kind = (uint8_t)kind, .a = -1, .b = -1, .c = -1, .call = -1,
				    .num = num, .text = text });
}

static int32_t node(ExprBuild *eb, ExprKind kind, ExprOp op, int32_t a, int32_t b, int32_t c)
{
	return expr_add(eb, (Expr){ .kind = (uint8_t)kind, .op = (uint8_t)op, .a = a, .b = b, .c = c,
				    .call = -1 });
}

TSNode expr_strip(TSNode n)
{
	for (int guard = 0; guard < 64 && !ts_node_is_null(n); guard++) {
		TSSymbol s = ts_node_symbol(n);
		if (s == S.parenthesized_expression && ts_node_named_child_count(n) == 1 &&
		    ts_node_symbol(ts_node_named_child(n, 0)) != S.compound_statement)
			n = ts_node_named_child(n, 0);
		else if (s == S.cast_expression)
			n = ts_node_child_by_field_id(n, S.f_value);
		else
			break;
	}
	return n;
}

const char *expr_text(ExprBuild *eb, TSNode n, size_t max)
{
	uint32_t a = ts_node_start_byte(n), e = ts_node_end_byte(n);
	char *s = arena_alloc(&eb->f->arena, (e - a < max ? e - a : max) + 4);
	size_t k = 0;
	bool space = false;
	for (uint32_t i = a; i < e && k < max; i++) {
		char c = eb->src[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || !c) {
			space = k > 0;
			continue;
		}
		if (space)
			s[k++] = ' ';
		space = false;
		if (k < max)
			s[k++] = c;
	}
	if (k >= max && e - a > max)
		memcpy(s + k, "...", 3), k += 3;
	s[k] = '\0';
	return s;
}

static const char *token(ExprBuild *eb, TSNode n)
{
	uint32_t a = ts_node_start_byte(n), e = ts_node_end_byte(n);
	return arena_strndup(&eb->f->arena, eb->src + a, e - a < 128 ? e - a : 128);
}

static bool token_is(ExprBuild *eb, TSNode n, const char *s)
{
	uint32_t a = ts_node_start_byte(n), e = ts_node_end_byte(n);
	return e - a == strlen(s) && !memcmp(eb->src + a, s, e - a);
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

/* A C integer literal (0x1f, 010, 42UL); false for floats and junk. */
static bool number(ExprBuild *eb, TSNode n, int64_t *out)
{
	char buf[40];
	uint32_t a = ts_node_start_byte(n), e = ts_node_end_byte(n);
	if (e - a >= sizeof buf)
		return false;
	memcpy(buf, eb->src + a, e - a);
	buf[e - a] = '\0';
	char *end;
	unsigned long long v = strtoull(buf, &end, 0);
	while (*end == 'u' || *end == 'U' || *end == 'l' || *end == 'L')
		end++;
	if (end == buf || *end)
		return false;
	*out = (int64_t)v;
	return true;
}

static ExprOp binary_op(ExprBuild *eb, TSNode op)
{
	static const struct { const char *text; ExprOp op; } ops[] = {
		{ "+", OP_ADD }, { "-", OP_SUB }, { "*", OP_MUL }, { "/", OP_DIV }, { "%", OP_MOD },
		{ "<<", OP_SHL }, { ">>", OP_SHR }, { "&", OP_AND }, { "|", OP_OR }, { "^", OP_XOR },
		{ "&&", OP_LAND }, { "||", OP_LOR }, { "==", OP_EQ }, { "!=", OP_NE }, { "<", OP_LT },
		{ "<=", OP_LE }, { ">", OP_GT }, { ">=", OP_GE },
	};
	for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
		if (token_is(eb, op, ops[i].text))
			return ops[i].op;
	return OP_NONE;
}

/* `a op= b`: op, or OP_NONE for plain `=`. */
static ExprOp assign_op(ExprBuild *eb, TSNode op)
{
	uint32_t a = ts_node_start_byte(op), e = ts_node_end_byte(op);
	if (e - a < 2)
		return OP_NONE;
	char buf[4] = { 0 };
	memcpy(buf, eb->src + a, e - a - 1 < 3 ? e - a - 1 : 3);
	static const struct { const char *text; ExprOp op; } ops[] = {
		{ "+", OP_ADD }, { "-", OP_SUB }, { "*", OP_MUL }, { "/", OP_DIV }, { "%", OP_MOD },
		{ "<<", OP_SHL }, { ">>", OP_SHR }, { "&", OP_AND }, { "|", OP_OR }, { "^", OP_XOR },
	};
	for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
		if (!strcmp(buf, ops[i].text))
			return ops[i].op;
	return OP_NONE;
}

static int32_t call_expr(ExprBuild *eb, TSNode n)
{
	TSNode fn = ts_node_child_by_field_id(n, S.f_function);
	TSNode args = ts_node_child_by_field_id(n, S.f_arguments);
	int32_t ci = call_index(eb->f, n);
	if (ci < 0 || ts_node_is_null(args))
		return leaf(eb, EX_UNKNOWN, NULL, 0);
	Call *c = &eb->f->calls[ci];
	uint32_t na = ts_node_named_child_count(args);
	if (ts_node_symbol(fn) == S.identifier && convention_of(eb->conv, c->callee) == CONV_TRANSPARENT) {
		for (uint32_t i = 0; i < na; i++) {
			TSNode a = ts_node_named_child(args, i);
			if (ts_node_symbol(a) != S.comment)
				return expr_of(eb, a);
		}
		return leaf(eb, EX_UNKNOWN, NULL, 0);
	}
	int32_t callee = expr_of(eb, fn);
	int32_t *argx = arena_alloc(&eb->f->arena, (c->nargs ? c->nargs : 1) * sizeof *argx);
	uint32_t k = 0;
	for (uint32_t i = 0; i < na && k < c->nargs; i++) {
		TSNode a = ts_node_named_child(args, i);
		if (ts_node_symbol(a) != S.comment)
			argx[k++] = expr_of(eb, a);
	}
	while (k < c->nargs)
		argx[k++] = leaf(eb, EX_UNKNOWN, NULL, 0);
	c->argx = argx;
	int32_t idx = node(eb, EX_CALL, OP_NONE, callee, -1, -1);
	eb->buf->exprs.v[idx].call = ci;
	return idx;
}

static int32_t build(ExprBuild *eb, TSNode n)
{
	TSSymbol s = ts_node_symbol(n);
	int64_t num;
	if (s == S.identifier) {
		if (token_is(eb, n, "NULL"))
			return leaf(eb, EX_NUM, NULL, 0);
		return leaf(eb, EX_NAME, token(eb, n), 0);
	}
	if (s == S.number_literal)
		return number(eb, n, &num) ? leaf(eb, EX_NUM, NULL, num) : leaf(eb, EX_UNKNOWN, NULL, 0);
	if (s == S.true_ || s == S.false_ || s == S.null_)
		return leaf(eb, EX_NUM, NULL, s == S.true_);
	if (s == S.string_literal || s == S.concatenated_string || s == S.char_literal)
		return leaf(eb, EX_STR, expr_text(eb, n, 64), 0);
	if (s == S.call_expression)
		return call_expr(eb, n);
	if (s == S.field_expression) {
		TSNode op = ts_node_child_by_field_id(n, S.f_operator);
		TSNode field = ts_node_child_by_field_id(n, S.f_field);
		if (ts_node_is_null(field))
			return leaf(eb, EX_UNKNOWN, NULL, 0);
		int32_t base = expr_of(eb, ts_node_child_by_field_id(n, S.f_argument));
		int32_t idx = node(eb, EX_MEMBER, OP_NONE, base, -1, -1);
		eb->buf->exprs.v[idx].text = token(eb, field);
		eb->buf->exprs.v[idx].arrow = !ts_node_is_null(op) && token_is(eb, op, "->");
		return idx;
	}
	if (s == S.subscript_expression)
		return node(eb, EX_INDEX, OP_NONE, expr_of(eb, ts_node_child_by_field_id(n, S.f_argument)),
			    expr_of(eb, ts_node_child_by_field_id(n, S.f_index)), -1);
	if (s == S.pointer_expression) {
		TSNode op = ts_node_child_by_field_id(n, S.f_operator);
		int32_t a = expr_of(eb, ts_node_child_by_field_id(n, S.f_argument));
		return node(eb, !ts_node_is_null(op) && token_is(eb, op, "&") ? EX_ADDR : EX_DEREF, OP_NONE, a,
			    -1, -1);
	}
	if (s == S.unary_expression) {
		TSNode op = ts_node_child_by_field_id(n, S.f_operator);
		int32_t a = expr_of(eb, ts_node_child_by_field_id(n, S.f_argument));
		if (ts_node_is_null(op) || token_is(eb, op, "+"))
			return a;
		ExprOp o = token_is(eb, op, "!") ? OP_NOT : token_is(eb, op, "-") ? OP_NEG : OP_BITNOT;
		return node(eb, EX_UNARY, o, a, -1, -1);
	}
	if (s == S.update_expression) {
		TSNode op = ts_node_child_by_field_id(n, S.f_operator);
		TSNode arg = ts_node_child_by_field_id(n, S.f_argument);
		if (ts_node_is_null(op) || ts_node_is_null(arg))
			return leaf(eb, EX_UNKNOWN, NULL, 0);
		bool pre = ts_node_start_byte(op) < ts_node_start_byte(arg);
		bool inc = token_is(eb, op, "++");
		return node(eb, EX_INCDEC, pre ? (inc ? OP_PREINC : OP_PREDEC) : (inc ? OP_POSTINC : OP_POSTDEC),
			    expr_of(eb, arg), -1, -1);
	}
	if (s == S.binary_expression) {
		ExprOp op = binary_op(eb, ts_node_child_by_field_id(n, S.f_operator));
		int32_t l = expr_of(eb, ts_node_child_by_field_id(n, S.f_left));
		int32_t r = expr_of(eb, ts_node_child_by_field_id(n, S.f_right));
		return op == OP_NONE ? leaf(eb, EX_UNKNOWN, NULL, 0) : node(eb, EX_BINARY, op, l, r, -1);
	}
	if (s == S.assignment_expression) {
		ExprOp op = assign_op(eb, ts_node_child_by_field_id(n, S.f_operator));
		int32_t l = expr_of(eb, ts_node_child_by_field_id(n, S.f_left));
		int32_t r = expr_of(eb, ts_node_child_by_field_id(n, S.f_right));
		return node(eb, EX_ASSIGN, op, l, r, -1);
	}
	if (s == S.conditional_expression)
		return node(eb, EX_COND, OP_NONE, expr_of(eb, ts_node_child_by_field_id(n, S.f_condition)),
			    expr_of(eb, ts_node_child_by_field_id(n, S.f_consequence)),
			    expr_of(eb, ts_node_child_by_field_id(n, S.f_alternative)));
	if (s == S.comma_expression)
		return node(eb, EX_COMMA, OP_NONE, expr_of(eb, ts_node_child_by_field_id(n, S.f_left)),
			    expr_of(eb, ts_node_child_by_field_id(n, S.f_right)), -1);
	return leaf(eb, EX_UNKNOWN, NULL, 0);
}

int32_t expr_of(ExprBuild *eb, TSNode n)
{
	n = expr_strip(n);
	if (ts_node_is_null(n) || eb->depth >= MAX_DEPTH)
		return leaf(eb, EX_UNKNOWN, NULL, 0);
	eb->depth++;
	int32_t idx = build(eb, n);
	eb->depth--;
	return idx;
}
