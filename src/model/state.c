/*
 * state.c: the Model as a value: create, clone, compare, hash, free.
 *
 * Cloning copies the arrays and takes references on the steps and findings
 * they point to; nothing is deep-copied beyond that, so a clone at every
 * branch of the analyzer costs a few small allocations.  Equality and the
 * hash cover what the kernel would see (flags, counts, the devres list,
 * resource and IRQ states), never the evidence or the node numbering, so
 * that two paths reaching the same kernel state merge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"

static const char *const bus_names[BUS_COUNT] = {
	[BUS_GENERIC] = "generic", [BUS_PCI] = "pci", [BUS_PLATFORM] = "platform",
	[BUS_SPI] = "spi", [BUS_I2C] = "i2c",
};

int model_bus_by_name(const char *name)
{
	for (int i = 0; i < BUS_COUNT; i++)
		if (!strcmp(bus_names[i], name))
			return i;
	return -1;
}

const char *model_bus_name(ModelBus bus)
{
	return bus < BUS_COUNT ? bus_names[bus] : "?";
}

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

#define COPY(dst, src, name) do { \
	(dst)->name = NULL; (dst)->cap##name = 0; \
	grow((void **)&(dst)->name, &(dst)->cap##name, (src)->n##name, sizeof *(src)->name); \
	if ((src)->n##name) memcpy((dst)->name, (src)->name, (src)->n##name * sizeof *(src)->name); \
} while (0)

static void ref_steps(Model *m)
{
	PciState *p = &m->pci;
	step_ref(m->atomic_by);
	step_ref(p->managed_by), step_ref(p->vectors_by), step_ref(p->freed_by);
	step_ref(p->intx_by), step_ref(p->disabled_by);
	step_ref(m->domain.prepared), step_ref(m->domain.destroyed);
	for (int i = 0; i < m->nnodes; i++)
		step_ref(m->nodes[i].step);
	for (int i = 0; i < m->nres; i++)
		step_ref(m->res[i].acquired), step_ref(m->res[i].released);
	for (int i = 0; i < m->nirqs; i++)
		step_ref(m->irqs[i].requested), step_ref(m->irqs[i].freed);
	for (int i = 0; i < m->njobs; i++)
		step_ref(m->jobs[i].node.step), step_ref(m->jobs[i].why);
	for (int i = 0; i < m->nfindings; i++)
		m->findings[i]->refs++;
}

static void unref_steps(Model *m)
{
	PciState *p = &m->pci;
	step_unref(m->atomic_by);
	step_unref(p->managed_by), step_unref(p->vectors_by), step_unref(p->freed_by);
	step_unref(p->intx_by), step_unref(p->disabled_by);
	step_unref(m->domain.prepared), step_unref(m->domain.destroyed);
	for (int i = 0; i < m->nnodes; i++)
		step_unref(m->nodes[i].step);
	for (int i = 0; i < m->nres; i++)
		step_unref(m->res[i].acquired), step_unref(m->res[i].released);
	for (int i = 0; i < m->nirqs; i++)
		step_unref(m->irqs[i].requested), step_unref(m->irqs[i].freed);
	for (int i = 0; i < m->njobs; i++)
		step_unref(m->jobs[i].node.step), step_unref(m->jobs[i].why);
	for (int i = 0; i < m->nfindings; i++)
		diagnosis_unref(m->findings[i]);
}

Model *model_clone(const Model *src)
{
	Model *m = xmalloc(sizeof *m);
	*m = *src;
	m->pool = pool_ref(src->pool);
	m->cur = NULL;
	m->pending = NULL, m->npending = m->cappending = 0;
	COPY(m, src, nodes);
	COPY(m, src, res);
	COPY(m, src, irqs);
	COPY(m, src, links);
	COPY(m, src, groups);
	COPY(m, src, jobs);
	COPY(m, src, findings);
	ref_steps(m);
	return m;
}

void model_free(Model *m)
{
	if (!m)
		return;
	step_end(m);
	unref_steps(m);
	free(m->nodes), free(m->res), free(m->irqs), free(m->links);
	free(m->groups), free(m->jobs), free(m->pending), free(m->findings);
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

/* --- equality and hash: the kernel-visible state only --- */

