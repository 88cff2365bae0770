/*
 * state.c — path states: the model, the heap, the locals; as values.
 *
 * Every branch the engine cannot decide forks the path, so a state is
 * cloned often and changed a little: the model clones its small arrays,
 * the heap is shared between the forks until one of them writes (copy on
 * write, by reference count), and the locals of the current function are
 * a small array copied whole.
 *
 * Equal states merge where paths meet, so equality and the hash cover what
 * decides the rest of the path: the model's kernel-visible state, every
 * slot and every fact, the live locals.  Not the trail (the evidence of
 * how the path got here: one witness is enough), not the loop counters
 * (a path that comes round to a loop head in a state it had there before
 * would repeat itself).  Slots and facts are kept sorted, so two heaps
 * with the same content are equal element by element; their hash is
 * cached until the heap changes.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/internal.h"

static Heap *heap_new(void)
{
	Heap *h = xcalloc(1, sizeof *h);
	h->refs = 1;
	return h;
}

static void heap_unref(Heap *h)
{
	if (!h || --h->refs > 0)
		return;
	free(h->slots);
	free(h->facts);
	free(h);
}

/* S's heap, its own to change. */
static Heap *heap_mut(PState *s)
{
	Heap *h = s->h;
	if (h->refs > 1) {
		Heap *c = xcalloc(1, sizeof *c);
		c->refs = 1;
		c->nslots = c->capslots = h->nslots;
		c->nfacts = c->capfacts = h->nfacts;
		c->slots = xmalloc((c->capslots ? c->capslots : 1) * sizeof *c->slots);
		c->facts = xmalloc((c->capfacts ? c->capfacts : 1) * sizeof *c->facts);
		if (h->nslots)
			memcpy(c->slots, h->slots, h->nslots * sizeof *h->slots);
		if (h->nfacts)
			memcpy(c->facts, h->facts, h->nfacts * sizeof *h->facts);
		h->refs--;
		s->h = h = c;
	}
	h->hash_ok = false;
	return h;
}

PState pstate_new(Model *m)
{
	return (PState){ .m = m, .h = heap_new() };
}

PState pstate_clone(const PState *s)
{
	PState c = *s;
	c.m = model_clone(s->m);
	s->h->refs++;
	c.caploc = c.nloc, c.caploops = c.nloops;
	c.loc = c.nloc ? xmalloc(c.nloc * sizeof *c.loc) : NULL;
	if (c.nloc)
		memcpy(c.loc, s->loc, c.nloc * sizeof *c.loc);
	c.loops = c.nloops ? xmalloc(c.nloops * sizeof *c.loops) : NULL;
	if (c.nloops)
		memcpy(c.loops, s->loops, c.nloops * sizeof *c.loops);
	return c;
}

void pstate_free(PState *s)
{
	model_free(s->m);
	heap_unref(s->h);
	free(s->loc);
	free(s->loops);
	*s = (PState){ 0 };
}

/* ---- slots ---- */

static int slot_cmp(Key obj, const char *field, const Slot *x)
{
	if (obj != x->obj)
		return obj < x->obj ? -1 : 1;
	if (field != x->field)
		return (uintptr_t)field < (uintptr_t)x->field ? -1 : 1;
	return 0;
}

/* Index of the slot, or of where it would go (*found false). */
static uint32_t slot_find(const Heap *h, Key obj, const char *field, bool *found)
{
	uint32_t lo = 0, hi = h->nslots;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		int c = slot_cmp(obj, field, &h->slots[mid]);
		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*found = false;
	return lo;
}

const Val *slot_get(const PState *s, Key obj, const char *field)
{
	bool found;
	uint32_t i = slot_find(s->h, obj, field, &found);
	return found ? &s->h->slots[i].v : NULL;
}

void slot_set(PState *s, Key obj, const char *field, Val v)
{
	bool found;
	uint32_t i = slot_find(s->h, obj, field, &found);
	if (found && val_equal(&s->h->slots[i].v, &v))
		return;
	Heap *h = heap_mut(s);
	if (found) {
		h->slots[i].v = v;
		return;
	}
	if (h->nslots == h->capslots) {
		h->capslots = h->capslots ? 2 * h->capslots : 16;
		h->slots = xrealloc(h->slots, h->capslots * sizeof *h->slots);
	}
	memmove(h->slots + i + 1, h->slots + i, (h->nslots - i) * sizeof *h->slots);
	h->slots[i] = (Slot){ obj, field, v };
	h->nslots++;
}

