/*
 * check.c — `teardown check`: teardown as kbuild's CHECK.
 *
 * `make C=1 CHECK="teardown check"` runs, for each C file it compiles,
 *
 *     $(CHECK) $(CHECKFLAGS) $(c_flags) drivers/x/y.c
 *
 * from the tree's root (C=2: for every file, compiled or not).  The flags
 * are the compiler's and sparse's (-D, -I, -include, -W, -m, -f, -std,
 * -nostdinc, -Wp,...): teardown reads C as text and needs none of them, so
 * it skips them all, with the argument of those that take one.  What it
 * prints is what sparse prints: the file's findings, gcc style, on stderr;
 * and it exits 0, because a checker that fails would stop the build
 * (--error-exit makes warnings exit 1, for a CI that wants that).
 *
 * A driver's callbacks live in its directory, so a file is analysed with
 * its directory as context: the same analysis as `teardown scan DIR`,
 * without its subdirectories.  kbuild asks once per file, so the
 * directory's findings are kept on disk, keyed by a hash of everything
 * they depend on: the content of every .c and .h file of the directory,
 * the data folder's tables, the semantics profile and teardown itself
 * (version and binary).  The first file of a directory pays for one scan
 * of it, the others read the result; an edit to one file changes the key
 * of its own directory only, so a re-run re-analyses that directory and
 * nothing else, and a `touch` re-analyses nothing.  Concurrent checks of
 * one directory (make -j) take a lock on the entry, so one analyses and
 * the others wait for its result.  The cache is a folder of JSON files,
 * safe to delete at any time: $TEARDOWN_CACHE, else
 * $XDG_CACHE_HOME/teardown/check, else ~/.cache/teardown/check.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/file.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "scan.h"
#include "util/datafile.h"
#include "util/hash.h"

static const char check_usage[] =
	"usage: teardown check [options] [compiler flags] FILE...\n"
	"\n"
	"kbuild's checker: make C=1 CHECK=\"teardown check\" (C=2: every file).\n"
	"Prints the findings of each FILE on stderr, gcc style, analysing the\n"
	"FILE with its directory as context; compiler and sparse flags (-D, -I,\n"
	"-include, -W, -m, -f, -std, -O, -nostdinc, -Wp,...) are ignored.\n"
	"Exits 0, whatever it finds, unless --error-exit.\n"
	"\n"
	"options:\n"
	"  --error-exit      exit 1 when a warning was printed\n"
	"  --notes           print notes too\n"
	"  --latent          print latent warnings too\n"
	"  --rule ID         only rule ID (or prefix); may be repeated\n"
	"  --no-rule ID      not rule ID (or prefix); may be repeated\n"
	"  --semantics P     kernel semantics of the model (as for scan)\n"
	"  --cache DIR       keep directory analyses in DIR (default: $TEARDOWN_CACHE,\n"
	"                    else $XDG_CACHE_HOME/teardown/check, else ~/.cache/teardown/check)\n"
	"  --no-cache        analyse every time, keep nothing\n";

/* Compiler flags whose argument is the next word when it is not joined. */
static const char *const flags_with_argument[] = {
	"-include", "-imacros", "-isystem", "-idirafter", "-iquote", "-iprefix", "-iwithprefix",
	"-isysroot", "-I", "-D", "-U", "-o", "-x", "-MF", "-MT", "-MQ", "-Xpreprocessor",
	"--param", "--arch", "-arch", "-target", "--target", NULL,
};

static bool takes_argument(const char *flag)
{
	for (int i = 0; flags_with_argument[i]; i++)
		if (!strcmp(flag, flags_with_argument[i]))
			return true;
	return false;
}

typedef struct {
	FindingFilter filter;
	const Profile *profile;
	bool error_exit;
	bool no_cache;
	char cache[PATH_MAX];
} CheckOptions;

