/*
 * release.c: the job stack, which runs releases in the kernel's order.
 *
 * Unbinding is a sequence (the bus's remove steps, then devres released
 * LIFO), and at any point the kernel may call into the driver: a devm
 * action registered with a driver function.  The model cannot run driver
 * code, so the sequence is a stack of jobs in the state: bus script
 * steps, unlinked devres nodes waiting for their release, and driver
 * callbacks.  jobs_run() pops items until a driver callback is on top,
 * which it hands to the caller; the caller replays the callback's body
 * (its calls may push more jobs, which then run first, as nested
 * releases do in the kernel) and asks again.  While the body runs, a
 * fence sits on the jobs that were waiting below it: the caller asks for
 * callbacks after every event of the body, and without the fence the
 * next devres action would run inside the body, at the depth of
 * whatever callee made that event, instead of after the body returned.
 * model_callback_done() lifts the fence.  Keeping the stack in the state
 * makes it cloneable like everything else.
 */
#include <string.h>

#include "model/internal.h"

static Job *push(Model *m, JobKind kind, const ModelOrigin *origin)
{
	Job *j = PUSH(m, jobs);
	memset(j, 0, sizeof *j);
	j->kind = kind;
	if (origin)
		j->origin = *origin;
	return j;
}

/* Takes over the node's step reference. */
void job_push_node(Model *m, const Node *node, const ModelOrigin *origin)
{
	push(m, JOB_NODE, origin)->node = *node;
}

void job_push_call(Model *m, const char *fn, const char *data, const ModelOrigin *origin)
{
	Job *j = push(m, JOB_CALL, origin);
	j->fn = fn;
	j->data = data;
	j->why = step_ref(m->cur);
}

void job_push_script(Model *m, const BusStep *script, const ModelOrigin *origin)
{
	push(m, JOB_SCRIPT, origin)->script = script;
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
	job_push_call(m, n->fn, n->data, origin);
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

bool jobs_run(Model *m, ModelCallback *callback)
{
	step_end(m);
	while (m->njobs && m->jobs[m->njobs - 1].kind != JOB_FENCE) {
		Job j = m->jobs[--m->njobs];
		switch (j.kind) {
		case JOB_SCRIPT:
			if (j.script[1].kind != BS_END)
				job_push_script(m, j.script + 1, &j.origin);
			bus_run_step(m, j.script, &j.origin);
			step_end(m);
			break;
		case JOB_NODE:
			release_node(m, &j.node, &j.origin);
			step_unref(j.node.step);
			break;
		case JOB_CALL:
			if (j.unregistered)
				dry_begin(m, j.why);
			else
				step_unref(j.why);
			callback->function = j.fn;
			callback->data = j.data;
			callback->origin = j.origin;
			callback->unregistered = j.unregistered;
			push(m, JOB_FENCE, &j.origin);
			return true;
		case JOB_FENCE: /* not reached: the loop stops at a fence */
			break;
		}
	}
	return false;
}

bool model_next_callback(Model *m, ModelCallback *callback)
{
	model_changed(m);
	return jobs_run(m, callback);
}

void model_callback_done(Model *m)
{
	model_changed(m);
	dry_end(m);
	for (int i = m->njobs - 1; i >= 0; i--)
		if (m->jobs[i].kind == JOB_FENCE) {
			memmove(&m->jobs[i], &m->jobs[i + 1], (m->njobs - i - 1) * sizeof *m->jobs);
			m->njobs--;
			break;
		}
}
