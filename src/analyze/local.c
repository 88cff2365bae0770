/*
 * local.c — the functions no driver replay reached, each replayed on its
 * own for the rules one function decides.
 *
 * A driver's replay starts at probe and remove and follows direct calls,
 * so a helper reached only through an ops table, a subsystem callback or
 * a library function of the directory is never executed, and what it
 * does wrong with devres inside itself goes unseen: a devm_ acquisition
 * released with the unmanaged API on the helper's own error path is a
 * double free whoever calls it.  Rules marked `alone` in data/rules are
 * those whose findings need nothing that happened before the function:
 * the acquisition and the wrong release both happen in it or in what it
 * calls.  For them, after a directory's drivers are replayed, each
 * function with a managed acquisition that no driver path handed to the
 * model is replayed from nothing: a fresh model in the probe phase, every
 * parameter an unknown symbol, the same engine, budgets and object
 * identities as a driver's replay.  Only the `alone` rules report there.
 *
 * A helper's caller is often no better reached than the helper, and may
 * be the one that releases what the helper acquired; so a function is
 * replayed from the outermost unreached caller that reaches it within the
 * inlining depth, and only then, if its acquisition is still not replayed
 * (that caller's paths do not reach it), on its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/internal.h"

typedef struct {
	const FileFacts *ff;
	const Func *fn;
} Site;
typedef VEC(Site) Sites;

/* Does FN call a managed acquisition (of memory, a mapping, an IRQ...) that
 * no replay handed to the model? */
static bool acquires_unreplayed(const Spec *spec, const FileFacts *ff, const Func *fn)
{
	for (uint32_t i = 0; i < fn->ncalls; i++) {
		const Call *c = &ff->calls[fn->first_call + i];
		if (spec_is_managed_acquire(spec_lookup(spec, c->callee)) && !c->replayed && !c->replayed_alone)
			return true;
	}
	return false;
}

/* Did any replay hand one of FN's calls to the model?  Then FN lies on a
 * driver's path, and is no caller to start from. */
static bool replayed(const FileFacts *ff, const Func *fn)
{
	for (uint32_t i = 0; i < fn->ncalls; i++)
		if (ff->calls[fn->first_call + i].replayed)
			return true;
	return false;
}

static bool has_site(const Sites *v, const Func *fn)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->v[i].fn == fn)
			return true;
	return false;
}

/* The directory's direct calls, callee first: who calls a function. */
typedef struct {
	const Func *callee;
	Site caller;
} Edge;
typedef VEC(Edge) Edges;

static int by_callee(const void *x, const void *y)
{
	const Edge *a = x, *b = y;
	return (a->callee > b->callee) - (a->callee < b->callee);
}

static Edges call_edges(DirAnalysis *da)
{
	Edges e = { 0 };
	for (size_t f = 0; f < da->nfiles; f++) {
		const FileFacts *ff = &da->files[f];
		for (uint32_t k = 0; k < ff->nfuncs; k++)
			for (uint32_t i = 0; i < ff->funcs[k].ncalls; i++) {
				const FileFacts *where;
				const Func *to = resolve_function(da, ff, ff->calls[ff->funcs[k].first_call + i].callee, &where);
				if (to && to != &ff->funcs[k]) {
					Edge x = { to, { ff, &ff->funcs[k] } };
					VEC_PUSH(&e, x);
				}
			}
	}
	if (e.n)
		qsort(e.v, e.n, sizeof *e.v, by_callee);
	return e;
}

/* The first edge into FN (E is sorted by callee). */
static size_t first_edge(const Edges *e, const Func *fn)
{
	size_t lo = 0, hi = e->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->v[mid].callee < fn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Add to OUT the functions that call FN directly and that no replay
 * reached. */
static void callers_of(const Edges *e, const Func *fn, Sites *out)
{
	for (size_t i = first_edge(e, fn); i < e->n && e->v[i].callee == fn; i++) {
		const Site *g = &e->v[i].caller;
		if (!replayed(g->ff, g->fn) && !has_site(out, g->fn))
			VEC_PUSH(out, *g);
	}
}

/* Does a function no replay reached call FN directly? */
static bool has_caller(const Edges *e, const Func *fn)
{
	for (size_t i = first_edge(e, fn); i < e->n && e->v[i].callee == fn; i++)
		if (!replayed(e->v[i].caller.ff, e->v[i].caller.fn))
			return true;
	return false;
}

/* Replay FN of FF on its own; its findings go to OUT. */
static void replay_alone(DirAnalysis *da, const FileFacts *ff, const Func *fn, FindingVec *out)
{
	char label[256];
	snprintf(label, sizeof label, "%s()", fn->name);
	DriverDef def = { .var = fn->name, .pos = fn->start };
	Driver d = { .name = arena_strndup(da->arena, label, strlen(label)), .file = ff, .def = &def };
	DriverReport rep;
	Run r;
	PState s0 = run_begin(&r, da, &d, fn, out, &rep);
	r.alone = true;
	ModelOrigin at = { ff->rel, (int)fn->start.line, d.name };
	r.cur = &s0;
	model_probe(s0.m, &at);
	Val args[8];
	uint32_t nargs = entry_args(&r, fn, args, 8);
	Outs outs = { 0 };
	exec_function(&r, NULL, ff, fn, args, nargs, key_of(0, "alone", 0), s0, &outs);
	for (size_t i = 0; i < outs.n; i++)
		pstate_free(&outs.v[i].st);
	VEC_FREE(&outs);
	run_end(&r);
}

void analyze_alone(DirAnalysis *da, FindingVec *out)
{
	const AnalyzeConfig *cfg = da->cfg;
	if (!rules_any_alone(cfg->rules))
		return;
	Sites todo = { 0 }, done = { 0 };
	for (size_t f = 0; f < da->nfiles; f++)
		for (uint32_t k = 0; k < da->files[f].nfuncs; k++)
			if (acquires_unreplayed(cfg->spec, &da->files[f], &da->files[f].funcs[k])) {
				Site s = { &da->files[f], &da->files[f].funcs[k] };
				VEC_PUSH(&todo, s);
			}
	Edges edges = todo.n ? call_edges(da) : (Edges){ 0 };
	for (size_t t = 0; t < todo.n; t++) {
		const Site *s = &todo.v[t];
		if (!acquires_unreplayed(cfg->spec, s->ff, s->fn))
			continue; /* a caller's replay reached it */
		/* Start from the outermost callers no replay reached, within
		 * the depth the engine inlines (every one of them: each may
		 * release differently), and come inwards while the
		 * acquisition is still not replayed. */
		Sites chain = { 0 };
		VEC_PUSH(&chain, *s);
		size_t from = 0;
		for (int depth = 1; depth < cfg->inline_depth && from < chain.n; depth++) {
			size_t to = chain.n;
			for (size_t c = from; c < to; c++)
				callers_of(&edges, chain.v[c].fn, &chain);
			from = to;
		}
		for (size_t c = chain.n; c-- > 0;) {
			bool outermost = c >= from || !has_caller(&edges, chain.v[c].fn);
			if ((outermost || acquires_unreplayed(cfg->spec, s->ff, s->fn)) &&
			    !replayed(chain.v[c].ff, chain.v[c].fn) && !has_site(&done, chain.v[c].fn)) {
				replay_alone(da, chain.v[c].ff, chain.v[c].fn, out);
				VEC_PUSH(&done, chain.v[c]);
			}
		}
		VEC_FREE(&chain);
	}
	VEC_FREE(&edges);
	VEC_FREE(&todo);
	VEC_FREE(&done);
}