/* Is OBJ the frame FRAME or an object inside it (a local struct's field)? */
static bool in_frame(Run *r, Key obj, Key frame)
{
	for (int guard = 0; guard < 16 && obj; guard++) {
		if (obj == frame)
			return true;
		const KeyInfo *ki = key_info(r, obj);
		if (!ki || ki->kind != K_SUB)
			return false;
		obj = ki->parent;
	}
	return false;
}

void slots_drop_frame(Run *r, PState *s, Key frame)
{
	uint32_t k = 0;
	bool any = false;
	for (uint32_t i = 0; i < s->h->nslots; i++)
		any |= in_frame(r, s->h->slots[i].obj, frame);
	if (!any)
		return;
	Heap *h = heap_mut(s);
	for (uint32_t i = 0; i < h->nslots; i++)
		if (!in_frame(r, h->slots[i].obj, frame))
			h->slots[k++] = h->slots[i];
	h->nslots = k;
}

/* ---- facts ---- */

static uint32_t facts_find(const Heap *h, Key k, bool *found)
{
	uint32_t lo = 0, hi = h->nfacts;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (h->facts[mid].key == k) {
			*found = true;
			return mid;
		}
		if (k < h->facts[mid].key)
			hi = mid;
		else
			lo = mid + 1;
	}
	*found = false;
	return lo;
}

const Facts *facts_get(const PState *s, Key k)
{
	bool found;
	uint32_t i = facts_find(s->h, k, &found);
	return found ? &s->h->facts[i] : NULL;
}

Facts *facts_edit(PState *s, Key k)
{
	Heap *h = heap_mut(s);
	bool found;
	uint32_t i = facts_find(h, k, &found);
	if (found)
		return &h->facts[i];
	if (h->nfacts == h->capfacts) {
		h->capfacts = h->capfacts ? 2 * h->capfacts : 16;
		h->facts = xrealloc(h->facts, h->capfacts * sizeof *h->facts);
	}
	memmove(h->facts + i + 1, h->facts + i, (h->nfacts - i) * sizeof *h->facts);
	h->facts[i] = facts_default(k);
	h->nfacts++;
	return &h->facts[i];
}

/* A small set of keys, for marking what holds a symbol. */
typedef struct {
	Key *v;
	size_t cap, n;
} KeySet;

static void keyset_add(KeySet *ks, Key k)
{
	if (!k)
		return;
	if (2 * (ks->n + 1) > ks->cap) {
		size_t cap = ks->cap ? 2 * ks->cap : 64;
		Key *v = xcalloc(cap, sizeof *v);
		for (size_t i = 0; i < ks->cap; i++)
			if (ks->v[i])
				for (size_t j = ks->v[i] & (cap - 1);; j = (j + 1) & (cap - 1))
					if (!v[j]) {
						v[j] = ks->v[i];
						break;
					}
		free(ks->v);
		ks->v = v;
		ks->cap = cap;
	}
	for (size_t j = k & (ks->cap - 1);; j = (j + 1) & (ks->cap - 1)) {
		if (ks->v[j] == k)
			return;
		if (!ks->v[j]) {
			ks->v[j] = k;
			ks->n++;
			return;
		}
	}
}

static bool keyset_has(const KeySet *ks, Key k)
{
	if (!ks->cap)
		return false;
	for (size_t j = k & (ks->cap - 1);; j = (j + 1) & (ks->cap - 1)) {
		if (ks->v[j] == k)
			return true;
		if (!ks->v[j])
			return false;
	}
}

