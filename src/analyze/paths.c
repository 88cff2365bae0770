/*
 * paths.c — replay the paths of one function through the model.
 *
 * A function is replayed from a model state: a depth-first walk of its
 * control-flow graph in which every path carries its own copy of the model
 * and of what it knows about local variables.  At each node the calls are
 * fed to the model in evaluation order:
 *
 *   - a call the spec knows becomes a model event; when its result is used
 *     (assigned, tested, returned) the path forks into a success and a
 *     failure world, so error branches are taken only where the call can
 *     really have failed;
 *   - a call to a function of the driver (its file or a sibling) is replayed
 *     in turn, its parameters standing for the caller's arguments, to a
 *     depth bound; the outcomes for one input state are cached, which is
 *     what makes a helper called from ten error labels cost one replay;
 *   - anything else has no effect on the model.
 *
 * When the kernel would call back into the driver (a devm action at
 * unbind), the model hands the callback out and it is replayed the same way.
 *
 * Paths are merged where they meet in an equal state: a node is not
 * replayed twice from the same (model, bindings) state.  Findings are
 * collected by the model's observer the moment they are raised, so merging
 * and caching lose none.  Every node visit counts against the driver's
 * budget; when it runs out the driver is reported as partially analysed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/internal.h"

struct CacheEntry {
	const Func *fn;
	unsigned long hash;
	Model *in;
	Outs outs;
};

void pstate_free(PState *s)
{
	model_free(s->m);
	free(s->b);
	*s = (PState){ 0 };
}

static PState pstate_clone(const PState *s)
{
	PState c = { model_clone(s->m), NULL, s->nb };
	if (s->nb) {
		c.b = xmalloc(s->nb * sizeof *c.b);
		memcpy(c.b, s->b, s->nb * sizeof *c.b);
	}
	return c;
}

void outs_free(Outs *o)
{
	for (size_t i = 0; i < o->n; i++)
		model_free(o->v[i].m);
	VEC_FREE(o);
}

void walk_cache_free(Walk *w)
{
	for (size_t i = 0; i < w->cache.n; i++) {
		model_free(w->cache.v[i]->in);
		outs_free(&w->cache.v[i]->outs);
		free(w->cache.v[i]);
	}
	VEC_FREE(&w->cache);
}

const Func *resolve_function(const Walk *w, const FileFacts *from, const char *name,
			     const FileFacts **where)
{
	for (uint32_t i = 0; i < from->nfuncs; i++)
		if (!strcmp(from->funcs[i].name, name)) {
			*where = from;
			return &from->funcs[i];
		}
	for (size_t k = 0; k < w->nfiles; k++)
		for (uint32_t i = 0; &w->files[k] != from && i < w->files[k].nfuncs; i++)
			if (!w->files[k].funcs[i].is_static && !strcmp(w->files[k].funcs[i].name, name)) {
				*where = &w->files[k];
				return &w->files[k].funcs[i];
			}
	return NULL;
}

static bool over_budget(Walk *w)
{
	if (w->rep->visits < w->cfg->visit_budget)
		return false;
	w->rep->partial = true;
	w->rep->why = "path budget";
	return true;
}

static const char *call_key(Walk *w, uint32_t call)
{
	char buf[16];
	int n = snprintf(buf, sizeof buf, "#%u", call);
	return arena_strndup(w->arena, buf, (size_t)n);
}

/* The outcomes of FN from state IN: cached per (function, equal state). */
static const Outs *summary(Walk *w, const Frame *fr, const Model *in)
{
	unsigned long h = model_hash(in);
	for (size_t i = 0; i < w->cache.n; i++) {
		CacheEntry *e = w->cache.v[i];
		if (e->fn == fr->fn && e->hash == h && model_equal(e->in, in))
			return &e->outs;
	}
	CacheEntry *e = xcalloc(1, sizeof *e);
	e->fn = fr->fn;
	e->hash = h;
	e->in = model_clone(in);
	explore(w, fr, in, &e->outs);
	VEC_PUSH(&w->cache, e);
	return &e->outs;
}

