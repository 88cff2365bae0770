/*
 * func.c — what the engine derives once per function from its facts.
 *
 * Executing a function path by path asks the same questions at every node
 * of every path: is this name a local, is it live here, may this
 * expression fork, is this variable ever tested.  The answers depend on
 * the function alone, so they are computed once, the first time the
 * function is executed, and kept for every driver of the directory:
 *
 *   - its names: parameters, then locals, interned; those whose address
 *     is taken or that are used as a struct or array (`&x`, `x.f`, `x[i]`)
 *     live in the heap as fields of the frame, the others in the path's
 *     small array of locals;
 *   - liveness of the others at each node (a backward data-flow over the
 *     graph, loops included), so a path drops a local once no later node
 *     reads it, and paths that differ only in dead locals merge;
 *   - which nodes join paths (more than one predecessor);
 *   - per expression, its interned identifier and whether a call or a
 *     short-circuit is under it (the evaluator's fast path skips those that
 *     cannot fork);
 *   - the lvalues its conditions and returns read: an API result assigned
 *     to one of them is forked into success and failure, any other result
 *     is taken to succeed (a failure nobody tests changes nothing the code
 *     looks at).
 */
#include <stdio.h>
#include <string.h>

#include "analyze/internal.h"

/* The directory's functions by name, once: the parsed ones per file, the
 * external ones, the static ones of its headers, and those left unparsed.
 * A header's static function (`static inline struct foo *to_foo(...)`) is
 * compiled into every file that includes it, and the engine does not
 * follow includes: it is visible to every file of the directory. */
static void index_functions(DirAnalysis *da)
{
	if (da->statics)
		return;
	da->statics = xcalloc(da->nfiles ? da->nfiles : 1, sizeof *da->statics);
	for (size_t k = 0; k < da->nfiles; k++)
		for (uint32_t i = 0; i < da->files[k].nfuncs; i++) {
			const Func *fn = &da->files[k].funcs[i];
			FuncRef *r = arena_alloc(da->arena, sizeof *r);
			*r = (FuncRef){ &da->files[k], fn };
			strset_add(&da->statics[k], fn->name, r);
			if (!fn->is_static)
				strset_add(&da->externs, fn->name, r);
			else if (facts_of_header(&da->files[k]))
				strset_add(&da->inlines, fn->name, r);
		}
	for (size_t k = 0; k < da->nfiles; k++)
		for (uint32_t i = 0; i < da->files[k].nunparsed; i++)
			strset_add(&da->unparsed, da->files[k].unparsed[i],
				   (void *)(uintptr_t)(da->files[k].unparsed_zero[i] ? 2 : 1));
}

const Func *resolve_function(DirAnalysis *da, const FileFacts *from, const char *name,
			     const FileFacts **where)
{
	/* C linkage: the calling file's own function first, then an external
	 * definition elsewhere in the directory, then a header's inline. */
	index_functions(da);
	size_t len = strlen(name);
	const FuncRef *r = strset_get(&da->statics[from - da->files], name, len, NULL);
	if (!r)
		r = strset_get(&da->externs, name, len, NULL);
	if (!r)
		r = strset_get(&da->inlines, name, len, NULL);
	if (!r)
		return NULL;
	*where = r->ff;
	return r->fn;
}

const char *lvalue_text(DirAnalysis *da, const FileFacts *ff, int32_t e)
{
	char buf[256];
	size_t k = 0;
	/* Rendered outside in: collect the chain, then print it root first. */
	int32_t chain[16];
	int n = 0;
	while (e >= 0 && n < 16) {
		const Expr *x = &ff->exprs[e];
		chain[n++] = e;
		if (x->kind == EX_NAME)
			break;
		if (x->kind != EX_MEMBER && x->kind != EX_INDEX && x->kind != EX_DEREF)
			return NULL;
		e = x->a;
	}
	if (!n || ff->exprs[chain[n - 1]].kind != EX_NAME)
		return NULL;
	for (int i = n - 1; i >= 0 && k < sizeof buf - 1; i--) {
		const Expr *x = &ff->exprs[chain[i]];
		int w = 0;
		if (x->kind == EX_NAME)
			w = snprintf(buf + k, sizeof buf - k, "%s", x->text);
		else if (x->kind == EX_MEMBER)
			w = snprintf(buf + k, sizeof buf - k, "%s%s", x->arrow ? "->" : ".", x->text);
		else if (x->kind == EX_INDEX)
			w = snprintf(buf + k, sizeof buf - k, "[]");
		else
			w = snprintf(buf + k, sizeof buf - k, "*");
		if (w < 0)
			return NULL;
		k += (size_t)w;
	}
	if (k >= sizeof buf)
		return NULL;
	return name_intern(da, buf);
}

