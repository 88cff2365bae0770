/*
 * devm.c — what a kernel tree's managed functions do, read from their
 * definitions.
 *
 * data/api.spec says by hand, for each devm_ API, which devres release it
 * registers and which unmanaged call that release makes (devm_clk_get's
 * node runs devm_clk_release, which calls clk_put, so a driver that calls
 * clk_put on a devm clock puts it twice).  The tree says the same in C,
 * in a handful of shapes, and this file reads them from the facts of the
 * files that define managed functions:
 *
 *   devres node     devres_alloc(REL, ...) then devres_add(dev, node):
 *                   REL runs at detach;
 *   action          devm_add_action(_or_reset)(dev, REL, data): likewise;
 *   early release   devres_release(dev, REL, match, data) or
 *                   devm_release_action(dev, REL, data): a managed release
 *                   of what REL's acquire registered;
 *   wrapper         none of those, but a call to another managed function
 *                   (the one it returns, or its only one): it does what
 *                   that one does, with the arguments mapped through.
 *
 * A release function's undo is the calls its body makes (following the
 * file's static helpers two deep), less the conventions (container_of,
 * WARN_ON) and the devres calls themselves: devm_clk_release gives
 * clk_put.  Wrappers are resolved to a fixed point, since a wrapper may
 * wrap a wrapper (devm_clk_get_optional → __devm_clk_get).  Functions that
 * are passed to the devres calls as arguments (the releases and match
 * functions, often named devm_*_release) are callbacks, not APIs.
 *
 * What no shape fits keeps a reason: a stub that returns an error, an
 * allocator with its own node type (devm_kmalloc's alloc_dr), a release
 * that calls only through a pointer.
 */
#include <string.h>

#include "extract/devm.h"
#include "util/clex.h"
#include "util/strset.h"

/* The calls that make a devres node, and their release argument; the gfp
 * is argument 2 of those that take one. */
static const struct {
	const char *name;
	int release;
} node_allocs[] = {
	{ "devres_alloc", 0 }, { "devres_alloc_node", 0 }, { "__devres_alloc_node", 0 },
	{ "alloc_dr", 0 },         /* drivers/base/devres.c's own, for devm_kmalloc */
	{ "devres_node_init", 1 }, /* 7.x: a node embedded in the caller's struct */
	{ NULL, 0 },
};
/* The calls that add an action: device 0, release 1, data 2. */
static const char *const action_adds[] = { "devm_add_action", "devm_add_action_or_reset", "__devm_add_action",
					   "__devm_add_action_or_reset", NULL };
/* The calls that release a node early: device 0, release 1, and the
 * argument that says which node (devres_release's data, the action's data). */
static const struct {
	const char *name;
	int data;
} early_releases[] = {
	{ "devres_release", 3 }, { "devres_destroy", 3 }, { "devm_release_action", 2 }, { NULL, 0 },
};
/* Calls whose arguments that name functions name callbacks, not APIs. */
static const char *const callback_takers[] = { "devm_remove_action", "devm_remove_action_nowarn",
					       "devm_is_action_added", NULL };
static const char *const managed_prefixes[] = { "devm_", "dmam_", "pcim_", NULL };

enum { UNDO_DEPTH = 2, WRAP_ROUNDS = 16 };

static int in_list(const char *const *list, const char *name)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i], name))
			return i;
	return -1;
}

bool devm_name(const char *name, size_t len)
{
	while (len && *name == '_')
		name++, len--;
	for (int i = 0; managed_prefixes[i]; i++) {
		size_t k = strlen(managed_prefixes[i]);
		if (len > k && !memcmp(name, managed_prefixes[i], k))
			return true;
	}
	return false;
}

static bool is_ident(const char *s)
{
	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!lex_ident_char((unsigned char)*s))
			return false;
	return true;
}

static int node_alloc(const char *callee)
{
	for (int i = 0; node_allocs[i].name; i++)
		if (!strcmp(node_allocs[i].name, callee))
			return i;
	return -1;
}