/* Replay the driver functions the kernel calls back now (devm actions). */
void drain(Walk *w, PState st, int depth, PStates *out)
{
	ModelCallback cb;
	while (model_next_callback(st.m, &cb)) {
		const FileFacts *ff;
		const Func *fn = resolve_function(w, w->drv->file, cb.function, &ff);
		if (!fn || depth >= w->cfg->inline_depth)
			continue;
		const char *data = cb.data;
		Frame sub = { ff, fn, &data, 1, depth + 1 };
		const Outs *outs = summary(w, &sub, st.m);
		for (size_t i = 0; i < outs->n; i++) {
			PState s = { model_clone(outs->v[i].m), NULL, st.nb };
			if (st.nb) {
				s.b = xmalloc(st.nb * sizeof *s.b);
				memcpy(s.b, st.b, st.nb * sizeof *s.b);
			}
			drain(w, s, depth, out);
		}
		pstate_free(&st);
		return;
	}
	VEC_PUSH(out, st);
}

static bool returns_value(SpecReturn r)
{
	return r == RET_STATUS || r == RET_COUNT || r == RET_RESOURCE || r == RET_IRQ || r == RET_BOOL;
}

/* Feed call CI to the state ST; the resulting states go to OUT. */
static void exec_call(Walk *w, const Frame *fr, PState st, uint32_t ci, bool used, PStates *out)
{
	const FileFacts *ff = fr->ff;
	const Call *c = &ff->calls[ci];
	const SpecEntry *e = spec_lookup(w->cfg->spec, c->callee);
	const char *lhs = c->lhs ? normalise(w->arena, NULL, c->lhs) : NULL;
	const char *args[32];
	uint32_t nargs = c->nargs < 32 ? c->nargs : 32;
	for (uint32_t i = 0; i < nargs; i++)
		args[i] = normalise(w->arena, fr, c->args[i]);

	if (e) {
		ModelOrigin origin = { ff->rel, (int)c->pos.line, fr->fn->name };
		bool fork = (used || lhs) && returns_value(e->ret);
		const char *result = lhs ? normalise(w->arena, fr, c->lhs) : NULL;
		for (int k = 0; k < (fork ? 2 : 1); k++) {
			PState s = k + 1 < (fork ? 2 : 1) ? pstate_clone(&st) : st;
			ModelOutcome o = k ? MODEL_FAILURE : MODEL_SUCCESS;
			model_call(s.m, c->callee, args, (int)nargs, result, o, &origin);
			if (lhs)
				bind(&s, lhs, o, (uint8_t)e->ret);
			bind(&s, call_key(w, ci), o, (uint8_t)e->ret);
			drain(w, s, fr->depth, out);
		}
		return;
	}
	const FileFacts *where;
	const Func *fn = fr->depth < w->cfg->inline_depth ? resolve_function(w, ff, c->callee, &where) : NULL;
	if (!fn || fn == fr->fn) { /* unknown, or direct recursion: no effect */
		if (lhs)
			bind(&st, lhs, MODEL_UNKNOWN, RET_STATUS);
		VEC_PUSH(out, st);
		return;
	}
	Frame sub = { where, fn, args, nargs, fr->depth + 1 };
	const Outs *outs = summary(w, &sub, st.m);
	for (size_t i = 0; i < outs->n; i++) {
		PState s = { model_clone(outs->v[i].m), NULL, st.nb };
		if (st.nb) {
			s.b = xmalloc(st.nb * sizeof *s.b);
			memcpy(s.b, st.b, st.nb * sizeof *s.b);
		}
		ModelOutcome o = (ModelOutcome)outs->v[i].outcome;
		if (lhs)
			bind(&s, lhs, o, RET_STATUS);
		bind(&s, call_key(w, ci), o, RET_STATUS);
		VEC_PUSH(out, s);
	}
	pstate_free(&st);
}

typedef struct {
	int32_t node;
	PState st;
} Work;

/* A small set of visited (node, state) hashes. */
typedef struct {
	unsigned long *v;
	size_t n, cap;
} Seen;

