/*
 * msi.c: MSI/MSI-X vectors, their devres, and MSI domain per-device state.
 *
 * docs/semantics.md, 5: the first MSI or MSI-X setup adds the
 * msi_device_data_release node (once, for managed and unmanaged drivers)
 * and, on a managed device with the hybrid, the pcim_msi_release action
 * (once per binding, guarded by is_msi_managed).  Freeing is idempotent:
 * a second pci_free_irq_vectors, or pcim_msi_release after the driver
 * freed, is a silent no-op.  Enabling MSI disables INTx through
 * pci_intx_for_msi and freeing re-enables it, through the profile's
 * pci_intx.  Which type a pci_alloc_irq_vectors call gets is taken from
 * its flags, first of MSI-X, MSI, INTx; the trace cannot say that MSI-X
 * failed and MSI succeeded.
 *
 * A binding that frees all its vectors and allocates again is noted
 * under a core with msi_teardown (reallocated): it is the driver a domain
 * without a teardown exposes.
 *
 * MSI domains (7.2): an ITS-like parent creates per-device state in
 * msi_prepare, which has no paired teardown; the ITS frees it when the
 * last vector goes, and a second prepare while it exists marks it shared,
 * never to be freed.  The proposed profile pairs prepare with
 * msi_teardown at msi_device_data_release.  A failed allocation is taken
 * to fail before msi_prepare; no finding depends on the other case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"

static const char *const vec_names[] = { [VEC_NONE] = "no", [VEC_MSI] = "MSI", [VEC_MSIX] = "MSI-X" };

enum { WANT_MSI = 1, WANT_MSIX = 2, WANT_INTX = 4, WANT_ALL = 7 };

static void set_step(Transition **slot, Transition *s)
{
	step_unref(*slot);
	*slot = step_ref(s);
}

static unsigned wanted_types(const SpecEntry *e, const char *flags)
{
	if (e->flags & SPEC_IRQ_MSI)
		return WANT_MSI;
	if (e->flags & SPEC_IRQ_MSIX)
		return WANT_MSIX;
	if (!flags || strstr(flags, "ALL_TYPES"))
		return WANT_ALL;
	unsigned want = 0;
	if (strstr(flags, "MSIX"))
		want |= WANT_MSIX;
	for (const char *p = flags; (p = strstr(p, "PCI_IRQ_MSI")); p += 11)
		if (p[11] != 'X')
			want |= WANT_MSI;
	if (strstr(flags, "INTX") || strstr(flags, "LEGACY"))
		want |= WANT_INTX;
	return want ? want : WANT_ALL;
}

/* pci_setup_msi_context: msi_setup_device_data + pcim_setup_msi_release. */
static void setup_context(Model *m)
{
	PciState *p = &m->pci;
	if (!p->msi_data) {
		Node *n = devres_add(m, NODE_MSI_DATA, -1);
		p->msi_data = true;
		step_effect(m, "devres +#%d msi_device_data_release", n->id);
	}
	if (m->profile->msi_hybrid && p->is_managed && !p->is_msi_managed) {
		Node *n = devres_add(m, NODE_MSI_RELEASE, -1);
		p->is_msi_managed = true;
		step_effect(m, "devres +#%d pcim_msi_release (implicit: the device is managed)", n->id);
	}
}

static void domain_prepare(Model *m)
{
	MsiDomain *d = &m->domain;
	if (!d->per_device)
		return;
	if (d->state == DOMAIN_LIVE) {
		if (m->profile->msi_teardown) {
			step_effect(m, "msi_prepare: per-device state exists, reused");
			return;
		}
		d->shared = true;
		step_effect(m, "msi_prepare: per-device state exists: marked shared, never freed");
		finding_raise(m, SEV_WARNING, RULE_MSI_PREPARE_TEARDOWN, EVIDENCE(d->prepared),
			      "msi_prepare runs again while the device's per-device state exists: the ITS marks"
			      " it shared and never frees it (leak)");
		return;
	}
	if (d->state == DOMAIN_DESTROYED)
		finding_raise(m, SEV_NOTE, RULE_MSI_PREPARE_TEARDOWN, EVIDENCE(d->prepared, d->destroyed),
			      "per-device MSI state was destroyed with the last vector and is prepared again:"
			      " msi_prepare has no paired teardown, its lifetime follows the vectors");
	d->state = DOMAIN_LIVE;
	set_step(&d->prepared, m->cur);
	step_effect(m, "msi_prepare: per-device state created");
}

