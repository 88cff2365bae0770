/*
 * sarif.c — a scan as a SARIF 2.1.0 log, for CI code scanning.
 *
 * Code-scanning services (and editors' SARIF viewers) show a SARIF log's
 * results on the lines they name, with the rule's help beside them, and
 * follow a result from run to run by its fingerprint.  So the log carries:
 *
 *   - the tool: teardown, its version, and every rule a scan reports, with
 *     its one-line description and its page (docs/rules, the text of
 *     `teardown explain`) as help;
 *   - per finding, a result: the rule, the level (warning or note), the
 *     message, the place, the finding's fingerprint (fingerprint.c, which
 *     survives edits that move lines) as a partial fingerprint, and the
 *     path of steps as a code flow, one location per step;
 *   - paths relative to the tree, under the base id SRCROOT, which the log
 *     resolves to the tree's root as a file: URI: a log made on one machine
 *     reads on another that has the tree elsewhere.
 *
 * It is made from the same JSON findings `--format json` prints
 * (diag.c), so both formats always say the same thing.
 */
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "report/report.h"
#include "util/datafile.h"

/* PATH as a URI reference: unreserved bytes and '/' as they are, every
 * other byte percent-encoded.  A directory gets its closing '/'. */
static json_t *uri(const char *prefix, const char *path, bool dir)
{
	size_t n = strlen(path);
	char *s = xmalloc(strlen(prefix) + 3 * n + 2), *o = s;
	o += sprintf(o, "%s", prefix);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p))
			*o++ = (char)*p;
		else
			o += sprintf(o, "%%%02X", *p);
	}
	if (dir && (o == s || o[-1] != '/'))
		*o++ = '/';
	*o = '\0';
	json_t *j = json_string(s);
	free(s);
	return j;
}

/* A physicalLocation from teardown's { file, line, column }. */
static json_t *physical(json_t *loc)
{
	json_t *art = json_object(), *region = json_object(), *p = json_object();
	json_object_set_new(art, "uri", uri("", json_string_value(json_object_get(loc, "file")), false));
	json_object_set_new(art, "uriBaseId", json_string("SRCROOT"));
	json_object_set(region, "startLine", json_object_get(loc, "line"));
	json_int_t col = json_integer_value(json_object_get(loc, "column"));
	if (col > 0)
		json_object_set_new(region, "startColumn", json_integer(col));
	json_object_set_new(p, "artifactLocation", art);
	json_object_set_new(p, "region", region);
	return p;
}

static json_t *text(const char *s)
{
	json_t *j = json_object();
	json_object_set_new(j, "text", json_str(s));
	return j;
}

/* The tool's rules: every reported rule, in rules.def's order; the index
 * of each id in RULE_INDEX. */
static json_t *rules_json(const RuleTable *rules, json_t *rule_index)
{
	json_t *a = json_array();
	for (int k = 0; k < RULE_COUNT; k++) {
		const Rule *r = rule_by_id(rules, model_rule_name((ModelRule)k));
		if (!r || !r->reported)
			continue;
		json_t *j = json_object(), *cfg = json_object();
		json_object_set_new(j, "id", json_string(r->id));
		json_object_set_new(j, "shortDescription", text(r->description));
		char name[256];
		snprintf(name, sizeof name, "explain/%s.md", r->id);
		char *page = data_read_text(name);
		if (page) {
			json_t *help = text(page);
			json_object_set_new(help, "markdown", json_str(page));
			json_object_set_new(j, "help", help);
			free(page);
		}
		json_object_set_new(cfg, "level", json_string(severity_name(r->max)));
		json_object_set_new(j, "defaultConfiguration", cfg);
		json_object_set_new(rule_index, r->id, json_integer((json_int_t)json_array_size(a)));
		json_array_append_new(a, j);
	}
	return a;
}

