/*
 * driver.c — the life of one driver, replayed: probe, then either probe
 * failure or remove and unbind.
 *
 * This is the driver core's sequence (docs/semantics.md, 2): the bus probes
 * the driver; a probe that fails is unwound by the bus and its devres
 * released; a probe that succeeds is later undone by remove() and the
 * bus's unbind sequence, then devres release in LIFO order.  The model
 * knows what the bus does at each phase; the engine executes the driver's
 * own code between them, with the bound device as one object that probe,
 * remove and every callback receive:
 *
 *   probe(dev)  → every outcome (state, return value)
 *     return value can fail        → model_probe_fails
 *     return value can bind        → model_remove → remove(dev) → model_unbind
 *
 * (0 binds; on a bus whose core turns a positive return into success, as
 * local_pci_probe does, so does a value the path knows is not negative.)
 *
 * Findings arrive through the model's observer while the paths are
 * replayed; each is kept once per driver (rule and place), with the
 * evidence of the first path that reached it (a manifest one over a latent
 * one), and only for the rules of data/rules.  A warning found on a path
 * that assumed something the engine cannot check is latent: reported only
 * when asked for, with the assumption.  When the driver's analysis was cut
 * short, every finding of it says so.
 */
#include <stdio.h>
#include <string.h>

#include "analyze/internal.h"

enum { MAX_PATH = 24 };

AnalyzeConfig analyze_config(const Spec *spec, const Profile *profile, const RuleTable *rules,
			     const Conventions *conv)
{
	return (AnalyzeConfig){
		.spec = spec,
		.profile = profile,
		.rules = rules,
		.conv = conv,
		.inline_depth = 4,
		.visit_budget = 150000,
		.alone_visit_budget = 10000,
		.states_per_node = 96,
	};
}

DirAnalysis *dir_analysis_new(const AnalyzeConfig *cfg, FileFacts *files, size_t nfiles, const Constants *constants,
			      Arena *arena)
{
	DirAnalysis *da = xcalloc(1, sizeof *da);
	*da = (DirAnalysis){ .cfg = cfg, .files = files, .nfiles = nfiles, .constants = constants, .arena = arena };
	return da;
}

void dir_analysis_free(DirAnalysis *da)
{
	summaries_forget(da);
	for (size_t i = 0; i < da->funcs.cap; i++) {
		FuncInfo *fi = keymap_value_at(&da->funcs, i);
		if (!fi)
			continue;
		free(fi->live);
		free(fi->joins);
		strset_free(&fi->index);
		strset_free(&fi->tested);
	}
	keymap_free(&da->funcs);
	strset_free(&da->strings);
	strset_free(&da->externs);
	strset_free(&da->inlines);
	strset_free(&da->unparsed);
	for (size_t k = 0; da->statics && k < da->nfiles; k++)
		strset_free(&da->statics[k]);
	free(da->statics);
	arena_free(&da->scratch);
	free(da);
}

/* The column of the call at FILE:LINE, for the gcc-style position. */
static uint32_t column_at(const Run *r, const char *file, int line)
{
	for (size_t k = 0; k < r->da->nfiles; k++)
		if (r->da->files[k].rel == file)
			for (uint32_t i = 0; i < r->da->files[k].ncalls; i++)
				if ((int)r->da->files[k].calls[i].pos.line == line)
					return r->da->files[k].calls[i].pos.col;
	return 1;
}

/* Where a finding is reported: the event that revealed it, unless that is
 * a phase of the bus (the driver struct's line, which nobody edits): then
 * the newest of its evidence in the driver's code, the line to change (the
 * allocation never released, the request devres frees too late). */
static ModelOrigin place(const Run *r, const ModelFinding *mf)
{
	ModelOrigin o = mf->origin;
	bool phase = !o.file || o.line <= 0 || (o.function && !strcmp(o.function, r->drv->name));
	for (int i = mf->nsteps - 1; phase && i >= 0; i--) {
		const ModelOrigin *s = &mf->steps[i]->origin;
		if (s->file && s->line > 0 && s->function && strcmp(s->function, r->drv->name))
			return *s;
	}
	return o;
}

