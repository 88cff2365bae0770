/*
 * domain.c — MSI domain ops whose msi_prepare makes per-device state that
 * nothing undoes (msi-prepare-teardown, on a core with msi_teardown).
 *
 * From v6.16 the MSI core pairs a domain's msi_prepare with msi_teardown
 * (kernel/irq/msi.c): msi_domain_update_dom_ops fills a missing
 * msi_teardown with msi_domain_ops_teardown, which does nothing, and the
 * core calls the ops' msi_teardown when it removes a device's domain
 * (msi_remove_device_irq_domain).  The GICv3 ITS moved the freeing of its
 * per-device state (the its_device: ITT, LPI range, MAPD) there, into
 * its_msi_teardown; freeing the last vector no longer frees it.  So an ops
 * struct whose prepare makes state, or forwards to the parent domain's
 * prepare (which makes the ITS's), and which has no msi_teardown, leaves
 * that state behind: nothing in the core or the parent undoes it, and a
 * later prepare for the same device finds it and reuses it as it is.
 *
 * This is not a replay: an ops struct is no driver, the core calls its
 * prepare at each allocation (global domain) or once per device domain.
 * The check reads the ops struct (drivers.tbl's msi-domain: its prepare and
 * teardown fields) and the prepare's calls, and those of the directory's
 * functions it calls, in source order, for the first that makes state:
 *
 *   - a call through a prepare field (`parent_info->ops->msi_prepare(...)`):
 *     the forward to the parent's prepare;
 *   - an unmanaged acquire of data/api.spec (kzalloc, ioremap, ...): the
 *     spec says what acquires, not this file.
 *
 * A prepare that makes nothing (a memset of the allocation info, a
 * scratchpad set from the device) is silent, as is every ops struct on a
 * core without msi_teardown (6.12 and older), where the rule's model
 * (msi.c) covers the prepare that runs twice.  The finding is placed at the
 * ops struct, where `.msi_teardown` is missing, with the path through the
 * prepare to the call that makes the state.
 */
#include <stdio.h>
#include <string.h>

#include "analyze/analyze.h"

enum { MAX_DEPTH = 4, MAX_DECISIONS = 16 };

/* What a prepare makes: the call in the prepare that leads to it, and in
 * words what it makes, through which helpers ("through helper(): makes
 * per-device state: kzalloc() (memory)"). */
typedef struct {
	uint32_t call;      /* index in the prepare's file */
	char what[200];     /* the state made, in words */
} Made;

/* Is the callee text a call through one of BUS's prepare fields? */
static bool forwards_prepare(const Bus *bus, const char *callee)
{
	size_t lc = strlen(callee);
	for (int f = 0; f < bus->nfields; f++) {
		if (bus->roles[f] != ROLE_PREPARE)
			continue;
		size_t lf = strlen(bus->fields[f]);
		if (lc > lf + 1 && !strcmp(callee + lc - lf, bus->fields[f]) &&
		    (callee[lc - lf - 1] == '.' || callee[lc - lf - 1] == '>'))
			return true;
	}
	return false;
}

static bool makes_state(const AnalyzeConfig *cfg, const Bus *bus, const FileFacts *files, size_t nfiles,
			size_t home, const Func *fn, int depth, char *what, size_t size)
{
	const FileFacts *ff = &files[home];
	int profile = spec_profile_index(cfg->spec, profile_name(cfg->profile));
	for (uint32_t i = fn->first_call; i < fn->first_call + fn->ncalls; i++) {
		const char *callee = ff->calls[i].callee;
		if (forwards_prepare(bus, callee)) {
			snprintf(what, size, "forwards to the parent domain's prepare");
			return true;
		}
		const SpecEntry *e = spec_lookup(cfg->spec, callee);
		if (e) {
			if (e->event == EV_ACQUIRE && !(e->flags & SPEC_MANAGED) && spec_entry_in_profile(e, profile)) {
				snprintf(what, size, "makes per-device state: %s() (%s)", callee,
					 e->resource ? e->resource : "a resource");
				return true;
			}
			continue;
		}
		const FileFacts *where = NULL;
		const Func *g = depth < MAX_DEPTH ? join_resolve(files, nfiles, home, callee, &where) : NULL;
		if (!g || g == fn)
			continue;
		char inner[160];
		if (makes_state(cfg, bus, files, nfiles, (size_t)(where - files), g, depth + 1, inner, sizeof inner)) {
			/* The prepare's own call is named by its step: only deeper ones here. */
			if (depth)
				snprintf(what, size, "through %s(): %s", callee, inner);
			else
				snprintf(what, size, "%s", inner);
			return true;
		}
	}
	return false;
}

