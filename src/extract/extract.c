/*
 * extract.c — one pass over a syntax tree, turning it into facts.
 *
 * A scan parses a file item by item (parse/items.c), so a file comes as
 * several trees, one per item in text order; they are walked as one.
 * Each tree is walked once, in document order, with a tree cursor: no
 * recursion, so a file of 100 000 nested braces costs a loop, not a stack.
 * Three kinds of node matter:
 *
 *   function_definition  → a Func (name, static, parameters, body range);
 *                          it stays the enclosing function of every call
 *                          until the walk passes its last byte;
 *   call_expression      → a Call (callee, argument texts, position), and a
 *                          Registration when the callee registers drivers;
 *   declaration of a driver struct with an initializer list
 *                        → a DriverDef with its callback fields.
 *
 * ERROR nodes are counted (outermost only) for the parse-error share, and
 * the walk goes on inside them: tree-sitter often keeps whole calls intact
 * inside an error, and they are still facts.
 *
 * Node kinds are compared by symbol id, looked up once, rather than by name:
 * this loop visits every node of every parsed file of the tree.
 */
#include <string.h>
#include <tree_sitter/api.h>

#include <stdlib.h>

#include "extract/cfg.h"
#include "extract/extract.h"
#include "extract/syms.h"

enum { MAX_TEXT = 240, MAX_FIELD_DEPTH = 4 };

typedef struct {
	FileFacts *f;
	const char *src;
	const BusTable *buses;
	VEC(Func) funcs;
	VEC(TSNode) bodies; /* of funcs, for the graphs built after the walk */
	VEC(Call) calls;
	VEC(DriverDef) defs;
	VEC(Registration) regs;
	int32_t cur_func;
	uint32_t cur_func_end;
	uint32_t error_end;
	/* `lhs = call(...)`: the walk meets the assignment before the call. */
	uint32_t lhs_call_start;
	const char *lhs;
} Ctx;

static Pos pos_of(TSNode n)
{
	TSPoint p = ts_node_start_point(n);
	return (Pos){ p.row + 1, p.column + 1 };
}

static Pos end_of(TSNode n)
{
	TSPoint p = ts_node_end_point(n);
	return (Pos){ p.row + 1, p.column + 1 };
}

/* The node's source text with whitespace runs collapsed to one space,
 * truncated to MAX_TEXT bytes (marked with "...").  Source may contain
 * NUL bytes; they become spaces so the text stays one C string. */
static const char *text_of(Ctx *c, TSNode n)
{
	uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
	char buf[MAX_TEXT + 4];
	size_t k = 0;
	int space = 0;
	for (uint32_t i = a; i < b && k < MAX_TEXT; i++) {
		unsigned char ch = c->src[i];
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v' || !ch) {
			space = k > 0;
			continue;
		}
		if (space)
			buf[k++] = ' ';
		space = 0;
		if (k < MAX_TEXT)
			buf[k++] = ch;
	}
	if (k >= MAX_TEXT && b - a > MAX_TEXT) {
		memcpy(buf + k, "...", 3);
		k += 3;
	}
	return arena_strndup(&c->f->arena, buf, k);
}

/* Raw text of a short token (identifiers), no collapsing needed. */
static const char *token_of(Ctx *c, TSNode n)
{
	uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
	if (b - a > MAX_TEXT)
		b = a + MAX_TEXT;
	return arena_strndup(&c->f->arena, c->src + a, b - a);
}

/* Follow declarator wrappers (pointer, parenthesized, attributed, array,
 * function) down to the identifier; remember the innermost function
 * declarator, which holds the parameters of the function being defined. */
static TSNode declarator_name(TSNode d, TSNode *fdecl)
{
	for (int guard = 0; guard < 64 && !ts_node_is_null(d); guard++) {
		TSSymbol s = ts_node_symbol(d);
		if (s == S.identifier)
			return d;
		if (s == S.function_declarator && fdecl)
			*fdecl = d;
		TSNode inner = ts_node_child_by_field_id(d, S.f_declarator);
		if (ts_node_is_null(inner)) {
			/* parenthesized_declarator and friends: the first named child */
			inner = ts_node_named_child_count(d) ? ts_node_named_child(d, 0) : inner;
			if (!ts_node_is_null(inner) && ts_node_eq(inner, d))
				break;
		}
		d = inner;
	}
	return (TSNode){ 0 };
}