static void mark_tested(DirAnalysis *da, FuncInfo *fi, int32_t e, int depth)
{
	if (e < 0 || depth > 32)
		return;
	const FileFacts *ff = fi->ff;
	const char *t = lvalue_text(da, ff, e);
	if (t)
		strset_add(&fi->tested, t, (void *)1);
	const Expr *x = &ff->exprs[e];
	if (x->kind == EX_CALL) {
		const Call *c = &ff->calls[x->call];
		for (uint32_t i = 0; c->argx && i < c->nargs; i++)
			mark_tested(da, fi, c->argx[i], depth + 1);
		return;
	}
	mark_tested(da, fi, x->a, depth + 1);
	mark_tested(da, fi, x->b, depth + 1);
	mark_tested(da, fi, x->c, depth + 1);
}

/* The local NAME's index, or -1. */
static int32_t name_index(const FuncInfo *fi, const char *name)
{
	return (int32_t)(intptr_t)strset_get(&fi->index, name, strlen(name), NULL) - 1;
}

typedef struct {
	uint64_t *use, *def;
	uint32_t words;
} UseDef;

static void set_bit(uint64_t *v, int32_t i)
{
	v[i >> 6] |= 1ull << (i & 63);
}

/* The locals node N's expression E reads (USE) and writes (DEF). */
static void use_def(const FuncInfo *fi, int32_t e, uint64_t *use, uint64_t *def, bool write, int depth)
{
	if (e < 0 || depth > 64)
		return;
	const Expr *x = &fi->ff->exprs[e];
	int32_t li = fi->local[e - (int32_t)fi->fn->expr_first];
	switch ((ExprKind)x->kind) {
	case EX_NAME:
		if (li >= 0 && !fi->resident[li])
			set_bit(write ? def : use, li);
		return;
	case EX_ASSIGN:
		use_def(fi, x->a, use, def, x->op == OP_NONE, depth + 1);
		if (x->op != OP_NONE)
			use_def(fi, x->a, use, def, false, depth + 1);
		use_def(fi, x->b, use, def, false, depth + 1);
		return;
	case EX_INCDEC:
		use_def(fi, x->a, use, def, false, depth + 1);
		return;
	case EX_CALL: {
		const Call *c = &fi->ff->calls[x->call];
		use_def(fi, x->a, use, def, false, depth + 1);
		for (uint32_t i = 0; c->argx && i < c->nargs; i++)
			use_def(fi, c->argx[i], use, def, false, depth + 1);
		return;
	}
	default:
		use_def(fi, x->a, use, def, false, depth + 1);
		use_def(fi, x->b, use, def, false, depth + 1);
		use_def(fi, x->c, use, def, false, depth + 1);
	}
}

static void liveness(FuncInfo *fi)
{
	const Func *fn = fi->fn;
	const CfgNode *nodes = &fi->ff->cfg[fn->cfg_first];
	uint32_t n = fn->cfg_count, w = fi->words;
	uint64_t *use = xcalloc((size_t)n * w + 1, sizeof *use), *def = xcalloc((size_t)n * w + 1, sizeof *def);
	size_t cells = (size_t)n * w;
	fi->live = xcalloc(cells ? cells : 1, sizeof *fi->live);
	fi->joins = xcalloc(n ? n : 1, 1);
	for (uint32_t i = 0; i < n; i++) {
		const CfgNode *c = &nodes[i];
		use_def(fi, c->expr, use + (size_t)i * w, def + (size_t)i * w, c->kind == CFG_LOOP, 0);
		use_def(fi, c->expr2, use + (size_t)i * w, def + (size_t)i * w, false, 0);
		int32_t succ[2] = { c->next, c->other };
		for (int k = 0; k < 2; k++)
			if (succ[k] >= 0 && (uint32_t)(succ[k] - (int32_t)fn->cfg_first) < n &&
			    fi->joins[succ[k] - fn->cfg_first] < 2)
				fi->joins[succ[k] - fn->cfg_first]++;
	}
	/* A loop's exit joins too: the paths that leave after no round, one
	 * round and two arrive one by one, and a function of a few loops that
	 * free what they walk would otherwise multiply its paths by three at
	 * each. */
	for (uint32_t i = 0; i < n; i++)
		if (nodes[i].kind == CFG_LOOP && nodes[i].other >= 0 &&
		    (uint32_t)(nodes[i].other - (int32_t)fn->cfg_first) < n)
			fi->joins[nodes[i].other - fn->cfg_first] = 2;
	for (uint32_t i = 0; i < n; i++)
		fi->joins[i] = fi->joins[i] > 1;
	uint64_t *out = xcalloc(w ? w : 1, sizeof *out);
	for (bool changed = true; changed;) {
		changed = false;
		for (uint32_t i = n; i-- > 0;) {
			const CfgNode *c = &nodes[i];
			memset(out, 0, w * sizeof *out);
			int32_t succ[2] = { c->next, c->other };
			for (int k = 0; k < 2; k++) {
				uint32_t s = (uint32_t)(succ[k] - (int32_t)fn->cfg_first);
				if (succ[k] >= 0 && s < n)
					for (uint32_t j = 0; j < w; j++)
						out[j] |= fi->live[(size_t)s * w + j];
			}
			for (uint32_t j = 0; j < w; j++) {
				uint64_t in = use[(size_t)i * w + j] | (out[j] & ~def[(size_t)i * w + j]);
				if (in != fi->live[(size_t)i * w + j]) {
					fi->live[(size_t)i * w + j] = in;
					changed = true;
				}
			}
		}
	}
	free(out);
	free(use);
	free(def);
}

