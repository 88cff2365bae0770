/*
 * impact.c — which drivers an API change judges differently.
 *
 * `teardown impact --semantics A..B` scans the same tree under two
 * profiles (src/impact.c runs the pipeline twice) and hands both lists of
 * findings here.  A driver's verdict under a profile is the set of rules
 * it has findings of ("clean" when none); a driver whose verdict differs
 * between A and B is one the change affects: under 7.3..proposed, a
 * driver that relies on the implicit MSI free (implicit under 7.3) leaks
 * once the hybrid goes.  Each such driver gets one line with both
 * verdicts and the lines of its findings under B (under A when B finds
 * nothing) and who to tell (the maintainers and lists of the driver's
 * file in the tree's MAINTAINERS), then the counts per transition.
 *
 * A driver is named by its struct and the directory of its findings: the
 * same struct name in two directories is two drivers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

typedef struct {
	char *key;       /* "dir\tdriver" */
	json_t *from, *to; /* the driver's findings under A and under B */
} DriverFindings;

typedef VEC(DriverFindings) DriverFindingsVec;

static char *driver_key(json_t *f)
{
	const char *file = json_string_value(json_object_get(json_object_get(f, "location"), "file"));
	const char *driver = json_string_value(json_object_get(f, "driver"));
	file = file ? file : "";
	const char *slash = strrchr(file, '/');
	int dirlen = slash ? (int)(slash - file) : 1;
	size_t n = (size_t)dirlen + strlen(driver ? driver : "") + 2;
	char *k = xmalloc(n);
	snprintf(k, n, "%.*s\t%s", dirlen, slash ? file : ".", driver ? driver : "");
	return k;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const DriverFindings *)a)->key, ((const DriverFindings *)b)->key);
}

/* Group FINDINGS (SIDE 0: under A, 1: under B) by driver into V, through
 * the index INDEX (key -> position + 1). */
static void group(DriverFindingsVec *v, json_t *index, json_t *findings, int side)
{
	size_t i;
	json_t *f;
	json_array_foreach(findings, i, f) {
		char *k = driver_key(f);
		json_int_t at = json_integer_value(json_object_get(index, k));
		if (!at) {
			DriverFindings d = { .key = k, .from = json_array(), .to = json_array() };
			VEC_PUSH(v, d);
			at = (json_int_t)v->n;
			json_object_set_new(index, k, json_integer(at));
		} else {
			free(k);
		}
		json_array_append(side ? v->v[at - 1].to : v->v[at - 1].from, f);
	}
}

/* The verdict of FINDINGS: their rules, sorted, without repeats, joined
 * by ","; "clean" for none.  Malloc'd. */
static char *verdict(json_t *findings)
{
	size_t n = json_array_size(findings);
	if (!n)
		return xstrdup("clean");
	const char **rules = xmalloc(n * sizeof *rules);
	for (size_t i = 0; i < n; i++)
		rules[i] = json_string_value(json_object_get(json_array_get(findings, i), "rule"));
	qsort(rules, n, sizeof *rules, by_string);
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(rules[i]) + 1;
	char *s = xmalloc(len);
	s[0] = '\0';
	for (size_t i = 0; i < n; i++)
		if (!i || strcmp(rules[i], rules[i - 1]))
			strcat(strcat(s, *s ? "," : ""), rules[i]);
	free(rules);
	return s;
}

/* The evidence of a changed driver: file:line of each finding, as JSON strings. */
static json_t *evidence(json_t *findings)
{
	json_t *lines = json_array();
	size_t i;
	json_t *f;
	json_array_foreach(findings, i, f) {
		json_t *loc = json_object_get(f, "location");
		char buf[4200];
		snprintf(buf, sizeof buf, "%s:%lld (%s)", json_string_value(json_object_get(loc, "file")),
			 (long long)json_integer_value(json_object_get(loc, "line")),
			 json_string_value(json_object_get(f, "rule")));
		json_array_append_new(lines, json_str(buf));
	}
	return lines;
}

/* The driver's file, for its contacts: where its first finding is. */
static const char *driver_file(json_t *findings)
{
	json_t *f = json_array_get(findings, 0);
	return json_string_value(json_object_get(json_object_get(f, "location"), "file"));
}