static bool has_static(Ctx *c, TSNode n)
{
	uint32_t k = ts_node_child_count(n);
	for (uint32_t i = 0; i < k; i++) {
		TSNode ch = ts_node_child(n, i);
		if (ts_node_symbol(ch) == S.storage_class_specifier &&
		    ts_node_end_byte(ch) - ts_node_start_byte(ch) == 6 &&
		    !memcmp(c->src + ts_node_start_byte(ch), "static", 6))
			return true;
	}
	return false;
}

/* A pointer declarator around the function declarator returns a pointer;
 * else the type says void or something else. */
static FuncReturns returns_of(Ctx *c, TSNode n)
{
	TSNode d = ts_node_child_by_field_id(n, S.f_declarator);
	while (!ts_node_is_null(d) && ts_node_symbol(d) == S.parenthesized_declarator)
		d = ts_node_named_child(d, 0);
	if (!ts_node_is_null(d) && ts_node_symbol(d) == S.pointer_declarator)
		return RETURNS_POINTER;
	TSNode t = ts_node_child_by_field_id(n, S.f_type);
	if (!ts_node_is_null(t) && ts_node_end_byte(t) - ts_node_start_byte(t) == 4 &&
	    !memcmp(c->src + ts_node_start_byte(t), "void", 4))
		return RETURNS_VOID;
	return RETURNS_VALUE;
}

static void on_function(Ctx *c, TSNode n)
{
	TSNode fdecl = { 0 };
	TSNode name = declarator_name(ts_node_child_by_field_id(n, S.f_declarator), &fdecl);
	TSNode body = ts_node_child_by_field_id(n, S.f_body);
	if (ts_node_is_null(name) || ts_node_is_null(body))
		return;
	Func fn = {
		.name = token_of(c, name),
		.is_static = has_static(c, n),
		.returns = (uint8_t)returns_of(c, n),
		.start = pos_of(name), /* not of n: error recovery may glue junk before it */
		.end = end_of(n),
		.body_start = ts_node_start_byte(body),
		.body_end = ts_node_end_byte(body),
		.first_call = (uint32_t)c->calls.n,
	};
	TSNode params = ts_node_is_null(fdecl) ? fdecl : ts_node_child_by_field_id(fdecl, S.f_parameters);
	uint32_t np = ts_node_is_null(params) ? 0 : ts_node_named_child_count(params);
	fn.params = arena_alloc(&c->f->arena, (np ? np : 1) * sizeof *fn.params);
	for (uint32_t i = 0; i < np; i++) {
		TSNode p = ts_node_named_child(params, i);
		if (ts_node_symbol(p) != S.parameter_declaration)
			continue;
		TSNode pd = ts_node_child_by_field_id(p, S.f_declarator);
		TSNode pn = ts_node_is_null(pd) ? pd : declarator_name(pd, NULL);
		if (ts_node_is_null(pn) && np == 1)
			continue; /* (void) */
		fn.params[fn.nparams++] = ts_node_is_null(pn) ? "" : token_of(c, pn);
	}
	c->cur_func = (int32_t)c->funcs.n;
	c->cur_func_end = ts_node_end_byte(n);
	VEC_PUSH(&c->funcs, fn);
	VEC_PUSH(&c->bodies, body);
}

/* The identifier an initializer or argument names: `foo`, `&foo`, `(foo)`,
 * and one-argument wrapper macros such as pm_ptr(&foo) or __exit_p(foo). */
static TSNode named_ident(TSNode v)
{
	for (int guard = 0; guard < 8 && !ts_node_is_null(v); guard++) {
		TSSymbol s = ts_node_symbol(v);
		if (s == S.identifier)
			return v;
		if (s == S.pointer_expression)
			v = ts_node_child_by_field_id(v, S.f_argument);
		else if (s == S.parenthesized_expression)
			v = ts_node_named_child_count(v) ? ts_node_named_child(v, 0) : (TSNode){ 0 };
		else if (s == S.call_expression) {
			TSNode args = ts_node_child_by_field_id(v, S.f_arguments);
			if (ts_node_is_null(args) || ts_node_named_child_count(args) != 1)
				break;
			v = ts_node_named_child(args, 0);
		} else
			break;
	}
	return (TSNode){ 0 };
}

