/*
 * driver.c — the life of one driver, replayed: probe, then either probe
 * failure or remove and unbind.
 *
 * This is the driver core's sequence (docs/semantics.md, 2): the
 * bus probes the driver; a probe that fails is unwound by the bus and its
 * devres released; a probe that succeeds is later undone by remove() and
 * the bus's unbind sequence, then devres release in LIFO order.  The model
 * knows what the bus does at each phase; this file walks the driver's own
 * code between them:
 *
 *   probe()  → every outcome (state, success or failure)
 *     failure → model_probe_fails
 *     success → model_remove → remove() → model_unbind
 *
 * A probe return the analysis cannot classify is followed both ways.
 * Equal probe outcomes are replayed once.
 *
 * Findings arrive through the model's observer while the paths are
 * replayed; each is kept once per driver (rule and place), with the
 * evidence of the first path that reached it, and only for the rules
 * data/rules reports.
 */
#include <stdio.h>
#include <string.h>

#include "analyze/internal.h"

enum { MAX_TRAIL = 8 };

/* The column of the call at FILE:LINE, for the gcc-style position. */
static uint32_t column_at(const Walk *w, const char *file, int line)
{
	for (size_t k = 0; k < w->nfiles; k++)
		if (w->files[k].rel == file)
			for (uint32_t i = 0; i < w->files[k].ncalls; i++)
				if ((int)w->files[k].calls[i].pos.line == line)
					return w->files[k].calls[i].pos.col;
	return 1;
}

static void on_finding(void *ctx, const ModelFinding *mf)
{
	Walk *w = ctx;
	const Rule *rule = rule_by_id(w->cfg->rules, mf->rule);
	if (!rule->reported)
		return;
	Arena *a = w->arena;
	Finding f = {
		.rule = arena_strndup(a, mf->rule, strlen(mf->rule)),
		.severity = mf->severity == SEV_NOTE || rule->max == SEV_NOTE ? SEV_NOTE : SEV_WARNING,
		.driver = NULL, /* set by raise_finding */
		.file = mf->origin.file ? mf->origin.file : w->drv->file->rel,
		.pos = { mf->origin.line > 0 ? (uint32_t)mf->origin.line : w->drv->def->pos.line, 1 },
		.message = arena_strndup(a, mf->message, strlen(mf->message)),
		.nsteps = (uint32_t)mf->nsteps,
	};
	if (mf->origin.file && mf->origin.line > 0)
		f.pos.col = column_at(w, mf->origin.file, mf->origin.line);
	/* The path: the error branches this path took because a call failed,
	 * oldest first, after the model's evidence. */
	const Trail *path[MAX_TRAIL];
	uint32_t npath = 0;
	for (const Trail *t = w->trail; t && npath < MAX_TRAIL; t = t->prev)
		path[npath++] = t;
	f.nsteps += npath;
	f.steps = arena_alloc(a, (f.nsteps ? f.nsteps : 1) * sizeof *f.steps);
	for (uint32_t i = 0; i < npath; i++) {
		const Trail *t = path[npath - 1 - i];
		const CfgNode *n = &t->ff->cfg[t->node];
		char what[300];
		snprintf(what, sizeof what, "path: %s() fails, and the error branch here is taken", t->what);
		f.steps[mf->nsteps + i] = (Step){ t->ff->rel, n->pos, NULL, arena_strndup(a, what, strlen(what)) };
	}
	for (int i = 0; i < mf->nsteps; i++) {
		const ModelStep *st = mf->steps[i];
		f.steps[i] = (Step){
			.file = st->origin.file,
			.pos = { st->origin.line > 0 ? (uint32_t)st->origin.line : 0, 1 },
			.function = st->origin.function,
			.what = arena_strndup(a, st->text, strlen(st->text)),
		};
		if (st->origin.line <= 0)
			f.steps[i].file = NULL;
	}
	raise_finding(w, &f);
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
		const Rule *r = rule_by_id(rules, out->v[i].rule);
		if (r->unless && has_rule(out, first, all, r->unless))
			continue;
		if (r->per_driver && has_rule(out, first, kept, r->id))
			continue;
		out->v[kept++] = out->v[i];
	}
	out->n = kept;
}

