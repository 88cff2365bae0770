/*
 * exec.c — executing a function: its graph, path by path.
 *
 * A function runs from a state: a depth-first walk of its control-flow
 * graph in which every path carries its own state.  At a statement the
 * expression is evaluated (eval.c), which may fork; at a branch the atom
 * is decided against what the path knows, and explored both ways only
 * where both are possible, each way learning what it assumed; a return
 * ends the path with the value returned.
 *
 * Loops: a path goes round a loop at most UNROLL times, the exit condition
 * decided on each round (so after `nvec = pci_alloc_irq_vectors(pdev, 1, 8,
 * ...)` a loop `for (i = 0; i < nvec; i++)` runs once with nvec == 1, and
 * twice with nvec in [2, 8]); a path still in the loop after that leaves
 * it, and the trail says so.  Two loops over the same bound therefore run
 * as often on one path, and an unwind `while (--i >= 0)` frees exactly what
 * the request loop requested.  An iterator macro walks a collection whose
 * length is a symbol of the path, so the loop that fills a list and the
 * loop that empties it agree too, element by element.
 *
 * Merging: a node is not executed twice from an equal state (model, heap,
 * live locals: state.c), and dead locals are dropped first, so paths that
 * differ only in what is no longer read meet.  Paths that leave a loop
 * after different rounds meet where it exits (at the next loop's head,
 * only those arriving from before it), so that a few loops in a row that
 * free what they walk do not multiply the paths by three each.  A
 * function's outcomes for one input are its summary, kept for the driver:
 * a helper called from ten error labels of probe runs once.  The input is
 * the model, the arguments, and the heap where the replay read it
 * (footprint.c); each outcome is rebased onto the caller's heap.
 * Summaries are matched with evidence that prints the same as well, so a
 * path that continues with one never prints another path's transitions.
 *
 * Budgets: one execution of a function visits at most states_per_node
 * times its node count, and a driver at most visit_budget nodes (a
 * function replayed on its own, alone_visit_budget); past either the
 * driver is reported partially analysed, and each of its findings says
 * so.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/internal.h"

/* UNROLL: rounds of a loop per path.  MERGE_AT: paths that reach one node
 * (or leave one function) before the ones with an equal model are joined
 * into one that knows what they agree on: a function whose branches test
 * things the engine cannot decide doubles its paths at each, and past a
 * few, what tells them apart is rarely what the model needs. */
enum { UNROLL = 2, MERGE_AT = 2, MAX_TRAIL_TEXT = 240 };

struct CacheEntry {
	const Func *fn;
	uint64_t hash;
	Val *args;
	uint32_t nargs;
	PState in;
	Reads reads;    /* the heap it read: the callers it serves agree there */
	Outs outs;      /* trails and assumptions relative to the function's entry */
	int level;      /* r->nouter while it was computed */
	VEC(Finding) findings;             /* raised while computing it... */
	VEC(const Trail *) trails;         /* ...on these paths, relative to its entry */
	VEC(const Assumption *) assumed;
};

Trail *trail_add(Run *r, PState *s, const FileFacts *ff, Pos pos, const char *function, const char *fmt, ...)
{
	char buf[MAX_TRAIL_TEXT];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	Trail *t = arena_alloc(&r->da->scratch, sizeof *t);
	*t = (Trail){ s->trail, ff->rel, pos, function, arena_strndup(&r->da->scratch, buf, strlen(buf)),
		      (uint8_t)(r->nouter < 255 ? r->nouter : 255) };
	s->trail = t;
	return t;
}

void assume(Run *r, PState *s, const char *fmt, ...)
{
	char buf[MAX_TRAIL_TEXT];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (const Assumption *a = s->assumed; a; a = a->prev)
		if (!strcmp(a->text, buf))
			return;
	Assumption *a = arena_alloc(&r->da->scratch, sizeof *a);
	*a = (Assumption){ s->assumed, arena_strndup(&r->da->scratch, buf, strlen(buf)) };
	s->assumed = a;
}

bool over_budget(Run *r)
{
	if (r->rep->visits < (r->alone ? r->cfg->alone_visit_budget : r->cfg->visit_budget))
		return false;
	r->rep->partial = true;
	r->rep->why = "path budget";
	return true;
}

static void partial(Run *r, const char *why)
{
	if (!r->rep->partial) {
		r->rep->partial = true;
		r->rep->why = why;
	}
}

