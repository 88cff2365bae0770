/*
 * owed.c: what a devm_add_action() that failed leaves the driver to release.
 *
 * devm_add_action() registers FN(DATA) to run at detach; when its
 * allocation fails nothing is registered and it returns -ENOMEM
 * (drivers/base/devres.c, __devm_add_action).  A driver that acquired
 * something before the call and means the action to release it must
 * release it itself on that error, or use devm_add_action_or_reset(),
 * which runs the action on failure.  The leak is a real fix's shape.
 *
 * To know what the action would have released, the model replays it once
 * in a dry mode: the action's body runs as a callback, as it would at
 * detach, but each release it makes only marks the live resource or IRQ
 * as owed by the failed add, and nothing else of its calls happens.  An
 * owed resource that is released later on the path (the error path calls
 * the action, or the release, itself) is no longer live and is not
 * reported; one still live when the binding ends, or when the analyzer
 * sees the last pointer to it go, is devm-action-leak, reported at the
 * devm_add_action() line: the line to change.  This refines resource-leak
 * (off: a release the analysis cannot see may exist) to the leaks whose
 * release the driver itself named, in the action.
 */
#include <stdio.h>

#include "model/internal.h"

/* Dry mode ends when the replayed action's body is done: the caller says
 * so (model_callback_done). */
void dry_end(Model *m)
{
	if (!m->dry)
		return;
	m->dry = false;
	step_unref(m->dry_by);
	m->dry_by = NULL;
}

/* Takes over the reference WHY holds. */
void dry_begin(Model *m, Transition *why)
{
	dry_end(m);
	m->dry = true;
	m->dry_by = why;
}

void action_unregistered(Model *m, const char *fn, const char *data, const ModelOrigin *origin)
{
	step_effect(m, "add failed, nothing registered: what %s(%s) would release is still the driver's", fn, data);
	const SpecEntry *e = spec_lookup(m->spec, fn);
	if (!e || !spec_entry_in_profile(e, m->profile_index)) {
		job_push_call(m, fn, data, origin);
		m->jobs[m->njobs - 1].unregistered = true;
		return;
	}
	/* A kernel function as the action (kfree, clk_put): replay it now. */
	Transition *why = step_ref(m->cur);
	step_end(m);
	dry_begin(m, why);
	const char *args[] = { data };
	model_call(m, fn, args, 1, NULL, MODEL_SUCCESS, origin);
	dry_end(m);
}

/* Mark what a release in the dry replay names (WHAT: OWED and OWED_BY of
 * a resource or an IRQ) as owed, if it is the driver's to release. */
static void owe(Model *m, bool drivers, const char *what, bool *owed, Transition **owed_by)
{
	if (!drivers) {
		step_effect(m, "%s is not the driver's to release: nothing owed", what);
		return;
	}
	*owed = true;
	step_unref(*owed_by);
	*owed_by = step_ref(m->dry_by);
	step_effect(m, "the unregistered action would release %s: the driver still owes it", what);
}

void owe_res(Model *m, Res *r)
{
	owe(m, r->state == RES_LIVE && !r->managed, r->sym, &r->owed, &r->owed_by);
}

void owe_irq(Model *m, Irq *q)
{
	char what[200];
	snprintf(what, sizeof what, "IRQ %s", q->irq);
	owe(m, q->state == IRQ_LIVE && !q->managed, what, &q->owed, &q->owed_by);
}

/* WHAT (a resource or an IRQ, acquired at ACQUIRED) is still live and
 * owed by the failed add at OWED_BY.  Raised at the add's line when no
 * event is open. */
static void owed_leak(Model *m, const char *what, Transition *acquired, Transition *owed_by, const char *when)
{
	bool own_step = !m->cur;
	if (own_step) {
		step_begin(m, owed_by ? &owed_by->pub.origin : NULL, "the path %s", when);
		step_effect(m, "%s can no longer be released", what);
	}
	finding_raise(m, SEV_WARNING, RULE_DEVM_ACTION_LEAK, EVIDENCE(acquired, owed_by),
		      "%s is never released: devm_add_action() failed at line %d, so the action that would"
		      " release it was never registered, and the path %s without releasing it"
		      " (devm_add_action_or_reset() runs the action when the add fails)",
		      what, owed_by ? owed_by->pub.origin.line : 0, when);
	if (own_step)
		step_end(m);
}

void owed_res_leak(Model *m, const Res *r, const char *when)
{
	char what[256];
	snprintf(what, sizeof what, "%s from %s", r->sym, r->by->name);
	owed_leak(m, what, r->acquired, r->owed_by, when);
}

void owed_irq_leak(Model *m, const Irq *q, const char *when)
{
	char what[256];
	snprintf(what, sizeof what, "IRQ %s (dev_id %s) from %s", q->irq, q->dev_id ? q->dev_id : "NULL", q->by->name);
	owed_leak(m, what, q->requested, q->owed_by, when);
}