static bool seen_add(Seen *s, unsigned long key)
{
	key |= 1; /* 0 marks an empty slot */
	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		unsigned long *v = xcalloc(cap, sizeof *v);
		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i])
				for (size_t j = s->v[i] & (cap - 1);; j = (j + 1) & (cap - 1))
					if (!v[j]) {
						v[j] = s->v[i];
						break;
					}
		free(s->v);
		s->v = v;
		s->cap = cap;
	}
	for (size_t j = key & (s->cap - 1);; j = (j + 1) & (s->cap - 1)) {
		if (s->v[j] == key)
			return false;
		if (!s->v[j]) {
			s->v[j] = key;
			s->n++;
			return true;
		}
	}
}

static void add_out(Outs *outs, PState *s, ModelOutcome o)
{
	for (size_t i = 0; i < outs->n; i++)
		if (outs->v[i].outcome == o && model_equal(outs->v[i].m, s->m)) {
			pstate_free(s);
			return;
		}
	Out out = { s->m, (uint8_t)o };
	VEC_PUSH(outs, out);
	free(s->b);
	*s = (PState){ 0 };
}

void explore(Walk *w, const Frame *fr, const Model *in, Outs *outs)
{
	const FileFacts *ff = fr->ff;
	const Func *fn = fr->fn;
	if (fn->cfg_partial && !w->rep->partial) {
		w->rep->partial = true;
		w->rep->why = "function too deep or too large for its graph";
	}
	VEC(Work) stack = { 0 };
	Seen seen = { 0 };
	Work start = { (int32_t)fn->cfg_first, { model_clone(in), NULL, 0 } };
	VEC_PUSH(&stack, start);
	PStates states = { 0 }, next = { 0 };
	while (stack.n) {
		Work wk = stack.v[--stack.n];
		if (over_budget(w)) {
			pstate_free(&wk.st);
			continue;
		}
		w->rep->visits++;
		unsigned long key = (unsigned long)wk.node * 0x9e3779b97f4a7c15ul ^ model_hash(wk.st.m) ^
				    bindings_hash(&wk.st) * 31;
		if (!seen_add(&seen, key)) {
			pstate_free(&wk.st);
			continue;
		}
		const CfgNode *n = &ff->cfg[wk.node];
		states.n = 0;
		VEC_PUSH(&states, wk.st);
		for (uint32_t k = 0; k < n->ncalls; k++) {
			uint32_t ci = ff->cfg_calls[n->first_call + k];
			bool used = n->subject.kind == VAL_CALL && n->subject.call == (int32_t)ci;
			next.n = 0;
			for (size_t i = 0; i < states.n; i++)
				exec_call(w, fr, states.v[i], ci, used, &next);
			PStates t = states;
			states = next;
			next = t;
		}
		for (size_t i = 0; i < states.n; i++) {
			PState s = states.v[i];
			uint8_t ret;
			if (n->kind == CFG_RETURN) {
				add_out(outs, &s, value_outcome(ff, n->subject, &s, &ret));
				continue;
			}
			if (n->assign_var) {
				ModelOutcome o = value_outcome(ff, n->subject, &s, &ret);
				bind(&s, normalise(w->arena, NULL, n->assign_var), o, ret);
			}
			int edges = n->kind == CFG_BRANCH ? branch_edges(ff, n, &s) : 1;
			int32_t to[2] = { n->next, n->other };
			int taken = 0;
			for (int e = 0; e < 2; e++)
				if ((edges >> e & 1) && to[e] >= 0)
					taken++;
			if (!taken) { /* cut short (partial graph): the path ends here */
				add_out(outs, &s, MODEL_UNKNOWN);
				continue;
			}
			for (int e = 0; e < 2; e++) {
				if (!(edges >> e & 1) || to[e] < 0)
					continue;
				Work nw = { to[e], --taken ? pstate_clone(&s) : s };
				VEC_PUSH(&stack, nw);
			}
		}
	}
	VEC_FREE(&stack);
	VEC_FREE(&states);
	VEC_FREE(&next);
	free(seen.v);
}