/* SEG (a trail relative to some function's entry) continued from BASE. */
static const Trail *trail_concat(Run *r, const Trail *base, const Trail *seg)
{
	if (!seg)
		return base;
	if (!base)
		return seg;
	const Trail *v[256];
	int n = 0;
	for (const Trail *t = seg; t && n < 256; t = t->prev)
		v[n++] = t;
	while (n-- > 0) {
		Trail *c = arena_alloc(&r->da->scratch, sizeof *c);
		*c = *v[n];
		c->prev = base;
		base = c;
	}
	return base;
}

static const Assumption *assumed_concat(Run *r, const Assumption *base, const Assumption *seg)
{
	if (!seg)
		return base;
	if (!base)
		return seg;
	const Assumption *v[64];
	int n = 0;
	for (const Assumption *a = seg; a && n < 64; a = a->prev)
		v[n++] = a;
	while (n-- > 0) {
		Assumption *c = arena_alloc(&r->da->scratch, sizeof *c);
		*c = *v[n];
		c->prev = base;
		base = c;
	}
	return base;
}

/* The state after a call: the callee's outcome O, of a summary computed
 * from heap BASE, continued on the caller's path ST (its locals, loops,
 * trail, assumptions): O's model, and what the callee did to BASE done to
 * ST's heap. */
static PState continued(Run *r, const PState *st, Heap *base, const PState *o)
{
	PState c = { .m = model_clone(o->m), .h = heap_rebase(st->h, base, o->h) };
	model_set_observer(c.m, &r->observer);
	if (st->nloc) {
		c.loc = xmalloc(st->nloc * sizeof *c.loc);
		memcpy(c.loc, st->loc, st->nloc * sizeof *c.loc);
		c.nloc = c.caploc = st->nloc;
	}
	if (st->nloops) {
		c.loops = xmalloc(st->nloops * sizeof *c.loops);
		memcpy(c.loops, st->loops, st->nloops * sizeof *c.loops);
		c.nloops = c.caploops = st->nloops;
	}
	c.trail = trail_concat(r, st->trail, o->trail);
	c.assumed = assumed_concat(r, st->assumed, o->assumed);
	return c;
}

/* ---- findings raised while a summary is computed ---- */

static void record_for_summaries(Run *r, const Finding *f, const Trail *rel, const Assumption *rel_assumed)
{
	for (size_t i = 0; i < r->computing.n; i++) {
		CacheEntry *e = r->computing.v[i];
		const Trail *t = NULL;
		const Assumption *a = NULL;
		for (int k = e->level; k < r->nouter; k++) {
			t = trail_concat(r, t, r->outer[k]);
			a = assumed_concat(r, a, r->outer_assumed[k]);
		}
		VEC_PUSH(&e->findings, *f);
		VEC_PUSH(&e->trails, trail_concat(r, t, rel));
		VEC_PUSH(&e->assumed, assumed_concat(r, a, rel_assumed));
	}
}

void raise_finding(Run *r, const Finding *f, const Trail *rel, const Assumption *rel_assumed)
{
	record_for_summaries(r, f, rel, rel_assumed);
	const Trail *t = NULL;
	const Assumption *a = NULL;
	for (int k = 0; k < r->nouter; k++) {
		t = trail_concat(r, t, r->outer[k]);
		a = assumed_concat(r, a, r->outer_assumed[k]);
	}
	report_finding(r, f, trail_concat(r, t, rel), assumed_concat(r, a, rel_assumed));
}

/* ---- outcomes ---- */

/* What a caller tells apart in a returned value: 0, an error, something else. */
typedef enum { RET_IS_ZERO, RET_IS_NEGATIVE, RET_IS_OTHER } RetClass;

static RetClass ret_class(Run *r, const PState *s, const Val *v)
{
	Val zero = val_int(0);
	if (val_compare(r, s, OP_EQ, v, &zero) == 1)
		return RET_IS_ZERO;
	if (val_compare(r, s, OP_LT, v, &zero) == 1)
		return RET_IS_NEGATIVE;
	return RET_IS_OTHER;
}

/* The value two joined outcomes return: theirs if they agree, 0 if both
 * are 0, else one symbol of the function's exit that keeps what both
 * values are known to be: the interval covering both (an error, a count
 * in [1, 8]), and non-zero when both are (a pointer, a count). */
