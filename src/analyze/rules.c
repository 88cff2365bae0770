/*
 * rules.c — the rule ids a scan reports, from data/rules.
 *
 * The model says more than a scan should: a trace replay shows every
 * internal diagnosis, but a scan of a whole tree reports only the stable,
 * documented rules a maintainer can act on and filter by.
 */
#include <string.h>

#include "analyze/analyze.h"
#include "util/datafile.h"

static const char *read_line(const DataLine *l, void *ctx)
{
	if (l->nfields < 5 || strcmp(l->field[0], "rule"))
		return "expected: rule ID SEVERITY SCOPE [unless=RULE] DESCRIPTION";
	Rule *r = xcalloc(1, sizeof *r);
	r->id = xstrdup(l->field[1]);
	if (!strcmp(l->field[2], severity_name(SEV_WARNING)))
		r->max = SEV_WARNING;
	else if (!strcmp(l->field[2], severity_name(SEV_NOTE)))
		r->max = SEV_NOTE;
	else
		return "SEVERITY is warning or note";
	if (strcmp(l->field[3], "place") && strcmp(l->field[3], "driver"))
		return "SCOPE is place or driver";
	r->per_driver = !strcmp(l->field[3], "driver");
	int first = 4;
	if (!strncmp(l->field[4], "unless=", 7)) {
		r->unless = xstrdup(l->field[4] + 7);
		first = 5;
	}
	if (first >= l->nfields)
		return "missing DESCRIPTION";
	/* Re-join the description the splitter cut into fields. */
	size_t n = 0;
	for (int i = first; i < l->nfields; i++)
		n += strlen(l->field[i]) + 1;
	char *desc = xcalloc(1, n + 1);
	for (int i = first; i < l->nfields; i++) {
		strcat(desc, l->field[i]);
		if (i + 1 < l->nfields)
			strcat(desc, " ");
	}
	r->description = desc;
	strset_add(&((RuleTable *)ctx)->ids, r->id, r);
	return NULL;
}

int rule_table_load(RuleTable *t)
{
	*t = (RuleTable){ 0 };
	return datafile_read("rules", read_line, t);
}

const Rule *rule_by_id(const RuleTable *t, const char *id)
{
	return strset_get(&t->ids, id, strlen(id), NULL);
}

bool rule_matches(const char *id, const char *name)
{
	size_t n = strlen(name);
	return !strncmp(id, name, n) && (id[n] == '\0' || id[n] == '-');
}

int rules_matching(const RuleTable *t, const char *name)
{
	int count = 0;
	for (size_t i = 0; i < t->ids.cap; i++) {
		const Rule *r = strset_value_at(&t->ids, i);
		count += r && rule_matches(r->id, name);
	}
	return count;
}