static bool is_callback_taker(const char *callee)
{
	return !strncmp(callee, "devres_", 7) || !strncmp(callee, "__devres_", 9) ||
	       node_alloc(callee) >= 0 || in_list(action_adds, callee) >= 0 ||
	       in_list(callback_takers, callee) >= 0 || !strcmp(callee, "devm_release_action");
}

static const Call *call_at(const FileFacts *ff, const Func *f, uint32_t i)
{
	return &ff->calls[f->first_call + i];
}

/* Argument I of call C as an expression (casts and parentheses dropped),
 * or NULL. */
static const Expr *arg_expr(const FileFacts *ff, const Call *c, uint32_t i)
{
	return c->argx && i < c->nargs && c->argx[i] >= 0 ? &ff->exprs[c->argx[i]] : NULL;
}

static int param_named(const Func *f, const char *name)
{
	for (uint32_t i = 0; name && i < f->nparams; i++)
		if (!strcmp(f->params[i], name))
			return (int)i;
	return -1;
}

/* The parameter of F that argument I of C is: `dev`, `(void *)p`, or the
 * X of `&X->dev`; -1 when it is none. */
static int param_of(const FileFacts *ff, const Func *f, const Call *c, uint32_t i)
{
	const Expr *x = arg_expr(ff, c, i);
	if (x && x->kind == EX_ADDR && x->a >= 0)
		x = &ff->exprs[x->a];
	if (x && x->kind == EX_MEMBER && !strcmp(x->text, "dev") && x->a >= 0)
		x = &ff->exprs[x->a];
	if (x)
		return x->kind == EX_NAME ? param_named(f, x->text) : -1;
	return i < c->nargs ? param_named(f, c->args[i]) : -1;
}

/* The function argument I of C names: `rel`, or both arms of
 * `cond ? rel_a : rel_b` (in *OTHER); NULL when it names none. */
static const char *func_arg(const FileFacts *ff, const Call *c, uint32_t i, const char **other)
{
	const Expr *x = arg_expr(ff, c, i);
	*other = NULL;
	if (x && x->kind == EX_COND && x->b >= 0 && x->c >= 0 && ff->exprs[x->b].kind == EX_NAME &&
	    ff->exprs[x->c].kind == EX_NAME) {
		*other = ff->exprs[x->b].text;
		return ff->exprs[x->c].text;
	}
	if (x)
		return x->kind == EX_NAME ? x->text : NULL;
	return i < c->nargs && is_ident(c->args[i]) ? c->args[i] : NULL;
}

typedef struct {
	const FileFacts *file;
	const Func *func;
} FuncRef;

typedef VEC(const Call *) CallList;

typedef struct {
	const Conventions *conv;
	const StrSet *not_undo;
	DevmVec *out;
	StrSet funcs;   /* every function defined: name -> index + 1 into refs */
	VEC(FuncRef) refs;
	StrSet defs;    /* managed name -> index + 1 of its first DevmDef */
	int *next_def;  /* the next DevmDef of the same name, or -1 */
	const Call **returned; /* per DevmDef: the managed call it returns, or NULL */
	CallList *calls;       /* per DevmDef: its calls that hand work to a managed function */
} Deriver;

/* The definition of NAME, in FILE first, then anywhere; .func NULL if none. */
static FuncRef find_func(const Deriver *d, const FileFacts *file, const char *name)
{
	for (uint32_t i = 0; i < file->nfuncs; i++)
		if (!strcmp(file->funcs[i].name, name))
			return (FuncRef){ file, &file->funcs[i] };
	int found;
	uintptr_t k = (uintptr_t)strset_get(&d->funcs, name, strlen(name), &found);
	return found ? d->refs.v[k - 1] : (FuncRef){ 0 };
}

static bool is_def(const Deriver *d, const char *name)
{
	int found;
	strset_get(&d->defs, name, strlen(name), &found);
	return found;
}