void domain_after_free(Model *m)
{
	MsiDomain *d = &m->domain;
	if (!d->per_device || d->state != DOMAIN_LIVE)
		return;
	if (m->profile->msi_teardown) {
		step_effect(m, "per-device state kept until msi_teardown");
		return;
	}
	if (d->shared) {
		step_effect(m, "per-device state is shared: not freed");
		return;
	}
	d->state = DOMAIN_DESTROYED;
	set_step(&d->destroyed, m->cur);
	step_effect(m, "last vector freed: per-device state destroyed (its_free_device)");
}

/* The binding freed all its vectors and allocates again (the 1 -> N
 * pattern: one vector to probe the device, then as many as it has; or a
 * fallback to fewer through a free).  A global MSI domain (one made by
 * msi_create_irq_domain, without alloc_data) runs msi_prepare at every
 * allocation (populate_alloc_info, kernel/irq/msi.c); a per-device domain
 * copies its first prepare.  Where a global domain's ops have no
 * msi_teardown (an ops struct of msi-prepare-teardown), the second prepare
 * finds the first one's state and reuses it, sized for the first
 * allocation: the driver is exposed.  A count the engine could not name
 * ("?...") is left out of the message, which fingerprints keep. */
static void reallocated(Model *m, const SpecEntry *e, const char *const *args, int nargs)
{
	const PciState *p = &m->pci;
	const char *max = arg(e, ARG_MAX, args, nargs);
	if (max && max[0] == '?')
		max = NULL;
	step_effect(m, "vectors allocated again after the binding freed them all: a global MSI domain prepares"
		    " the device again");
	finding_raise(m, SEV_NOTE, RULE_MSI_PREPARE_TEARDOWN_EXPOSED, EVIDENCE(p->vectors_by, p->freed_by),
		      "%s allocates vectors again%s%s%s after the driver freed all of them: a global MSI domain"
		      " prepares the device again, and one whose ops have no msi_teardown reuses the first"
		      " prepare's state, sized for the first allocation",
		      e->name, max ? " (up to " : "", max ? max : "", max ? ")" : "");
}

static int parse_count(const char *s)
{
	char *end;
	long n = s ? strtol(s, &end, 0) : 0;
	return s && *s && !*end && n > 0 ? (int)n : 0;
}