void facts_collect(Run *r, PState *s, Key ctx, const Val *extra)
{
	if (!s->h->nfacts)
		return;
	KeySet held = { 0 };
	for (uint32_t i = 0; i < s->h->nslots; i++)
		keyset_add(&held, s->h->slots[i].v.key);
	for (uint32_t i = 0; i < s->nloc; i++)
		keyset_add(&held, s->loc[i].v.key);
	if (extra)
		keyset_add(&held, extra->key);
	bool drop = false;
	for (uint32_t i = 0; i < s->h->nfacts && !drop; i++) {
		const Facts *f = &s->h->facts[i];
		const KeyInfo *ki = key_info(r, f->key);
		drop = !keyset_has(&held, f->key) && (!ki || !ki->pure) && (!ctx || (ki && ki->ctx == ctx));
	}
	if (drop) {
		Heap *h = heap_mut(s);
		uint32_t k = 0;
		for (uint32_t i = 0; i < h->nfacts; i++) {
			const Facts *f = &h->facts[i];
			const KeyInfo *ki = key_info(r, f->key);
			if (keyset_has(&held, f->key) || (ki && ki->pure) || (ctx && (!ki || ki->ctx != ctx)))
				h->facts[k++] = *f;
		}
		h->nfacts = k;
	}
	free(held.v);
}

/* ---- locals ---- */

const Val *local_get(const PState *s, uint16_t idx)
{
	for (uint32_t i = 0; i < s->nloc; i++)
		if (s->loc[i].idx == idx)
			return &s->loc[i].v;
	return NULL;
}

void local_set(PState *s, uint16_t idx, Val v)
{
	for (uint32_t i = 0; i < s->nloc; i++)
		if (s->loc[i].idx == idx) {
			s->loc[i].v = v;
			return;
		}
	if (s->nloc == s->caploc) {
		s->caploc = s->caploc ? (uint16_t)(2 * s->caploc) : 8;
		s->loc = xrealloc(s->loc, s->caploc * sizeof *s->loc);
	}
	s->loc[s->nloc++] = (Local){ idx, v };
}

void locals_keep(PState *s, const FuncInfo *fi, int32_t node)
{
	const uint64_t *live = fi->live + (size_t)(node - (int32_t)fi->fn->cfg_first) * fi->words;
	uint32_t k = 0;
	for (uint32_t i = 0; i < s->nloc; i++)
		if (live[s->loc[i].idx >> 6] >> (s->loc[i].idx & 63) & 1)
			s->loc[k++] = s->loc[i];
	s->nloc = (uint16_t)k;
}

uint16_t *loop_count(PState *s, int32_t node)
{
	for (uint32_t i = 0; i < s->nloops; i++)
		if (s->loops[i].node == node)
			return &s->loops[i].count;
	if (s->nloops == s->caploops) {
		s->caploops = s->caploops ? (uint16_t)(2 * s->caploops) : 4;
		s->loops = xrealloc(s->loops, s->caploops * sizeof *s->loops);
	}
	s->loops[s->nloops] = (LoopCount){ node, 0 };
	return &s->loops[s->nloops++].count;
}

/* ---- equality and hashes ---- */

static uint64_t heap_hash(Heap *h)
{
	if (h->hash_ok)
		return h->hash;
	uint64_t x = 0x51a7e;
	for (uint32_t i = 0; i < h->nslots; i++) {
		const Slot *sl = &h->slots[i];
		x = key_mix(x, key_mix(sl->obj ^ (uint64_t)(uintptr_t)sl->field, val_hash(&sl->v)));
	}
	for (uint32_t i = 0; i < h->nfacts; i++)
		x = key_mix(x, facts_hash(&h->facts[i]));
	h->hash = x;
	h->hash_ok = true;
	return x;
}

uint64_t pstate_global_hash(const PState *s)
{
	return key_mix(model_hash(s->m), heap_hash(s->h));
}

uint64_t pstate_hash(const PState *s)
{
	uint64_t l = 0;
	for (uint32_t i = 0; i < s->nloc; i++) /* order-independent */
		l += key_mix(s->loc[i].idx + 1u, val_hash(&s->loc[i].v));
	return key_mix(pstate_global_hash(s), l);
}

static bool heap_equal(const Heap *a, const Heap *b)
{
	if (a == b)
		return true;
	if (a->nslots != b->nslots || a->nfacts != b->nfacts)
		return false;
	for (uint32_t i = 0; i < a->nslots; i++)
		if (a->slots[i].obj != b->slots[i].obj || a->slots[i].field != b->slots[i].field ||
		    !val_equal(&a->slots[i].v, &b->slots[i].v))
			return false;
	for (uint32_t i = 0; i < a->nfacts; i++)
		if (!facts_equal(&a->facts[i], &b->facts[i]))
			return false;
	return true;
}

bool pstate_global_equal(const PState *a, const PState *b)
{
	return heap_equal(a->h, b->h) && model_same_evidence(a->m, b->m);
}