static void add_wrong(DevmDef *def, const char *name)
{
	for (int i = 0; i < def->nwrong; i++)
		if (!strcmp(def->wrong[i], name))
			return;
	if (def->nwrong < DEVM_MAX_WRONG)
		def->wrong[def->nwrong++] = name;
}

/* The calls release function R makes that undo something: not through a
 * pointer, not a convention, logging or a lock, not devres itself; a
 * static helper of R's file is followed instead of named. */
static void collect_undo(const Deriver *d, FuncRef r, int depth, DevmDef *def)
{
	for (uint32_t i = 0; i < r.func->ncalls; i++) {
		const char *callee = call_at(r.file, r.func, i)->callee;
		if (!is_ident(callee) || convention_of(d->conv, callee) != CONV_NONE ||
		    strset_get(d->not_undo, callee, strlen(callee), NULL) || is_callback_taker(callee))
			continue;
		FuncRef h = find_func(d, r.file, callee);
		if (h.func && h.file == r.file && h.func->is_static && h.func != r.func && depth < UNDO_DEPTH)
			collect_undo(d, h, depth + 1, def);
		else if (h.func != r.func)
			add_wrong(def, callee);
	}
}

/* How F fails, by what its returns return. */
static DevmFails fails_of(const FileFacts *ff, const Func *f)
{
	bool err = false, null = false;
	for (uint32_t i = 0; i < f->cfg_count; i++) {
		const CfgNode *c = &ff->cfg[f->cfg_first + i];
		if (c->kind != CFG_RETURN || c->expr < 0)
			continue;
		const Expr *x = &ff->exprs[c->expr];
		if (x->kind == EX_CALL && (!strcmp(ff->calls[x->call].callee, "ERR_PTR") ||
					   !strcmp(ff->calls[x->call].callee, "ERR_CAST") ||
					   !strcmp(ff->calls[x->call].callee, "IOMEM_ERR_PTR")))
			err = true;
		else if ((x->kind == EX_NUM && x->num == 0) || (x->kind == EX_NAME && !strcmp(x->text, "NULL")))
			null = true;
	}
	return err == null ? DEVM_FAILS_ANY : err ? DEVM_FAILS_ERR : DEVM_FAILS_NULL;
}

/* The parameter (not the device) F stores into memory: `*ptr = clk`,
 * `dr->chip = chip`: what its devres node holds. */
static int stored_param(const FileFacts *ff, const Func *f, int dev)
{
	for (uint32_t i = 0; i < f->expr_count; i++) {
		const Expr *x = &ff->exprs[f->expr_first + i];
		if (x->kind != EX_ASSIGN || x->op != OP_NONE || x->a < 0 || x->b < 0)
			continue;
		const Expr *to = &ff->exprs[x->a], *from = &ff->exprs[x->b];
		if ((to->kind != EX_DEREF && to->kind != EX_MEMBER) || from->kind != EX_NAME)
			continue;
		int p = param_named(f, from->text);
		if (p >= 0 && p != dev)
			return p;
	}
	return -1;
}

/* The call of F that registers or releases a node or an action, and which
 * shape it is; NULL when F has none. */
static const Call *own_call(const FileFacts *ff, const Func *f, int *node, int *early)
{
	for (uint32_t i = 0; i < f->ncalls; i++) {
		const Call *c = call_at(ff, f, i);
		*early = -1;
		for (int k = 0; early_releases[k].name; k++)
			if (!strcmp(early_releases[k].name, c->callee))
				*early = k;
		*node = node_alloc(c->callee);
		if (*node >= 0 || *early >= 0 || in_list(action_adds, c->callee) >= 0)
			return c;
	}
	return NULL;
}