static void add_name(DirAnalysis *da, FuncInfo *fi, const char *name)
{
	const char *in = name_intern(da, name);
	if (name_index(fi, in) >= 0)
		return;
	fi->names[fi->nnames] = in;
	strset_add(&fi->index, in, (void *)(intptr_t)(fi->nnames + 1));
	fi->nnames++;
}

const FuncInfo *func_info(DirAnalysis *da, const FileFacts *ff, const Func *fn)
{
	FuncInfo *fi = keymap_get(&da->funcs, (uint64_t)(uintptr_t)fn);
	if (fi)
		return fi;
	fi = arena_alloc(da->arena, sizeof *fi);
	*fi = (FuncInfo){ .ff = ff, .fn = fn };
	fi->names = arena_alloc(da->arena, (fn->nparams + fn->nlocals + 1) * sizeof *fi->names);
	for (uint32_t i = 0; i < fn->nparams; i++)
		if (fn->params[i][0])
			add_name(da, fi, fn->params[i]);
	int32_t nparam_names = (int32_t)fi->nnames;
	for (uint32_t i = 0; i < fn->nlocals; i++)
		add_name(da, fi, fn->locals[i]);
	fi->resident = arena_alloc(da->arena, (fi->nnames ? fi->nnames : 1) * sizeof *fi->resident);
	memset(fi->resident, 0, (fi->nnames ? fi->nnames : 1) * sizeof *fi->resident);
	fi->words = (fi->nnames + 63) / 64;
	/* A name is an array where every declaration of it is one (blocks
	 * may declare a name twice), and no parameter has it. */
	fi->array = arena_alloc(da->arena, (fi->nnames ? fi->nnames : 1) * sizeof *fi->array);
	memset(fi->array, 0, (fi->nnames ? fi->nnames : 1) * sizeof *fi->array);
	for (int pass = 0; pass < 2; pass++)
		for (uint32_t k = 0; k < fn->nlocals; k++) {
			int32_t li = name_index(fi, name_intern(da, fn->locals[k]));
			if (li >= nparam_names && fn->local_arrays[k] == !pass)
				fi->array[li] = !pass;
		}
	for (uint32_t i = 0; i < fi->nnames; i++)
		fi->resident[i] |= fi->array[i];
	uint32_t ne = fn->expr_count;
	fi->text = arena_alloc(da->arena, (ne ? ne : 1) * sizeof *fi->text);
	fi->local = arena_alloc(da->arena, (ne ? ne : 1) * sizeof *fi->local);
	fi->mayfork = arena_alloc(da->arena, ne ? ne : 1);
	for (uint32_t i = 0; i < ne; i++) {
		const Expr *x = &ff->exprs[fn->expr_first + i];
		fi->text[i] = x->text ? name_intern(da, x->text) : NULL;
		fi->local[i] = x->kind == EX_NAME ? name_index(fi, fi->text[i]) : -1;
		bool fork = x->kind == EX_CALL || x->kind == EX_COND ||
			    (x->kind == EX_BINARY && (x->op == OP_LAND || x->op == OP_LOR));
		int32_t ops[3] = { x->a, x->b, x->c };
		for (int k = 0; k < 3 && !fork; k++)
			fork = ops[k] >= (int32_t)fn->expr_first && fi->mayfork[ops[k] - fn->expr_first];
		fi->mayfork[i] = fork;
	}
	/* Heap-resident locals: their address is taken, or they are a struct or an array. */
	for (uint32_t i = 0; i < ne; i++) {
		const Expr *x = &ff->exprs[fn->expr_first + i];
		bool takes = x->kind == EX_ADDR || x->kind == EX_INDEX || (x->kind == EX_MEMBER && !x->arrow);
		if (takes && x->a >= 0 && ff->exprs[x->a].kind == EX_NAME) {
			int32_t li = fi->local[x->a - fn->expr_first];
			if (li >= 0)
				fi->resident[li] = true;
		}
	}
	liveness(fi);
	for (uint32_t i = 0; i < fn->cfg_count; i++) {
		const CfgNode *c = &ff->cfg[fn->cfg_first + i];
		if (c->kind == CFG_BRANCH || c->kind == CFG_RETURN)
			mark_tested(da, fi, c->expr, 0);
	}
	/* `err = ret; if (err)` tests ret as well: carry tests back through copies. */
	for (int pass = 0; pass < 2; pass++)
		for (uint32_t i = 0; i < fn->cfg_count; i++) {
			const CfgNode *c = &ff->cfg[fn->cfg_first + i];
			if (c->kind != CFG_STMT || c->expr < 0 || ff->exprs[c->expr].kind != EX_ASSIGN)
				continue;
			const Expr *x = &ff->exprs[c->expr];
			const char *l = lvalue_text(da, ff, x->a), *rv = lvalue_text(da, ff, x->b);
			if (l && rv && strset_get(&fi->tested, l, strlen(l), NULL))
				strset_add(&fi->tested, rv, (void *)1);
		}
	keymap_set(&da->funcs, (uint64_t)(uintptr_t)fn, fi);
	return fi;
}