int impact_print(FILE *out, const char *a, const char *b, json_t *from, json_t *to, bool json,
		 const Maintainers *m)
{
	DriverFindingsVec v = { 0 };
	json_t *index = json_object();
	group(&v, index, from, 0);
	group(&v, index, to, 1);
	json_decref(index);
	qsort(v.v, v.n, sizeof *v.v, by_key);
	json_t *changed = json_array(), *transitions = json_object();
	size_t flagged = 0, cleared = 0, moved = 0;
	for (size_t i = 0; i < v.n; i++) {
		DriverFindings *d = &v.v[i];
		char *va = verdict(d->from), *vb = verdict(d->to);
		if (strcmp(va, vb)) {
			char *tab = strchr(d->key, '\t');
			*tab = '\0';
			json_t *e = json_object();
			json_object_set_new(e, "driver", json_str(tab + 1));
			json_object_set_new(e, "directory", json_str(d->key));
			json_object_set_new(e, "from", json_str(va));
			json_object_set_new(e, "to", json_str(vb));
			json_t *shown = json_array_size(d->to) ? d->to : d->from;
			const char *file = driver_file(shown);
			if (file)
				json_object_set_new(e, "file", json_str(file));
			json_object_set_new(e, "evidence", evidence(shown));
			if (m && file) {
				ContactVec who = { 0 };
				maintainers_of(m, file, &who);
				json_object_set_new(e, "maintainers", contacts_json(&who));
				contacts_free(&who);
			}
			json_array_append_new(changed, e);
			flagged += !json_array_size(d->from);
			cleared += !json_array_size(d->to);
			moved += json_array_size(d->from) && json_array_size(d->to);
			char t[512];
			snprintf(t, sizeof t, "%s -> %s", va, vb);
			json_int_t k = json_integer_value(json_object_get(transitions, t));
			json_object_set_new(transitions, t, json_integer(k + 1));
		}
		free(va), free(vb), free(d->key);
		json_decref(d->from), json_decref(d->to);
	}
	VEC_FREE(&v);
	size_t n = json_array_size(changed);
	if (json) {
		json_t *doc = json_object(), *counts = json_object();
		json_object_set_new(counts, "changed", json_integer((json_int_t)n));
		json_object_set_new(counts, "newly_flagged", json_integer((json_int_t)flagged));
		json_object_set_new(counts, "cleared", json_integer((json_int_t)cleared));
		json_object_set_new(counts, "verdict_changed", json_integer((json_int_t)moved));
		json_object_set_new(counts, "transitions", transitions);
		json_object_set_new(doc, "from", json_str(a));
		json_object_set_new(doc, "to", json_str(b));
		json_object_set_new(doc, "drivers", changed);
		json_object_set_new(doc, "counts", counts);
		json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', out);
		json_decref(doc);
		return 0;
	}
	size_t i;
	json_t *e;
	json_array_foreach(changed, i, e) {
		fprintf(out, "%s: %s: %s %s -> %s %s:", json_string_value(json_object_get(e, "directory")),
			json_string_value(json_object_get(e, "driver")), a,
			json_string_value(json_object_get(e, "from")), b, json_string_value(json_object_get(e, "to")));
		size_t j;
		json_t *l;
		json_array_foreach(json_object_get(e, "evidence"), j, l)
			fprintf(out, " %s", json_string_value(l));
		ContactVec who = { 0 };
		const char *file = json_string_value(json_object_get(e, "file"));
		if (m && file)
			maintainers_of(m, file, &who);
		contacts_print(out, &who, " -- ");
		contacts_free(&who);
		fputc('\n', out);
	}
	fprintf(out, "impact %s..%s: %zu drivers change verdict: %zu newly flagged, %zu cleared, %zu changed\n", a, b,
		n, flagged, cleared, moved);
	/* The transitions in the order of their names, so runs compare. */
	size_t nt = json_object_size(transitions), it = 0;
	const char **names = xmalloc((nt ? nt : 1) * sizeof *names);
	const char *t;
	json_t *k;
	json_object_foreach(transitions, t, k)
		names[it++] = t;
	qsort(names, nt, sizeof *names, by_string);
	for (it = 0; it < nt; it++)
		fprintf(out, "  %5lld  %s\n", (long long)json_integer_value(json_object_get(transitions, names[it])),
			names[it]);
	free(names);
	json_decref(changed);
	json_decref(transitions);
	return 0;
}