/* Mark every managed function passed to a devres call as a callback. */
static void mark_callbacks(Deriver *d)
{
	for (size_t i = 0; i < d->out->n; i++) {
		const DevmDef *def = &d->out->v[i];
		for (uint32_t k = 0; k < def->func->ncalls; k++) {
			const Call *c = call_at(def->file, def->func, k);
			if (!is_callback_taker(c->callee))
				continue;
			for (uint32_t a = 0; a < c->nargs; a++) {
				const char *other, *name = func_arg(def->file, c, a, &other);
				for (int arm = 0; arm < 2; arm++, name = other) {
					int found;
					uintptr_t j = name ? (uintptr_t)strset_get(&d->defs, name, strlen(name), &found) : 0;
					for (int at = j ? (int)j - 1 : -1; at >= 0; at = d->next_def[at])
						d->out->v[at].kind = DEVM_CALLBACK;
				}
			}
		}
	}
}

/* The shapes that say what DEF does by itself: a node, an action, an
 * early release.  False when none is there. */
static bool classify_own(const Deriver *d, DevmDef *def)
{
	const Func *f = def->func;
	const FileFacts *ff = def->file;
	int node, early;
	const Call *c = own_call(ff, f, &node, &early);
	if (!c)
		return false;
	const char *other, *rel = func_arg(ff, c, node >= 0 ? (uint32_t)node_allocs[node].release : 1, &other);
	if (!rel || param_named(f, rel) >= 0) {
		def->why = "registers the release function its caller passes";
		return true;
	}
	def->node = rel;
	def->dev = param_of(ff, f, c, 0);
	if (early >= 0) {
		def->kind = DEVM_RELEASE;
		def->res = param_of(ff, f, c, (uint32_t)early_releases[early].data);
		return true;
	}
	def->kind = DEVM_ACQUIRE;
	def->sleeps = node < 0 || (c->nargs > 2 && strstr(c->args[2], "GFP_KERNEL"));
	if (node >= 0) {
		def->dev = -1;
		for (uint32_t k = 0; k < f->ncalls && def->dev < 0; k++) {
			const Call *add = call_at(ff, f, k);
			if ((!strcmp(add->callee, "devres_add") || !strcmp(add->callee, "devres_node_add")) &&
			    add->nargs == 2)
				def->dev = param_of(ff, f, add, 0);
		}
		def->res = stored_param(ff, f, def->dev);
	} else
		def->res = param_of(ff, f, c, 2);
	for (int arm = 0; arm < 2 && rel; arm++, rel = other) {
		FuncRef r = find_func(d, ff, rel);
		if (!r.func) {
			def->kind = DEVM_UNKNOWN;
			def->why = "its release function is not defined in the files read";
			return true;
		}
		def->inside |= !r.func->ncalls;
		collect_undo(d, r, 0, def);
	}
	if (!def->nwrong && !def->inside) {
		def->kind = DEVM_UNKNOWN;
		def->why = "its release calls nothing but through pointers, devres, locks and logging";
	}
	return true;
}

/* Note DEF's calls that may hand its work to a managed function: the call
 * of one, or a call that passes one on (`__regmap_lockdep_wrapper(fn, ...)`);
 * and the one whose value it returns, directly or through a variable. */
static void find_wrapped(Deriver *d, size_t i)
{
	DevmDef *def = &d->out->v[i];
	const FileFacts *ff = def->file;
	const Func *f = def->func;
	for (uint32_t k = 0; k < f->ncalls; k++) {
		const Call *c = call_at(ff, f, k);
		bool managed = strcmp(c->callee, def->name) && is_def(d, c->callee);
		for (uint32_t a = 0; !managed && !is_callback_taker(c->callee) && a < c->nargs; a++)
			managed = strcmp(c->args[a], def->name) && is_def(d, c->args[a]);
		if (managed)
			VEC_PUSH(&d->calls[i], c);
	}
	for (uint32_t k = 0; k < f->cfg_count && !d->returned[i]; k++) {
		const CfgNode *n = &ff->cfg[f->cfg_first + k];
		if (n->kind != CFG_RETURN || n->expr < 0)
			continue;
		const Expr *x = &ff->exprs[n->expr];
		for (size_t j = 0; j < d->calls[i].n; j++) {
			const Call *c = d->calls[i].v[j];
			if ((x->kind == EX_CALL && &ff->calls[x->call] == c) ||
			    (x->kind == EX_NAME && c->lhs && !strcmp(c->lhs, x->text)))
				d->returned[i] = c;
		}
	}
}

