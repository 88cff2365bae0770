/*
 * irq.c: IRQ requests and frees (docs/semantics.md, 7).
 *
 * An IRQ is identified by its number's symbol and its dev_id, as
 * free_irq() matches the action by dev_id.  An IRQ whose number came from
 * pci_irq_vector() (or pci_request_irq's vector index, or pdev->irq while
 * MSI is enabled, since MSI replaces dev->irq) sits on a vector:
 * freeing the vectors while it is requested takes its descriptor away
 * (irq-vectors-live-irq), after which free_irq is silent or, if the number
 * was reused, frees somebody else's action.  devm_request_irq adds a
 * devm_irq_release node; free_irq on it leaves the node, so detach frees
 * again ("Trying to free already-free IRQ").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"

static const char *irq_symbol(Model *m, const SpecEntry *e, const char *const *args, int nargs, int *vector)
{
	const char *index = arg(e, ARG_INDEX, args, nargs);
	if (index) {
		*vector = m->pci.vectors != VEC_NONE ? vector_number(index) : -1;
		char buf[128];
		snprintf(buf, sizeof buf, "pci_irq_vector(%s)", index);
		return intern(m->pool, buf);
	}
	const char *irq = intern(m->pool, arg(e, ARG_IRQ, args, nargs));
	*vector = irq ? link_vector(m, irq) : -1;
	/* MSI (not MSI-X) replaces dev->irq with its first vector (docs/semantics.md, 5). */
	size_t len = irq ? strlen(irq) : 0;
	if (*vector < 0 && len > 5 && !strcmp(irq + len - 5, "->irq") && m->pci.vectors == VEC_MSI)
		*vector = 0;
	return irq ? irq : intern(m->pool, "?");
}

void irq_request_call(Model *m, const SpecEntry *e, const char *const *args, int nargs, ModelOutcome outcome)
{
	if (outcome == MODEL_FAILURE) {
		step_effect(m, "failed: nothing requested");
		return;
	}
	int vector;
	const char *irq = irq_symbol(m, e, args, nargs, &vector);
	const char *dev_id = arg(e, ARG_DEV_ID, args, nargs);
	char buf[16];
	Irq *q = PUSH(m, irqs);
	memset(q, 0, sizeof *q);
	q->irq = irq;
	q->dev_id = intern(m->pool, dev_id ? dev_id : "NULL");
	q->by = e;
	q->vector = vector;
	q->managed = e->flags & SPEC_MANAGED;
	q->state = IRQ_LIVE;
	q->binding = m->binding;
	q->requested = step_ref(m->cur);
	/* IRQF_NO_AUTOEN: requested disabled, enabled only by enable_irq. */
	const char *flags = arg(e, ARG_FLAGS, args, nargs);
	q->disabled = flags && strstr(flags, "IRQF_NO_AUTOEN");
	if (vector >= 0)
		step_effect(m, "IRQ %s requested on vector %s (dev_id %s)", irq, vector_label(vector, buf), q->dev_id);
	else
		step_effect(m, "IRQ %s requested (dev_id %s)", irq, q->dev_id);
	if (q->managed) {
		Node *n = devres_add(m, NODE_IRQ, m->nirqs - 1);
		step_effect(m, "devres +#%d devm_irq_release", n->id);
	}
}

/*
 * free_irq finds the action by IRQ number and dev_id.  The model sees
 * expressions, and a driver often names the same number differently at
 * request and free (pdev->irq vs pci_irq_vector(pdev, 0), a copy in
 * priv->irq): so an exact match is tried first, then, only when the
 * expression names no IRQ the model has seen at all, the newest IRQ with
 * the same dev_id (a real cookie, not NULL).  A guess across management
 * kinds (free_irq taking a devm IRQ) must also agree on the last member
 * named (`priv->irq` for a request of `irq`): otherwise a driver's second,
 * unmanaged IRQ with the device as cookie, requested where the replay does
 * not see it (a GPIO's, `s->gpio_irq[i]`), would be taken for its devm IRQ
 * and reported as a double free (bench/agree: four false positives in 6.12).
 */
enum { EXACT, LOOSE_UNMANAGED, LOOSE_MANAGED };

static const char *last_member(const char *e)
{
	const char *arrow = strrchr(e, '>'), *dot = strrchr(e, '.');
	const char *p = arrow > dot ? arrow : dot;
	return p ? p + 1 : e;
}

