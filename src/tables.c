/*
 * tables.c — the tables every stage of the pipeline reads, loaded once.
 *
 * All of them are data (data/, found through util/datafile.c): the buses,
 * the coding conventions, the kernel macros, the API spec, the rules, and
 * the prefilter, which is made from the others: a file is worth parsing if
 * it mentions a driver struct or an API the spec knows (or a name of
 * data/prefilter); an item roots the parse if it names a driver struct or
 * a registration function.  Workers read the tables concurrently and never
 * write them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"
#include "util/datafile.h"

static void add_kind(StrSet *set, const char *name, unsigned kind)
{
	unsigned old = (unsigned)(uintptr_t)strset_get(set, name, strlen(name), NULL);
	strset_set(set, name, (void *)(uintptr_t)(old | kind));
}

static const char *add_prefilter_names(const DataLine *l, void *ctx)
{
	for (int i = 0; i < l->nfields; i++)
		add_kind(ctx, l->field[i], MENTION_API);
	return NULL;
}

int tables_load(Tables *t)
{
	char err[512];
	if (parse_check_abi(err, sizeof err) < 0) {
		fprintf(stderr, "teardown: %s\n", err);
		return -1;
	}
	extract_init();
	*t = (Tables){ 0 };
	if (bus_table_load(&t->buses) < 0 || conventions_load(&t->conv) < 0 ||
	    macro_table_load(&t->macros) < 0 || rule_table_load(&t->rules) < 0)
		return -1;
	char path[4096];
	data_path("api.spec", path, sizeof path);
	if (!(t->spec = model_spec_load(path, err, sizeof err))) {
		fprintf(stderr, "teardown: %s\n", err);
		return -1;
	}
	for (int i = 0; i < t->buses.nbuses; i++)
		add_kind(&t->prefilter, t->buses.buses[i].struct_name,
			 MENTION_API | MENTION_DRIVER | MENTION_ROOT);
	for (size_t i = 0; i < t->buses.registers.cap; i++)
		if (strset_key_at(&t->buses.registers, i))
			add_kind(&t->prefilter, strset_key_at(&t->buses.registers, i), MENTION_ROOT);
	/* A function that calls through a prepare field (an MSI domain's
	 * forward to its parent's msi_prepare) is worth parsing. */
	for (int i = 0; i < t->buses.nbuses; i++)
		for (int f = 0; f < t->buses.buses[i].nfields; f++)
			if (t->buses.buses[i].roles[f] == ROLE_PREPARE)
				add_kind(&t->prefilter, t->buses.buses[i].fields[f], MENTION_API);
	int n;
	const char *const *names = spec_names(t->spec, &n);
	bool alone = rules_any_alone(&t->rules);
	for (int i = 0; i < n; i++) {
		const SpecEntry *e = spec_lookup(t->spec, names[i]);
		bool managed = alone && spec_is_managed_acquire(e);
		add_kind(&t->prefilter, names[i], MENTION_API | (managed ? MENTION_ALONE : 0));
		const char *word = names[i] + strspn(names[i], "_"), *end = strchr(word, '_');
		char first[64];
		if (managed && end && (size_t)(end + 1 - word) < sizeof first) {
			memcpy(first, word, (size_t)(end + 1 - word));
			first[end + 1 - word] = '\0';
			strset_add(&t->managed_words, first, (void *)1);
		}
	}
	/* The helpers that store, load or point into driver memory make a
	 * function worth replaying too (drvdata getters, flag setters). */
	for (size_t i = 0; i < t->conv.names.cap; i++) {
		const Convention *c = strset_value_at(&t->conv.names, i);
		if (c && c->kind >= CONV_BUILTIN)
			add_kind(&t->prefilter, strset_key_at(&t->conv.names, i), MENTION_API);
	}
	return datafile_read("prefilter", add_prefilter_names, &t->prefilter);
}

static int by_string(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

int names_run(void)
{
	static Tables t; /* lives as long as the process: static, so leak checkers see it */
	if (tables_load(&t) < 0)
		return 2;
	const char **v = xcalloc(t.prefilter.n ? t.prefilter.n : 1, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < t.prefilter.cap; i++)
		if ((uintptr_t)strset_value_at(&t.prefilter, i) & (MENTION_API | MENTION_DRIVER))
			v[n++] = strset_key_at(&t.prefilter, i);
	qsort(v, n, sizeof *v, by_string);
	for (size_t i = 0; i < n; i++)
		printf("%s\n", v[i]);
	free(v);
	return flush_stdout(0);
}