/* Does FI's call of CALLEE reach the model within DEPTH calls? */
static bool call_reaches_model(DirAnalysis *da, const FuncInfo *fi, const char *callee, int depth)
{
	if (spec_lookup(da->cfg->spec, callee) || convention_of(da->cfg->conv, callee) >= CONV_BUILTIN)
		return true;
	const FileFacts *where;
	const Func *g = depth > 0 ? resolve_function(da, fi->ff, callee, &where) : NULL;
	return g && g != fi->fn && func_reaches_model(da, func_info(da, where, g), depth - 1);
}

bool func_reaches_model(DirAnalysis *da, const FuncInfo *fi, int depth)
{
	FuncInfo *f = (FuncInfo *)fi;
	if (f->reaches)
		return f->reaches == 1;
	f->reaches = 2; /* assume not, against cycles */
	bool reach = false;
	for (uint32_t i = fi->fn->first_call; !reach && i < fi->fn->first_call + fi->fn->ncalls; i++)
		reach = call_reaches_model(da, fi, fi->ff->calls[i].callee, depth);
	f->reaches = reach ? 1 : 2;
	return reach;
}

/* An API of the device's IRQs, vectors, enable state or devres list: what
 * the rules order against each other.  Not a sleep, a lock, a query, nor a
 * generic acquisition or release (kfree, of_node_put): a loop over those
 * touches one element a round, and a round that touched a tracked one
 * changed the model. */
static bool api_acts(const SpecEntry *e)
{
	switch (e->event) {
	case EV_CALL: case EV_LOCK: case EV_UNLOCK: case EV_IRQ_VECTOR: case EV_VEC_QUERY:
	case EV_ACQUIRE: case EV_RELEASE:
		return false;
	default:
		return !(e->flags & SPEC_PURE);
	}
}

bool span_may_act(DirAnalysis *da, const FuncInfo *fi, Pos from, Pos to, int depth)
{
	for (uint32_t i = fi->fn->first_call; i < fi->fn->first_call + fi->fn->ncalls; i++) {
		const Call *c = &fi->ff->calls[i];
		if (pos_before(c->pos, from) || !pos_before(c->pos, to))
			continue;
		const SpecEntry *e = spec_lookup(da->cfg->spec, c->callee);
		if (e ? api_acts(e) : call_reaches_model(da, fi, c->callee, depth))
			return true;
	}
	return false;
}

int function_unparsed(DirAnalysis *da, const char *name)
{
	index_functions(da);
	return (int)(uintptr_t)strset_get(&da->unparsed, name, strlen(name), NULL);
}
