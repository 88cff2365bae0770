/*
 * state.c: the Model as a value: create, clone, compare, hash, free.
 *
 * Cloning copies the arrays and takes references on the transitions and
 * findings they point to; nothing is deep-copied beyond that, so a clone at
 * every branch of the analyzer costs a few small allocations.  Equality and
 * the hash cover what the kernel would see (flags, counts, the devres list,
 * resource and IRQ states), never the evidence or the node numbering, so
 * that two paths reaching the same kernel state merge.
 *
 * Which field counts for what is said once, in the field lists of
 * internal.h; the functions below are made from them (STATE_FUNCTIONS), so
 * equality, the hash, the evidence references and the copying of arrays
 * cannot forget a field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"

Model *model_new(const Spec *spec, const Profile *profile, ModelBus bus, char *err, int errlen)
{
	int index = spec_profile_index(spec, profile->name);
	if (index < 0) {
		snprintf(err, errlen, "profile %s is not declared in the spec", profile->name);
		return NULL;
	}
	Model *m = xcalloc(1, sizeof *m);
	m->spec = spec;
	m->profile = profile;
	m->profile_index = index;
	m->bus = bus;
	m->pool = pool_new();
	m->next_node_id = 1;
	return m;
}

void grow(void **arr, int *cap, int need, size_t size)
{
	if (need <= *cap)
		return;
	int n = *cap ? *cap : 4;
	while (n < need)
		n *= 2;
	*arr = xrealloc(*arr, n * size);
	*cap = n;
}

static unsigned long mix(unsigned long h, unsigned long v)
{
	return (h ^ v) * 1099511628211ul;
}

/* What each role of a field list does: in T##_equal (fields of A and B),
 * T##_hash (of X, into H) and T##_evidence (of X, to EACH). */