static void default_cache(char *buf, size_t size)
{
	const char *env = getenv("TEARDOWN_CACHE"), *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (env && *env)
		snprintf(buf, size, "%s", env);
	else if (xdg && *xdg)
		snprintf(buf, size, "%s/teardown/check", xdg);
	else
		snprintf(buf, size, "%s/.cache/teardown/check", home && *home ? home : "/tmp");
}

/* mkdir -p */
static int make_dirs(const char *path)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s", path);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0777) < 0 && errno != EEXIST)
				return -1;
			*s = '/';
		}
	return mkdir(p, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

static void mix_file(Hash128 *h, const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[65536];
	for (size_t n; f && (n = fread(buf, 1, sizeof buf, f)) > 0;)
		hash_mix(h, buf, n);
	hash_mix(h, "", 0); /* the end of this file */
	if (f)
		fclose(f);
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The key of DIR's analysis: what its findings depend on. */
static void context_key(const char *dir, const CheckOptions *co, char out[HASH_HEX])
{
	static const char *const tables[] = { "api.spec",      "rules",       "drivers.tbl",
					      "kernel-macros", "conventions", "prefilter" };
	Hash128 h = hash_start();
	hash_mix(&h, teardown_version, strlen(teardown_version));
	mix_file(&h, "/proc/self/exe");
	hash_mix(&h, profile_name(co->profile), strlen(profile_name(co->profile)));
	for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
		char *text = data_read_text(tables[i]);
		hash_mix(&h, text ? text : "", text ? strlen(text) : 0);
		free(text);
	}
	VEC(char *) names = { 0 };
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));) {
		size_t n = strlen(e->d_name);
		if (n > 2 && e->d_name[n - 2] == '.' && (e->d_name[n - 1] == 'c' || e->d_name[n - 1] == 'h')) {
			char *name = xstrdup(e->d_name);
			VEC_PUSH(&names, name);
		}
	}
	if (d)
		closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof *names.v, by_string);
	for (size_t i = 0; i < names.n; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, names.v[i]);
		hash_mix(&h, names.v[i], strlen(names.v[i]));
		mix_file(&h, path);
		free(names.v[i]);
	}
	VEC_FREE(&names);
	hash_hex(h, out);
}

/* Analyse DIR: its findings as the checker printer keeps them, or NULL. */
static json_t *analyse(const char *dir, const CheckOptions *co)
{
	json_t *items = NULL;
	ScanOptions o = {
		.jobs = 1,
		.max_size = 8u << 20,
		.parse_timeout_us = 20 * 1000 * 1000,
		.profile = co->profile,
		.filter = { .notes = true, .latent = true }, /* all of it: the options filter on output */
		.quiet = true,
		.json = true,
		.shallow = true,
		.collect = &items,
	};
	char *paths[] = { (char *)dir };
	if (scan_run(paths, 1, &o, &checker_printer) != 0) {
		json_decref(items);
		return NULL;
	}
	return items;
}

/* The cached findings in FD, read whole (jansson reads a descriptor a
 * byte at a time), or NULL when it is empty or not what we wrote. */
static json_t *load_entry(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_size == 0)
		return NULL;
	char *buf = xmalloc((size_t)st.st_size);
	json_t *j = NULL;
	if (pread(fd, buf, (size_t)st.st_size, 0) == st.st_size)
		j = json_loadb(buf, (size_t)st.st_size, 0, NULL);
	free(buf);
	return j;
}

/* DIR's findings: from the cache when its key is there, else analysed
 * (and kept).  NULL when DIR cannot be analysed. */