static void on_finding(void *ctx, const ModelFinding *mf)
{
	Run *r = ctx;
	const Rule *rule = rule_by_id(r->cfg->rules, mf->rule);
	if (!rule->reported || !r->cur || (r->alone && !rule->alone))
		return;
	Arena *a = r->da->arena;
	ModelOrigin at = place(r, mf);
	Finding f = {
		.rule = arena_strndup(a, mf->rule, strlen(mf->rule)),
		.severity = mf->severity == SEV_NOTE || rule->max == SEV_NOTE ? SEV_NOTE : SEV_WARNING,
		.file = at.file ? at.file : r->drv->file->rel,
		.pos = { at.line > 0 ? (uint32_t)at.line : r->drv->def->pos.line, 1 },
		.function = at.function,
		.message = arena_strndup(a, mf->message, strlen(mf->message)),
		.nsteps = (uint32_t)mf->nsteps,
		.exit = r->exit,
	};
	if (at.file && at.line > 0)
		f.pos.col = column_at(r, at.file, at.line);
	f.steps = arena_alloc(a, (f.nsteps ? f.nsteps : 1) * sizeof *f.steps);
	for (int i = 0; i < mf->nsteps; i++) {
		const ModelStep *st = mf->steps[i];
		f.steps[i] = (Step){
			.file = st->origin.line > 0 ? st->origin.file : NULL,
			.pos = { st->origin.line > 0 ? (uint32_t)st->origin.line : 0, 1 },
			.function = st->origin.function,
			.what = arena_strndup(a, st->text, strlen(st->text)),
		};
	}
	raise_finding(r, &f, r->cur->trail, r->cur->assumed);
}

/* Does the decision T matter to F?  It does when it was taken in an
 * entry point (the error label probe took, the test in remove that skipped
 * a free), in a function where one of F's transitions happened (the branch
 * that chose the free, the loop that requested the IRQs), or when it is an
 * API's failure: a decision deeper elsewhere only led the path through
 * code that changed nothing F is about. */
static bool decision_matters(const Finding *f, const Trail *t)
{
	if (t->depth <= 1 || strstr(t->text, "() failed"))
		return true;
	for (uint32_t i = 0; i < f->nsteps; i++)
		if (f->steps[i].function && t->function && !strcmp(f->steps[i].function, t->function))
			return true;
	return false;
}

/* F with the decisions of its path that matter after the model's evidence,
 * oldest first (the newest MAX_PATH of them, and how many others the path
 * took), and what it assumed. */
static Finding with_path(Run *r, const Finding *f, const Trail *trail, const Assumption *assumed)
{
	Arena *a = r->da->arena;
	Finding g = *f;
	const Trail *path[MAX_PATH];
	uint32_t n = 0, others = 0;
	for (const Trail *t = trail; t; t = t->prev) {
		if (n < MAX_PATH && decision_matters(f, t))
			path[n++] = t;
		else
			others++;
	}
	uint32_t start = r->alone; /* a function replayed alone: where its path begins */
	g.nsteps = f->nsteps + start + n + (others > 0);
	g.steps = arena_alloc(a, (g.nsteps ? g.nsteps : 1) * sizeof *g.steps);
	if (f->nsteps)
		memcpy(g.steps, f->steps, f->nsteps * sizeof *f->steps);
	if (start) {
		char what[300];
		snprintf(what, sizeof what,
			 "path: %s replayed on its own: no driver callback the analysis replays reaches it, so its"
			 " arguments are unknown", r->drv->name);
		g.steps[f->nsteps] = (Step){ r->drv->file->rel, r->drv->def->pos, r->drv->def->var,
					     arena_strndup(a, what, strlen(what)) };
	}
	for (uint32_t i = 0; i < n; i++) {
		const Trail *t = path[n - 1 - i];
		char what[300];
		snprintf(what, sizeof what, "path: %s", t->text);
		g.steps[f->nsteps + start + i] = (Step){ t->file, t->pos, t->function, arena_strndup(a, what, strlen(what)) };
	}
	if (others) {
		char what[120];
		snprintf(what, sizeof what, "path: and %u decision%s in functions that change nothing of the above", others,
			 others == 1 ? "" : "s");
		g.steps[f->nsteps + start + n] = (Step){ NULL, { 0, 0 }, NULL, arena_strndup(a, what, strlen(what)) };
	}
	if (g.severity >= SEV_WARNING && assumed) {
		char buf[600];
		size_t k = 0;
		for (const Assumption *x = assumed; x && k < sizeof buf - 1; x = x->prev) {
			int w = snprintf(buf + k, sizeof buf - k, "%s%s", k ? "; " : "", x->text);
			if (w < 0)
				break;
			k += (size_t)w;
		}
		if (k >= sizeof buf)
			k = sizeof buf - 1;
		g.latent = arena_strndup(a, buf, k);
	}
	g.driver = r->drv->name;
	g.driver_file = r->drv->file->rel;
	return g;
}

