/*
 * dir.c — the analysis of one directory: every driver replayed, findings
 * in order.
 *
 * The one loop over a directory's drivers, for the scan (scan.c) and the
 * fuzz target alike: each driver is replayed (driver.c), a driver cut short
 * by a bound is reported partial, the functions no driver reached are
 * replayed on their own for the rules that need no more (local.c), the
 * MSI domain ops structs are checked
 * (domain.c), and the findings of the directory are
 * sorted by place (file, line, rule, driver), so that output never depends
 * on the order drivers were found in.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"

static int by_place(const void *x, const void *y)
{
	const Finding *a = x, *b = y;
	int c = strcmp(a->file, b->file);
	if (!c)
		c = (a->pos.line > b->pos.line) - (a->pos.line < b->pos.line);
	if (!c)
		c = strcmp(a->rule, b->rule);
	if (!c)
		c = strcmp(a->driver, b->driver);
	return c;
}

size_t analyze_dir(const AnalyzeConfig *cfg, FileFacts *files, size_t nfiles, const Constants *constants,
		   const DriverVec *drivers, Arena *arena, FindingVec *found, PartialFn *partial, void *ctx)
{
	size_t npartial = 0;
	DirAnalysis *da = dir_analysis_new(cfg, files, nfiles, constants, arena);
	for (size_t i = 0; i < drivers->n; i++) {
		DriverReport rep;
		analyze_driver(da, &drivers->v[i], found, &rep);
		if (rep.partial) {
			npartial++;
			if (partial)
				partial(ctx, &drivers->v[i], rep.why);
		}
	}
	analyze_alone(da, found);
	dir_analysis_free(da);
	check_domain_ops(cfg, files, nfiles, drivers, arena, found);
	if (found->n) /* found->v is NULL while empty */
		qsort(found->v, found->n, sizeof *found->v, by_place);
	return npartial;
}