static bool pci_equal(const PciState *a, const PciState *b)
{
	return a->enable_cnt == b->enable_cnt && a->is_managed == b->is_managed &&
	       a->pinned == b->pinned && a->is_msi_managed == b->is_msi_managed &&
	       a->msi_data == b->msi_data && a->vectors == b->vectors && a->nvec == b->nvec &&
	       a->intx_disabled == b->intx_disabled && a->intx_at_bind == b->intx_at_bind &&
	       a->intx_by_driver == b->intx_by_driver && a->freed_explicitly == b->freed_explicitly &&
	       a->dr_enabled == b->dr_enabled && a->dr_pinned == b->dr_pinned &&
	       a->dr_restore_intx == b->dr_restore_intx && a->dr_orig_intx == b->dr_orig_intx;
}

static bool node_equal(const Node *a, const Node *b)
{
	return a->kind == b->kind && a->ref == b->ref && a->fn == b->fn && a->data == b->data &&
	       a->intx_disabled == b->intx_disabled;
}

bool model_equal(const Model *a, const Model *b)
{
	if (a->profile != b->profile || a->bus != b->bus || a->phase != b->phase ||
	    a->binding != b->binding || a->atomic != b->atomic || a->handler != b->handler ||
	    a->releasing_all != b->releasing_all || !pci_equal(&a->pci, &b->pci) ||
	    a->domain.per_device != b->domain.per_device || a->domain.state != b->domain.state ||
	    a->domain.shared != b->domain.shared || a->nnodes != b->nnodes || a->nres != b->nres ||
	    a->nirqs != b->nirqs || a->nlinks != b->nlinks || a->ngroups != b->ngroups ||
	    a->njobs != b->njobs)
		return false;
	for (int i = 0; i < a->nnodes; i++)
		if (!node_equal(&a->nodes[i], &b->nodes[i]))
			return false;
	for (int i = 0; i < a->nres; i++) {
		const Res *x = &a->res[i], *y = &b->res[i];
		if (x->sym != y->sym || x->by != y->by || x->state != y->state ||
		    x->managed != y->managed || x->binding != y->binding)
			return false;
	}
	for (int i = 0; i < a->nirqs; i++) {
		const Irq *x = &a->irqs[i], *y = &b->irqs[i];
		if (x->irq != y->irq || x->dev_id != y->dev_id || x->vector != y->vector ||
		    x->managed != y->managed || x->desc_gone != y->desc_gone || x->state != y->state ||
		    x->binding != y->binding)
			return false;
	}
	for (int i = 0; i < a->nlinks; i++)
		if (a->links[i].sym != b->links[i].sym || a->links[i].vector != b->links[i].vector)
			return false;
	for (int i = 0; i < a->ngroups; i++)
		if (a->groups[i].id != b->groups[i].id || a->groups[i].closed_once != b->groups[i].closed_once)
			return false;
	for (int i = 0; i < a->njobs; i++) {
		const Job *x = &a->jobs[i], *y = &b->jobs[i];
		if (x->kind != y->kind || x->script != y->script || x->fn != y->fn ||
		    x->data != y->data || (x->kind == JOB_NODE && !node_equal(&x->node, &y->node)))
			return false;
	}
	return true;
}

static unsigned long mix(unsigned long h, unsigned long v)
{
	return (h ^ v) * 1099511628211ul;
}

unsigned long model_hash(const Model *m)
{
	if (m->hash_ok)
		return m->hash;
	const PciState *p = &m->pci;
	unsigned long h = 14695981039346656037ul;
	h = mix(h, m->phase), h = mix(h, m->binding), h = mix(h, m->atomic);
	h = mix(h, (unsigned long)p->enable_cnt), h = mix(h, p->is_managed | p->pinned << 1 |
		p->is_msi_managed << 2 | p->msi_data << 3 | p->intx_disabled << 4 | p->dr_enabled << 5);
	h = mix(h, p->vectors), h = mix(h, (unsigned long)p->nvec), h = mix(h, m->domain.state);
	for (int i = 0; i < m->nnodes; i++)
		h = mix(h, m->nodes[i].kind), h = mix(h, (unsigned long)m->nodes[i].ref);
	for (int i = 0; i < m->nres; i++)
		h = mix(h, (unsigned long)m->res[i].sym), h = mix(h, m->res[i].state);
	for (int i = 0; i < m->nirqs; i++)
		h = mix(h, (unsigned long)m->irqs[i].irq), h = mix(h, m->irqs[i].state);
	h = mix(h, (unsigned long)m->njobs);
	Model *cache = (Model *)m; /* a cache, not the state: const to callers */
	cache->hash = h;
	cache->hash_ok = true;
	return h;
}
