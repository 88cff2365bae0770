/*
 * release.c: the work stack, which runs releases in the kernel's order.
 *
 * Unbinding is a sequence (the bus's remove steps, then devres released
 * LIFO), and at any point the kernel may call into the driver: a devm
 * action registered with a driver function.  The model cannot run driver
 * code, so the sequence is a stack of work items in the state: bus script
 * steps, unlinked devres nodes waiting for their release, and driver
 * callbacks.  work_run() pops items until a driver callback is on top,
 * which it hands to the caller; the caller replays the callback's body
 * (its calls may push more work, which then runs first, as nested
 * releases do in the kernel) and asks again.  Keeping the stack in the
 * state makes it cloneable like everything else.
 */
#include <string.h>

#include "model/internal.h"

static Work *push(Model *m, WorkKind kind, const ModelOrigin *origin)
{
	Work *w = PUSH(m, work);
	memset(w, 0, sizeof *w);
	w->kind = kind;
	if (origin)
		w->origin = *origin;
	return w;
}

/* Takes over the node's step reference. */
void work_push_node(Model *m, const Node *node, const ModelOrigin *origin)
{
	push(m, WORK_NODE, origin)->node = *node;
}

void work_push_call(Model *m, const char *fn, const char *data, const ModelOrigin *origin)
{
	Work *w = push(m, WORK_CALL, origin);
	w->fn = fn;
	w->data = data;
	w->why = step_ref(m->cur);
}

void work_push_script(Model *m, const BusStep *script, const ModelOrigin *origin)
{
	push(m, WORK_SCRIPT, origin)->script = script;
}

/* A devm action: kernel functions named in the spec run as model calls, driver functions are handed out. */
static void release_action(Model *m, const Node *n, const ModelOrigin *origin)
{
	const SpecEntry *e = spec_lookup(m->spec, n->fn);
	if (e && spec_entry_in_profile(e, m->profile_index)) {
		step_effect(m, "kernel function %s runs", n->fn);
		step_end(m);
		const char *args[] = { n->data };
		model_call(m, n->fn, args, 1, NULL, MODEL_SUCCESS, origin);
		return;
	}
	step_effect(m, "driver callback %s(%s) runs now", n->fn, n->data);
	work_push_call(m, n->fn, n->data, origin);
}

static void release_node(Model *m, const Node *n, const ModelOrigin *origin)
{
	char buf[256];
	step_begin(m, origin, "devres release #%d %s", n->id, node_name(m, n, buf, sizeof buf));
	switch (n->kind) {
	case NODE_PCIM_RELEASE:
	case NODE_PCIM_DISABLE:
	case NODE_INTX_RESTORE:
		pci_release_node(m, n);
		break;
	case NODE_MSI_DATA:
	case NODE_MSI_RELEASE:
	case NODE_MSI_VECTORS:
		msi_release_node(m, n);
		break;
	case NODE_IRQ:
		irq_release_node(m, n);
		break;
	case NODE_RESOURCE:
		resource_release_node(m, n);
		break;
	case NODE_ACTION:
		release_action(m, n, origin);
		break;
	case NODE_GROUP_OPEN:
	case NODE_GROUP_CLOSE:
		step_effect(m, "group marker: nothing to do");
		break;
	}
	step_end(m);
}

bool work_run(Model *m, ModelCallback *callback)
{
	step_end(m);
	while (m->nwork) {
		Work w = m->work[--m->nwork];
		switch (w.kind) {
		case WORK_SCRIPT:
			if (w.script[1].kind != BS_END)
				work_push_script(m, w.script + 1, &w.origin);
			bus_run_step(m, w.script, &w.origin);
			step_end(m);
			break;
		case WORK_NODE:
			release_node(m, &w.node, &w.origin);
			step_unref(w.node.step);
			break;
		case WORK_CALL:
			step_unref(w.why);
			callback->function = w.fn;
			callback->data = w.data;
			callback->origin = w.origin;
			m->callback = w.fn;
			return true;
		}
	}
	m->callback = NULL;
	return false;
}

bool model_next_callback(Model *m, ModelCallback *callback)
{
	model_changed(m);
	return work_run(m, callback);
}