static bool irq_matches(const Irq *q, const char *irq, int vector, const char *dev_id, int loose)
{
	if (q->dev_id != dev_id)
		return false;
	if (q->irq == irq || (vector >= 0 && q->vector == vector))
		return true;
	if (!loose || !strcmp(dev_id, "NULL"))
		return false;
	return q->managed == (loose == LOOSE_MANAGED) || !strcmp(last_member(q->irq), last_member(irq));
}

static bool known_irq(const Model *m, const char *irq, int vector, const char *dev_id)
{
	for (int i = 0; i < m->nirqs; i++)
		if (irq_matches(&m->irqs[i], irq, vector, dev_id, EXACT))
			return true;
	return false;
}

/* The IRQ a free of MANAGED kind releases: exact, else a guess by dev_id. */
static int find_irq(const Model *m, const char *irq, int vector, const char *dev_id, bool live,
		    bool managed)
{
	int loose = known_irq(m, irq, vector, dev_id) ? EXACT : managed ? LOOSE_MANAGED : LOOSE_UNMANAGED;
	for (int i = m->nirqs - 1; i >= 0; i--)
		if (irq_matches(&m->irqs[i], irq, vector, dev_id, EXACT) && (m->irqs[i].state == IRQ_LIVE) == live)
			return i;
	for (int i = m->nirqs - 1; loose && i >= 0; i--)
		if (irq_matches(&m->irqs[i], irq, vector, dev_id, loose) && (m->irqs[i].state == IRQ_LIVE) == live)
			return i;
	return -1;
}

void irq_free_call(Model *m, const SpecEntry *e, const char *const *args, int nargs)
{
	int vector;
	const char *irq = irq_symbol(m, e, args, nargs, &vector);
	const char *dev_id = intern(m->pool, arg(e, ARG_DEV_ID, args, nargs));
	if (!dev_id)
		dev_id = intern(m->pool, "NULL");
	bool managed = e->flags & SPEC_MANAGED;
	if (m->dry) {
		int q = managed ? -1 : find_irq(m, irq, vector, dev_id, true, false);
		if (q >= 0)
			owe_irq(m, &m->irqs[q]);
		else
			step_effect(m, "IRQ %s (dev_id %s) not live and unmanaged: nothing owed", irq, dev_id);
		return;
	}
	if (managed) {
		int node = -1, tries = known_irq(m, irq, vector, dev_id) ? 1 : 2;
		for (int t = 0; t < tries && node < 0; t++)
			for (int i = m->nnodes - 1; i >= 0 && node < 0; i--)
				if (m->nodes[i].kind == NODE_IRQ &&
				    irq_matches(&m->irqs[m->nodes[i].ref], irq, vector, dev_id,
						t ? LOOSE_MANAGED : EXACT))
					node = i;
		if (node < 0) {
			step_effect(m, "no devm_irq_release node: WARN_ON, free_irq still runs");
			int q = find_irq(m, irq, vector, dev_id, true, managed);
			finding_raise(m, SEV_WARNING, RULE_RELEASE_UNACQUIRED, EVIDENCE(q >= 0 ? m->irqs[q].requested : NULL),
				      "%s on IRQ %s with no devm_request_irq behind it (WARN_ON in devm_free_irq)",
				      e->name, irq);
		} else {
			Node n = devres_unlink(m, node);
			step_effect(m, "devres -#%d devm_irq_release", n.id);
			step_unref(n.step);
		}
	}
	int i = find_irq(m, irq, vector, dev_id, true, managed);
	if (i < 0) {
		int old = find_irq(m, irq, vector, dev_id, false, managed);
		if (old < 0) {
			step_effect(m, "IRQ %s (dev_id %s) not tracked: no effect modelled", irq, dev_id);
			return;
		}
		Irq *q = &m->irqs[old];
		if (q->desc_gone) {
			step_effect(m, "descriptor gone: free_irq returns silently");
			return;
		}
		step_effect(m, "IRQ already freed: WARN \"Trying to free already-free IRQ\"");
		finding_raise(m, SEV_WARNING, RULE_DOUBLE_FREE, EVIDENCE(q->requested, q->freed),
			      "free_irq on IRQ %s (dev_id %s), which is already freed (WARN: Trying to free"
			      " already-free IRQ)", irq, dev_id);
		return;
	}
	Irq *q = &m->irqs[i];
	bool has_node = false;
	for (int n = 0; n < m->nnodes; n++)
		has_node |= m->nodes[n].kind == NODE_IRQ && m->nodes[n].ref == i;
	step_unref(q->freed);
	q->freed = step_ref(m->cur);
	if (has_node) {
		q->state = IRQ_WRONGLY_FREED;
		step_effect(m, "IRQ %s freed, but its devm_irq_release node stays", irq);
		finding_raise(m, SEV_WARNING, RULE_DEVM_DOUBLE_FREE, EVIDENCE(q->requested),
			      "IRQ %s from %s released with %s: devres frees it again at detach (WARN: Trying"
			      " to free already-free IRQ, or frees a later action with the same dev_id)",
			      irq, q->by->name, e->name);
		return;
	}
	q->state = IRQ_FREED;
	step_effect(m, q->desc_gone ? "descriptor gone: free_irq returns silently" : "IRQ %s freed", irq);
	/* The same expression and cookie requested again and still live: the
	 * analyzer replays a request loop as copies of one expression
	 * (pci_irq_vector(pdev, i)), and the free loop over it frees them all.
	 * Unmanaged only: a devm copy would keep its devres node. */
	for (int k = 0; k < m->nirqs; k++) {
		Irq *o = &m->irqs[k];
		if (k != i && o->state == IRQ_LIVE && o->irq == q->irq && o->dev_id == q->dev_id &&
		    !o->managed && !q->managed) {
			o->state = IRQ_FREED;
			step_effect(m, "IRQ %s (a copy of the same request) freed", irq);
		}
	}
}

