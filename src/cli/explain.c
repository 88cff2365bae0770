/*
 * explain.c — `teardown explain RULE`: what a finding of RULE means.
 *
 * A warning on a line is only useful if the reader can tell, without the
 * author, what the rule claims, what code it fires on, how the fix looks
 * and when it is wrong.  Each rule has that page in docs/rules/RULE.md;
 * the data folder holds the same pages (data/explain links there; an
 * installed teardown has a copy), so a user who adds a rule adds its page
 * beside it, and this command, SARIF's help text and the documentation
 * read one text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/model.h"
#include "scan.h"
#include "util/datafile.h"

static const char explain_usage[] =
	"usage: teardown explain RULE\n"
	"\n"
	"Print what RULE (an id of data/rules) means: what it reports, an example,\n"
	"how to fix it, and when a finding of it is a false positive.  The same\n"
	"text is in docs/rules/RULE.md.  `teardown explain --list` lists the rules.\n";

/* RULE's page in the data folder, or NULL. */
static char *rule_explanation(const char *id)
{
	char name[256];
	snprintf(name, sizeof name, "explain/%s.md", id);
	return data_read_text(name);
}

int explain_main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(explain_usage, stdout);
		return flush_stdout(0);
	}
	if (argc != 2)
		return usage_error("explain", "explain wants one RULE");
	static RuleTable rules; /* lives as long as the process: static, so leak checkers see it */
	if (rule_table_load(&rules) < 0)
		return 2;
	if (!strcmp(argv[1], "--list")) {
		for (int k = 0; k < RULE_COUNT; k++) { /* in rules.def's order */
			const Rule *r = rule_by_id(&rules, model_rule_name((ModelRule)k));
				printf("%-24s %-7s %s\n", r->id, r->reported ? severity_name(r->max) : "off",
				       r->description);
		}
		return flush_stdout(0);
	}
	const Rule *r = rule_by_id(&rules, argv[1]);
	if (!r)
		return usage_error("explain", "no rule '%s' (teardown explain --list)", argv[1]);
	char *text = rule_explanation(r->id);
	if (text)
		fputs(text, stdout);
	else /* a rule the model raises but scans do not report has its line only */
		printf("%s (%s): %s\n", r->id, r->reported ? severity_name(r->max) : "off: not reported by scans",
		       r->description);
	free(text);
	return flush_stdout(0);
}
