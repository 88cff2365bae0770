/*
 * resource.c: resources with an acquire and a release function, managed
 * or not (memory, mappings, clocks, regulators, ... as the spec lists).
 *
 * A resource is the symbol the acquire returned.  A managed acquire puts
 * a node on the devres list; the spec names, for each managed acquire,
 * the unmanaged releases that must not undo it (kfree for devm_kzalloc,
 * iounmap for devm_ioremap, ...): using one of them is devm-double-free,
 * because devres still owns the resource and releases it again at detach
 * (for devm_k*alloc the pointer is not even a kmalloc object: it points
 * into the devres node).  Releases of symbols the model never saw
 * acquired do nothing: the analyzer may have missed the acquire, and the
 * model does not guess.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"

void acquire_call(Model *m, const SpecEntry *e, const char *const *args, int nargs,
		  const char *result, const ModelOrigin *origin, ModelOutcome outcome)
{
	if (outcome == MODEL_FAILURE) {
		step_effect(m, "failed: nothing acquired");
		return;
	}
	char name[160];
	if (!result) {
		snprintf(name, sizeof name, "%s@%d", e->name, origin ? origin->line : 0);
		result = name;
	}
	Res *r = PUSH(m, res);
	memset(r, 0, sizeof *r);
	r->sym = intern(m->pool, result);
	r->by = e;
	r->state = RES_LIVE;
	r->managed = e->flags & SPEC_MANAGED;
	r->binding = m->binding;
	r->acquired = step_ref(m->cur);
	if (r->managed) {
		Node *n = devres_add(m, NODE_RESOURCE, m->nres - 1);
		step_effect(m, "%s acquired; devres +#%d %s", r->sym, n->id, e->node ? e->node : e->name);
	} else {
		step_effect(m, "%s acquired", r->sym);
	}
}

static int find_res(const Model *m, const char *sym)
{
	int found = -1;
	for (int i = m->nres - 1; i >= 0; i--)
		if (m->res[i].sym == sym) {
			if (m->res[i].state == RES_LIVE)
				return i;
			if (found < 0)
				found = i;
		}
	return found;
}

static void release_managed(Model *m, const SpecEntry *e, const char *sym, int r)
{
	for (int i = m->nnodes - 1; i >= 0; i--) {
		const Node *n = &m->nodes[i];
		if (n->kind != NODE_RESOURCE || m->res[n->ref].sym != sym)
			continue;
		Res *res = &m->res[n->ref];
		Node gone = devres_unlink(m, i);
		step_unref(gone.step);
		res->state = RES_FREED;
		step_unref(res->released);
		res->released = step_ref(m->cur);
		step_effect(m, "devres -#%d: %s released now", gone.id, sym);
		if (e->flags & SPEC_FREES)
			irq_check_dev_id_freed(m, sym);
		return;
	}
	if (r < 0) {
		step_effect(m, "%s not tracked: no effect modelled", sym);
		return;
	}
	const Res *res = &m->res[r];
	step_effect(m, "no devres node for %s: WARN", sym);
	finding_raise(m, SEV_WARNING, res->managed ? RULE_DOUBLE_FREE : RULE_RELEASE_UNACQUIRED,
		      EVIDENCE(res->acquired, res->released),
		      res->managed ? "%s on %s, which is already released (devres finds no node: WARN)"
		      : "%s on %s, which %s did not allocate through devres (WARN, nothing released)",
		      e->name, sym, res->by->name);
}

void release_call(Model *m, const SpecEntry *e, const char *const *args, int nargs)
{
	const char *sym = arg(e, ARG_RES, args, nargs);
	if (!sym || is_null(sym)) {
		step_effect(m, "NULL: no-op");
		return;
	}
	sym = intern(m->pool, sym);
	int r = find_res(m, sym);
	if (m->dry) {
		if (r >= 0 && !(e->flags & SPEC_MANAGED))
			owe_res(m, &m->res[r]);
		else
			step_effect(m, "%s not tracked: nothing owed", sym);
		return;
	}
	if (e->flags & SPEC_MANAGED) {
		release_managed(m, e, sym, r);
		return;
	}
	if (r < 0) {
		step_effect(m, "%s not tracked: no effect modelled", sym);
		return;
	}
	Res *res = &m->res[r];
	if (res->state != RES_LIVE) {
		step_effect(m, "%s already released", sym);
		finding_raise(m, SEV_WARNING, RULE_DOUBLE_FREE, EVIDENCE(res->acquired, res->released),
			      "%s(%s): %s is already released", e->name, sym, sym);
		return;
	}
	if (res->managed && !spec_is_wrong_release(res->by, e->name)) {
		step_effect(m, "%s does not release what %s acquires: not modelled", e->name, res->by->name);
		return;
	}
	step_unref(res->released);
	res->released = step_ref(m->cur);
	if (res->managed) {
		res->state = RES_WRONGLY_FREED;
		step_effect(m, "%s released, but devres still owns it", sym);
		bool inside_node = res->by->resource && !strcmp(res->by->resource, "memory");
		finding_raise(m, SEV_WARNING, RULE_DEVM_DOUBLE_FREE, EVIDENCE(res->acquired),
			      "%s from %s released with %s, the unmanaged API: devres still owns it and"
			      " releases it again at detach%s", sym, res->by->name, e->name, inside_node
			      ? " (and the pointer lies inside the devres node, so this free is already invalid)" : "");
	} else {
		res->state = RES_FREED;
		step_effect(m, "%s released", sym);
	}
	if (e->flags & SPEC_FREES)
		irq_check_dev_id_freed(m, sym);
}

void resource_release_node(Model *m, const Node *n)
{
	Res *r = &m->res[n->ref];
	if (r->state == RES_WRONGLY_FREED) {
		step_effect(m, "%s released again (already released at line %d)", r->sym,
			    r->released ? r->released->pub.origin.line : 0);
		r->state = RES_FREED;
		return;
	}
	r->state = RES_FREED;
	step_unref(r->released);
	r->released = step_ref(m->cur);
	step_effect(m, "%s released", r->sym);
	if (r->by->flags & SPEC_FREES)
		irq_check_dev_id_freed(m, r->sym);
}

/* The analyzer knows when no pointer to an object is left on a path (an
 * allocation handed to the clock framework, a buffer freed and dropped):
 * its unmanaged resource can no longer be released by the driver, so it
 * only makes the state differ from states that never had it.  Managed
 * resources stay: devres still releases them. */
