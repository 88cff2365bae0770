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

void heap_unref(Heap *h)
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
		c->slots_hash = h->slots_hash;
		c->facts_hash = h->facts_hash;
		c->facts_ok = h->facts_ok;
		c->nediting = h->nediting;
		memcpy(c->editing, h->editing, sizeof c->editing);
		h->refs--;
		s->h = h = c;
	}
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

static uint64_t slot_hash(const Slot *sl)
{
	return key_mix(sl->obj ^ (uint64_t)(uintptr_t)sl->field, val_hash(&sl->v));
}

const Slot *heap_slot(const Heap *h, Key obj, const char *field)
{
	bool found;
	uint32_t i = slot_find(h, obj, field, &found);
	return found ? &h->slots[i] : NULL;
}

const Val *slot_get(const PState *s, Key obj, const char *field)
{
	footprint_note(READ_SLOT, obj, field);
	const Slot *sl = heap_slot(s->h, obj, field);
	return sl ? &sl->v : NULL;
}

/* The first of OBJ's slots (they sit together), or where they would be. */
static uint32_t object_first(const Heap *h, Key obj)
{
	uint32_t lo = 0, hi = h->nslots;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (h->slots[mid].obj < obj)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool heap_same_object(const Heap *a, const Heap *b, Key obj)
{
	uint32_t i = object_first(a, obj), k = object_first(b, obj);
	for (;; i++, k++) {
		bool ina = i < a->nslots && a->slots[i].obj == obj, inb = k < b->nslots && b->slots[k].obj == obj;
		if (!ina || !inb)
			return ina == inb;
		if (a->slots[i].field != b->slots[k].field || !val_equal(&a->slots[i].v, &b->slots[k].v))
			return false;
	}
}

/* Is FIELD an array index the engine knows as a number (`[3]`)? */
static bool numeric_index(const char *field)
{
	if (field[0] != '[')
		return false;
	const char *p = field + 1 + (field[1] == '-');
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return p[0] == ']' && !p[1];
}

bool element_may_alias(const PState *s, Key obj, const char *field)
{
	if (field[0] != '[')
		return false;
	footprint_note(READ_OBJECT, obj, NULL);
	bool numeric = numeric_index(field);
	for (uint32_t k = object_first(s->h, obj); k < s->h->nslots && s->h->slots[k].obj == obj; k++)
		if (s->h->slots[k].field[0] == '[' && !(numeric && numeric_index(s->h->slots[k].field)))
			return true;
	return false;
}

void slot_set(PState *s, Key obj, const char *field, Val v)
{
	footprint_note(READ_SLOT, obj, field); /* a write that changes nothing here may elsewhere */
	bool found;
	uint32_t i = slot_find(s->h, obj, field, &found);
	if (found && val_equal(&s->h->slots[i].v, &v))
		return;
	Heap *h = heap_mut(s);
	if (found) {
		h->slots_hash -= slot_hash(&h->slots[i]);
		h->slots[i].v = v;
		h->slots_hash += slot_hash(&h->slots[i]);
		return;
	}
	if (h->nslots == h->capslots) {
		h->capslots = h->capslots ? 2 * h->capslots : 16;
		h->slots = xrealloc(h->slots, h->capslots * sizeof *h->slots);
	}
	memmove(h->slots + i + 1, h->slots + i, (h->nslots - i) * sizeof *h->slots);
	h->slots[i] = (Slot){ obj, field, v };
	h->slots_hash += slot_hash(&h->slots[i]);
	h->nslots++;
}

/* Is OBJ the object WITHIN or inside it (a local struct's field, an
 * element of a local array)? */
static bool inside(Run *r, Key obj, Key within)
{
	for (int guard = 0; guard < 16 && obj; guard++) {
		if (obj == within)
			return true;
		const KeyInfo *ki = key_info(r, obj);
		if (!ki || ki->kind != K_SUB)
			return false;
		obj = ki->parent;
	}
	return false;
}

/* The frame OBJ is storage of (a local, its field, its element), 0 if none. */
static Key frame_of(Run *r, Key obj)
{
	for (int guard = 0; guard < 16 && obj; guard++) {
		const KeyInfo *ki = key_info(r, obj);
		if (!ki || (ki->kind != K_SUB && ki->kind != K_FRAME))
			return 0;
		if (ki->kind == K_FRAME)
			return obj;
		obj = ki->parent;
	}
	return 0;
}

/* A function the engine does not follow, handed the address of a local
 * (`read_it(pdev, &val)`, `get_config(dev, &cfg)`), may write through it:
 * what the local and everything inside it held is unknown after the call.
 * Each slot gets a symbol of its own for this call (SITE).  Only locals:
 * the objects the driver allocated are handed to every dev_err() and
 * lock, and what the path knows of them (drvdata, the IRQ in a field)
 * would be lost to calls that write nothing. */
void slots_forget_local(Run *r, PState *s, Key addr, Key site)
{
	const KeyInfo *ai = key_info(r, addr);
	if (!ai || ai->kind != K_SUB || !frame_of(r, addr))
		return;
	Key parent = ai->parent;
	const char *field = ai->field;
	Key k = key_of(site, field, key_mix(parent, 0x0f6));
	key_register(r, k, K_SYM, ai->name, NULL);
	slot_set(s, parent, field, val_sym(k));
	for (uint32_t i = 0; i < s->h->nslots; i++) {
		const Slot *sl = &s->h->slots[i];
		if (!inside(r, sl->obj, addr))
			continue;
		Key x = key_of(site, sl->field, key_mix(sl->obj, 0x0f6));
		key_register(r, x, K_SYM, sl->field, NULL);
		slot_set(s, sl->obj, sl->field, val_sym(x)); /* same place: slot_set keeps the order */
	}
}

void slots_drop_frame(Run *r, PState *s, Key frame)
{
	uint32_t k = 0;
	bool any = false;
	for (uint32_t i = 0; i < s->h->nslots && !any; i++)
		any = inside(r, s->h->slots[i].obj, frame);
	if (!any)
		return;
	Heap *h = heap_mut(s);
	for (uint32_t i = 0; i < h->nslots; i++) {
		if (!inside(r, h->slots[i].obj, frame))
			h->slots[k++] = h->slots[i];
		else
			h->slots_hash -= slot_hash(&h->slots[i]);
	}
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

const Facts *heap_fact(const Heap *h, Key k)
{
	bool found;
	uint32_t i = facts_find(h, k, &found);
	return found ? &h->facts[i] : NULL;
}

const Facts *facts_get(const PState *s, Key k)
{
	footprint_note(READ_FACT, k, NULL);
	return heap_fact(s->h, k);
}

Facts *facts_edit(PState *s, Key k)
{
	footprint_note(READ_FACT, k, NULL);
	Heap *h = heap_mut(s);
	bool found;
	uint32_t i = facts_find(h, k, &found);
	bool out = false;
	for (uint8_t e = 0; e < h->nediting && !out; e++)
		out = h->editing[e] == k;
	if (h->facts_ok && !out) {
		if (h->nediting == HEAP_EDITING)
			h->facts_ok = false;
		else {
			h->editing[h->nediting++] = k;
			if (found)
				h->facts_hash -= facts_hash(&h->facts[i]);
		}
	}
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

/* Was activation C made by activation A, or by one A made? */
static bool within(const Run *r, Key c, Key a)
{
	for (int guard = 0; guard < 64 && c; guard++) {
		if (c == a)
			return true;
		c = (Key)(uintptr_t)keymap_get(&r->parents, c);
	}
	return false;
}

/* May the facts of F go: nothing holds its symbol and it cannot be made
 * again (an initial value of a slot since written, a result of a call
 * done in the activation that returns now)? */
static bool collectible(const Run *r, const PState *s, const KeySet *held, const Facts *f, Key ctx)
{
	if (keyset_has(held, f->key))
		return false;
	const KeyInfo *ki = key_info(r, f->key);
	if (!ki)
		return !ctx;
	if (ki->pure)
		return ki->parent && heap_slot(s->h, ki->parent, ki->field); /* an initial value overwritten */
	return !ctx || within(r, ki->ctx, ctx);
}

/* A value and the objects it keeps alive: the object it points at, and
 * the objects that one is a field of. */
static void hold(Run *r, KeySet *held, const Val *v)
{
	keyset_add(held, v->key);
	if (v->kind == V_SYM) { /* `irq - 1` held keeps what the path knows of irq */
		const KeyInfo *ki = key_info(r, v->key);
		if (ki && ki->base)
			keyset_add(held, ki->base);
		return;
	}
	if (v->kind != V_OBJ)
		return;
	Key o = v->key;
	for (int guard = 0; guard < 16 && o; guard++) {
		const KeyInfo *ki = key_info(r, o);
		if (!ki || (ki->kind != K_SUB && ki->kind != K_CONTAINER))
			break;
		o = ki->parent;
		keyset_add(held, o);
	}
}

typedef struct {
	Run *r;
	const KeySet *held;
	Key ctx;
} Holders;

static bool still_held(void *ctx, const char *sym)
{
	const Holders *h = ctx;
	const KeyInfo *ki = strset_get(&h->r->names, sym, strlen(sym), NULL);
	if (!ki || keyset_has(h->held, ki->key))
		return true;
	return h->ctx && !within(h->r, ki->ctx, h->ctx);
}

void state_collect(Run *r, PState *s, Key ctx, const Val *extra)
{
	KeySet held = { 0 };
	for (uint32_t i = 0; i < s->h->nslots; i++)
		hold(r, &held, &s->h->slots[i].v);
	for (uint32_t i = 0; i < s->nloc; i++)
		hold(r, &held, &s->loc[i].v);
	if (extra)
		hold(r, &held, extra);
	bool drop = false;
	for (uint32_t i = 0; i < s->h->nfacts && !drop; i++)
		drop = collectible(r, s, &held, &s->h->facts[i], ctx);
	if (drop) {
		Heap *h = heap_mut(s);
		uint32_t k = 0;
		for (uint32_t i = 0; i < h->nfacts; i++)
			if (!collectible(r, s, &held, &h->facts[i], ctx))
				h->facts[k++] = h->facts[i];
		h->nfacts = k;
		h->facts_ok = false;
	}
	/* Forgetting the last pointer to a resource can raise a finding
	 * (devm-action-leak), which takes its path from the run's current
	 * state: this one, not whichever state ran last. */
	Holders hs = { r, &held, ctx };
	const PState *was = r->cur;
	r->cur = s;
	model_forget_unheld(s->m, still_held, &hs);
	r->cur = was;
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

uint16_t loop_rounds(const PState *s, int32_t node)
{
	for (uint32_t i = 0; i < s->nloops; i++)
		if (s->loops[i].node == node)
			return s->loops[i].count;
	return 0;
}

LoopCount *loop_count(PState *s, int32_t node)
{
	for (uint32_t i = 0; i < s->nloops; i++)
		if (s->loops[i].node == node)
			return &s->loops[i];
	if (s->nloops == s->caploops) {
		s->caploops = s->caploops ? (uint16_t)(2 * s->caploops) : 4;
		s->loops = xrealloc(s->loops, s->caploops * sizeof *s->loops);
	}
	s->loops[s->nloops] = (LoopCount){ node, 0, 0 };
	return &s->loops[s->nloops++];
}

/* ---- equality and hashes ---- */

/* The sum of H's fact hashes, with the facts being edited counted again. */
static uint64_t facts_total(Heap *h)
{
	if (!h->facts_ok) {
		h->facts_hash = 0;
		for (uint32_t i = 0; i < h->nfacts; i++)
			h->facts_hash += facts_hash(&h->facts[i]);
		h->facts_ok = true;
	} else {
		for (uint8_t e = 0; e < h->nediting; e++) {
			const Facts *f = heap_fact(h, h->editing[e]);
			if (f)
				h->facts_hash += facts_hash(f);
		}
	}
	h->nediting = 0;
	return h->facts_hash;
}

static uint64_t heap_hash(Heap *h)
{
	return key_mix(h->slots_hash, facts_total(h));
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

bool heap_equal(const Heap *a, const Heap *b)
{
	if (a == b)
		return true;
	/* the slots' hash is kept up to date by every write */
	if (a->nslots != b->nslots || a->nfacts != b->nfacts || a->slots_hash != b->slots_hash)
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

/* The three-way merge of one sorted array (slots or facts): the element of
 * OUT where BASE's differs from it, else CUR's.  CMP orders two elements,
 * SAME compares their values; PUT appends one to the result. */
#define REBASE(T, arr, n, CMP, SAME, PUT)                                                          \
	for (uint32_t i = 0, j = 0, k = 0; i < cur->n || k < out->n;) {                          \
		int ck = i >= cur->n ? 1 : k >= out->n ? -1 : CMP(&cur->arr[i], &out->arr[k]);    \
		const T *key = ck <= 0 ? &cur->arr[i] : &out->arr[k];                              \
		while (j < base->n && CMP(&base->arr[j], key) < 0)                                 \
			j++;                                                                       \
		const T *b = j < base->n && !CMP(&base->arr[j], key) ? &base->arr[j] : NULL;       \
		const T *o = ck >= 0 ? &out->arr[k] : NULL, *c = ck <= 0 ? &cur->arr[i] : NULL;    \
		const T *take = (!b != !o || (b && !SAME(b, o))) ? o : c;                          \
		if (take)                                                                          \
			PUT(take);                                                                 \
		i += ck <= 0;                                                                      \
		k += ck >= 0;                                                                      \
	}

static int slot_order(const Slot *a, const Slot *b)
{
	return slot_cmp(a->obj, a->field, b);
}
static bool slot_same(const Slot *a, const Slot *b)
{
	return val_equal(&a->v, &b->v);
}
static int fact_order(const Facts *a, const Facts *b)
{
	return a->key == b->key ? 0 : a->key < b->key ? -1 : 1;
}
#define PUT_SLOT(x) do { VEC_PUSH(&slots, *(x)); h->slots_hash += slot_hash(x); } while (0)
#define PUT_FACT(x) VEC_PUSH(&facts, *(x))

Heap *heap_rebase(Heap *cur, Heap *base, Heap *out)
{
	/* The caller's heap is the summary's (the outcome as it is), or the
	 * replay changed nothing (the caller's heap as it is). */
	Heap *whole = heap_equal(cur, base) ? out : heap_equal(out, base) ? cur : NULL;
	if (whole) {
		whole->refs++;
		return whole;
	}
	Heap *h = heap_new();
	VEC(Slot) slots = { 0 };
	VEC(Facts) facts = { 0 };
	REBASE(Slot, slots, nslots, slot_order, slot_same, PUT_SLOT)
	REBASE(Facts, facts, nfacts, fact_order, facts_equal, PUT_FACT)
	h->slots = slots.v, h->nslots = h->capslots = (uint32_t)slots.n;
	h->facts = facts.v, h->nfacts = h->capfacts = (uint32_t)facts.n;
	return h;
}

bool pstate_global_equal(const PState *a, const PState *b)
{
	return heap_equal(a->h, b->h) && model_same_evidence(a->m, b->m);
}

/* ---- joins: one state that knows what two states agree on ---- */

/* The value a slot or local has after a join where the two sides differ:
 * nothing in particular.  One symbol per slot (per local of the
 * activation SITE), whichever join made it: paths that met at different
 * joins then agree on it and meet again, instead of differing in which
 * join they came through. */
static Val joined(Run *r, Key site, Key what, const char *name)
{
	Key k = key_mix(site, what);
	KeyInfo *ki = (KeyInfo *)key_register(r, k, K_SYM, name, NULL);
	ki->pure = true;
	return val_sym(k);
}

/* A slot two joined states disagree on: its symbol and what both values
 * are known to be. */
typedef struct {
	Key k;
	Hull hull;
} Widened;
typedef VEC(Widened) Widenings;

/* Remember what both values of a slot or local the join widened to K
 * are known to be, when anything is (`err` 0 on both sides stays 0: the
 * request that set it succeeded on each). */
static void widen(Run *r, Widenings *w, Key k, const PState *a, const Val *va, const PState *b, const Val *vb)
{
	Widened x = { k, val_hull(r, a, va, b, vb) };
	if (x.hull.nonzero || x.hull.lo != INT64_MIN || x.hull.hi != INT64_MAX)
		VEC_PUSH(w, x);
}

/* Does F rule N out: by a disequality, by its range, or (for 0) by
 * being a pointer that is not NULL. */
static bool facts_exclude(const Facts *f, int64_t n)
{
	for (int i = 0; i < f->nne; i++)
		if (f->ne[i] == n)
			return true;
	return n < f->lo || n > f->hi || (n == 0 && !(f->pclass & P_NULL));
}

static Facts facts_hull(const Facts *a, const Facts *b)
{
	Facts f = facts_default(a->key);
	f.lo = a->lo < b->lo ? a->lo : b->lo;
	f.hi = a->hi > b->hi ? a->hi : b->hi;
	f.pclass = a->pclass | b->pclass;
	if (f.pclass & P_FAILED && f.pclass != P_FAILED)
		f.pclass = (f.pclass & ~P_FAILED) | P_NULL | P_ERR;
	/* A value both sides rule out stays out, however each says it (`ret`
	 * in [-4095, -1] on one side, `ret != 0` on the other: not 0); 0 is
	 * asked of every pair (an error on one side, a count on the other). */
	int64_t cand[2 * FACT_NE + 1];
	int ncand = 0;
	cand[ncand++] = 0;
	for (int i = 0; i < a->nne; i++)
		cand[ncand++] = a->ne[i];
	for (int k = 0; k < b->nne; k++)
		cand[ncand++] = b->ne[k];
	for (int c = 0; c < ncand && f.nne < FACT_NE; c++) {
		bool dup = cand[c] < f.lo || cand[c] > f.hi; /* the range says it already */
		for (int i = 0; i < f.nne; i++)
			dup |= f.ne[i] == cand[c];
		if (!dup && facts_exclude(a, cand[c]) && facts_exclude(b, cand[c]))
			f.ne[f.nne++] = cand[c];
	}
	f.eq = a->eq == b->eq ? a->eq : NULL;
	f.nen = a->nen == b->nen ? a->nen : NULL;
	if (a->rel && a->rel == b->rel) {
		f.rel = a->rel;
		f.rlo = a->rlo < b->rlo ? a->rlo : b->rlo;
		f.rhi = a->rhi > b->rhi ? a->rhi : b->rhi;
	}
	for (int i = 0; i < a->nbits; i++)
		for (int k = 0; k < b->nbits; k++)
			if (a->bits[i] == b->bits[k] && (a->bitset >> i & 1) == (b->bitset >> k & 1)) {
				f.bits[f.nbits] = a->bits[i];
				f.bitset = (uint8_t)(f.bitset | ((a->bitset >> i & 1) << f.nbits));
				f.nbits++;
			}
	f.closed = a->closed && b->closed;
	return f;
}

PState pstate_join(Run *r, const PState *a, PState *b, Key site)
{
	PState j = { .m = b->m, .trail = b->trail, .assumed = b->assumed ? b->assumed : a->assumed };
	b->m = NULL;
	Heap *x = a->h, *y = b->h;
	Widenings widened = { 0 };
	if (x == y || heap_equal(x, y)) {
		j.h = y;
		y->refs++;
		goto locals;
	}
	j.h = heap_new();
	Heap *h = j.h;
	/* The merge holds at most both heaps' slots, the facts at most the
	 * fewer's: sized once, not grown. */
	h->capslots = x->nslots + y->nslots;
	h->slots = xmalloc((h->capslots ? h->capslots : 1) * sizeof *h->slots);
	h->capfacts = x->nfacts < y->nfacts ? x->nfacts : y->nfacts;
	h->facts = xmalloc((h->capfacts ? h->capfacts : 1) * sizeof *h->facts);
	/* Slots that differ get a symbol of the join; what both values are
	 * known to be (an interval, non-zero) is given to it once the heap is
	 * whole.  The hash is Y's, corrected where the merge differs from Y:
	 * most slots are the same on both sides. */
	h->slots_hash = y->slots_hash;
	/* slots: a merge of the two sorted arrays */
	for (uint32_t i = 0, k = 0; i < x->nslots || k < y->nslots;) {
		int c = i >= x->nslots ? 1 : k >= y->nslots ? -1 : slot_cmp(x->slots[i].obj, x->slots[i].field, &y->slots[k]);
		const Slot *s = c <= 0 ? &x->slots[i] : &y->slots[k];
		Val v;
		if (c == 0 && val_equal(&x->slots[i].v, &y->slots[k].v))
			v = s->v;
		else {
			Val init = slot_initial(r, s->obj, s->field);
			if (c != 0 && val_equal(&s->v, &init))
				v = s->v;
			else {
				const KeyInfo *ki = key_info(r, init.key);
				v = joined(r, 0x701, key_of(s->obj, s->field, 0x701), ki ? ki->name : s->field);
				if (c == 0)
					widen(r, &widened, v.key, a, &x->slots[i].v, b, &y->slots[k].v);
			}
		}
		h->slots[h->nslots] = (Slot){ s->obj, s->field, v };
		const Slot *was = c >= 0 ? &y->slots[k] : NULL;
		if (!was || !val_equal(&was->v, &v)) {
			if (was)
				h->slots_hash -= slot_hash(was);
			h->slots_hash += slot_hash(&h->slots[h->nslots]);
		}
		h->nslots++;
		i += c <= 0;
		k += c >= 0;
	}
	/* facts: what both know, widened to cover both; the hash is Y's, less
	 * the facts the join drops or widens (when Y's is known) */
	h->facts_ok = y->facts_ok;
	if (h->facts_ok)
		h->facts_hash = facts_total(y);
	for (uint32_t i = 0, k = 0; k < y->nfacts;) {
		int c = i >= x->nfacts ? 1 : x->facts[i].key < y->facts[k].key ? -1 : x->facts[i].key > y->facts[k].key;
		if (c < 0) {
			i++;
			continue;
		}
		const Facts *was = &y->facts[k];
		k++;
		if (c > 0) {
			if (h->facts_ok)
				h->facts_hash -= facts_hash(was);
			continue;
		}
		bool same = facts_equal(&x->facts[i], was);
		Facts f = same ? *was : facts_hull(&x->facts[i], was);
		i++;
		bool keep = !facts_is_default(&f);
		if (keep)
			h->facts[h->nfacts++] = f;
		if (h->facts_ok && !(same && keep)) {
			h->facts_hash -= facts_hash(was);
			if (keep)
				h->facts_hash += facts_hash(&f);
		}
	}
locals:
	for (uint32_t i = 0; i < a->nloc; i++) {
		const Val *w = local_get(b, a->loc[i].idx);
		if (w && val_equal(w, &a->loc[i].v))
			local_set(&j, a->loc[i].idx, *w);
		else {
			Val v = joined(r, site, a->loc[i].idx + 1u, "local");
			local_set(&j, a->loc[i].idx, v);
			if (w)
				widen(r, &widened, v.key, a, &a->loc[i].v, b, w);
		}
	}
	for (uint32_t i = 0; i < b->nloc; i++)
		if (!local_get(a, b->loc[i].idx))
			local_set(&j, b->loc[i].idx, joined(r, site, b->loc[i].idx + 1u, "local"));
	/* Given once the heap is whole: a local's facts live in it too. */
	for (size_t i = 0; i < widened.n; i++)
		sym_assume_hull(r, &j, widened.v[i].k, &widened.v[i].hull);
	VEC_FREE(&widened);
	if (b->nloops) {
		j.loops = xmalloc(b->nloops * sizeof *j.loops);
		memcpy(j.loops, b->loops, b->nloops * sizeof *j.loops);
		j.nloops = j.caploops = b->nloops;
	}
	return j;
}

bool pstate_same(const PState *a, const PState *b)
{
	if (!heap_equal(a->h, b->h) || a->nloc != b->nloc)
		return false;
	for (uint32_t i = 0; i < a->nloc; i++) {
		const Val *w = local_get(b, a->loc[i].idx);
		if (!w || !val_equal(w, &a->loc[i].v))
			return false;
	}
	return model_similar(a->m, b->m);
}
