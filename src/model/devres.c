/*
 * devres.c: the device's devres list (drivers/base/devres.c).
 *
 * The list is an array in insertion order; new nodes go to the tail and
 * lookups scan from the tail (newest first), as add_dr() and find_dr()
 * do.  Groups are pairs of marker nodes.  Releasing a range follows
 * remove_nodes() exactly: every non-marker node in the range is taken, a
 * group is dissolved only if it lies wholly in the range (both markers, or
 * the opening marker of a still open group), and the taken nodes are
 * released strictly LIFO.  Release itself is not done here: the nodes are
 * pushed on the job stack (release.c) because a node may need the driver
 * to run a callback before the next one is released.
 *
 * This file also holds the driver-facing group and action APIs, whose
 * WARN/BUG cases (docs/semantics.md, 1) become findings.
 */
#include <stdio.h>
#include <string.h>

#include "model/internal.h"

Node *devres_add(Model *m, NodeKind kind, int ref)
{
	Node *n = PUSH(m, nodes);
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->ref = ref;
	n->id = m->next_node_id++;
	n->step = step_ref(m->cur);
	return n;
}

int devres_find(const Model *m, NodeKind kind, int ref)
{
	for (int i = m->nnodes - 1; i >= 0; i--)
		if (m->nodes[i].kind == kind && (ref < 0 || m->nodes[i].ref == ref))
			return i;
	return -1;
}

int devres_find_action(const Model *m, const char *fn, const char *data)
{
	for (int i = m->nnodes - 1; i >= 0; i--)
		if (m->nodes[i].kind == NODE_ACTION && m->nodes[i].fn == fn && m->nodes[i].data == data)
			return i;
	return -1;
}

/* Take node i off the list; the caller owns the returned copy (and its step reference). */
Node devres_unlink(Model *m, int index)
{
	Node n = m->nodes[index];
	memmove(&m->nodes[index], &m->nodes[index + 1], (m->nnodes - index - 1) * sizeof n);
	m->nnodes--;
	return n;
}

static void drop(Model *m, int index)
{
	Node n = devres_unlink(m, index);
	step_unref(n.step);
}

const char *node_name(const Model *m, const Node *n, char *buf, int len)
{
	switch (n->kind) {
	case NODE_PCIM_RELEASE: return "pcim_release";
	case NODE_PCIM_DISABLE: return "pcim_disable_device";
	case NODE_MSI_DATA: return "msi_device_data_release";
	case NODE_MSI_RELEASE: return "pcim_msi_release";
	case NODE_MSI_VECTORS: return "pcim_free_irq_vectors";
	case NODE_INTX_RESTORE: return "pcim_intx_restore";
	case NODE_IRQ:
		snprintf(buf, len, "devm_irq_release(%s)", m->irqs[n->ref].irq);
		return buf;
	case NODE_RESOURCE:
		snprintf(buf, len, "%s(%s)", m->res[n->ref].by->node ? m->res[n->ref].by->node
			 : m->res[n->ref].by->name, m->res[n->ref].sym);
		return buf;
	case NODE_ACTION:
		snprintf(buf, len, "%s(%s)", n->fn, n->data);
		return buf;
	case NODE_GROUP_OPEN:
	case NODE_GROUP_CLOSE:
		snprintf(buf, len, "group %s %s", m->groups[n->ref].id,
			 n->kind == NODE_GROUP_OPEN ? "open" : "close");
		return buf;
	}
	return "?";
}

static bool is_marker(const Node *n)
{
	return n->kind == NODE_GROUP_OPEN || n->kind == NODE_GROUP_CLOSE;
}

static int marker_index(const Model *m, NodeKind kind, int group)
{
	for (int i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == kind && m->nodes[i].ref == group)
			return i;
	return -1;
}

/*
 * remove_nodes() + release_nodes() over [first, end): queue the taken
 * nodes so that the newest is released first, and dissolve the groups
 * that lie wholly inside.
 */
void devres_release_range(Model *m, int first, int end, const ModelOrigin *origin)
{
	int ngroups = m->ngroups;
	int color[ngroups ? ngroups : 1];
	bool dissolve[ngroups ? ngroups : 1];
	memset(color, 0, sizeof color);
	memset(dissolve, 0, sizeof dissolve);
	for (int i = first; i < end; i++) {
		const Node *n = &m->nodes[i];
		if (!is_marker(n))
			continue;
		color[n->ref]++;
		if (n->kind == NODE_GROUP_OPEN && marker_index(m, NODE_GROUP_CLOSE, n->ref) < 0)
			color[n->ref]++;
		if (color[n->ref] == 2)
			dissolve[n->ref] = true;
	}
	/* Oldest first onto the stack, so that the newest is on top and released first. */
	int taken = 0;
	for (int i = first; i < end; i++)
		if (!is_marker(&m->nodes[i])) {
			job_push_node(m, &m->nodes[i], origin);
			m->nodes[i].step = NULL; /* the job owns the reference now */
			taken++;
		}
	int out = 0;
	for (int i = 0; i < m->nnodes; i++) {
		Node *n = &m->nodes[i];
		bool take = i >= first && i < end && !is_marker(n);
		if (i >= first && i < end && is_marker(n) && dissolve[n->ref]) {
			step_unref(n->step);
			take = true;
		}
		if (!take)
			m->nodes[out++] = *n;
	}
	/* color == 2 means both markers were in the range (or an open group's only one). */
	for (int g = 0; g < ngroups; g++)
		if (dissolve[g])
			step_effect(m, "group %s dissolved", m->groups[g].id);
	m->nnodes = out;
	if (!taken && m->cur)
		step_effect(m, "nothing to release");
}