void model_forget_unheld(Model *m, bool (*held)(void *ctx, const char *sym), void *ctx)
{
	int k = 0, *to = NULL;
	for (int i = 0; i < m->nres; i++)
		if (m->res[i].managed || held(ctx, m->res[i].sym))
			k++;
	if (k == m->nres)
		return;
	model_changed(m);
	to = xmalloc((size_t)(m->nres ? m->nres : 1) * sizeof *to);
	k = 0;
	for (int i = 0; i < m->nres; i++) {
		Res *r = &m->res[i];
		if (r->managed || held(ctx, r->sym)) {
			to[i] = k;
			m->res[k++] = *r;
		} else {
			to[i] = -1;
			if (r->owed && r->state == RES_LIVE)
				owed_res_leak(m, r, "dropped the last pointer to it");
			step_unref(r->acquired);
			step_unref(r->owed_by);
			step_unref(r->released);
		}
	}
	m->nres = k;
	for (int i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == NODE_RESOURCE)
			m->nodes[i].ref = to[m->nodes[i].ref];
	for (int i = 0; i < m->njobs; i++)
		if (m->jobs[i].kind == JOB_NODE && m->jobs[i].node.kind == NODE_RESOURCE)
			m->jobs[i].node.ref = to[m->jobs[i].node.ref];
	free(to);
}

const char *model_live_use(const Model *m, const char *sym)
{
	for (int i = 0; i < m->nirqs; i++)
		if (m->irqs[i].state == IRQ_LIVE && !strcmp(m->irqs[i].dev_id, sym))
			return "the dev_id of a requested IRQ";
	for (int i = 0; i < m->nres; i++)
		if (m->res[i].state == RES_LIVE && !m->res[i].managed && !strcmp(m->res[i].sym, sym))
			return "a resource the driver holds";
	return NULL;
}
