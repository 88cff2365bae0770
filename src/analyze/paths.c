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
 * replayed twice from the same (model, bindings) state, and one replay of a
 * function visits at most states_per_node times its node count (on
 * average that many distinct states per node: states that differ in what
 * they hold can otherwise double at every acquisition).  Findings are
 * collected by the model's observer the moment they are raised, so merging
 * and caching lose none.  Every node visit counts against the driver's
 * budget; when it runs out the driver is reported as partially analysed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/internal.h"

struct CacheEntry {
	const Func *fn;
	unsigned long hash;
	const char *const *args; /* interned */
	uint32_t nargs;
	Model *in;
	Outs outs;
	FindingVec findings; /* raised while computing it, for later hits */
};

void pstate_free(PState *s)
{
	model_free(s->m);
	free(s->b);
	*s = (PState){ 0 };
}

/* A copy of M for this walk.  Models kept in the directory's summaries
 * were made by an earlier driver's walk: their observer points there. */
static Model *adopt(Walk *w, const Model *m)
{
	Model *c = model_clone(m);
	model_set_observer(c, &w->observer);
	return c;
}

/* A path state that continues ST after a summary's outcome M: the callee's
 * model, the caller's locals and trail. */
static PState after_call(Walk *w, const Model *m, const PState *st)
{
	PState s = { adopt(w, m), NULL, st->nb, st->trail };
	if (st->nb) {
		s.b = xmalloc(st->nb * sizeof *s.b);
		memcpy(s.b, st->b, st->nb * sizeof *s.b);
	}
	return s;
}