/* The first call of FN, in source order, that makes state (directly or
 * through the helpers it calls). */
static bool find_made(const AnalyzeConfig *cfg, const Bus *bus, const FileFacts *files, size_t nfiles,
		      size_t home, const Func *fn, Made *out)
{
	for (uint32_t i = fn->first_call; i < fn->first_call + fn->ncalls; i++) {
		Func one = *fn; /* FN cut to its call I, to name the call that leads there */
		one.first_call = i;
		one.ncalls = 1;
		if (makes_state(cfg, bus, files, nfiles, home, &one, 0, out->what, sizeof out->what)) {
			out->call = i;
			return true;
		}
	}
	return false;
}

static bool expr_holds_call(const FileFacts *ff, int32_t x, uint32_t call, int depth)
{
	if (x < 0 || (uint32_t)x >= ff->nexprs || depth > 64)
		return false;
	const Expr *e = &ff->exprs[x];
	if (e->kind == EX_CALL && e->call >= 0) {
		if ((uint32_t)e->call == call)
			return true;
		const Call *c = &ff->calls[e->call];
		for (uint32_t i = 0; c->argx && i < c->nargs; i++)
			if (expr_holds_call(ff, c->argx[i], call, depth + 1))
				return true;
	}
	return expr_holds_call(ff, e->a, call, depth + 1) || expr_holds_call(ff, e->b, call, depth + 1) ||
	       expr_holds_call(ff, e->c, call, depth + 1);
}

/* The branch decisions of the shortest path through FN's graph from its
 * entry to the node that makes CALL, as "path:" steps appended to STEPS. */
static uint32_t path_to_call(const FileFacts *ff, const Func *fn, uint32_t call, Arena *a, Step *steps)
{
	uint32_t n = fn->cfg_count, first = fn->cfg_first;
	if (!n || first + n > ff->ncfg)
		return 0;
	int32_t *from = xcalloc(n, sizeof *from);  /* index + 1 of the node it was reached from */
	uint8_t *side = xcalloc(n, 1);               /* 1: reached through OTHER */
	uint32_t *queue = xcalloc(n, sizeof *queue);
	uint32_t head = 0, tail = 0, goal = n;
	from[0] = -1;
	queue[tail++] = 0;
	while (head < tail && goal == n) {
		uint32_t k = queue[head++];
		const CfgNode *c = &ff->cfg[first + k];
		if (expr_holds_call(ff, c->expr, call, 0)) {
			goal = k;
			break;
		}
		int32_t succ[2] = { c->next, c->kind == CFG_BRANCH || c->kind == CFG_LOOP ? c->other : -1 };
		for (int s = 0; s < 2; s++) {
			if (succ[s] < (int32_t)first || succ[s] >= (int32_t)(first + n))
				continue;
			uint32_t j = (uint32_t)succ[s] - first;
			if (from[j])
				continue;
			from[j] = (int32_t)k + 1;
			side[j] = (uint8_t)s;
			queue[tail++] = j;
		}
	}
	uint32_t decisions[MAX_DECISIONS], nd = 0;
	for (uint32_t k = goal; goal < n && k != 0 && from[k] > 0 && nd < MAX_DECISIONS; k = (uint32_t)from[k] - 1) {
		uint32_t p = (uint32_t)from[k] - 1;
		uint8_t kind = ff->cfg[first + p].kind;
		if (kind == CFG_BRANCH || kind == CFG_LOOP)
			decisions[nd++] = p * 2 + side[k];
	}
	for (uint32_t i = 0; i < nd; i++) {
		const CfgNode *c = &ff->cfg[first + decisions[nd - 1 - i] / 2];
		bool other = decisions[nd - 1 - i] & 1;
		char what[300];
		if (c->kind == CFG_LOOP)
			snprintf(what, sizeof what, "path: %s the loop", other ? "leaves" : "enters");
		else
			snprintf(what, sizeof what, "path: `%s` is %s", c->text ? c->text : "?", other ? "false" : "true");
		steps[i] = (Step){ ff->rel, c->pos, fn->name, arena_strndup(a, what, strlen(what)) };
	}
	free(from);
	free(side);
	free(queue);
	return nd;
}