/* The managed function call C hands its work to: its callee, or the
 * managed function it passes on. */
static const char *wrapped_name(const Deriver *d, const Call *c)
{
	if (is_def(d, c->callee))
		return c->callee;
	for (uint32_t a = 0; a < c->nargs; a++)
		if (is_def(d, c->args[a]))
			return c->args[a];
	return NULL;
}

/* The best classified definition of NAME, or any when none is. */
static const DevmDef *def_named(const Deriver *d, const char *name)
{
	int found;
	uintptr_t j = (uintptr_t)strset_get(&d->defs, name, strlen(name), &found);
	const DevmDef *any = NULL;
	for (int at = found ? (int)j - 1 : -1; at >= 0; at = d->next_def[at]) {
		const DevmDef *o = &d->out->v[at];
		if (o->kind == DEVM_ACQUIRE || o->kind == DEVM_RELEASE)
			return o;
		any = any ? any : o;
	}
	return any;
}

static bool classified(const DevmDef *def)
{
	return def && (def->kind == DEVM_ACQUIRE || def->kind == DEVM_RELEASE);
}

/* Will no definition of NAME ever be classified: none is, and each either
 * has its reason already or hands nothing on (7.3's devm_request_result,
 * a logging helper with a managed name)? */
static bool settled_unknown(const Deriver *d, const char *name)
{
	int found;
	uintptr_t j = (uintptr_t)strset_get(&d->defs, name, strlen(name), &found);
	for (int at = found ? (int)j - 1 : -1; at >= 0; at = d->next_def[at]) {
		const DevmDef *o = &d->out->v[at];
		if (classified(o) || (o->kind == DEVM_UNKNOWN && !o->why && d->calls[at].n))
			return false;
	}
	return true;
}

/* The call DEF I wraps, if it can be told: the returned one; else its only
 * managed function; else, when LENIENT, the only one of those classified
 * that is not bare memory (devm_kzalloc of a wrapper's own bookkeeping).
 * NULL until then. */
static const Call *choose_wrapped(const Deriver *d, size_t i, bool lenient)
{
	if (d->returned[i] && !settled_unknown(d, wrapped_name(d, d->returned[i])))
		return d->returned[i];
	const CallList *l = &d->calls[i];
	const Call *only = NULL, *real = NULL;
	bool several = false, several_real = false;
	for (size_t k = 0; k < l->n; k++) {
		const char *name = wrapped_name(d, l->v[k]);
		several |= only && strcmp(wrapped_name(d, only), name);
		only = only ? only : l->v[k];
		const DevmDef *via = def_named(d, name);
		if (classified(via) && !via->inside) {
			several_real |= real && strcmp(wrapped_name(d, real), name);
			real = real ? real : l->v[k];
		}
	}
	if (!several)
		return only;
	return lenient && !several_real ? real : NULL;
}

/* Take on what the wrapped function does; false while it is not classified. */
static bool take_wrapped(Deriver *d, DevmDef *def, const Call *c)
{
	const DevmDef *via = def_named(d, wrapped_name(d, c));
	if (!classified(via))
		return false;
	def->kind = via->kind;
	def->via = via->name;
	def->node = via->node;
	memcpy(def->wrong, via->wrong, sizeof def->wrong);
	def->nwrong = via->nwrong;
	def->inside = via->inside;
	def->sleeps = via->sleeps;
	bool direct = !strcmp(c->callee, via->name);
	def->dev = direct && via->dev >= 0 ? param_of(def->file, def->func, c, (uint32_t)via->dev) : -1;
	if (def->dev < 0 && via->dev >= 0 && (uint32_t)via->dev < def->func->nparams)
		def->dev = via->dev; /* not passed straight on: the same place */
	def->res = direct && via->res >= 0 ? param_of(def->file, def->func, c, (uint32_t)via->res) : -1;
	if (def->macro)
		def->returns = via->returns;
	if (def->fails == DEVM_FAILS_ANY)
		def->fails = via->fails;
	def->why = NULL;
	return true;
}