static Val ret_join(Run *r, const Frame *fr, PState *j, const PState *a, const Val *va, const PState *b,
		    const Val *vb, RetClass c)
{
	if (val_equal(va, vb))
		return *va;
	if (c == RET_IS_ZERO)
		return val_int(0);
	Key k = key_of(fr->ctx, "return", (uint64_t)(uintptr_t)fr->fn);
	KeyInfo *ki = (KeyInfo *)key_register(r, k, K_SYM, "returned", NULL);
	ki->ctx = fr->ctx;
	Hull hull = val_hull(r, a, va, b, vb);
	if (c == RET_IS_NEGATIVE)
		hull.nonzero = false; /* an error: the interval says it */
	sym_assume_hull(r, j, k, &hull);
	if (c == RET_IS_NEGATIVE)
		sym_assume_range(j, k, -4095, -1);
	return val_sym(k);
}

static void add_out(Run *r, const Frame *fr, Outs *outs, PState *s, Val ret)
{
	free(s->loc), free(s->loops);
	s->loc = NULL, s->loops = NULL, s->nloc = s->caploc = s->nloops = s->caploops = 0;
	uint64_t h = key_mix(pstate_global_hash(s), val_hash(&ret));
	for (size_t i = 0; i < outs->n; i++)
		if (outs->v[i].hash == h && val_equal(&outs->v[i].ret, &ret) && pstate_global_equal(&outs->v[i].st, s)) {
			pstate_free(s);
			return;
		}
	/* Join with an outcome of a similar model that returns the same kind
	 * of value: a caller that tests `if (ret)` cannot tell them apart. */
	RetClass c = ret_class(r, s, &ret);
	if (outs->n >= MERGE_AT)
		for (size_t i = 0; i < outs->n; i++) {
			Out *o = &outs->v[i];
			if (ret_class(r, &o->st, &o->ret) != c || model_similar_hash(o->st.m) != model_similar_hash(s->m) ||
			    !model_similar(o->st.m, s->m))
				continue;
			PState j = pstate_join(r, &o->st, s, fr->ctx);
			Val v = ret_join(r, fr, &j, &o->st, &o->ret, s, &ret, c);
			pstate_free(s);
			pstate_free(&o->st);
			o->st = j;
			o->ret = v;
			o->hash = key_mix(pstate_global_hash(&j), val_hash(&v));
			return;
		}
	Out o = { *s, ret, h };
	VEC_PUSH(outs, o);
	*s = (PState){ 0 };
}

static void outs_free(Outs *o)
{
	for (size_t i = 0; i < o->n; i++)
		pstate_free(&o->v[i].st);
	VEC_FREE(o);
}

/* ---- the walk ---- */

/* The paths at a join node, by model: those whose models are similar are
 * joined into one that knows what they agree on (state.c), and a path
 * that comes back (round a loop) is joined with what was there before, so
 * a node is explored once per model, however many paths the branches
 * above it made.  Path-sensitivity is kept where it matters: paths whose
 * models differ (MSI enabled on one, not on the other) stay apart, with
 * whatever the driver set alongside. */
typedef struct {
	KeyMap reps;   /* (node, similar-model hash) -> PState*, what was explored there */
	int32_t node;  /* the node of the batch being explored */
} Joins;

static void joins_free(Joins *jn)
{
	for (size_t i = 0; i < jn->reps.cap; i++) {
		PState *p = keymap_value_at(&jn->reps, i);
		if (p) {
			pstate_free(p);
			free(p);
		}
	}
	keymap_free(&jn->reps);
}

typedef struct {
	int32_t node;
	uint32_t seq; /* arrival order: ties are taken first come, first served */
	PState st;
} Pending;

/* A set of visited (node, state) hashes. */
typedef struct {
	uint64_t *v;
	size_t n, cap;
} Seen;