static void finish(Walk *w, PState st, void (*phase)(Model *, const ModelOrigin *),
		   const ModelOrigin *origin)
{
	w->trail = st.trail;
	phase(st.m, origin);
	PStates done = { 0 };
	drain(w, st, 0, &done);
	for (size_t i = 0; i < done.n; i++)
		pstate_free(&done.v[i]);
	VEC_FREE(&done);
}

AnalyzeConfig analyze_config(const Spec *spec, const Profile *profile, const RuleTable *rules)
{
	return (AnalyzeConfig){
		.spec = spec,
		.profile = profile,
		.rules = rules,
		.inline_depth = 4,
		.visit_budget = 200000,
		.states_per_node = 16,
	};
}

void analyze_driver(DirAnalysis *da, const Driver *d, FindingVec *out, DriverReport *rep)
{
	const AnalyzeConfig *cfg = da->cfg;
	*rep = (DriverReport){ 0 };
	size_t first = out->n;
	const Callback *probe = driver_callback(d, ROLE_PROBE);
	if (!probe)
		return;
	/* Summaries serve one driver.  Shared across a directory's drivers
	 * they saved replays of common helpers but grew to hundreds of MiB
	 * of model states in directories of 150 drivers (drivers/clk/qcom:
	 * 452 MiB, 2.8 s; per driver 88 MiB, 1.5 s), and a driver that reused
	 * a summary cut short by a bound was not reported partial. */
	dir_analysis_forget(da);
	const Callback *remove = driver_callback(d, ROLE_REMOVE);
	int bus = model_bus_by_name(d->bus->name);
	char err[256];
	Model *m0 = model_new(cfg->spec, cfg->profile, bus < 0 ? BUS_GENERIC : (ModelBus)bus, err,
			      sizeof err);
	if (!m0)
		fatal("%s", err);
	Walk w = { .da = da, .cfg = cfg, .drv = d, .files = da->files, .nfiles = da->nfiles,
		   .arena = da->arena, .out = out, .rep = rep };
	w.observer = (ModelObserver){ NULL, on_finding, &w };
	model_set_observer(m0, &w.observer);

	ModelOrigin at_driver = { d->file->rel, (int)d->def->pos.line, d->name };
	model_probe(m0, &at_driver);
	Frame pf = { probe->file, probe->func, NULL, 0, 0 };
	Outs probed = { 0 };
	explore(&w, &pf, m0, &probed);
	model_free(m0);

	for (size_t i = 0; i < probed.n; i++) {
		ModelOutcome o = (ModelOutcome)probed.v[i].outcome;
		if (o != MODEL_SUCCESS) {
			PState s = { model_clone(probed.v[i].m), NULL, 0, probed.v[i].trail };
			finish(&w, s, model_probe_fails, &at_driver);
		}
		if (o == MODEL_FAILURE)
			continue;
		Model *m = model_clone(probed.v[i].m);
		model_remove(m, &at_driver);
		if (!remove) {
			finish(&w, (PState){ m, NULL, 0, probed.v[i].trail }, model_unbind, &at_driver);
			continue;
		}
		Frame rf = { remove->file, remove->func, NULL, 0, 0 };
		Outs removed = { 0 };
		w.trail = probed.v[i].trail;
		explore(&w, &rf, m, &removed);
		model_free(m);
		for (size_t k = 0; k < removed.n; k++) {
			PState s = { removed.v[k].m, NULL, 0, removed.v[k].trail };
			removed.v[k].m = NULL;
			finish(&w, s, model_unbind, &at_driver);
		}
		VEC_FREE(&removed);
	}
	outs_free(&probed);
	classify(cfg->rules, out, first);
	strset_free(&w.reported);
	VEC_FREE(&w.computing);
}
