/*
 * call.c: model_call(), the entry point for API calls.
 *
 * It looks the name up in the spec, refuses APIs the profile does not
 * have (reported, not guessed), checks the context, and dispatches on the
 * spec's event to the file that owns that state.  Every call opens one
 * transition step named after the call as written, so that evidence reads
 * like the driver's code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"

const char *arg(const SpecEntry *e, SpecArg role, const char *const *args, int nargs)
{
	int i = e->arg[role];
	return i >= 0 && i < nargs ? args[i] : NULL;
}

bool is_null(const char *sym)
{
	return !sym || !strcmp(sym, "NULL") || !strcmp(sym, "0");
}

/* Is this result text a failure: NULL, a negative number or errno, an ERR_PTR? */
static bool result_fails(const SpecEntry *e, const char *result)
{
	if (!result)
		return false;
	if (result[0] == '-' || !strncmp(result, "ERR_PTR", 7))
		return true;
	if (!strcmp(result, "NULL"))
		return e->ret == RET_RESOURCE;
	if (!strcmp(result, "0"))
		return e->ret == RET_COUNT || e->ret == RET_RESOURCE || e->ret == RET_BOOL;
	return false;
}

static bool looks_like_value(const char *s)
{
	return s[0] == '-' || (s[0] >= '0' && s[0] <= '9') || !strcmp(s, "NULL") || !strcmp(s, "?");
}

/* The head of a call's step: "name(a, b) = result", the arguments as
 * SHOWN.  Copied, not printed: every modelled call of every path writes one. */
static void begin_call_step(Model *m, const char *name, const char *const *args, int nargs,
			    const char *result, const ModelOrigin *origin)
{
	size_t len = strlen(name) + 8 + (result ? strlen(result) + 4 : 0);
	for (int i = 0; i < nargs; i++)
		len += strlen(args[i]) + 2;
	size_t cap = len + 64; /* and room for the effects step_effect appends */
	char *text = xmalloc(cap), *p = text;
#define PUT(s) (p = stpcpy(p, (s)))
	PUT(name), PUT("(");
	for (int i = 0; i < nargs; i++) {
		if (i)
			PUT(", ");
		PUT(args[i]);
	}
	PUT(")");
	if (result)
		PUT(looks_like_value(result) ? " = " : " -> "), PUT(result);
#undef PUT
	step_begin_text(m, origin, text, (size_t)(p - text), cap);
}

int model_call(Model *m, const char *name, const char *const *args, int nargs,
	       const char *result, ModelOutcome outcome, const ModelOrigin *origin)
{
	return model_call_shown(m, name, args, args, nargs, result, outcome, origin);
}

int model_call_shown(Model *m, const char *name, const char *const *args, const char *const *shown,
		     int nargs, const char *result, ModelOutcome outcome, const ModelOrigin *origin)
{
	model_changed(m);
	const SpecEntry *e = spec_lookup(m->spec, name);
	if (!e)
		return 0;
	begin_call_step(m, name, shown, nargs, result, origin);
	if (!spec_entry_in_profile(e, m->profile_index)) {
		step_effect(m, "unknown API in profile %s: not modelled", m->profile->name);
		finding_raise(m, SEV_WARNING, RULE_UNKNOWN_API, NO_EVIDENCE,
			      "%s does not exist in profile %s", name, m->profile->name);
		step_end(m);
		return 1;
	}
	if ((e->flags & SPEC_PCI_DEV) && m->bus != BUS_PCI) {
		/* The device being bound is not a pci_dev: the one the call
		 * names is another device's (a parent's, or one a helper shared
		 * by a PCI and a platform probe casts), and its vectors and
		 * devres are that device's binding, not this one. */
		step_effect(m, "a pci_dev API in a %s driver: not the bound device, not modelled",
			    model_bus_name(m->bus));
		step_end(m);
		return 1;
	}
	if (m->dry && e->event != EV_RELEASE && e->event != EV_IRQ_FREE) {
		step_effect(m, "in the action of a failed devm_add_action: not run");
		step_end(m);
		return 1;
	}
	if (outcome == MODEL_UNKNOWN)
		outcome = result_fails(e, result) ? MODEL_FAILURE : MODEL_SUCCESS;
	const char *bound = result && !looks_like_value(result) ? result : NULL;
	context_check_sleep(m, e, args, nargs);
	switch (e->event) {
	case EV_CALL:
		break;
	case EV_LOCK:
		if (outcome != MODEL_FAILURE)
			context_lock(m, e, args, nargs);
		break;
	case EV_UNLOCK:
		context_unlock(m);
		break;
	case EV_PCI_ENABLE:
		pci_enable_call(m, e, outcome);
		break;
	case EV_PCI_DISABLE:
		pci_disable_call(m);
		break;
	case EV_PCI_PIN:
		pci_pin_call(m);
		break;
	case EV_VEC_ALLOC:
		vec_alloc_call(m, e, args, nargs, result, outcome);
		break;
	case EV_VEC_FREE:
		vec_free_call(m, e);
		break;
	case EV_IRQ_VECTOR:
		irq_vector_call(m, arg(e, ARG_INDEX, args, nargs), bound, outcome);
		break;
	case EV_VEC_QUERY:
		vec_query_call(m);
		break;
	case EV_INTX:
		intx_call(m, e, arg(e, ARG_ENABLE, args, nargs));
		break;
	case EV_IRQ_REQUEST:
		irq_request_call(m, e, args, nargs, outcome);
		break;
	case EV_IRQ_FREE:
		irq_free_call(m, e, args, nargs);
		break;
	case EV_IRQ_ENABLE:
	case EV_IRQ_DISABLE:
		irq_enable_call(m, e, args, nargs, e->event == EV_IRQ_ENABLE);
		break;
	case EV_ACQUIRE:
		acquire_call(m, e, args, nargs, bound, origin, outcome);
		break;
	case EV_RELEASE:
		release_call(m, e, args, nargs);
		break;
	case EV_ACTION_ADD:
	case EV_ACTION_REMOVE:
	case EV_ACTION_RELEASE:
		devres_action_call(m, e, args, nargs, outcome, origin);
		break;
	case EV_GROUP_OPEN:
	case EV_GROUP_CLOSE:
	case EV_GROUP_REMOVE:
	case EV_GROUP_RELEASE:
		devres_group_call(m, e, args, nargs, bound, outcome, origin);
		break;
	case EV_COUNT:
		break;
	}
	step_end(m);
	return 1;
}
