/*
 * coverage.c — of the call sites of spec APIs a scan parsed, how many the
 * analysis replayed, and why the others were not.
 *
 * A finding can only come from a call the engine handed to the model, so
 * the share of API call sites that were replayed says how much of what the
 * scan read it could have judged.  The engine marks each call it hands to
 * the model (coverage_mark, from exec_api: one line in the engine); after
 * a directory's drivers are replayed, coverage_count looks at every call
 * of a spec API in the directory's facts and sorts the ones not marked by
 * reason:
 *
 *   alone       replayed only where its function was replayed on its own,
 *               for the rules marked alone (local.c);
 *   unreached   its function is reached by no chain of direct calls from
 *               the callbacks the analysis replays, the joined drivers' probe
 *               and remove (shutdown, PM and error handlers are not replayed);
 *   pointer     the same, but the function's name is passed as a value
 *               somewhere in the directory (an IRQ handler, a work
 *               function, an action): reached, if at all, through a
 *               pointer the engine did not follow;
 *   bound       reached, in a directory where a driver's replay was cut
 *               short by a bound (the directory, not the driver: facts do
 *               not say which driver a shared helper belongs to);
 *   path        reached, but on no path the engine followed: an infeasible
 *               branch, a call deeper than it inlines, a callback it does
 *               not run.
 *
 * Only the parsed items count: items that no driver reaches are not parsed
 * (parse/select.c), so their calls are not in the facts.
 */
#include <string.h>

#include "analyze/internal.h"
#include "util/strset.h"

const char *const site_fate_name[SITE_COUNT] = {
	[SITE_REPLAYED] = "replayed", [SITE_ALONE] = "alone", [SITE_UNREACHED] = "unreached", [SITE_POINTER] = "pointer",
	[SITE_BOUND] = "bound", [SITE_PATH] = "path",
};

void coverage_mark(const Call *c, bool alone)
{
	/* The facts are the worker's own, for the time of its directory: the
	 * analysis reads them as const, and these flags are theirs to set. */
	if (alone)
		((Call *)c)->replayed_alone = true;
	else
		((Call *)c)->replayed = true;
}

typedef struct {
	uint32_t file, func;
} FuncAt;

typedef struct {
	const FileFacts *files;
	size_t nfiles;
	StrSet by_name;        /* function name -> index + 1 into refs */
	VEC(FuncAt) refs;
	bool **reached;        /* per file, per function */
	VEC(FuncAt) todo;
} Reach;

static void reach(Reach *r, uint32_t file, uint32_t func)
{
	if (r->reached[file][func])
		return;
	r->reached[file][func] = true;
	FuncAt ref = { file, func };
	VEC_PUSH(&r->todo, ref);
}

/* NAME's definition, in FILE first; false when the directory has none. */
static bool lookup(const Reach *r, uint32_t file, const char *name, FuncAt *out)
{
	const FileFacts *ff = &r->files[file];
	for (uint32_t i = 0; i < ff->nfuncs; i++)
		if (!strcmp(ff->funcs[i].name, name)) {
			*out = (FuncAt){ file, i };
			return true;
		}
	int found;
	uintptr_t k = (uintptr_t)strset_get(&r->by_name, name, strlen(name), &found);
	if (found)
		*out = r->refs.v[k - 1];
	return found;
}

/* Every function of the directory reached by direct calls from the
 * callbacks the analysis replays: probe and remove (driver.c). */
static void reach_from_drivers(Reach *r, const DriverVec *drivers)
{
	static const CallbackRole replayed[] = { ROLE_PROBE, ROLE_REMOVE };
	for (size_t d = 0; d < drivers->n; d++)
		for (size_t k = 0; k < sizeof replayed / sizeof *replayed; k++) {
			const Callback *cb = driver_callback(&drivers->v[d], replayed[k]);
			for (uint32_t f = 0; cb && f < r->nfiles; f++)
				if (cb->file == &r->files[f])
					reach(r, f, (uint32_t)(cb->func - r->files[f].funcs));
		}
	while (r->todo.n) {
		FuncAt at = r->todo.v[--r->todo.n];
		const FileFacts *ff = &r->files[at.file];
		const Func *fn = &ff->funcs[at.func];
		for (uint32_t i = 0; i < fn->ncalls; i++) {
			FuncAt to;
			if (lookup(r, at.file, ff->calls[fn->first_call + i].callee, &to))
				reach(r, to.file, to.func);
		}
	}
}

void coverage_count(const AnalyzeConfig *cfg, const FileFacts *files, size_t nfiles, const DriverVec *drivers,
		    bool partial, size_t *sites)
{
	Reach r = { .files = files, .nfiles = nfiles };
	r.reached = xcalloc(nfiles ? nfiles : 1, sizeof *r.reached);
	StrSet values = { 0 }; /* names passed as arguments: functions used as pointers */
	for (uint32_t f = 0; f < nfiles; f++) {
		r.reached[f] = xcalloc(files[f].nfuncs ? files[f].nfuncs : 1, sizeof **r.reached);
		for (uint32_t i = 0; i < files[f].nfuncs; i++) {
			FuncAt ref = { f, i };
			VEC_PUSH(&r.refs, ref);
			strset_add(&r.by_name, files[f].funcs[i].name, (void *)(uintptr_t)r.refs.n);
		}
		for (uint32_t i = 0; i < files[f].ncalls; i++)
			for (uint32_t a = 0; a < files[f].calls[i].nargs; a++) {
				const char *v = files[f].calls[i].args[a];
				strset_add(&values, v + (*v == '&'), (void *)1);
			}
	}
	reach_from_drivers(&r, drivers);
	for (uint32_t f = 0; f < nfiles; f++) {
		const FileFacts *ff = &files[f];
		for (uint32_t i = 0; i < ff->ncalls; i++) {
			const Call *c = &ff->calls[i];
			if (!spec_lookup(cfg->spec, c->callee))
				continue;
			SiteFate fate;
			if (c->replayed)
				fate = SITE_REPLAYED;
			else if (c->replayed_alone)
				fate = SITE_ALONE;
			else if (c->func < 0 || !r.reached[f][c->func])
				fate = c->func >= 0 && strset_get(&values, ff->funcs[c->func].name,
								  strlen(ff->funcs[c->func].name), NULL)
					       ? SITE_POINTER
					       : SITE_UNREACHED;
			else
				fate = partial ? SITE_BOUND : SITE_PATH;
			sites[fate]++;
		}
	}
	for (uint32_t f = 0; f < nfiles; f++)
		free(r.reached[f]);
	free(r.reached);
	VEC_FREE(&r.refs);
	VEC_FREE(&r.todo);
	strset_free(&r.by_name);
	strset_free(&values);
}
