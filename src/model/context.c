/*
 * context.c: execution context, for "may this call sleep here?".
 *
 * Atomic context is a depth: every lock call of the spec (spin_lock and
 * its _irq/_irqsave/_bh forms, raw spinlocks, rwlocks, local_irq_disable)
 * enters it and every unlock leaves it; a hard IRQ handler is atomic too.
 * A call sleeps if the spec says so, or if its gfp argument allows direct
 * reclaim (GFP_KERNEL and friends); an unknown gfp expression is taken as
 * not sleeping, so the model never claims a sleep it cannot see.
 */
#include <stdio.h>
#include <string.h>

#include "model/internal.h"

/* gfp flag names that allow sleeping: all of them include __GFP_DIRECT_RECLAIM. */
static const char *const sleeping_gfp[] = {
	"GFP_KERNEL", "GFP_NOIO", "GFP_NOFS", "GFP_USER", "GFP_HIGHUSER", "__GFP_DIRECT_RECLAIM",
};

static bool gfp_may_sleep(const char *gfp)
{
	if (!gfp || strstr(gfp, "GFP_ATOMIC") || strstr(gfp, "GFP_NOWAIT"))
		return false;
	for (size_t i = 0; i < sizeof sleeping_gfp / sizeof sleeping_gfp[0]; i++)
		if (strstr(gfp, sleeping_gfp[i]))
			return true;
	return false;
}

bool context_atomic(const Model *m)
{
	return m->atomic > 0 || m->handler > 0;
}

static const char *where(const Model *m)
{
	return m->handler ? "an IRQ handler" : "atomic context";
}

void context_sleeping_alloc(Model *m, const char *what, ModelRule rule, Transition *why)
{
	if (!context_atomic(m))
		return;
	step_effect(m, "%s may sleep in %s", what, where(m));
	finding_raise(m, SEV_WARNING, rule, EVIDENCE(why, m->atomic_by),
		      "%s may sleep, but runs in %s", what, where(m));
}

void context_check_sleep(Model *m, const SpecEntry *e, const char *const *args, int nargs)
{
	if (!context_atomic(m))
		return;
	const char *gfp = arg(e, ARG_GFP, args, nargs);
	if (e->flags & SPEC_SLEEPS)
		context_sleeping_alloc(m, e->name, RULE_SLEEP_IN_ATOMIC, NULL);
	else if (gfp_may_sleep(gfp)) {
		char what[256];
		snprintf(what, sizeof what, "%s with %s", e->name, gfp);
		context_sleeping_alloc(m, what, RULE_SLEEP_IN_ATOMIC, NULL);
	}
}

void context_lock(Model *m, const SpecEntry *e, const char *const *args, int nargs)
{
	const char *lock = arg(e, ARG_LOCK, args, nargs);
	if (!m->atomic++) {
		step_unref(m->atomic_by);
		m->atomic_by = step_ref(m->cur);
	}
	step_effect(m, "atomic context%s%s (depth %d)", lock ? ": " : "", lock ? lock : "", m->atomic);
}

void context_unlock(Model *m)
{
	if (m->atomic > 0)
		m->atomic--;
	step_effect(m, m->atomic || m->handler ? "still atomic (depth %d)" : "may sleep again", m->atomic);
}

void model_enter_handler(Model *m, const ModelOrigin *origin)
{
	model_changed(m);
	step_begin(m, origin, "IRQ handler");
	if (!m->handler++) {
		step_unref(m->atomic_by);
		m->atomic_by = step_ref(m->cur);
	}
	step_effect(m, "hard IRQ context: may not sleep");
	step_end(m);
}

void model_leave_handler(Model *m, const ModelOrigin *origin)
{
	model_changed(m);
	step_begin(m, origin, "IRQ handler returns");
	if (m->handler > 0)
		m->handler--;
	step_effect(m, context_atomic(m) ? "still atomic" : "may sleep again");
	step_end(m);
}
