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
 * executable (the build tree), then share/teardown beside the bin/ that holds
 * the executable (an installed teardown: make install).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "teardown.h"
#include "util/datafile.h"

/* $TEARDOWN_DATA; else data/ beside the executable (the build tree);
 * else ../share/teardown from it, where `make install PREFIX=...` puts
 * the data, so an installed tree can be moved as a whole. */
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
	char exe[PATH_MAX - 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(dir, sizeof dir, "%s/data", exe);
	if (access(dir, R_OK) == 0)
		return dir;
	snprintf(dir, sizeof dir, "%s/../share/teardown", exe);
	return dir;
}

void data_path(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", data_dir(), name);
}

/* Report "PATH:LINE: message" into ERR. */
static int line_error(char *err, size_t errlen, const char *path, int line, const char *msg)
{
	snprintf(err, errlen, "%s:%d: %s", path, line, msg);
	return -1;
}

int datafile_parse(const char *path, DataLineFn *fn, void *ctx, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char *buf = NULL;
	size_t cap = 0;
	DataLine l = { .file = path };
	int rc = 0;
	while (!rc && getline(&buf, &cap, f) >= 0) {
		l.line++;
		char *hash = strchr(buf, '#');
		if (hash)
			*hash = '\0';
		l.nfields = 0;
		char *save;
		for (char *tok = strtok_r(buf, " \t\r\n", &save); tok && !rc; tok = strtok_r(NULL, " \t\r\n", &save)) {
			if (l.nfields == DATAFILE_MAX_FIELDS)
				rc = line_error(err, errlen, path, l.line, "too many fields");
			else
				l.field[l.nfields++] = tok;
		}
		const char *msg = rc || !l.nfields ? NULL : fn(&l, ctx);
		if (msg)
			rc = line_error(err, errlen, path, l.line, msg);
	}
	free(buf);
	fclose(f);
	return rc;
}

int datafile_read(const char *name, DataLineFn *fn, void *ctx)
{
	char path[PATH_MAX], err[PATH_MAX + 256];
	data_path(name, path, sizeof path);
	if (datafile_parse(path, fn, ctx, err, sizeof err) == 0)
		return 0;
	if (access(path, R_OK))
		fprintf(stderr, "teardown: %s (set TEARDOWN_DATA to the data folder)\n", err);
	else
		fprintf(stderr, "teardown: %s\n", err);
	return -1;
}

char *data_read_text(const char *name)
{
	char path[PATH_MAX];
	data_path(name, path, sizeof path);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	char buf[4096];
	for (size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;)
		fwrite(buf, 1, n, out);
	fclose(f);
	fclose(out);
	return text;
}