void report_finding(Run *r, const Finding *f, const Trail *trail, const Assumption *assumed)
{
	/* One finding per rule and place: the second IRQ of a request loop
	 * freed under the same call is the same line to change. */
	char key[512];
	snprintf(key, sizeof key, "%s|%s|%u", f->rule, f->file, f->pos.line);
	size_t at = (size_t)(uintptr_t)strset_get(&r->reported, key, strlen(key), NULL);
	if (at) { /* seen: a manifest path replaces a latent one */
		Finding *old = &r->out->v[r->first + at - 1];
		if (old->latent && !(assumed && f->severity >= SEV_WARNING))
			*old = with_path(r, f, trail, assumed);
		return;
	}
	Finding g = with_path(r, f, trail, assumed);
	VEC_PUSH(r->out, g);
	strset_add(&r->reported, key, (void *)(uintptr_t)(r->out->n - r->first));
}

static bool has_rule(const FindingVec *out, size_t from, size_t to, const char *rule)
{
	for (size_t i = from; i < to; i++)
		if (!strcmp(out->v[i].rule, rule))
			return true;
	return false;
}

/* Apply the rules' scope and exclusions to one driver's findings,
 * OUT->v[FIRST..]: here the driver is judged as a whole. */
static void classify(const RuleTable *rules, FindingVec *out, size_t first)
{
	size_t all = out->n, kept = first;
	for (size_t i = first; i < all; i++) {
		const Rule *rl = rule_by_id(rules, out->v[i].rule);
		if (rl->unless && has_rule(out, first, all, rl->unless))
			continue;
		if (rl->per_driver && has_rule(out, first, kept, rl->id))
			continue;
		out->v[kept++] = out->v[i];
	}
	out->n = kept;
}

/* Run the bus phase PHASE on ST, then the callbacks it hands out; drop the
 * states: the driver's life ends here. */
static void finish(Run *r, PState st, void (*phase)(Model *, const ModelOrigin *), const ModelOrigin *origin)
{
	r->cur = &st;
	r->exit = phase == model_probe_fails ? "probe failure" : "unbind";
	phase(st.m, origin);
	PStates done = { 0 };
	exec_callbacks(r, NULL, st, &done);
	r->exit = NULL;
	for (size_t i = 0; i < done.n; i++)
		pstate_free(&done.v[i]);
	VEC_FREE(&done);
}

uint32_t entry_args(Run *r, const Func *fn, Val *args, uint32_t max)
{
	uint32_t n = fn->nparams < max ? fn->nparams : max;
	for (uint32_t i = 0; i < n; i++) {
		if (i == 0 && !r->alone) {
			args[i] = val_obj(r->device);
			continue;
		}
		Key k = key_of(0xa7, fn->params[i], i);
		key_register(r, k, K_SYM, fn->params[i], NULL);
		args[i] = val_sym(k);
	}
	return n;
}

PState run_begin(Run *r, DirAnalysis *da, const Driver *d, const Func *entry, FindingVec *out, DriverReport *rep)
{
	const AnalyzeConfig *cfg = da->cfg;
	*rep = (DriverReport){ 0 };
	/* Summaries and names serve one driver: a directory of 150 drivers
	 * would otherwise keep every one's states. */
	summaries_forget(da);
	arena_free(&da->scratch);
	int bus = d->bus ? model_bus_by_name(d->bus->name) : -1;
	char err[256];
	Model *m0 = model_new(cfg->spec, cfg->profile, bus < 0 ? BUS_GENERIC : (ModelBus)bus, err, sizeof err);
	if (!m0)
		fatal("%s", err);
	*r = (Run){ .da = da, .cfg = cfg, .drv = d, .out = out, .rep = rep, .first = out->n, .hint_expr = -1 };
	r->observer = (ModelObserver){ NULL, on_finding, r };
	model_set_observer(m0, &r->observer);
	footprint_log(&r->reads);
	r->device = key_of(0xde71ce, d->name, 0);
	key_register(r, r->device, K_OBJ, entry->nparams ? entry->params[0] : "dev", NULL);
	return pstate_new(m0);
}