static void on_call(Ctx *c, TSNode n)
{
	TSNode fn = ts_node_child_by_field_id(n, S.f_function);
	TSNode args = ts_node_child_by_field_id(n, S.f_arguments);
	if (ts_node_is_null(fn) || ts_node_is_null(args))
		return;
	Call call = {
		.callee = ts_node_symbol(fn) == S.identifier ? token_of(c, fn) : text_of(c, fn),
		.pos = pos_of(n),
		.func = c->cur_func,
		.start_byte = ts_node_start_byte(n),
		.end_byte = ts_node_end_byte(n),
	};
	if (c->lhs && c->lhs_call_start == call.start_byte) {
		call.lhs = c->lhs;
		c->lhs = NULL;
	}
	uint32_t na = ts_node_named_child_count(args);
	call.args = arena_alloc(&c->f->arena, (na ? na : 1) * sizeof *call.args);
	TSNode reg_arg = { 0 };
	int want = bus_register_arg(c->buses, call.callee);
	for (uint32_t i = 0; i < na; i++) {
		TSNode a = ts_node_named_child(args, i);
		if (ts_node_symbol(a) == S.comment)
			continue;
		if ((int)call.nargs == want)
			reg_arg = a;
		call.args[call.nargs++] = text_of(c, a);
	}
	VEC_PUSH(&c->calls, call);
	TSNode var = named_ident(reg_arg);
	if (want >= 0 && !ts_node_is_null(var)) {
		Registration r = { NULL, token_of(c, var), call.callee, call.pos };
		VEC_PUSH(&c->regs, r);
	}
}

/* Collect the callback fields of one initializer list, descending into
 * nested lists (`.driver = { .pm = ... }`) with a dotted path prefix. */
typedef VEC(DriverField) FieldVec;

static void collect_fields(Ctx *c, const Bus *bus, TSNode list, char *prefix, size_t plen,
			   int depth, FieldVec *out)
{
	uint32_t k = ts_node_named_child_count(list);
	for (uint32_t i = 0; i < k; i++) {
		TSNode pair = ts_node_named_child(list, i);
		if (ts_node_symbol(pair) != S.initializer_pair)
			continue;
		/* The path: every field designator (or the GNU `name:` form). */
		char path[256];
		size_t len = plen;
		memcpy(path, prefix, plen);
		uint32_t nc = ts_node_named_child_count(pair);
		TSNode value = ts_node_child_by_field_id(pair, S.f_value);
		for (uint32_t j = 0; j < nc; j++) {
			TSNode d = ts_node_named_child(pair, j);
			if (ts_node_eq(d, value))
				break;
			TSNode id = ts_node_symbol(d) == S.field_designator && ts_node_named_child_count(d)
					    ? ts_node_named_child(d, 0)
					    : d;
			if (ts_node_symbol(id) != S.field_identifier)
				continue;
			uint32_t a = ts_node_start_byte(id), b = ts_node_end_byte(id);
			if (len + 1 + (b - a) >= sizeof path)
				break;
			if (len)
				path[len++] = '.';
			memcpy(path + len, c->src + a, b - a);
			len += b - a;
		}
		path[len] = '\0';
		if (ts_node_is_null(value) || len == plen)
			continue;
		if (ts_node_symbol(value) == S.initializer_list) {
			if (depth < MAX_FIELD_DEPTH)
				collect_fields(c, bus, value, path, len, depth + 1, out);
			continue;
		}
		if (!bus_has_field(bus, path))
			continue;
		TSNode id = named_ident(value);
		DriverField df = {
			.field = arena_strndup(&c->f->arena, path, len),
			.value = text_of(c, value),
			.ident = ts_node_is_null(id) ? NULL : token_of(c, id),
			.pos = pos_of(pair),
		};
		VEC_PUSH(out, df);
	}
}

static void on_declaration(Ctx *c, TSNode n)
{
	TSNode type = ts_node_child_by_field_id(n, S.f_type);
	if (ts_node_is_null(type) || ts_node_symbol(type) != S.struct_specifier)
		return;
	TSNode tname = ts_node_child_by_field_id(type, S.f_name);
	if (ts_node_is_null(tname))
		return;
	const Bus *bus = bus_by_struct(c->buses, c->src + ts_node_start_byte(tname),
				       ts_node_end_byte(tname) - ts_node_start_byte(tname));
	if (!bus)
		return;
	uint32_t k = ts_node_named_child_count(n);
	for (uint32_t i = 0; i < k; i++) {
		TSNode d = ts_node_named_child(n, i);
		if (ts_node_symbol(d) != S.init_declarator)
			continue;
		TSNode value = ts_node_child_by_field_id(d, S.f_value);
		TSNode name = declarator_name(ts_node_child_by_field_id(d, S.f_declarator), NULL);
		if (ts_node_is_null(value) || ts_node_symbol(value) != S.initializer_list ||
		    ts_node_is_null(name))
			continue;
		FieldVec fields = { 0 };
		char prefix[1] = "";
		collect_fields(c, bus, value, prefix, 0, 0, &fields);
		DriverDef def = {
			.bus = bus,
			.var = token_of(c, name),
			.is_static = has_static(c, n),
			.pos = pos_of(name),
			.nfields = (uint32_t)fields.n,
		};
		def.fields = arena_alloc(&c->f->arena, (fields.n ? fields.n : 1) * sizeof *def.fields);
		if (fields.n)
			memcpy(def.fields, fields.v, fields.n * sizeof *def.fields);
		VEC_FREE(&fields);
		VEC_PUSH(&c->defs, def);
	}
}

