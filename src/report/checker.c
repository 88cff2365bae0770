/*
 * checker.c — findings as teardown check keeps them.
 *
 * `teardown check` analyses a file's directory once and prints, for each
 * file kbuild hands it, that file's findings (cli/check.c).  What it keeps
 * of the analysis, on disk, is this printer's output: per finding the
 * file it is in, what the options filter on (rule, severity, latent), and
 * its text exactly as `teardown scan` prints it, so a checker's line and a
 * scan's line of the same finding are the same line.
 */
#include <stdlib.h>

#include "report/report.h"

static void print_checked(const Printer *p, const DriverVec *drivers, const FindingVec *found, FILE *out,
			  json_t *items)
{
	for (size_t i = 0; i < found->n; i++) {
		const Finding *fd = &found->v[i];
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		diag_print(f, fd);
		fclose(f);
		json_t *j = json_object();
		json_object_set_new(j, "file", json_str(fd->file));
		json_object_set_new(j, "rule", json_str(fd->rule));
		json_object_set_new(j, "severity", json_integer(fd->severity));
		json_object_set_new(j, "latent", json_boolean(fd->latent != NULL));
		json_object_set_new(j, "text", json_str(text));
		json_array_append_new(items, j);
		free(text);
	}
}

const Printer checker_printer = { .key = "findings", .findings = true, .dir = print_checked };
