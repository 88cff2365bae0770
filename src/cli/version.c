/*
 * version.c — which teardown this is.
 *
 * A report quoted in a bug or a CI log is only reproducible with the
 * version that made it and the data it read (data/ decides what is an API
 * and which rules are reported), so --version prints both.  The version
 * comes from the Makefile (VERSION); JSON and SARIF carry it too.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "scan.h"
#include "util/datafile.h"

const char teardown_version[] = TEARDOWN_VERSION;

int version_main(void)
{
	char dir[4096];
	data_path("rules", dir, sizeof dir);
	*strrchr(dir, '/') = '\0'; /* the folder, not its file */
	printf("teardown %s\ndata: %s\n", teardown_version, dir);
	return flush_stdout(0);
}