/* Rounds of wrappers taking what they wrap, to a fixed point; true when
 * one changed. */
static bool resolve_wrappers(Deriver *d, bool lenient)
{
	bool any = false;
	for (int round = 0, changed = 1; changed && round < WRAP_ROUNDS; round++) {
		changed = 0;
		for (size_t i = 0; i < d->out->n; i++) {
			DevmDef *def = &d->out->v[i];
			if (def->kind != DEVM_UNKNOWN || def->why)
				continue;
			const Call *c = choose_wrapped(d, i, lenient);
			if (c && take_wrapped(d, def, c))
				changed = 1;
		}
		any |= changed;
		lenient = false;
	}
	return any;
}

/* Why DEF I, a wrapper that took nothing on, is not classified. */
static const char *unresolved_why(const Deriver *d, size_t i)
{
	DevmDef *def = &d->out->v[i];
	if (!d->calls[i].n)
		return def->func->ncalls ? "registers no devres node and calls no managed function"
					 : "calls nothing (a stub)";
	const Call *c = choose_wrapped(d, i, true);
	if (!c)
		return "calls several managed functions and returns none of them";
	def->via = def_named(d, wrapped_name(d, c))->name;
	return "wraps a managed function that is not classified";
}

void devm_derive(const FileFacts *files, const bool *macros, size_t nfiles, const Conventions *conv,
		 const StrSet *not_undo, DevmVec *out)
{
	Deriver d = { .conv = conv, .not_undo = not_undo, .out = out };
	for (size_t i = 0; i < nfiles; i++) {
		const FileFacts *ff = &files[i];
		bool header = facts_of_header(ff);
		for (uint32_t k = 0; k < ff->nfuncs; k++) {
			const Func *f = &ff->funcs[k];
			FuncRef r = { ff, f };
			VEC_PUSH(&d.refs, r);
			strset_add(&d.funcs, f->name, (void *)(uintptr_t)d.refs.n);
			int node, early;
			bool helper = !devm_name(f->name, strlen(f->name));
			if (helper && !own_call(ff, f, &node, &early))
				continue;
			DevmDef def = { .name = f->name, .file = ff, .func = f, .macro = macros[i],
					.api = !helper && (header || !f->is_static), .helper = helper, .dev = -1,
					.res = -1, .returns = (FuncReturns)f->returns, .fails = fails_of(ff, f) };
			VEC_PUSH(out, def);
		}
	}
	size_t n = out->n ? out->n : 1;
	d.next_def = xmalloc(n * sizeof *d.next_def);
	d.returned = xcalloc(n, sizeof *d.returned);
	d.calls = xcalloc(n, sizeof *d.calls);
	for (size_t i = out->n; i-- > 0;) {
		int found;
		uintptr_t j = (uintptr_t)strset_get(&d.defs, out->v[i].name, strlen(out->v[i].name), &found);
		d.next_def[i] = found ? (int)j - 1 : -1;
		strset_set(&d.defs, out->v[i].name, (void *)(uintptr_t)(i + 1));
	}
	for (size_t i = 0; i < out->n; i++)
		if (!classify_own(&d, &out->v[i]))
			find_wrapped(&d, i);
	mark_callbacks(&d);
	for (bool lenient = false; resolve_wrappers(&d, lenient) || !lenient; lenient = true)
		;
	for (size_t i = 0; i < out->n; i++) {
		if (out->v[i].kind == DEVM_UNKNOWN && !out->v[i].why)
			out->v[i].why = unresolved_why(&d, i);
		VEC_FREE(&d.calls[i]);
	}
	free(d.calls);
	free(d.returned);
	free(d.next_def);
	VEC_FREE(&d.refs);
	strset_free(&d.funcs);
	strset_free(&d.defs);
}