/* One result from one of diag_json's findings. */
static json_t *result(json_t *fd, json_t *rule_index)
{
	json_t *r = json_object();
	const char *rule = json_string_value(json_object_get(fd, "rule"));
	json_object_set_new(r, "ruleId", json_str(rule));
	json_t *idx = json_object_get(rule_index, rule);
	if (idx)
		json_object_set(r, "ruleIndex", idx);
	json_object_set(r, "level", json_object_get(fd, "severity"));
	json_object_set_new(r, "message", text(json_string_value(json_object_get(fd, "message"))));
	json_t *loc = json_object(), *locs = json_array();
	json_object_set_new(loc, "physicalLocation", physical(json_object_get(fd, "location")));
	const char *function = json_string_value(json_object_get(fd, "function"));
	if (function) {
		json_t *logical = json_object(), *ll = json_array();
		json_object_set_new(logical, "name", json_str(function));
		json_object_set_new(logical, "kind", json_string("function"));
		json_array_append_new(ll, logical);
		json_object_set_new(loc, "logicalLocations", ll);
	}
	json_array_append_new(locs, loc);
	json_object_set_new(r, "locations", locs);
	json_t *fp = json_object();
	json_object_set(fp, "teardown/v1", json_object_get(fd, "fingerprint"));
	json_object_set_new(r, "partialFingerprints", fp);

	json_t *steps = json_array();
	size_t i;
	json_t *st;
	json_array_foreach(json_object_get(fd, "path"), i, st) {
		json_t *tfl = json_object(), *l = json_object();
		json_t *where = json_object_get(st, "location");
		if (where)
			json_object_set_new(l, "physicalLocation", physical(where));
		const char *f = json_string_value(json_object_get(st, "function"));
		const char *what = json_string_value(json_object_get(st, "what"));
		char *msg = xmalloc(strlen(f ? f : "") + strlen(what ? what : "") + 3);
		sprintf(msg, "%s%s%s", f ? f : "", f ? ": " : "", what ? what : "");
		json_object_set_new(l, "message", text(msg));
		free(msg);
		json_object_set_new(tfl, "location", l);
		json_array_append_new(steps, tfl);
	}
	if (json_array_size(steps)) {
		json_t *tf = json_object(), *tfs = json_array(), *cf = json_object(), *cfs = json_array();
		json_object_set_new(tf, "locations", steps);
		json_array_append_new(tfs, tf);
		json_object_set_new(cf, "threadFlows", tfs);
		json_array_append_new(cfs, cf);
		json_object_set_new(r, "codeFlows", cfs);
	} else
		json_decref(steps);

	/* what SARIF has no word for: the driver, its sharers, its people */
	json_t *props = json_object();
	const char *keys[] = { "driver", "also_reached_by", "maintainers", "latent", "partial" };
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
		if (json_object_get(fd, keys[k]))
			json_object_set(props, keys[k], json_object_get(fd, keys[k]));
	json_object_set_new(r, "properties", props);
	return r;
}

void sarif_print(FILE *f, json_t *items, const RuleTable *rules, const char *root, json_t *summary)
{
	json_t *rule_index = json_object();
	json_t *driver = json_object();
	json_object_set_new(driver, "name", json_string("teardown"));
	json_object_set_new(driver, "version", json_string(teardown_version));
	json_object_set_new(driver, "rules", rules_json(rules, rule_index));
	json_t *tool = json_object();
	json_object_set_new(tool, "driver", driver);

	json_t *results = json_array();
	size_t i;
	json_t *fd;
	json_array_foreach(items, i, fd)
		json_array_append_new(results, result(fd, rule_index));

	json_t *base = json_object(), *srcroot = json_object();
	json_object_set_new(srcroot, "uri", uri("file://", root ? root : "/", true));
	json_object_set_new(base, "SRCROOT", srcroot);

	json_t *inv = json_object(), *invs = json_array();
	json_object_set_new(inv, "executionSuccessful", json_true());
	json_object_set_new(inv, "properties", summary);
	json_array_append_new(invs, inv);

	json_t *run = json_object(), *runs = json_array();
	json_object_set_new(run, "tool", tool);
	json_object_set_new(run, "invocations", invs);
	json_object_set_new(run, "originalUriBaseIds", base);
	json_object_set_new(run, "results", results);
	json_array_append_new(runs, run);

	json_t *log = json_object();
	json_object_set_new(log, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_set_new(log, "version", json_string("2.1.0"));
	json_object_set_new(log, "runs", runs);
	json_dumpf(log, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(log);
	json_decref(items);
	json_decref(rule_index);
}