static json_t *dir_findings(const char *dir, const CheckOptions *co)
{
	if (co->no_cache)
		return analyse(dir, co);
	char key[HASH_HEX], path[PATH_MAX + HASH_HEX + 8];
	context_key(dir, co, key);
	snprintf(path, sizeof path, "%s/%s.json", co->cache, key);
	int fd = make_dirs(co->cache) < 0 ? -1 : open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) { /* no cache to be had: still check */
		fprintf(stderr, "teardown: %s: %s (checking without a cache)\n", path, strerror(errno));
		return analyse(dir, co);
	}
	flock(fd, LOCK_EX); /* another check of this directory may be writing it */
	json_t *items = load_entry(fd);
	if (!json_is_array(items)) { /* new, or left half-written */
		json_decref(items);
		if ((items = analyse(dir, co))) {
			char *text = json_dumps(items, JSON_COMPACT);
			size_t n = strlen(text);
			bool ok = ftruncate(fd, 0) == 0 && pwrite(fd, text, n, 0) == (ssize_t)n;
			if (!ok)
				fprintf(stderr, "teardown: %s: %s\n", path, strerror(errno));
			free(text);
		}
	}
	close(fd); /* and the lock with it */
	return items;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Print FILE's findings; how many warnings were printed, or -1. */
static int check_file(const char *file, const CheckOptions *co)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", file);
	char *slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir] = '\0'; /* keep "/" for a file at the root */
	else
		strcpy(dir, ".");
	struct stat st;
	if (stat(file, &st) < 0) {
		fprintf(stderr, "teardown: %s: %s\n", file, strerror(errno));
		return -1;
	}
	json_t *items = dir_findings(dir, co);
	if (!items)
		return -1;
	/* The directory's own files only were walked: a file is known by its name. */
	int warnings = 0;
	size_t i;
	json_t *j;
	json_array_foreach(items, i, j) {
		const char *f = json_string_value(json_object_get(j, "file"));
		const char *rule = json_string_value(json_object_get(j, "rule"));
		Severity sev = (Severity)json_integer_value(json_object_get(j, "severity"));
		if (!f || !rule || strcmp(base_name(f), base_name(file)) ||
		    !filter_shows(&co->filter, rule, sev, json_is_true(json_object_get(j, "latent"))))
			continue;
		fputs(json_string_value(json_object_get(j, "text")), stderr);
		warnings += sev >= SEV_WARNING;
	}
	json_decref(items);
	return warnings;
}

int check_main(int argc, char **argv)
{
	CheckOptions co = { .profile = profile_default() };
	default_cache(co.cache, sizeof co.cache);
	VEC(const char *) files = { 0 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(check_usage, stdout);
			VEC_FREE(&files);
			return flush_stdout(0);
		} else if (!strcmp(a, "--error-exit"))
			co.error_exit = true;
		else if (!strcmp(a, "--notes"))
			co.filter.notes = true;
		else if (!strcmp(a, "--latent"))
			co.filter.latent = true;
		else if (!strcmp(a, "--no-cache"))
			co.no_cache = true;
		else if ((!strcmp(a, "--rule") || !strcmp(a, "--no-rule")) && more) {
			bool only = !strcmp(a, "--rule");
			if (add_rule_arg("check", only ? co.filter.only : co.filter.skip, only ? &co.filter.nonly : &co.filter.nskip,
				     argv[++i]))
				return 2;
		} else if (!strcmp(a, "--semantics") && more) {
			if (!(co.profile = profile_by_name(argv[++i])))
				return usage_error("check", "unknown --semantics '%s'", argv[i]);
		} else if (!strcmp(a, "--cache") && more)
			snprintf(co.cache, sizeof co.cache, "%s", argv[++i]);
		else if (a[0] == '-')
			i += takes_argument(a) && more; /* a compiler's flag: skipped, with its argument */
		else
			VEC_PUSH(&files, a);
	}
	if (!files.n)
		return usage_error("check", "check: no FILE given");
	int rc = 0, warnings = 0;
	for (size_t i = 0; i < files.n; i++) {
		int w = check_file(files.v[i], &co);
		if (w < 0)
			rc = 2;
		else
			warnings += w;
	}
	VEC_FREE(&files);
	if (fflush(stderr) != 0)
		rc = 2;
	return rc ? rc : co.error_exit && warnings ? 1 : 0;
}