static const char *dup(Arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

static void check_ops(const AnalyzeConfig *cfg, const FileFacts *files, size_t nfiles, const Driver *d,
		      Arena *a, FindingVec *out)
{
	const Callback *prepare = driver_callback(d, ROLE_PREPARE);
	if (!prepare || !prepare->func)
		return; /* no prepare, or one that reaches nothing (left unparsed) */
	const char *teardown = NULL;
	for (int f = 0; f < d->bus->nfields; f++)
		if (d->bus->roles[f] == ROLE_TEARDOWN)
			teardown = d->bus->fields[f];
	for (uint32_t i = 0; i < d->def->nfields; i++)
		for (int f = 0; f < d->bus->nfields; f++)
			if (d->bus->roles[f] == ROLE_TEARDOWN && !strcmp(d->def->fields[i].field, d->bus->fields[f]))
				return; /* a teardown, whatever it does */
	size_t home = (size_t)(prepare->file - files);
	Made made;
	if (!find_made(cfg, d->bus, files, nfiles, home, prepare->func, &made))
		return;
	const FileFacts *pf = prepare->file;
	const Call *c = &pf->calls[made.call];
	Step steps[MAX_DECISIONS + 5];
	uint32_t n = 0;
	char buf[400];
	snprintf(buf, sizeof buf, "%s: .%s = %s, no .%s", d->name, prepare->field, prepare->name,
		 teardown ? teardown : "teardown");
	steps[n++] = (Step){ d->file->rel, d->def->pos, NULL, dup(a, buf) };
	snprintf(buf, sizeof buf, "%s(): the MSI core calls it to prepare a device's vectors", prepare->name);
	steps[n++] = (Step){ pf->rel, prepare->func->start, prepare->name, dup(a, buf) };
	n += path_to_call(pf, prepare->func, made.call, a, steps + n);
	snprintf(buf, sizeof buf, "%s(): %s", c->callee, made.what);
	steps[n++] = (Step){ pf->rel, c->pos, prepare->name, dup(a, buf) };
	steps[n++] = (Step){ NULL, { 0, 0 }, NULL,
			     "msi_domain_update_dom_ops fills the missing msi_teardown with msi_domain_ops_teardown,"
			     " which does nothing (kernel/irq/msi.c)" };
	steps[n++] = (Step){ NULL, { 0, 0 }, NULL,
			     "only the ops' msi_teardown undoes a prepare (msi_remove_device_irq_domain calls it);"
			     " the parent's teardown runs only if this one forwards to it" };
	snprintf(buf, sizeof buf,
		 "%s has %s %s() and no %s: what it %s is never undone (the core's default"
		 " teardown does nothing), and a later prepare of the device finds it and reuses it",
		 d->name, prepare->field, prepare->name, teardown ? teardown : "teardown", strstr(made.what, "forwards") ? "makes through the parent's prepare" : "makes");
	Finding fd = {
		.rule = model_rule_name(RULE_MSI_PREPARE_TEARDOWN),
		.severity = rule_by_id(cfg->rules, model_rule_name(RULE_MSI_PREPARE_TEARDOWN))->max,
		.driver = d->name,
		.driver_file = d->file->rel,
		.file = d->file->rel,
		.pos = d->def->pos,
		.function = NULL,
		.message = dup(a, buf),
		.nsteps = n,
		.steps = arena_alloc(a, n * sizeof *steps),
	};
	memcpy(fd.steps, steps, n * sizeof *steps);
	VEC_PUSH(out, fd);
}

void check_domain_ops(const AnalyzeConfig *cfg, const FileFacts *files, size_t nfiles, const DriverVec *drivers,
		      Arena *arena, FindingVec *out)
{
	const Rule *rule = rule_by_id(cfg->rules, model_rule_name(RULE_MSI_PREPARE_TEARDOWN));
	if (!rule || !rule->reported || !profile_msi_teardown(cfg->profile))
		return;
	for (size_t i = 0; i < drivers->n; i++)
		if (bus_has_role(drivers->v[i].bus, ROLE_PREPARE))
			check_ops(cfg, files, nfiles, &drivers->v[i], arena, out);
}