static PState pstate_clone(const PState *s)
{
	PState c = { model_clone(s->m), NULL, s->nb, s->trail };
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

DirAnalysis *dir_analysis_new(const AnalyzeConfig *cfg, FileFacts *files, size_t nfiles, Arena *arena)
{
	DirAnalysis *da = xcalloc(1, sizeof *da);
	*da = (DirAnalysis){ .cfg = cfg, .files = files, .nfiles = nfiles, .arena = arena };
	return da;
}

void dir_analysis_forget(DirAnalysis *da)
{
	for (size_t b = 0; da->cache && b < CACHE_BUCKETS; b++) {
		for (size_t i = 0; i < da->cache[b].n; i++) {
			CacheEntry *e = da->cache[b].v[i];
			model_free(e->in);
			outs_free(&e->outs);
			VEC_FREE(&e->findings);
			free((void *)e->args);
			free(e);
		}
		VEC_FREE(&da->cache[b]);
	}
	free(da->cache);
	da->cache = NULL;
}

void dir_analysis_free(DirAnalysis *da)
{
	dir_analysis_forget(da);
	strset_free(&da->strings);
	strset_free(&da->reach);
	strset_free(&da->tested);
	strset_free(&da->externs);
	for (size_t k = 0; da->statics && k < da->nfiles; k++)
		strset_free(&da->statics[k]);
	free(da->statics);
	free(da);
}

void raise_finding(Walk *w, const Finding *f)
{
	for (size_t i = 0; i < w->computing.n; i++)
		VEC_PUSH(&w->computing.v[i]->findings, *f);
	char key[512];
	snprintf(key, sizeof key, "%s|%s|%u|%s", f->rule, f->file, f->pos.line, f->message);
	int dup;
	strset_get(&w->reported, key, strlen(key), &dup);
	if (dup)
		return;
	strset_add(&w->reported, key, NULL);
	Finding mine = *f;
	mine.driver = w->drv->name;
	mine.driver_file = w->drv->file->rel;
	VEC_PUSH(w->out, mine);
}

/* C linkage: a name resolves to the calling file's own function first,
 * then to an external definition elsewhere in the directory.  The index is
 * built on first use: every executed call asks. */
static void index_functions(Walk *w)
{
	w->da->statics = xcalloc(w->nfiles ? w->nfiles : 1, sizeof *w->da->statics);
	for (size_t k = 0; k < w->nfiles; k++)
		for (uint32_t i = 0; i < w->files[k].nfuncs; i++) {
			const Func *fn = &w->files[k].funcs[i];
			FuncRef *r = arena_alloc(w->arena, sizeof *r);
			*r = (FuncRef){ &w->files[k], fn };
			strset_add(&w->da->statics[k], fn->name, r);
			if (!fn->is_static)
				strset_add(&w->da->externs, fn->name, r);
		}
}

const Func *resolve_function(Walk *w, const FileFacts *from, const char *name,
			     const FileFacts **where)
{
	if (!w->da->statics)
		index_functions(w);
	size_t len = strlen(name);
	const FuncRef *r = strset_get(&w->da->statics[from - w->files], name, len, NULL);
	if (!r)
		r = strset_get(&w->da->externs, name, len, NULL);
	if (!r)
		return NULL;
	*where = r->ff;
	return r->fn;
}

/* Does FN (in FF) call, within DEPTH levels of driver functions, an API the
 * spec knows?  A function that does not cannot change the model: replaying
 * it would only multiply paths, so it is treated like an unknown call. */
static bool reaches_model(Walk *w, const FileFacts *ff, const Func *fn, int depth)
{
	char key[600];
	snprintf(key, sizeof key, "%p:%s", (const void *)ff, fn->name);
	int known = (int)(intptr_t)strset_get(&w->da->reach, key, strlen(key), NULL);
	if (known)
		return known == 1;
	strset_add(&w->da->reach, key, (void *)(intptr_t)2); /* assume not, against cycles */
	bool reach = false;
	for (uint32_t i = fn->first_call; !reach && i < fn->first_call + fn->ncalls; i++) {
		const char *callee = ff->calls[i].callee;
		if (spec_lookup(w->cfg->spec, callee)) {
			reach = true;
			break;
		}
		const FileFacts *where;
		const Func *g = depth > 0 ? resolve_function(w, ff, callee, &where) : NULL;
		if (g && g != fn && reaches_model(w, where, g, depth - 1))
			reach = true;
	}
	strset_set(&w->da->reach, key, (void *)(intptr_t)(reach ? 1 : 2));
	return reach;
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
	snprintf(buf, sizeof buf, "#%u", call);
	return strset_intern(&w->da->strings, buf);
}

/* A call used as another call's argument has no variable to name its
 * result: its normalised text is that name, since the enclosing call's
 * argument normalises to the same text (pci_irq_vector(pdev,i)). */
static const char *call_text(Walk *w, const char *callee, const char *const *args, uint32_t nargs)
{
	char buf[NORM_MAX];
	int k = snprintf(buf, sizeof buf, "%s(", callee);
	for (uint32_t i = 0; i < nargs && k > 0 && (size_t)k < sizeof buf; i++)
		k += snprintf(buf + k, sizeof buf - (size_t)k, "%s%s", i ? "," : "", args[i]);
	if (k > 0 && (size_t)k < sizeof buf)
		snprintf(buf + k, sizeof buf - (size_t)k, ")");
	return strset_intern(&w->da->strings, buf);
}

static const char *norm_intern(Walk *w, const Frame *fr, const char *text)
{
	char buf[NORM_MAX];
	normalise(fr, text, buf, sizeof buf);
	return strset_intern(&w->da->strings, buf);
}

/* The outcomes of FN called with ARGS from state IN, cached per (function,
 * arguments, equal state) for the whole directory.  Arguments are interned,
 * so they compare by pointer.  The findings raised while computing a summary
 * are kept with it and raised again on every hit: the same code from the
 * same state fails the same way, whichever driver calls it. */
static const Outs *summary(Walk *w, const Frame *fr, const Model *in)
{
	unsigned long h = model_hash(in) ^ (unsigned long)(uintptr_t)fr->fn * 0x9e3779b97f4a7c15ul;
	for (uint32_t i = 0; i < fr->nargs; i++)
		h = h * 31 + (unsigned long)(uintptr_t)fr->args[i];
	if (!w->da->cache)
		w->da->cache = xcalloc(CACHE_BUCKETS, sizeof *w->da->cache);
	typeof(w->da->cache) bucket = &w->da->cache[h % CACHE_BUCKETS];
	for (size_t i = 0; i < bucket->n; i++) {
		CacheEntry *e = bucket->v[i];
		if (e->fn == fr->fn && e->hash == h && e->nargs == fr->nargs &&
		    !memcmp(e->args, fr->args, fr->nargs * sizeof *fr->args) && model_equal(e->in, in)) {
			for (size_t k = 0; k < e->findings.n; k++)
				raise_finding(w, &e->findings.v[k]);
			return &e->outs;
		}
	}
	CacheEntry *e = xcalloc(1, sizeof *e);
	e->fn = fr->fn;
	e->hash = h;
	e->nargs = fr->nargs;
	const char **args = xmalloc((fr->nargs ? fr->nargs : 1) * sizeof *args);
	memcpy(args, fr->args, fr->nargs * sizeof *args);
	e->args = args;
	e->in = model_clone(in);
	VEC_PUSH(&w->computing, e);
	explore(w, fr, in, &e->outs);
	w->computing.n--;
	VEC_PUSH(bucket, e);
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
		const char *data = strset_intern(&w->da->strings, cb.data);
		Frame sub = { ff, fn, &data, 1, depth + 1 };
		const Outs *outs = summary(w, &sub, st.m);
		for (size_t i = 0; i < outs->n; i++) {
			drain(w, after_call(w, outs->v[i].m, &st), depth, out);
		}
		pstate_free(&st);
		return;
	}
	VEC_PUSH(out, st);
}

/* Does FN test or return VAR anywhere?  If not, a failure of the call that
 * set VAR changes nothing the code looks at: that world is not forked. */