void run_end(Run *r)
{
	classify(r->cfg->rules, r->out, r->first);
	for (size_t i = r->first; r->rep->partial && i < r->out->n; i++)
		r->out->v[i].cut = r->rep->why;
	strset_free(&r->reported);
	keymap_free(&r->handlers);
	strset_free(&r->names);
	strset_free(&r->suffixes);
	keymap_free(&r->keys);
	keymap_free(&r->parents);
	VEC_FREE(&r->computing);
	footprint_log(NULL);
	VEC_FREE(&r->reads.reads);
	VEC_FREE(&r->reads.marks);
	free(r->reads.seen);
}

void analyze_driver(DirAnalysis *da, const Driver *d, FindingVec *out, DriverReport *rep)
{
	const Callback *probe = driver_callback(d, ROLE_PROBE);
	if (!probe) {
		*rep = (DriverReport){ 0 };
		return;
	}
	const Callback *remove = driver_callback(d, ROLE_REMOVE);
	Run r;
	PState s0 = run_begin(&r, da, d, probe->func, out, rep);
	Model *m0 = s0.m;

	ModelOrigin at_driver = { d->file->rel, (int)d->def->pos.line, d->name };
	r.cur = &s0;
	model_probe(m0, &at_driver);
	Val args[8];
	uint32_t nargs = entry_args(&r, probe->func, args, 8);
	Outs probed = { 0 };
	exec_function(&r, NULL, probe->file, probe->func, args, nargs, key_of(0, "probe", 0), s0, &probed);

	/* Which returns bind is the bus's rule (drivers.tbl `binds`), for a
	 * value the path knows is not negative (a count it returns, a result
	 * it tested `< 0` before returning it).  Any other value is a status,
	 * 0 or an errno as kernel functions return them: `ret =
	 * pcim_iomap_regions(...); if (ret) return ret;` fails, though the
	 * engine cannot see that pcim_iomap_regions() returns no positive
	 * value, and remove() does not run after it. */
	Val zero = val_int(0);
	for (size_t i = 0; i < probed.n; i++) {
		PState *st = &probed.v[i].st;
		const Val *ret = &probed.v[i].ret;
		bool nonnegative = d->bus->binds_positive && val_compare(&r, st, OP_GE, ret, &zero) == 1;
		int ok = nonnegative ? 1 : val_compare(&r, st, OP_EQ, ret, &zero);
		if (ok != 1) {
			PState s = pstate_clone(st);
			if (ok == 0 || val_assume_compare(&r, &s, OP_NE, ret, &zero, true))
				finish(&r, s, model_probe_fails, &at_driver);
			else
				pstate_free(&s);
		}
		if (ok == 0 || (ok < 0 && !val_assume_compare(&r, st, OP_EQ, ret, &zero, true)))
			continue;
		PState s = pstate_clone(st);
		r.cur = &s;
		r.exit = "unbind";
		model_remove(s.m, &at_driver);
		if (!remove) {
			finish(&r, s, model_unbind, &at_driver);
			continue;
		}
		Outs removed = { 0 };
		nargs = entry_args(&r, remove->func, args, 8);
		exec_function(&r, NULL, remove->file, remove->func, args, nargs, key_of(0, "remove", 0), s, &removed);
		for (size_t k = 0; k < removed.n; k++)
			finish(&r, removed.v[k].st, model_unbind, &at_driver);
		VEC_FREE(&removed);
		r.exit = NULL;
	}
	for (size_t i = 0; i < probed.n; i++)
		pstate_free(&probed.v[i].st);
	VEC_FREE(&probed);
	run_end(&r);
}
