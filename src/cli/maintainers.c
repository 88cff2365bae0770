/*
 * maintainers.c — `teardown maintainers FILE...`: whom a finding in FILE goes to.
 *
 * The contacts every finding carries come from the tree's MAINTAINERS
 * (report/maintainers.c).  This command prints them for any file, in the
 * form of scripts/get_maintainer.pl --nogit --nogit-fallback -f FILE
 * (`Name <address> (role:SECTION)`, people first, then lists), so that
 * the reading can be compared with the kernel's own script
 * (tests/real/maintainers.sh) and used where the script is not at hand.
 * FILE is a path into a kernel tree; the tree is found as a scan finds it.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "scan.h"

static const char maintainers_usage[] =
	"usage: teardown maintainers FILE...\n"
	"\n"
	"Print the maintainers, reviewers and lists of each FILE from its kernel\n"
	"tree's MAINTAINERS, as get_maintainer.pl --nogit --nogit-fallback does.\n";

int maintainers_main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(maintainers_usage, stdout);
		return flush_stdout(0);
	}
	if (argc < 2)
		return usage_error("maintainers", "maintainers: no FILE given");
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			return usage_error("maintainers", "unknown option '%s'", argv[i]);
		WalkResult w = { 0 };
		if (walk_path(argv[i], &w) < 0 || !w.dirs.n) {
			walk_free(&w);
			rc = 2;
			continue;
		}
		Maintainers *m = maintainers_load(w.root);
		if (!m) {
			fprintf(stderr, "teardown: %s: no MAINTAINERS in %s\n", argv[i], w.root);
			rc = 2;
		} else {
			ContactVec c = { 0 };
			maintainers_of(m, w.dirs.v[0].files[0].rel, &c);
			for (int lists = 0; lists < 2; lists++)
				for (size_t k = 0; k < c.n; k++)
					if (c.v[k].list == lists)
						printf("%s (%s)\n", c.v[k].who, c.v[k].role);
			contacts_free(&c);
			maintainers_free(m);
		}
		walk_free(&w);
	}
	return flush_stdout(rc);
}