void irq_release_node(Model *m, const Node *n)
{
	Irq *q = &m->irqs[n->ref];
	if (q->state == IRQ_WRONGLY_FREED) {
		step_effect(m, "free_irq(%s, %s) again: WARN \"Trying to free already-free IRQ\"", q->irq, q->dev_id);
		q->state = IRQ_FREED;
		return;
	}
	q->state = IRQ_FREED;
	step_unref(q->freed);
	q->freed = step_ref(m->cur);
	if (q->desc_gone)
		step_effect(m, "free_irq(%s, %s): descriptor gone with the vectors: returns silently, or frees a"
			    " reused IRQ's action", q->irq, q->dev_id);
	else
		step_effect(m, "free_irq(%s, %s)", q->irq, q->dev_id);
}

void irq_vectors_freed(Model *m, const char *who)
{
	for (int i = 0; i < m->nirqs; i++) {
		Irq *q = &m->irqs[i];
		if (q->vector < 0 || q->desc_gone || q->state == IRQ_FREED)
			continue;
		q->desc_gone = true;
		if (q->state != IRQ_LIVE)
			continue;
		char buf[16];
		step_effect(m, "IRQ %s still requested on vector %s", q->irq, vector_label(q->vector, buf));
		finding_raise(m, SEV_WARNING, RULE_IRQ_VECTORS_LIVE_IRQ, EVIDENCE(m->pci.vectors_by, q->requested),
			      "%s frees the vectors while IRQ %s (%s, dev_id %s) is still requested: %s", who, q->irq,
			      q->by->name, q->dev_id, q->managed ? "devres calls free_irq on it later, on a stale"
			      " number (silent, or frees a reused IRQ's action)" : "its descriptor is gone under it");
	}
}

void irq_enable_call(Model *m, const SpecEntry *e, const char *const *args, int nargs, bool enable)
{
	int vector;
	const char *irq = irq_symbol(m, e, args, nargs, &vector);
	for (int i = 0; i < m->nirqs; i++) {
		Irq *q = &m->irqs[i];
		if (q->state != IRQ_LIVE || q->irq != irq || q->disabled == !enable)
			continue;
		q->disabled = !enable;
		step_effect(m, "IRQ %s %s", irq, enable ? "enabled: its handler can run" : "disabled: its handler cannot run");
	}
}

void irq_check_dev_id_freed(Model *m, const char *sym)
{
	for (int i = 0; i < m->nirqs; i++) {
		const Irq *q = &m->irqs[i];
		if (q->state != IRQ_LIVE || !q->managed || q->dev_id != sym || q->disabled)
			continue;
		finding_raise(m, SEV_WARNING, RULE_DEVM_IRQ_AFTER_TEARDOWN, EVIDENCE(q->requested),
			      "%s is freed while devm IRQ %s still has it as dev_id: the IRQ stays requested until"
			      " devres releases it, and a handler running meanwhile uses freed memory", sym, q->irq);
	}
}
