/*
 * rules.c — the rule ids a scan reports, from data/rules.
 *
 * The model says more than a scan should: a trace replay shows every
 * internal diagnosis, but a scan of a whole tree reports only the stable,
 * documented rules a maintainer can act on and filter by.  The ids are the
 * model's (model/rules.def); the table says, for each of them, whether and
 * how a scan reports it, so an id can be neither misspelt here nor
 * forgotten.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "analyze/analyze.h"
#include "util/datafile.h"

/* The table being read, and where its reader stands, for messages. */
typedef struct {
	RuleTable *t;
	const char *file;
	int last_line;
	char msg[256];
} Loading;

static const char *read_line(const DataLine *l, void *ctx)
{
	Loading *ld = ctx;
	ld->file = l->file, ld->last_line = l->line;
	if (l->nfields < 5 || strcmp(l->field[0], "rule"))
		return "expected: rule ID SEVERITY SCOPE [alone] [unless=RULE] DESCRIPTION";
	if (model_rule_by_name(l->field[1]) < 0) {
		snprintf(ld->msg, sizeof ld->msg, "rule '%s' is never raised by the model (src/model/rules.def)",
			 l->field[1]);
		return ld->msg;
	}
	if (rule_by_id(ld->t, l->field[1]))
		return "rule listed twice";
	const char *sev = l->field[2], *scope = l->field[3];
	bool off = !strcmp(sev, "off");
	if (!off && strcmp(sev, severity_name(SEV_WARNING)) && strcmp(sev, severity_name(SEV_NOTE)))
		return "SEVERITY is warning, note or off";
	if (strcmp(scope, "place") && strcmp(scope, "driver"))
		return "SCOPE is place or driver";
	int first = 4;
	bool alone = !strcmp(l->field[first], "alone");
	first += alone;
	const char *unless = first < l->nfields && !strncmp(l->field[first], "unless=", 7) ? l->field[first] + 7 : NULL;
	if (unless && model_rule_by_name(unless) < 0)
		return "unless= names no rule of the model (src/model/rules.def)";
	first += unless != NULL;
	if (first >= l->nfields)
		return "missing DESCRIPTION";
	/* Checked: now the rule. */
	Rule *r = xcalloc(1, sizeof *r);
	r->id = xstrdup(l->field[1]);
	r->reported = !off;
	r->max = !strcmp(sev, severity_name(SEV_WARNING)) ? SEV_WARNING : SEV_NOTE;
	r->per_driver = !strcmp(scope, "driver");
	r->alone = alone;
	r->unless = unless ? xstrdup(unless) : NULL;
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
	strset_add(&ld->t->ids, r->id, r);
	return NULL;
}

int rule_table_load(RuleTable *t)
{
	*t = (RuleTable){ 0 };
	char path[PATH_MAX], err[PATH_MAX + 256];
	data_path("rules", path, sizeof path);
	Loading ld = { .t = t, .file = path };
	if (datafile_parse(path, read_line, &ld, err, sizeof err) < 0) {
		fprintf(stderr, "teardown: %s\n", err);
		return -1;
	}
	for (int k = 0; k < RULE_COUNT; k++)
		if (!rule_by_id(t, model_rule_name((ModelRule)k))) {
			fprintf(stderr, "teardown: %s:%d: rule '%s' of the model (src/model/rules.def) is not listed\n",
				ld.file, ld.last_line + 1, model_rule_name((ModelRule)k));
			return -1;
		}
	return 0;
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

bool rules_any_alone(const RuleTable *t)
{
	for (size_t i = 0; i < t->ids.cap; i++) {
		const Rule *r = strset_value_at(&t->ids, i);
		if (r && r->reported && r->alone)
			return true;
	}
	return false;
}

int rules_matching(const RuleTable *t, const char *name)
{
	int count = 0;
	for (size_t i = 0; i < t->ids.cap; i++) {
		const Rule *r = strset_value_at(&t->ids, i);
		count += r && r->reported && rule_matches(r->id, name);
	}
	return count;
}