static const BusStep release_all_done[] = { { BS_RELEASE_ALL_DONE, NULL }, { BS_END, NULL } };

void devres_release_all(Model *m, const ModelOrigin *origin)
{
	m->releasing_all++;
	job_push_script(m, release_all_done, origin);
	devres_release_range(m, 0, m->nnodes, origin);
}

/* find_group(): newest group with this id (open or closed), or newest open group for NULL. */
int devres_find_group(const Model *m, const char *id)
{
	for (int i = m->nnodes - 1; i >= 0; i--) {
		const Node *n = &m->nodes[i];
		if (n->kind != NODE_GROUP_OPEN)
			continue;
		if (id ? m->groups[n->ref].id == id : marker_index(m, NODE_GROUP_CLOSE, n->ref) < 0)
			return i;
	}
	return -1;
}

void devres_group_call(Model *m, const SpecEntry *e, const char *const *args, int nargs,
		       const char *result, ModelOutcome outcome, const ModelOrigin *origin)
{
	const char *id = arg(e, ARG_ID, args, nargs);
	id = is_null(id) ? NULL : intern(m->pool, id);
	if (e->event == EV_GROUP_OPEN) {
		if (outcome == MODEL_FAILURE) {
			step_effect(m, "allocation failed, no group");
			return;
		}
		char name[32];
		if (!id && !result)
			snprintf(name, sizeof name, "group#%d", m->next_node_id);
		Group *g = PUSH(m, groups);
		g->id = id ? id : intern(m->pool, result ? result : name);
		g->closed_once = false;
		Node *n = devres_add(m, NODE_GROUP_OPEN, m->ngroups - 1);
		step_effect(m, "devres +#%d group %s opened", n->id, g->id);
		return;
	}
	int open = devres_find_group(m, id);
	if (open < 0) {
		if (e->event == EV_GROUP_RELEASE && !m->nnodes) {
			step_effect(m, "no group %s and the list is empty: silent", id ? id : "(innermost open)");
			return;
		}
		step_effect(m, "no group %s: WARN", id ? id : "(innermost open)");
		if (id)
			finding_raise(m, SEV_WARNING, RULE_DEVRES_GROUP_MISUSE, NO_EVIDENCE,
				      "%s: no group %s on the device (WARN)", e->name, id);
		else
			finding_raise(m, SEV_WARNING, RULE_DEVRES_GROUP_MISUSE, NO_EVIDENCE,
				      "%s(NULL): no open group on the device (WARN)", e->name);
		return;
	}
	int g = m->nodes[open].ref;
	int close = marker_index(m, NODE_GROUP_CLOSE, g);
	switch (e->event) {
	case EV_GROUP_CLOSE:
		if (close >= 0) {
			step_effect(m, "group %s already closed: BUG in add_dr", m->groups[g].id);
			finding_raise(m, SEV_WARNING, RULE_DEVRES_GROUP_MISUSE, EVIDENCE(m->nodes[close].step),
				      "group %s closed twice: add_dr() BUGs on a node already on the list",
				      m->groups[g].id);
			return;
		}
		m->groups[g].closed_once = true;
		Node *n = devres_add(m, NODE_GROUP_CLOSE, g);
		step_effect(m, "devres +#%d group %s closed", n->id, m->groups[g].id);
		return;
	case EV_GROUP_REMOVE:
		if (close >= 0)
			drop(m, close);
		drop(m, open);
		step_effect(m, "group %s markers removed, its resources stay on the list", m->groups[g].id);
		return;
	case EV_GROUP_RELEASE:
		step_effect(m, "release group %s (%s)", m->groups[g].id, close >= 0 ? "closed" : "open: up to the list end");
		devres_release_range(m, open, close >= 0 ? close + 1 : m->nnodes, origin);
		return;
	default:
		return;
	}
}

void devres_action_call(Model *m, const SpecEntry *e, const char *const *args, int nargs,
			ModelOutcome outcome, const ModelOrigin *origin)
{
	const char *fn = intern(m->pool, arg(e, ARG_FN, args, nargs));
	const char *data = intern(m->pool, arg(e, ARG_DATA, args, nargs));
	if (!fn) {
		step_effect(m, "no action argument: not modelled");
		return;
	}
	if (!data)
		data = intern(m->pool, "NULL");
	if (e->event == EV_ACTION_ADD) {
		if (outcome == MODEL_FAILURE) {
			if (e->flags & SPEC_OR_RESET) {
				step_effect(m, "add failed: %s(%s) runs now", fn, data);
				job_push_call(m, fn, data, origin);
			} else {
				action_unregistered(m, fn, data, origin);
			}
			return;
		}
		Node *n = devres_add(m, NODE_ACTION, -1);
		n->fn = fn, n->data = data;
		step_effect(m, "devres +#%d %s(%s)", n->id, fn, data);
		return;
	}
	int i = devres_find_action(m, fn, data);
	if (i < 0) {
		step_effect(m, "no such action: WARN");
		finding_raise(m, SEV_WARNING, RULE_RELEASE_UNACQUIRED, NO_EVIDENCE,
			      "%s(%s, %s): no matching devres action (WARN_ON in %s)", e->name, fn, data, e->name);
		return;
	}
	Node n = devres_unlink(m, i);
	if (e->event == EV_ACTION_REMOVE) {
		step_effect(m, "devres -#%d %s(%s) removed without running it", n.id, fn, data);
		step_unref(n.step);
		return;
	}
	step_effect(m, "devres -#%d %s(%s) released now", n.id, fn, data);
	job_push_node(m, &n, origin);
}