#define IGNORE(T, f)
#define IGNORE_EVIDENCE(f)
#define EQUAL(T, f) a->f == b->f &&
#define EQUAL_PART(T, f) T##_equal(&a->f, &b->f) &&
#define EQUAL_LIST(T, f, H) T##_list_equal(a->f, a->n##f, b->f, b->n##f) &&
#define HASH(T, f) h = mix(h, (unsigned long)x->f);
#define HASH_PART(T, f) h = T##_hash(h, &x->f);
#define HASH_LIST(T, f, H) HASH_##H(T, x->f, x->n##f)
#define HASH_EACH(T, v, n) for (int i = 0; i < (n); i++) h = T##_hash(h, &(v)[i]);
#define HASH_COUNT(T, v, n) h = mix(h, (unsigned long)(n));
#define HASH_NONE(T, v, n)
#define EVIDENCE_EACH(f) each(x->f);
#define EVIDENCE_PART(T, f) T##_evidence(&x->f, each);
#define EVIDENCE_LIST(T, f, H) for (int i = 0; i < x->n##f; i++) T##_evidence(&x->f[i], each);
/* T##_same_evidence (of A and B, equal already): transitions that print the same. */
#define SAME_EVIDENCE(f) if (!step_same(a->f, b->f)) return false;
#define SAME_EVIDENCE_PART(T, f) if (!T##_same_evidence(&a->f, &b->f)) return false;
#define SAME_EVIDENCE_LIST(T, f, H) \
	for (int i = 0; i < a->n##f; i++) if (!T##_same_evidence(&a->f[i], &b->f[i])) return false;

#define STATE_FUNCTIONS(T, FIELDS)                                                         \
	static inline bool T##_equal(const T *a, const T *b)                               \
	{                                                                                  \
		return FIELDS(EQUAL, EQUAL, IGNORE_EVIDENCE, IGNORE, EQUAL_PART, EQUAL_LIST) true; \
	}                                                                                  \
	static inline bool T##_list_equal(const T *a, int na, const T *b, int nb)          \
	{                                                                                  \
		if (na != nb)                                                              \
			return false;                                                      \
		for (int i = 0; i < na; i++)                                               \
			if (!T##_equal(&a[i], &b[i]))                                      \
				return false;                                              \
		return true;                                                               \
	}                                                                                  \
	static inline unsigned long T##_hash(unsigned long h, const T *x)                  \
	{                                                                                  \
		FIELDS(HASH, IGNORE, IGNORE_EVIDENCE, IGNORE, HASH_PART, HASH_LIST)        \
		return h;                                                                  \
	}                                                                                  \
	static inline void T##_evidence(const T *x, void (*each)(Transition *))            \
	{                                                                                  \
		FIELDS(IGNORE, IGNORE, EVIDENCE_EACH, IGNORE, EVIDENCE_PART, EVIDENCE_LIST) \
	}                                                                                  \
	static inline bool T##_same_evidence(const T *a, const T *b)                       \
	{                                                                                  \
		FIELDS(IGNORE, IGNORE, SAME_EVIDENCE, IGNORE, SAME_EVIDENCE_PART,          \
		       SAME_EVIDENCE_LIST) return true;                                    \
	}

/* Parts and list elements first: each type's functions call theirs. */
STATE_FUNCTIONS(Node, NODE_FIELDS)
STATE_FUNCTIONS(Res, RES_FIELDS)
STATE_FUNCTIONS(Irq, IRQ_FIELDS)
STATE_FUNCTIONS(Link, LINK_FIELDS)
STATE_FUNCTIONS(Group, GROUP_FIELDS)
STATE_FUNCTIONS(Job, JOB_FIELDS)
STATE_FUNCTIONS(PciState, PCI_FIELDS)
STATE_FUNCTIONS(MsiDomain, DOMAIN_FIELDS)
STATE_FUNCTIONS(Model, MODEL_FIELDS)

static void take(Transition *t)
{
	step_ref(t);
}

/* The arrays of a clone: its own copies of the source's LISTs. */
#define COPY_LIST(T, f, H)                                                                 \
	m->f = NULL, m->cap##f = 0;                                                        \
	grow((void **)&m->f, &m->cap##f, src->n##f, sizeof *m->f);                         \
	if (src->n##f)                                                                     \
		memcpy(m->f, src->f, src->n##f * sizeof *m->f);
#define FREE_LIST(T, f, H) free(m->f);

Model *model_clone(const Model *src)
{
	Model *m = xmalloc(sizeof *m);
	*m = *src;
	MODEL_FIELDS(IGNORE, IGNORE, IGNORE_EVIDENCE, IGNORE, IGNORE, COPY_LIST)
	Model_evidence(m, take);
	m->pool = pool_ref(src->pool);
	m->cur = NULL;
	m->pending = NULL, m->npending = m->cappending = 0;
	m->findings = NULL, m->capfindings = 0;
	grow((void **)&m->findings, &m->capfindings, src->nfindings, sizeof *m->findings);
	for (int i = 0; i < m->nfindings; i++)
		(m->findings[i] = src->findings[i])->refs++;
	return m;
}

void model_free(Model *m)
{
	if (!m)
		return;
	step_end(m);
	Model_evidence(m, step_unref);
	for (int i = 0; i < m->nfindings; i++)
		diagnosis_unref(m->findings[i]);
	MODEL_FIELDS(IGNORE, IGNORE, IGNORE_EVIDENCE, IGNORE, IGNORE, FREE_LIST)
	free(m->pending), free(m->findings);
	pool_unref(m->pool);
	free(m);
}

void model_set_observer(Model *m, const ModelObserver *observer)
{
	m->observer = observer ? *observer : (ModelObserver){ 0 };
}

void model_set_msi_domain(Model *m, bool per_device_state, const ModelOrigin *origin)
{
	model_changed(m);
	m->domain.per_device = per_device_state;
	step_begin(m, origin, "msi domain");
	step_effect(m, per_device_state ? "the parent domain creates per-device state in msi_prepare"
			" (GICv3 ITS its_device)" : "no per-device state");
	step_end(m);
}

int model_finding_count(const Model *m)
{
	return m->nfindings;
}

const ModelFinding *model_finding(const Model *m, int index)
{
	return index >= 0 && index < m->nfindings ? &m->findings[index]->pub : NULL;
}

int model_warning_count(const Model *m)
{
	return m->nwarnings;
}

/* --- equality and hash: the kernel-visible state only (internal.h's lists) --- */

bool model_equal(const Model *a, const Model *b)
{
	return Model_equal(a, b);
}

unsigned long model_hash(const Model *m)
{
	if (m->hash_ok)
		return m->hash;
	unsigned long h = Model_hash(14695981039346656037ul, m);
	Model *cache = (Model *)m; /* a cache, not the state: const to callers */
	cache->hash = h;
	cache->hash_ok = true;
	return h;
}

bool model_same_evidence(const Model *a, const Model *b)
{
	return Model_equal(a, b) && Model_same_evidence(a, b);
}

/* --- similarity: equal but for the managed resources held and the
 * unmanaged ones already released --- */

/* A resource similarity does not look at: managed (devres releases it
 * whatever), or released already (only a second release would see it). */
static bool res_aside(const Res *r)
{
	return r->managed || r->state != RES_LIVE;
}

static bool node_aside(const Model *m, const Node *n)
{
	return n->kind == NODE_RESOURCE && m->res[n->ref].managed;
}

/* The elements of list F of A and of B that similarity looks at, pairwise
 * equal: ASIDE says which to skip. */
#define SIMILAR_FILTERED(T, f, ASIDE)                                                      \
	static bool similar_##f(const Model *a, const Model *b)                            \
	{                                                                                  \
		int i = 0, k = 0;                                                          \
		for (;;) {                                                                 \
			while (i < a->n##f && ASIDE(a, &a->f[i]))                          \
				i++;                                                       \
			while (k < b->n##f && ASIDE(b, &b->f[k]))                          \
				k++;                                                       \
			if (i == a->n##f || k == b->n##f)                                  \
				return i == a->n##f && k == b->n##f;                       \
			if (!T##_equal(&a->f[i], &b->f[k]))                                \
				return false;                                              \
			i++, k++;                                                          \
		}                                                                          \
	}                                                                                  \
	static unsigned long similar_hash_##f(unsigned long h, const Model *x)             \
	{                                                                                  \
		for (int i = 0; i < x->n##f; i++)                                          \
			if (!ASIDE(x, &x->f[i]))                                           \
				h = T##_hash(h, &x->f[i]);                                 \
		return h;                                                                  \
	}
#define RES_ASIDE(m, r) res_aside(r)
#define NO_ASIDE(m, x) false
SIMILAR_FILTERED(Node, nodes, node_aside)
SIMILAR_FILTERED(Res, res, RES_ASIDE)
SIMILAR_FILTERED(Irq, irqs, NO_ASIDE)
SIMILAR_FILTERED(Link, links, NO_ASIDE)
SIMILAR_FILTERED(Group, groups, NO_ASIDE)
SIMILAR_FILTERED(Job, jobs, NO_ASIDE)

#define SIMILAR_LIST(T, f, H) similar_##f(a, b) &&
#define SIMILAR_HASH_LIST(T, f, H) h = similar_hash_##f(h, x);

bool model_similar(const Model *a, const Model *b)
{
	return MODEL_FIELDS(EQUAL, EQUAL, IGNORE_EVIDENCE, IGNORE, EQUAL_PART, SIMILAR_LIST) true;
}

unsigned long model_similar_hash(const Model *x)
{
	if (x->similar_ok)
		return x->similar_hash;
	unsigned long h = 1469598103934665603ul;
	MODEL_FIELDS(HASH, IGNORE, IGNORE_EVIDENCE, IGNORE, HASH_PART, SIMILAR_HASH_LIST)
	Model *cache = (Model *)x; /* a cache, as model_hash's */
	cache->similar_hash = h;
	cache->similar_ok = true;
	return h;
}
