/*
 * datafile.c — the one reader for teardown's data files.
 *
 * What users may extend (API tables, kernel macros, buses) lives in plain
 * text under data/, one record a line: whitespace-separated fields, '#'
 * starts a comment, blank lines are ignored.  Each table has its own small
 * interpreter (a DataLineFn) that gives meaning to the fields; this file only
 * splits lines and reports errors as "file:line: message", so that a typo in
 * a table points at itself instead of crashing the scan.
 *
 * The data folder is, in order: $TEARDOWN_DATA, the folder "data" beside the
 * executable (the build tree), then DATADIR from the build.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "teardown.h"
#include "util/datafile.h"

#ifndef DATADIR
#define DATADIR "/usr/local/share/teardown"
#endif

static const char *data_dir(void)
{
	static char dir[PATH_MAX];
	if (dir[0])
		return dir;
	const char *env = getenv("TEARDOWN_DATA");
	if (env && *env) {
		snprintf(dir, sizeof dir, "%s", env);
		return dir;
	}
	char exe[PATH_MAX - 8];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(dir, sizeof dir, "%s/data", exe);
			if (access(dir, R_OK) == 0)
				return dir;
		}
	}
	snprintf(dir, sizeof dir, "%s", DATADIR);
	return dir;
}

void data_path(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", data_dir(), name);
}

int datafile_read(const char *name, DataLineFn *fn, void *ctx)
{
	char path[PATH_MAX];
	data_path(name, path, sizeof path);
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "teardown: %s: %s (set TEARDOWN_DATA to the data folder)\n", path,
			strerror(errno));
		return -1;
	}
	char *buf = NULL;
	size_t cap = 0;
	DataLine l = { .file = path };
	int rc = 0;
	while (getline(&buf, &cap, f) >= 0) {
		l.line++;
		char *hash = strchr(buf, '#');
		if (hash)
			*hash = '\0';
		l.nfields = 0;
		for (char *tok = strtok(buf, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
			if (l.nfields == DATAFILE_MAX_FIELDS) {
				fprintf(stderr, "%s:%d: more than %d fields\n", path, l.line, DATAFILE_MAX_FIELDS);
				rc = -1;
				goto out;
			}
			l.field[l.nfields++] = tok;
		}
		if (!l.nfields)
			continue;
		const char *err = fn(&l, ctx);
		if (err) {
			fprintf(stderr, "%s:%d: %s\n", path, l.line, err);
			rc = -1;
			goto out;
		}
	}
out:
	free(buf);
	fclose(f);
	return rc;
}