/* Remember the target of `x = call(...)` and `T x = call(...)` for the call. */
static void on_assignment(Ctx *c, TSNode target, TSNode value)
{
	for (int guard = 0; guard < 8 && !ts_node_is_null(value); guard++) {
		TSSymbol s = ts_node_symbol(value);
		if (s == S.parenthesized_expression && ts_node_named_child_count(value))
			value = ts_node_named_child(value, 0);
		else if (s == S.cast_expression)
			value = ts_node_child_by_field_id(value, S.f_value);
		else
			break;
	}
	if (ts_node_is_null(value) || ts_node_symbol(value) != S.call_expression || ts_node_is_null(target))
		return;
	if (ts_node_symbol(target) != S.identifier && ts_node_symbol(target) != S.field_expression)
		target = declarator_name(target, NULL);
	if (ts_node_is_null(target))
		return;
	c->lhs = text_of(c, target);
	c->lhs_call_start = ts_node_start_byte(value);
}

static bool visit(TSNode n, void *ctx)
{
	Ctx *c = ctx;
	uint32_t start = ts_node_start_byte(n);
	if (c->cur_func >= 0 && start >= c->cur_func_end)
		c->cur_func = -1;
	TSSymbol s = ts_node_symbol(n);
	if (s == S.call_expression)
		on_call(c, n);
	else if (s == S.function_definition)
		on_function(c, n);
	else if (s == S.declaration)
		on_declaration(c, n);
	else if (s == S.assignment_expression)
		on_assignment(c, ts_node_child_by_field_id(n, S.f_left), ts_node_child_by_field_id(n, S.f_right));
	else if (s == S.init_declarator)
		on_assignment(c, ts_node_child_by_field_id(n, S.f_declarator), ts_node_child_by_field_id(n, S.f_value));
	else if (s == SYM_ERROR && start >= c->error_end) {
		c->error_end = ts_node_end_byte(n);
		c->f->error_bytes += c->error_end - start;
	}
	return true;
}

#define SETTLE(c, vec, arr, count)                                                      \
	do {                                                                               \
		(c)->f->count = (uint32_t)(vec).n;                                             \
		(c)->f->arr = arena_alloc(&(c)->f->arena, ((vec).n ? (vec).n : 1) * sizeof *(vec).v); \
		if ((vec).n) /* an empty VEC has v == NULL: memcpy's UB */              \
			memcpy((c)->f->arr, (vec).v, (vec).n * sizeof *(vec).v);           \
		VEC_FREE(&(vec));                                                              \
	} while (0)

void extract_file(FileFacts *f, TSTree *const *trees, size_t ntrees, const char *src,
		  const BusTable *buses, const Conventions *conv)
{
	Ctx c = { .f = f, .src = src, .buses = buses, .cur_func = -1 };
	for (size_t i = 0; i < ntrees; i++)
		walk_subtree(ts_tree_root_node(trees[i]), visit, &c);
	for (size_t i = 0; i < c.calls.n; i++)
		if (c.calls.v[i].func >= 0)
			c.funcs.v[c.calls.v[i].func].ncalls++;
	SETTLE(&c, c.calls, calls, ncalls);
	CfgBuf cfg = { 0 };
	for (size_t i = 0; i < c.funcs.n; i++)
		cfg_build(&cfg, f, src, conv, &c.funcs.v[i], c.bodies.v[i]);
	VEC_FREE(&c.bodies);
	SETTLE(&c, c.funcs, funcs, nfuncs);
	SETTLE(&c, c.defs, defs, ndefs);
	SETTLE(&c, c.regs, regs, nregs);
	SETTLE(&c, cfg.nodes, cfg, ncfg);
	SETTLE(&c, cfg.exprs, exprs, nexprs);
}
