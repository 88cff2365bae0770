/*
 * impact.c — `teardown impact --semantics A..B PATH...`: the pipeline run
 * twice over the same paths, once per profile, and the two lists of
 * findings compared driver by driver (report/impact.c).
 *
 * Running the whole scan twice costs twice a scan; replaying each driver
 * under both profiles in one pass would cost less, but needs the engine
 * (src/analyze) to carry two configurations, and the scans here are of
 * whole trees in a couple of minutes.  Each scan prints its summary on
 * stderr as a scan does, so what each profile covered is on record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "impact.h"
#include "tree.h"

static int usage(void)
{
	fputs("usage: teardown impact --semantics A..B [-j N] [--format text|json] [--latent] [--no-progress] PATH...\n"
	      "The drivers whose verdict (the rules they have findings of) changes from\n"
	      "profile A to profile B, e.g. 7.3..proposed; --latent counts latent warnings\n"
	      "too (a leak under B whose path the engine could not check is otherwise no\n"
	      "verdict at all).\n",
	      stderr);
	return 2;
}

int impact_main(int argc, char **argv)
{
	const char *range = NULL;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	ScanOptions o = { .jobs = cpus > 0 ? (int)cpus : 1, .max_size = 8u << 20,
			  .parse_timeout_us = 20 * 1000 * 1000, .progress = isatty(2),
			  .filter = { .notes = true } }; /* a verdict counts the notes too */
	bool json = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--semantics") && i + 1 < argc)
			range = argv[++i];
		else if (!strcmp(argv[i], "-j") && i + 1 < argc)
			o.jobs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--no-progress"))
			o.progress = false;
		else if (!strcmp(argv[i], "--latent"))
			o.filter.latent = true;
		else if (!strcmp(argv[i], "--format") && i + 1 < argc && (!strcmp(argv[i + 1], "json") ||
									    !strcmp(argv[i + 1], "text")))
			json = !strcmp(argv[++i], "json");
		else
			return usage();
	}
	const char *dots = range ? strstr(range, "..") : NULL;
	if (!dots || i == argc || o.jobs < 1 || o.jobs > 256)
		return usage();
	char a[64];
	snprintf(a, sizeof a, "%.*s", (int)(dots - range), range);
	const Profile *pa = profile_by_name(a), *pb = profile_by_name(dots + 2);
	if (!pa || !pb) {
		char names[128];
		fprintf(stderr, "teardown: impact: unknown profile in '%s' (%s)\n", range, profile_names(names, sizeof names));
		return 2;
	}
	json_t *from = NULL, *to = NULL;
	o.collect = &from;
	o.profile = pa;
	int rc = scan_run(argv + i, argc - i, &o, &findings_printer);
	if (rc < 2) {
		o.collect = &to;
		o.profile = pb;
		rc = scan_run(argv + i, argc - i, &o, &findings_printer);
	}
	if (rc < 2) {
		/* Each changed driver's contacts, from the tree's MAINTAINERS. */
		TreeInfo ti = tree_info(argv[i], pa);
		Maintainers *m = ti.root[0] ? maintainers_load(ti.root) : NULL;
		rc = impact_print(stdout, profile_name(pa), profile_name(pb), from, to, json, m);
		maintainers_free(m);
	}
	json_decref(from);
	json_decref(to);
	return flush_stdout(rc);
}