static bool seen_add(Seen *s, uint64_t key)
{
	key |= 1; /* 0 marks an empty slot */
	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		uint64_t *v = xcalloc(cap, sizeof *v);
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

/* The paths waiting to go on, by node: the lowest node first.  Nodes are
 * numbered in source order and only back edges go up, so every path into
 * a join node arrives before any leaves it: they are joined once there,
 * not once per path that happened to come first. */
typedef struct {
	Pending *v;
	size_t n, cap;
	uint32_t seq;
} Queue;

static bool before(const Pending *a, const Pending *b)
{
	return a->node < b->node || (a->node == b->node && a->seq < b->seq);
}

static void go(Queue *q, int32_t node, PState st)
{
	if (node < 0) {
		pstate_free(&st);
		return;
	}
	if (q->n == q->cap) {
		q->cap = q->cap ? 2 * q->cap : 64;
		q->v = xrealloc(q->v, q->cap * sizeof *q->v);
	}
	size_t i = q->n++;
	Pending p = { node, q->seq++, st };
	while (i && before(&p, &q->v[(i - 1) / 2])) {
		q->v[i] = q->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	q->v[i] = p;
}

static Pending pop(Queue *q)
{
	Pending top = q->v[0], last = q->v[--q->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= q->n)
			break;
		if (c + 1 < q->n && before(&q->v[c + 1], &q->v[c]))
			c++;
		if (!before(&q->v[c], &last))
			break;
		q->v[i] = q->v[c];
		i = c;
	}
	if (q->n)
		q->v[i] = last;
	return top;
}

/* "succeeded" or "failed", as the path's facts say of an API's result. */
static const char *outcome_of(const PState *s, const KeyInfo *ki)
{
	const Facts *f = facts_get(s, ki->key);
	if (!f)
		return "returned";
	if (f->hi < 0 || f->pclass == P_FAILED || f->pclass == P_ERR || (f->lo == 0 && f->hi == 0 && f->pclass == P_NULL))
		return "failed";
	return "succeeded";
}

static void branch(Run *r, const Frame *fr, const CfgNode *n, PState st, Queue *stack)
{
	PStates yes = { 0 }, no = { 0 };
	r->testing = true;
	r->decided_by = NULL;
	r->decided_flag = false;
	r->loaded_field = false;
	eval_branch(r, fr, n->expr, st, &yes, &no);
	r->testing = false;
	const KeyInfo *api = r->decided_by;
	bool forked = yes.n && no.n, flag = r->decided_flag || r->loaded_field;
	/* The decisions a reader needs: the error paths taken because a call
	 * failed, the flags and fields of driver memory that decided a branch
	 * (what probe set, read in remove), and what the path chose where
	 * nothing decided it.  A call that succeeded and the branch
	 * that checked it are the path's normal course: its evidence shows
	 * the call. */
	for (int side = 0; side < 2; side++) {
		PStates *ps = side ? &no : &yes;
		for (size_t i = 0; i < ps->n; i++) {
			PState s = ps->v[i];
			const char *outcome = api ? outcome_of(&s, api) : NULL;
			if (outcome && !strcmp(outcome, "failed"))
				trail_add(r, &s, fr->ff, n->pos, fr->fn->name, "%s() failed: `%s` is %s", api->api,
					  n->text ? n->text : "?", side ? "false" : "true");
			else if (flag || (forked && !api))
				trail_add(r, &s, fr->ff, n->pos, fr->fn->name, "`%s` is %s", n->text ? n->text : "?",
					  side ? "false" : "true");
			go(stack, side ? n->other : n->next, s);
		}
	}
	VEC_FREE(&yes);
	VEC_FREE(&no);
}

/* An iterator macro's round K: another element of the collection, or the end. */
static void iterate(Run *r, const Frame *fr, const CfgNode *n, PState st, uint16_t k, Queue *stack)
{
	Val coll = n->expr2 >= 0 ? (Val){ 0 } : val_int(0);
	PStates one = { 0 }, after = { 0 };
	if (n->expr2 >= 0) {
		VEC_PUSH(&one, st);
		Vals vals = { 0 };
		eval_expr(r, fr, n->expr2, &one, &after, &vals);
		if (after.n != 1) {
			for (size_t i = 0; i < after.n; i++)
				pstate_free(&after.v[i]);
			VEC_FREE(&one), VEC_FREE(&after), VEC_FREE(&vals);
			return;
		}
		st = after.v[0];
		coll = vals.v[0];
		VEC_FREE(&vals);
	}
	VEC_FREE(&one);
	VEC_FREE(&after);
	Key len = key_of(val_hash(&coll), "length", 0x1e);
	if (!key_info(r, len)) {
		KeyInfo *ki = (KeyInfo *)key_register(r, len, K_SYM, "length", NULL);
		ki->pure = true;
	}
	Val lv = val_sym(len), kv = val_int(k);
	PState more = pstate_clone(&st);
	if (val_assume_compare(r, &more, OP_GT, &lv, &kv, true)) {
		if (n->expr >= 0) {
			Key elem = key_of(len, "element", k);
			if (!key_info(r, elem)) {
				char hint[160];
				const char *cursor = lvalue_text(r->da, fr->ff, n->expr);
				snprintf(hint, sizeof hint, "%s#%u", cursor ? cursor : "element", k + 1u);
				key_register(r, elem, K_OBJ, hint, NULL);
			}
			eval_store(r, fr, n->expr, val_obj(elem), &more);
		}
		go(stack, n->next, more);
	} else
		pstate_free(&more);
	if (val_assume_compare(r, &st, OP_LE, &lv, &kv, true))
		go(stack, n->other, st);
	else
		pstate_free(&st);
}

/* A path leaves loop N after UNROLL rounds.  That is exact when the
 * loop's condition is false now (`i < nvec` with nvec == 2); otherwise the
 * path assumes the loop stops here, and what it reports from here is
 * latent: the rounds it did not go (the third IRQ a request loop would
 * request, the third the free loop would free) are not on it.  Not when
 * no later round can change what the rules see: its last round left the
 * model as it found it (MODEL_AT_ROUND) and nothing in it acquires or
 * releases (a mailbox poll that sleeps, an init loop over registers).
 * The last round alone is not enough: a loop that frees the IRQs of the
 * entries that hold one (`if (nic->irq_allocated[irq]) free_irq(...)`)
 * frees nothing in rounds 0 and 1 when the IRQ is at entry 8.  Only a
 * condition with no call in it is tried, on a copy: a call would reach
 * the model twice. */
static void leave_loop(Run *r, const Frame *fr, const CfgNode *n, PState *s, uint64_t model_at_round)
{
	const CfgNode *c = n->next >= 0 ? &fr->ff->cfg[n->next] : NULL;
	bool more = true;
	if (!n->iterator && c && c->kind == CFG_BRANCH && c->expr >= 0 && c->other == n->other &&
	    !fr->fi->mayfork[c->expr - (int32_t)fr->fn->expr_first]) {
		PStates yes = { 0 }, no = { 0 };
		eval_branch(r, fr, c->expr, pstate_clone(s), &yes, &no);
		more = yes.n > 0;
		for (size_t i = 0; i < yes.n; i++)
			pstate_free(&yes.v[i]);
		for (size_t i = 0; i < no.n; i++)
			pstate_free(&no.v[i]);
		VEC_FREE(&yes), VEC_FREE(&no);
	}
	trail_add(r, s, fr->ff, n->pos, fr->fn->name, "the loop is left after %d rounds", UNROLL);
	/* The loop's text: from its head to the node after it (to the end of
	 * the function when that lies before, as an outer loop's head does). */
	Pos end = n->other >= 0 ? fr->ff->cfg[n->other].pos : fr->fn->end;
	if (!pos_before(n->pos, end))
		end = fr->fn->end;
	if (more && (model_hash(s->m) != model_at_round ||
		     span_may_act(r->da, fr->fi, n->pos, end, r->cfg->inline_depth - fr->depth)))
		assume(r, s, "%s:%u: the loop stops after %d rounds", fr->ff->rel, n->pos.line, UNROLL);
}

/* Join S into what reached its node with a similar model before: false
 * when that adds nothing (S is dropped). */
static bool join_rep(Run *r, const Frame *fr, Joins *jn, int32_t node, PState *s)
{
	Key k = key_mix((uint64_t)node + 1, model_similar_hash(s->m));
	PState *rep = keymap_get(&jn->reps, k);
	if (!rep) {
		rep = xmalloc(sizeof *rep);
		*rep = pstate_clone(s);
		keymap_set(&jn->reps, k, rep);
		return true;
	}
	if (!model_similar(rep->m, s->m))
		return true;
	PState j = pstate_join(r, rep, s, fr->ctx);
	pstate_free(s);
	if (pstate_same(&j, rep)) {
		pstate_free(&j);
		return false;
	}
	pstate_free(rep);
	*rep = pstate_clone(&j);
	*s = j;
	return true;
}

/* Take every path waiting at the lowest node into BATCH, its dead locals
 * dropped, joined where the node joins paths. */
static void gather(Run *r, const Frame *fr, Queue *q, Joins *jn, PStates *batch)
{
	const FuncInfo *fi = fr->fi;
	int32_t node = q->v[0].node;
	uint32_t rel = (uint32_t)(node - (int32_t)fr->fn->cfg_first);
	/* At a loop's head only the paths that arrive from before the loop
	 * join: one that comes round is counted (UNROLL), not merged. */
	bool loop = fr->ff->cfg[node].kind == CFG_LOOP;
	jn->node = node;
	while (q->n && q->v[0].node == node) {
		PState s = pop(q).st;
		if (over_budget(r)) {
			pstate_free(&s);
			continue;
		}
		r->rep->visits++;
		locals_keep(&s, fi, node);
		if (fi->joins[rel] && fr->depth == 1)
			state_collect(r, &s, 0, NULL);
		if (fi->joins[rel] && !(loop && loop_rounds(&s, node)) && !join_rep(r, fr, jn, node, &s)) {
			pstate_free(&s);
			continue;
		}
		VEC_PUSH(batch, s);
	}
}

static void explore(Run *r, const Frame *fr, PState start, Outs *outs)
{
	const FileFacts *ff = fr->ff;
	const Func *fn = fr->fn;
	if (fn->cfg_partial)
		partial(r, "function too deep or too large for its graph");
	Queue stack = { 0 };
	Seen seen = { 0 };
	Joins jn = { 0 };
	size_t budget = (size_t)r->cfg->states_per_node * fn->cfg_count, visited = 0;
	go(&stack, (int32_t)fn->cfg_first, start);
	PStates one = { 0 }, next = { 0 };
	Vals vals = { 0 };
	PStates batch = { 0 };
	while (stack.n || batch.n) {
		if (!batch.n)
			gather(r, fr, &stack, &jn, &batch);
		if (!batch.n)
			continue;
		int32_t node = jn.node;
		PState s = batch.v[--batch.n];
		Pending p = { node, 0, s };
		if (!seen_add(&seen, key_mix((uint64_t)p.node * 0x9e3779b97f4a7c15ull, pstate_hash(&s)))) {
			pstate_free(&s);
			continue;
		}
		if (visited++ >= budget) {
			partial(r, "states per function");
			pstate_free(&s);
			continue;
		}
		const CfgNode *n = &ff->cfg[p.node];
		switch ((CfgKind)n->kind) {
		case CFG_ENTRY:
		case CFG_STMT:
			if (n->expr < 0) {
				go(&stack, n->next, s);
				break;
			}
			one.n = next.n = 0;
			VEC_PUSH(&one, s);
			eval_expr(r, fr, n->expr, &one, &next, NULL);
			for (size_t i = 0; i < next.n; i++)
				go(&stack, n->next, next.v[i]);
			break;
		case CFG_BRANCH:
			branch(r, fr, n, s, &stack);
			break;
		case CFG_RETURN:
			one.n = next.n = vals.n = 0;
			if (n->expr >= 0) {
				VEC_PUSH(&one, s);
				r->testing = true;
				eval_expr(r, fr, n->expr, &one, &next, &vals);
				r->testing = false;
			} else { /* `return;` or the end of the body */
				Val v = val_int(0);
				VEC_PUSH(&next, s);
				VEC_PUSH(&vals, v);
			}
			for (size_t i = 0; i < next.n; i++) {
				PState o = next.v[i];
				slots_drop_frame(r, &o, fr->frame);
				state_collect(r, &o, fr->depth == 1 ? 0 : fr->ctx, &vals.v[i]);
				add_out(r, fr, outs, &o, vals.v[i]);
			}
			break;
		case CFG_LOOP: {
			LoopCount *lc = loop_count(&s, p.node);
			if (lc->count >= UNROLL) {
				leave_loop(r, fr, n, &s, lc->model_at_round);
				go(&stack, n->other, s);
				break;
			}
			lc->model_at_round = model_hash(s.m);
			uint16_t k = lc->count++;
			if (n->iterator)
				iterate(r, fr, n, s, k, &stack);
			else
				go(&stack, n->next, s);
			break;
		}
		}
	}
	free(stack.v);
	VEC_FREE(&batch);
	VEC_FREE(&one);
	VEC_FREE(&next);
	VEC_FREE(&vals);
	free(seen.v);
	joins_free(&jn);
}

/* ---- calls ---- */

/* Of the function, its arguments and the model: the heap is compared
 * where the summary's replay read it (footprint.c). */
static uint64_t summary_hash(const Func *fn, const Val *args, uint32_t nargs, const PState *in)
{
	uint64_t h = key_mix((uint64_t)(uintptr_t)fn, model_hash(in->m));
	for (uint32_t i = 0; i < nargs; i++)
		h = key_mix(h, val_hash(&args[i]));
	return h;
}

static CacheEntry *summary_find(Run *r, const Func *fn, const Val *args, uint32_t nargs, const PState *in,
				uint64_t h)
{
	if (!r->da->cache)
		return NULL;
	typeof(r->da->cache) bucket = &r->da->cache[h % CACHE_BUCKETS];
	for (size_t i = 0; i < bucket->n; i++) {
		CacheEntry *e = bucket->v[i];
		if (e->fn != fn || e->hash != h || e->nargs != nargs || !model_same_evidence(e->in.m, in->m) ||
		    !footprint_matches(&e->reads, e->in.h, in->h))
			continue;
		bool same = true;
		for (uint32_t k = 0; k < nargs && same; k++)
			same = val_equal(&e->args[k], &args[k]);
		if (same)
			return e;
	}
	return NULL;
}

void exec_function(Run *r, const Frame *caller, const FileFacts *ff, const Func *fn, const Val *args,
		   uint32_t nargs, Key site, PState st, Outs *outs)
{
	if (r->nouter >= (int)(sizeof r->outer / sizeof *r->outer)) {
		PState o = st;
		free(o.loc), free(o.loops);
		o.loc = NULL, o.loops = NULL, o.nloc = o.nloops = o.caploc = o.caploops = 0;
		Out out = { o, (Val){ .kind = V_SYM, .key = key_of(site, "deep", 0) }, 0 };
		VEC_PUSH(outs, out);
		return;
	}
	Frame fr = { .fi = func_info(r->da, ff, fn), .ff = ff, .fn = fn,
		     .ctx = key_mix(caller ? caller->ctx : 0x700, site), .depth = caller ? caller->depth + 1 : 1 };
	fr.frame = key_of(fr.ctx, "frame", 0xf);
	if (caller && !keymap_get(&r->parents, fr.ctx))
		keymap_set(&r->parents, fr.ctx, (void *)(uintptr_t)caller->ctx);
	if (!key_info(r, fr.frame))
		key_register(r, fr.frame, K_FRAME, fn->name, NULL);
	PState in = { .m = st.m, .h = st.h };
	st.h->refs++; /* the outcomes are rebased onto it */
	model_set_observer(in.m, &r->observer);
	uint64_t h = summary_hash(fn, args, nargs, &in);
	CacheEntry *e = summary_find(r, fn, args, nargs, &in, h);
	if (!e) {
		e = xcalloc(1, sizeof *e);
		*e = (CacheEntry){ .fn = fn, .hash = h, .nargs = nargs, .level = r->nouter + 1 };
		e->args = xmalloc((nargs ? nargs : 1) * sizeof *e->args);
		if (nargs)
			memcpy(e->args, args, nargs * sizeof *args);
		e->in = (PState){ .m = model_clone(in.m), .h = in.h };
		in.h->refs++;
		r->outer[r->nouter] = st.trail;
		r->outer_assumed[r->nouter] = st.assumed;
		r->nouter++;
		VEC_PUSH(&r->computing, e);
		footprint_begin();
		if (fr.depth == 1) /* its return collects what nothing holds, all over the heap */
			footprint_note(READ_ALL, 0, NULL);
		/* The parameters: locals, or fields of the frame when heap-resident. */
		for (uint32_t i = 0; i < fn->nparams; i++) {
			if (!fn->params[i][0])
				continue;
			const char *name = name_intern(r->da, fn->params[i]);
			int32_t li = (int32_t)(intptr_t)strset_get(&fr.fi->index, name, strlen(name), NULL) - 1;
			Val v = i < nargs ? args[i] : (Val){ .kind = V_SYM, .key = key_of(fr.ctx, name, 0xa9) };
			if (i >= nargs)
				key_register(r, v.key, K_SYM, name, NULL);
			if (li < 0)
				continue;
			if (fr.fi->resident[li])
				slot_set(&in, fr.frame, name, v);
			else
				local_set(&in, (uint16_t)li, v);
		}
		explore(r, &fr, in, &e->outs);
		footprint_end(&e->reads);
		r->computing.n--;
		r->nouter--;
		/* The summaries are for speed: past CACHED_STATES states they
		 * are forgotten, so that a driver's memory stays bounded. */
		if (r->da->cached_states >= CACHED_STATES)
			summaries_forget(r->da);
		if (!r->da->cache)
			r->da->cache = xcalloc(CACHE_BUCKETS, sizeof *r->da->cache);
		VEC_PUSH(&r->da->cache[h % CACHE_BUCKETS], e);
		r->da->cached_states += 1 + e->outs.n;
	} else {
		pstate_free(&in);
		footprint_replay(&e->reads);
		/* The same code from the same state fails the same way: its
		 * findings are this path's too. */
		r->outer[r->nouter] = st.trail;
		r->outer_assumed[r->nouter] = st.assumed;
		r->nouter++;
		for (size_t i = 0; i < e->findings.n; i++)
			raise_finding(r, &e->findings.v[i], e->trails.v[i], e->assumed.v[i]);
		r->nouter--;
	}
	for (size_t i = 0; i < e->outs.n; i++) {
		Out o = { continued(r, &st, e->in.h, &e->outs.v[i].st), e->outs.v[i].ret, e->outs.v[i].hash };
		if (o.st.h != e->outs.v[i].st.h)
			o.hash = key_mix(pstate_global_hash(&o.st), val_hash(&o.ret));
		VEC_PUSH(outs, o);
	}
	heap_unref(st.h);
	free(st.loc);
	free(st.loops);
}

void summaries_forget(DirAnalysis *da)
{
	for (size_t b = 0; da->cache && b < CACHE_BUCKETS; b++) {
		for (size_t i = 0; i < da->cache[b].n; i++) {
			CacheEntry *e = da->cache[b].v[i];
			pstate_free(&e->in);
			outs_free(&e->outs);
			VEC_FREE(&e->findings);
			VEC_FREE(&e->trails);
			VEC_FREE(&e->assumed);
			VEC_FREE(&e->reads);
			free(e->args);
			free(e);
		}
		VEC_FREE(&da->cache[b]);
	}
	free(da->cache);
	da->cache = NULL;
	da->cached_states = 0;
}

/* The file defining the driver function NAME: the driver's own first. */
static const Func *callback_function(Run *r, const char *name, const FileFacts **where)
{
	const Func *fn = resolve_function(r->da, r->drv->file, name, where);
	for (size_t k = 0; !fn && k < r->da->nfiles; k++)
		fn = resolve_function(r->da, &r->da->files[k], name, where);
	return fn;
}

void exec_callbacks(Run *r, const Frame *fr, PState st, PStates *out)
{
	ModelCallback cb;
	/* The releases a callback's return lets run may raise findings: on
	 * this path (the callback's outcome), not on the last one it ran. */
	r->cur = &st;
	while (model_next_callback(st.m, &cb)) {
		const FileFacts *ff;
		const Func *fn = callback_function(r, cb.function, &ff);
		if (!fn || (fr && fr->depth >= r->cfg->inline_depth)) {
			model_callback_done(st.m);
			continue;
		}
		Val data = val_from_name(r, cb.data);
		Outs outs = { 0 };
		exec_function(r, fr, ff, fn, &data, 1, key_of(0xcb, cb.function, 0), st, &outs);
		for (size_t i = 0; i < outs.n; i++) {
			model_callback_done(outs.v[i].st.m);
			exec_callbacks(r, fr, outs.v[i].st, out);
		}
		VEC_FREE(&outs);
		return;
	}
	VEC_PUSH(out, st);
}

/* An IRQ just requested can fire from now on: its hard handler runs in
 * interrupt context with the request's number and dev_id, on a copy of the
 * path that goes nowhere after it (what the handler changes is not the
 * driver's state at unbind: it may run any number of times, or never).
 * What it calls in that context is checked there (intx-atomic: pci_intx
 * of a managed device allocating under 6.11).  Once per request site and
 * driver: the first path to reach the request stands for the others. */
void exec_handler(Run *r, const Frame *fr, const SpecEntry *e, const Call *c, const Val *args, uint32_t nargs,
		  const PState *st)
{
	int h = e->arg[ARG_HANDLER];
	if (h < 0 || (uint32_t)h >= nargs || args[h].kind != V_FUNC || fr->depth >= r->cfg->inline_depth)
		return;
	const FileFacts *ff;
	const Func *fn = callback_function(r, args[h].name, &ff);
	if (!fn || fn->nparams < 2 || !func_reaches_model(r->da, func_info(r->da, ff, fn),
							   r->cfg->inline_depth - fr->depth - 1))
		return;
	if (keymap_get(&r->handlers, (uint64_t)(uintptr_t)c))
		return;
	keymap_set(&r->handlers, (uint64_t)(uintptr_t)c, (void *)1);
	int irq = e->arg[ARG_IRQ], dev_id = e->arg[ARG_DEV_ID];
	Val hargs[2] = {
		irq >= 0 && (uint32_t)irq < nargs ? args[irq] : val_int(0),
		dev_id >= 0 && (uint32_t)dev_id < nargs ? args[dev_id] : val_int(0),
	};
	const PState *resume = r->cur;
	PState in = pstate_clone(st);
	ModelOrigin origin = { ff->rel, (int)fn->start.line, fn->name };
	/* Where the handler's path leaves the driver's: shown at any depth. */
	trail_add(r, &in, fr->ff, c->pos, fr->fn->name, "the IRQ requested here fires: %s() runs in hard IRQ context",
		  fn->name)->depth = 1;
	r->cur = &in;
	model_enter_handler(in.m, &origin);
	Outs outs = { 0 };
	exec_function(r, fr, ff, fn, hargs, 2, key_of(0x1a, fn->name, 0), in, &outs);
	for (size_t i = 0; i < outs.n; i++)
		pstate_free(&outs.v[i].st);
	VEC_FREE(&outs);
	r->cur = resume;
}
