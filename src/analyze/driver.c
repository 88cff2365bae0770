/*
 * driver.c — the life of one driver, replayed: probe, then either probe
 * failure or remove and unbind.
 *
 * This is the driver core's sequence (shared/kernel-semantics.md §2): the
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
 * evidence of the first path that reached it, and only for the rules of
 * data/rules.
 */
#include <stdio.h>
#include <string.h>

#include "analyze/internal.h"

static const Callback *callback(const Driver *d, const char *const *fields)
{
	for (const char *const *f = fields; *f; f++)
		for (uint32_t i = 0; i < d->ncallbacks; i++)
			if (!strcmp(d->callbacks[i].field, *f) && d->callbacks[i].func)
				return &d->callbacks[i];
	return NULL;
}

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
	if (!rule_description(w->cfg->rules, mf->rule))
		return;
	char key[512];
	snprintf(key, sizeof key, "%s|%s|%d|%s", mf->rule, mf->origin.file ? mf->origin.file : "",
		 mf->origin.line, mf->message);
	int dup;
	strset_get(&w->reported, key, strlen(key), &dup);
	if (dup)
		return;
	strset_add(&w->reported, key, NULL);

	Arena *a = w->arena;
	Finding f = {
		.rule = arena_strndup(a, mf->rule, strlen(mf->rule)),
		.severity = mf->severity == SEVERITY_NOTE ? SEV_NOTE : SEV_WARNING,
		.driver = w->drv->name,
		.file = mf->origin.file ? mf->origin.file : w->drv->file->rel,
		.pos = { mf->origin.line > 0 ? (uint32_t)mf->origin.line : w->drv->def->pos.line, 1 },
		.message = arena_strndup(a, mf->message, strlen(mf->message)),
		.nsteps = (uint32_t)mf->nsteps,
	};
	if (mf->origin.file && mf->origin.line > 0)
		f.pos.col = column_at(w, mf->origin.file, mf->origin.line);
	f.steps = arena_alloc(a, (f.nsteps ? f.nsteps : 1) * sizeof *f.steps);
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
	VEC_PUSH(w->out, f);
}

static void finish(Walk *w, PState st, void (*phase)(Model *, const ModelOrigin *),
		   const ModelOrigin *origin)
{
	phase(st.m, origin);
	PStates done = { 0 };
	drain(w, st, 0, &done);
	for (size_t i = 0; i < done.n; i++)
		pstate_free(&done.v[i]);
	VEC_FREE(&done);
}

void analyze_driver(const AnalyzeConfig *cfg, const Driver *d, FileFacts *files, size_t nfiles,
		    Arena *arena, FindingVec *out, DriverReport *rep)
{
	static const char *const probe_fields[] = { "probe", "probe_new", NULL };
	static const char *const remove_fields[] = { "remove", "remove_new", "disconnect", NULL };
	*rep = (DriverReport){ 0 };
	const Callback *probe = callback(d, probe_fields);
	if (!probe)
		return;
	const Callback *remove = callback(d, remove_fields);
	int bus = model_bus_by_name(d->bus->name);
	char err[256];
	Model *m0 = model_new(cfg->spec, cfg->profile, bus < 0 ? BUS_GENERIC : (ModelBus)bus, err,
			      sizeof err);
	if (!m0)
		fatal("%s", err);
	Walk w = { .cfg = cfg, .drv = d, .files = files, .nfiles = nfiles, .arena = arena, .out = out,
		   .rep = rep };
	ModelObserver obs = { NULL, on_finding, &w };
	model_set_observer(m0, &obs);

	ModelOrigin at_driver = { d->file->rel, (int)d->def->pos.line, d->name };
	model_probe(m0, &at_driver);
	Frame pf = { probe->file, probe->func, NULL, 0, 0 };
	Outs probed = { 0 };
	explore(&w, &pf, m0, &probed);
	model_free(m0);

	for (size_t i = 0; i < probed.n; i++) {
		ModelOutcome o = (ModelOutcome)probed.v[i].outcome;
		if (o != MODEL_SUCCESS) {
			PState s = { model_clone(probed.v[i].m), NULL, 0 };
			finish(&w, s, model_probe_fails, &at_driver);
		}
		if (o == MODEL_FAILURE)
			continue;
		Model *m = model_clone(probed.v[i].m);
		model_remove(m, &at_driver);
		if (!remove) {
			finish(&w, (PState){ m, NULL, 0 }, model_unbind, &at_driver);
			continue;
		}
		Frame rf = { remove->file, remove->func, NULL, 0, 0 };
		Outs removed = { 0 };
		explore(&w, &rf, m, &removed);
		model_free(m);
		for (size_t k = 0; k < removed.n; k++) {
			PState s = { removed.v[k].m, NULL, 0 };
			removed.v[k].m = NULL;
			finish(&w, s, model_unbind, &at_driver);
		}
		VEC_FREE(&removed);
	}
	outs_free(&probed);
	walk_cache_free(&w);
	strset_free(&w.reported);
}