static bool tests_var(Walk *w, const FileFacts *ff, const Func *fn, const char *var)
{
	char key[400];
	snprintf(key, sizeof key, "%p|%s", (const void *)fn, var);
	int known = (int)(intptr_t)strset_get(&w->da->tested, key, strlen(key), NULL);
	if (known)
		return known == 1;
	bool tested = false;
	for (uint32_t i = 0; i < fn->cfg_count && !tested; i++) {
		const CfgNode *n = &ff->cfg[fn->cfg_first + i];
		tested = (n->kind == CFG_BRANCH || n->kind == CFG_RETURN || n->assign_var) &&
			 n->subject.kind == VAL_VAR && !strcmp(n->subject.var, var);
	}
	strset_add(&w->da->tested, key, (void *)(intptr_t)(tested ? 1 : 2));
	return tested;
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
	const char *lhs = c->lhs ? norm_intern(w, NULL, c->lhs) : NULL;
	const FileFacts *where = NULL;
	const Func *fn = NULL;
	if (!e) {
		fn = fr->depth < w->cfg->inline_depth ? resolve_function(w, ff, c->callee, &where) : NULL;
		if (fn && !reaches_model(w, where, fn, w->cfg->inline_depth - fr->depth - 1))
			fn = NULL;
		if (!fn || fn == fr->fn) { /* unknown, or direct recursion: no effect */
			if (lhs)
				bind(&st, lhs, MODEL_UNKNOWN, RET_STATUS, NULL);
			VEC_PUSH(out, st);
			return;
		}
	}
	/* Arguments are normalised only for calls that reach the model: most
	 * calls on a path (logging, locking, register access) do not. */
	const char *args[32];
	uint32_t nargs = c->nargs < 32 ? c->nargs : 32;
	for (uint32_t i = 0; i < nargs; i++)
		args[i] = norm_intern(w, fr, c->args[i]);

	if (e) {
		ModelOrigin origin = { ff->rel, (int)c->pos.line, fr->fn->name };
		bool fork = (used || (lhs && tests_var(w, ff, fr->fn, lhs))) && returns_value(e->ret);
		const char *result = lhs ? norm_intern(w, fr, c->lhs) : NULL;
		if (!result && (e->ret == RET_IRQ || e->ret == RET_RESOURCE))
			result = call_text(w, c->callee, args, nargs);
		for (int k = 0; k < (fork ? 2 : 1); k++) {
			PState s = k + 1 < (fork ? 2 : 1) ? pstate_clone(&st) : st;
			ModelOutcome o = k ? MODEL_FAILURE : MODEL_SUCCESS;
			w->trail = s.trail;
			model_call(s.m, c->callee, args, (int)nargs, result, o, &origin);
			if (lhs)
				bind(&s, lhs, o, (uint8_t)e->ret, c->callee);
			bind(&s, call_key(w, ci), o, (uint8_t)e->ret, c->callee);
			drain(w, s, fr->depth, out);
		}
		return;
	}
	Frame sub = { where, fn, args, nargs, fr->depth + 1 };
	w->trail = st.trail;
	const Outs *outs = summary(w, &sub, st.m);
	for (size_t i = 0; i < outs->n; i++) {
		PState s = after_call(w, outs->v[i].m, &st);
		ModelOutcome o = (ModelOutcome)outs->v[i].outcome;
		if (lhs)
			bind(&s, lhs, o, RET_STATUS, c->callee);
		bind(&s, call_key(w, ci), o, RET_STATUS, c->callee);
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

/* Merge S into OUTS unless an equal outcome is there.  Hashes first: a
 * function with many exits gathers hundreds of outcomes, and comparing
 * each new one in full with all of them was a sixth of a scan's time in
 * large directories (model_hash is cached in each state). */
static void add_out(Outs *outs, PState *s, ModelOutcome o)
{
	unsigned long h = model_hash(s->m);
	for (size_t i = 0; i < outs->n; i++)
		if (outs->v[i].outcome == o && model_hash(outs->v[i].m) == h && model_equal(outs->v[i].m, s->m)) {
			pstate_free(s);
			return;
		}
	Out out = { s->m, (uint8_t)o, s->trail };
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
	size_t budget = (size_t)w->cfg->states_per_node * fn->cfg_count, visited = 0;
	Work start = { (int32_t)fn->cfg_first, { model_clone(in), NULL, 0, w->trail } };
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
		if (visited++ >= budget) {
			w->rep->partial = true;
			w->rep->why = "states per function";
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
				ModelOutcome o = value_outcome(ff, n->subject, &s, &ret);
				add_out(outs, &s, o);
				continue;
			}
			if (n->assign_var) {
				ModelOutcome o = value_outcome(ff, n->subject, &s, &ret);
				const Binding *src = n->subject.kind == VAL_VAR ? binding_of(&s, n->subject.var) : NULL;
				bind(&s, norm_intern(w, NULL, n->assign_var), o, ret, src ? src->from : NULL);
			}
			int edges = n->kind == CFG_BRANCH ? branch_edges(ff, n, &s) : 1;
			const Binding *b = n->kind == CFG_BRANCH && edges != 3 ? branch_binding(n, &s) : NULL;
			if (b && b->outcome == MODEL_FAILURE) {
				Trail *t = arena_alloc(w->arena, sizeof *t);
				*t = (Trail){ s.trail, ff, wk.node, (uint8_t)(edges == 2), b->outcome,
					      b->from ? b->from : n->subject.var };
				s.trail = t;
			}
			unbind_calls(&s);
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
