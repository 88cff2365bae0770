/*
 * filter.c — which findings a scan shows, and one of each.
 *
 * A scan of a whole tree finds far more notes (what the kernel makes
 * harmless) than warnings, and a maintainer asked about one rule does not
 * want the others.  So what is shown is chosen after the analysis, from
 * the options: notes only with --notes, latent warnings only with
 * --latent, and the rules --rule and --no-rule name (an id, or a prefix
 * of ids that ends at a dash: `irq-vectors` is every irq-vectors-* rule).
 * What is left out is counted, so that the summary can say so: a silent
 * filter would make "no findings" a lie.
 *
 * Then one finding per rule and place.  A helper shared by many drivers
 * of a directory is replayed once per driver, and each replay finds the
 * same line wrong, in words that may name what that driver passed it
 * (`dev_id cpa_pmu`, `dev_id ddrc_pmu`); the line is reported once, with
 * the first driver's words and path, naming the other drivers that reach
 * it (Finding.shared): the fix is one, at that line.  The analysis returns findings
 * sorted by place, so the same place is always in one run of neighbours.
 */
#include <string.h>

#include "report/report.h"

static bool selected(const FindingFilter *f, const char *rule)
{
	for (int i = 0; i < f->nskip; i++)
		if (rule_matches(rule, f->skip[i]))
			return false;
	if (!f->nonly)
		return true;
	for (int i = 0; i < f->nonly; i++)
		if (rule_matches(rule, f->only[i]))
			return true;
	return false;
}

static bool same_place(const Finding *a, const Finding *b)
{
	return a->pos.line == b->pos.line && a->pos.col == b->pos.col && !strcmp(a->file, b->file) &&
	       !strcmp(a->rule, b->rule);
}

/* Append NAME to the list of drivers that share KEPT, in ARENA. */
static void add_sharer(Finding *kept, const char *name, Arena *arena)
{
	size_t old = kept->shared ? strlen(kept->shared) : 0, n = strlen(name);
	char *s = arena_alloc(arena, old + n + 3);
	if (old)
		memcpy(s, kept->shared, old), memcpy(s + old, ", ", 2), old += 2;
	memcpy(s + old, name, n + 1);
	kept->shared = s;
}

bool filter_shows(const FindingFilter *f, const char *rule, Severity severity, bool latent)
{
	return selected(f, rule) && (!latent || f->latent) && (severity >= SEV_WARNING || f->notes);
}


void filter_findings(const FindingFilter *f, FindingVec *found, Arena *arena, ScanCounts *c)
{
	size_t kept = 0;
	for (size_t i = 0; i < found->n; i++) { /* the rules asked for, each place once */
		Finding *fd = &found->v[i];
		if (!selected(f, fd->rule))
			continue;
		size_t k = kept;
		while (k > 0 && found->v[k - 1].pos.line == fd->pos.line && !same_place(&found->v[k - 1], fd))
			k--;
		if (k > 0 && same_place(&found->v[k - 1], fd)) {
			if (strcmp(found->v[k - 1].driver, fd->driver))
				add_sharer(&found->v[k - 1], fd->driver, arena);
			continue;
		}
		found->v[kept++] = *fd;
	}
	found->n = kept;
	kept = 0;
	for (size_t i = 0; i < found->n; i++) { /* then what the options hide, counted */
		Finding *fd = &found->v[i];
		if (fd->latent && !f->latent)
			c->latent_hidden++;
		else if (fd->severity < SEV_WARNING && !f->notes)
			c->notes_hidden++;
		else
			found->v[kept++] = *fd;
	}
	found->n = kept;
}
