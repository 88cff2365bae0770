/*
 * diff.c — `teardown diff`: what is new, fixed and persisting between two
 * scans.
 *
 *   teardown diff --db FILE [--from ID --to ID] [--format text|json]
 *   teardown diff [--format text|json] OLD.json NEW.json
 *
 * Without ids the two latest scans of the database are compared; two
 * JSON documents of `teardown scan --format json` can stand for them.
 * Findings are matched by fingerprint (report/fingerprint.c), which does
 * not change when lines move or unrelated functions are renamed, so a
 * finding that only moved persists.  Fingerprints are matched as a
 * multiset: two equal findings in the old scan and one in the new leave
 * one fixed.  Exit status: 1 when there is anything new, else 0; 2 on
 * an error.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history/history.h"

static int usage(void)
{
	fputs("usage: teardown diff --db FILE [--from ID --to ID] [--format text|json]\n"
	      "       teardown diff [--format text|json] OLD.json NEW.json\n"
	      "Findings of the newer scan not in the older (new), of the older not in the\n"
	      "newer (fixed), and of both (persisting), matched by fingerprint.\n",
	      stderr);
	return 2;
}

/* The findings array of the scan document at PATH, or NULL after a message. */
static json_t *load_document(const char *path)
{
	json_error_t e;
	json_t *doc = json_load_file(path, 0, &e);
	if (!doc) {
		fprintf(stderr, "teardown: %s:%d: %s\n", path, e.line, e.text);
		return NULL;
	}
	json_t *f = json_object_get(doc, "findings");
	if (!json_is_array(f)) {
		fprintf(stderr, "teardown: %s: not the JSON of teardown scan (no findings array)\n", path);
		json_decref(doc);
		return NULL;
	}
	json_incref(f);
	json_decref(doc);
	return f;
}

static const char *fingerprint(json_t *f)
{
	const char *s = json_string_value(json_object_get(f, "fingerprint"));
	return s ? s : "";
}

/* Move each finding of A into ONLY_A, or into BOTH when B holds one with
 * its fingerprint not matched yet; B's unmatched findings into ONLY_B. */
static void match(json_t *a, json_t *b, json_t *only_a, json_t *both, json_t *only_b)
{
	json_t *pending = json_object(); /* fingerprint -> array of B's indexes, unmatched */
	size_t i;
	json_t *f;
	json_array_foreach(b, i, f) {
		json_t *list = json_object_get(pending, fingerprint(f));
		if (!list)
			json_object_set_new(pending, fingerprint(f), list = json_array());
		json_array_append_new(list, json_integer((json_int_t)i));
	}
	char *used = calloc(json_array_size(b) + 1, 1);
	json_array_foreach(a, i, f) {
		json_t *list = json_object_get(pending, fingerprint(f));
		if (list && json_array_size(list)) {
			size_t j = (size_t)json_integer_value(json_array_get(list, 0));
			json_array_remove(list, 0);
			used[j] = 1;
			json_array_append(both, json_array_get(b, j)); /* as the newer scan has it */
		} else {
			json_array_append(only_a, f);
		}
	}
	json_array_foreach(b, i, f)
		if (!used[i])
			json_array_append(only_b, f);
	free(used);
	json_decref(pending);
}

static void print_entry(const char *kind, json_t *f)
{
	json_t *loc = json_object_get(f, "location");
	printf("%s %s:%lld: %s: %s [%s] (%s, %s)\n", kind, json_string_value(json_object_get(loc, "file")),
	       (long long)json_integer_value(json_object_get(loc, "line")),
	       json_string_value(json_object_get(f, "severity")), json_string_value(json_object_get(f, "message")),
	       json_string_value(json_object_get(f, "rule")), json_string_value(json_object_get(f, "driver")),
	       fingerprint(f));
}

int diff_main(int argc, char **argv)
{
	const char *db = NULL, *files[2] = { 0 };
	long long from = -1, to = 0; /* the one before the latest, the latest */
	bool json = false, ids = false;
	int nfiles = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--db") && i + 1 < argc)
			db = argv[++i];
		else if (!strcmp(a, "--from") && i + 1 < argc)
			from = atoll(argv[++i]), ids = true;
		else if (!strcmp(a, "--to") && i + 1 < argc)
			to = atoll(argv[++i]), ids = true;
		else if (!strcmp(a, "--format") && i + 1 < argc) {
			a = argv[++i];
			if (strcmp(a, "text") && strcmp(a, "json"))
				return usage();
			json = !strcmp(a, "json");
		} else if (a[0] != '-' && nfiles < 2)
			files[nfiles++] = a;
		else
			return usage();
	}
	if (db ? nfiles != 0 || (ids && (from <= 0 || to <= 0)) : nfiles != 2 || ids)
		return usage();
	json_t *old = NULL, *new = NULL;
	long long old_id = 0, new_id = 0;
	if (db) {
		if (history_load(db, to, &new, &new_id) < 0 || history_load(db, from, &old, &old_id) < 0) {
			json_decref(new);
			return 2;
		}
	} else if (!(old = load_document(files[0])) || !(new = load_document(files[1]))) {
		json_decref(old);
		return 2;
	}
	json_t *added = json_array(), *fixed = json_array(), *persisting = json_array();
	match(old, new, fixed, persisting, added);
	size_t nnew = json_array_size(added);
	if (json) {
		json_t *doc = json_object();
		if (db) {
			json_object_set_new(doc, "from", json_integer(old_id));
			json_object_set_new(doc, "to", json_integer(new_id));
		}
		json_object_set_new(doc, "new", added);
		json_object_set_new(doc, "fixed", fixed);
		json_object_set_new(doc, "persisting", persisting);
		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(doc);
	} else {
		size_t i;
		json_t *f;
		json_array_foreach(added, i, f)
			print_entry("new", f);
		json_array_foreach(fixed, i, f)
			print_entry("fixed", f);
		if (db)
			printf("scan %lld -> scan %lld: ", old_id, new_id);
		printf("%zu new, %zu fixed, %zu persisting\n", nnew, json_array_size(fixed),
		       json_array_size(persisting));
		json_decref(added), json_decref(fixed), json_decref(persisting);
	}
	json_decref(old);
	json_decref(new);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "teardown: writing the output failed\n");
		return 2;
	}
	return nnew ? 1 : 0;
}