void vec_alloc_call(Model *m, const SpecEntry *e, const char *const *args, int nargs,
		    const char *result, ModelOutcome outcome)
{
	PciState *p = &m->pci;
	unsigned want = wanted_types(e, arg(e, ARG_FLAGS, args, nargs));
	if (outcome == MODEL_FAILURE) {
		if (m->profile->msix_context_early && (want & WANT_MSIX) && p->vectors != VEC_MSIX) {
			step_effect(m, "the MSI-X attempt sets up the MSI context before failing");
			setup_context(m);
		}
		step_effect(m, "failed: no vectors");
		return;
	}
	if (p->vectors != VEC_NONE) {
		step_effect(m, "%s already enabled: WARN_ON_ONCE, -EINVAL", vec_names[p->vectors]);
		finding_raise(m, SEV_WARNING, RULE_API_MISUSE, EVIDENCE(p->vectors_by),
			      "%s allocates vectors while %s vectors are enabled (WARN_ON_ONCE, -EINVAL)%s",
			      e->name, vec_names[p->vectors], want & WANT_INTX ? "; the INTx fallback returns 1" : "");
		if (want & WANT_INTX)
			intx_set(m, true, false);
		return;
	}
	VecType type = want & WANT_MSIX ? VEC_MSIX : want & WANT_MSI ? VEC_MSI : VEC_NONE;
	if (type == VEC_NONE) {
		step_effect(m, "INTx: 1 vector (dev->irq)");
		intx_set(m, true, false);
		return;
	}
	setup_context(m);
	if (p->freed_explicitly && m->profile->msi_teardown)
		reallocated(m, e, args, nargs);
	domain_prepare(m);
	p->vectors = type;
	p->nvec = parse_count(result);
	set_step(&p->vectors_by, m->cur);
	if (p->nvec)
		step_effect(m, "%s enabled, %d vector%s", vec_names[type], p->nvec, p->nvec == 1 ? "" : "s");
	else
		step_effect(m, "%s enabled", vec_names[type]);
	intx_set(m, false, true);
	if (e->flags & SPEC_MANAGED) {
		Node *n = devres_add(m, NODE_MSI_VECTORS, -1);
		step_effect(m, "devres +#%d pcim_free_irq_vectors", n->id);
	}
}

/* Free MSI-X and/or MSI as pci_disable_msix/pci_disable_msi do; true if anything was enabled. */
static bool vec_free_type(Model *m, VecType which, const char *who)
{
	PciState *p = &m->pci;
	if (p->vectors == VEC_NONE || (which != VEC_NONE && which != p->vectors))
		return false;
	irq_vectors_freed(m, who);
	step_effect(m, "%s disabled, vectors freed", vec_names[p->vectors]);
	p->vectors = VEC_NONE;
	p->nvec = 0;
	intx_set(m, true, true);
	domain_after_free(m);
	return true;
}

void vec_free_call(Model *m, const SpecEntry *e)
{
	PciState *p = &m->pci;
	VecType which = e->flags & SPEC_IRQ_MSI ? VEC_MSI : e->flags & SPEC_IRQ_MSIX ? VEC_MSIX : VEC_NONE;
	if (vec_free_type(m, which, e->name)) {
		p->freed_explicitly = true;
		set_step(&p->freed_by, m->cur);
		return;
	}
	step_effect(m, "nothing enabled: silent no-op");
	if (p->freed_explicitly)
		finding_raise(m, SEV_NOTE, RULE_REDUNDANT_RELEASE, EVIDENCE(p->freed_by),
			      "%s after the vectors were already freed: a silent no-op", e->name);
}

static bool vectors_enabled(const Model *m)
{
	return m->pci.vectors != VEC_NONE;
}

bool model_answer(const Model *m, const SpecEntry *e, long long *value)
{
	if (e->event != EV_VEC_QUERY)
		return false;
	*value = vectors_enabled(m);
	return true;
}

void vec_query_call(Model *m)
{
	step_effect(m, "%s vectors enabled: %s", vec_names[m->pci.vectors], vectors_enabled(m) ? "true" : "false");
}

void irq_vector_call(Model *m, const char *index, const char *result, ModelOutcome outcome)
{
	const PciState *p = &m->pci;
	if (p->vectors == VEC_NONE) {
		step_effect(m, "no MSI/MSI-X vectors: dev->irq (INTx) for vector 0");
		return;
	}
	if (!result || outcome == MODEL_FAILURE) {
		step_effect(m, "not bound to a symbol");
		return;
	}
	int vector = vector_number(index);
	Link *l = PUSH(m, links);
	l->sym = intern(m->pool, result);
	l->vector = vector;
	char buf[16];
	step_effect(m, "%s is %s vector %s", l->sym, vec_names[p->vectors], vector_label(vector, buf));
}

/* The vector an index names: its number, or for an index the analyzer
 * could not reduce to one (a macro, a symbol) a number of its own above
 * every real vector, so that OTX2_MBOX_IRQ and vector 0 are not one IRQ. */
