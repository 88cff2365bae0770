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
	if (l->nfields < 3 || strcmp(l->field[0], "rule"))
		return "expected: rule ID DESCRIPTION";
	/* Re-join the description the splitter cut into fields. */
	size_t n = 0;
	for (int i = 2; i < l->nfields; i++)
		n += strlen(l->field[i]) + 1;
	char *desc = xmalloc(n + 1);
	desc[0] = '\0';
	for (int i = 2; i < l->nfields; i++) {
		strcat(desc, l->field[i]);
		if (i + 1 < l->nfields)
			strcat(desc, " ");
	}
	strset_add(&((RuleTable *)ctx)->ids, l->field[1], desc);
	return NULL;
}

int rule_table_load(RuleTable *t)
{
	*t = (RuleTable){ 0 };
	return datafile_read("rules", read_line, t);
}

const char *rule_description(const RuleTable *t, const char *id)
{
	return strset_get(&t->ids, id, strlen(id), NULL);
}