int vector_number(const char *index)
{
	char *end;
	long i = index ? strtol(index, &end, 0) : -1;
	if (index && *index && !*end && i >= 0 && i < VECTOR_NAMED)
		return (int)i;
	unsigned h = 2166136261u;
	for (const char *p = index ? index : "?"; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return VECTOR_NAMED + (int)(h % VECTOR_NAMED);
}

const char *vector_label(int vector, char buf[16])
{
	if (vector >= VECTOR_NAMED)
		return "?";
	snprintf(buf, 16, "%d", vector);
	return buf;
}

int link_vector(const Model *m, const char *sym)
{
	for (int i = m->nlinks - 1; i >= 0; i--)
		if (m->links[i].sym == sym)
			return m->links[i].vector;
	return -1;
}

void msi_release_node(Model *m, const Node *n)
{
	PciState *p = &m->pci;
	switch (n->kind) {
	case NODE_MSI_RELEASE:
		p->is_msi_managed = false;
		step_effect(m, "pci_free_irq_vectors");
		if (vec_free_type(m, VEC_NONE, "pcim_msi_release")) {
			finding_raise(m, SEV_NOTE, RULE_IRQ_VECTORS_IMPLICIT, EVIDENCE(p->managed_by, p->vectors_by),
				      "the driver relies on pcim_msi_release (the implicit hybrid) to free its vectors:"
				      " it needs pcim_alloc_irq_vectors() before the hybrid goes");
		} else {
			step_effect(m, "nothing enabled: silent no-op");
			/* The message does not name the profile: a finding keeps
			 * its fingerprint from one kernel version to the next. */
			if (p->freed_explicitly && m->profile->hybrid_documented)
				step_effect(m, "Documentation/PCI/msi-howto.rst: a driver of pcim_enable_device()"
					    " shouldn't call pci_free_irq_vectors()");
			if (p->freed_explicitly)
				finding_raise(m, SEV_NOTE, RULE_IRQ_VECTORS_HYBRID,
					      EVIDENCE(p->managed_by, p->vectors_by, p->freed_by),
					      "vectors of a managed device freed explicitly and again by pcim_msi_release"
					      " at detach (a silent no-op): ownership is ambiguous");
		}
		return;
	case NODE_MSI_VECTORS:
		if (!vec_free_type(m, VEC_NONE, "pcim_free_irq_vectors")) {
			step_effect(m, "nothing enabled: silent no-op");
			if (p->freed_explicitly)
				finding_raise(m, SEV_NOTE, RULE_REDUNDANT_RELEASE, EVIDENCE(p->vectors_by, p->freed_by),
					      "vectors from pcim_alloc_irq_vectors also freed explicitly: the managed"
					      " release is a no-op");
		}
		return;
	case NODE_MSI_DATA:
		if (p->vectors != VEC_NONE) {
			step_effect(m, "descriptors left: WARN_ON_ONCE, %s left enabled", vec_names[p->vectors]);
			finding_raise(m, SEV_WARNING, RULE_IRQ_VECTORS_LEAK, EVIDENCE(p->managed_by, p->vectors_by),
				      "%s vectors are never freed: msi_device_data_release finds descriptors left"
				      " (WARN_ON_ONCE) and the device keeps %s enabled%s", vec_names[p->vectors],
				      vec_names[p->vectors], p->is_managed && !m->profile->msi_hybrid
				      ? " (no implicit pcim_msi_release in this profile: use pcim_alloc_irq_vectors)" : "");
		}
		p->msi_data = false;
		step_effect(m, "MSI device data released");
		if (m->domain.per_device && m->domain.state == DOMAIN_LIVE && m->profile->msi_teardown &&
		    p->vectors == VEC_NONE) {
			m->domain.state = DOMAIN_DESTROYED;
			set_step(&m->domain.destroyed, m->cur);
			step_effect(m, "msi_teardown: per-device state torn down");
		}
		return;
	default:
		return;
	}
}
