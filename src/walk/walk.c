/*
 * walk.c — enumerate the source files under the paths given.
 *
 * Output order must not depend on the file system or on thread scheduling,
 * so every directory's entries are sorted by name (bytewise) and the walk is
 * a pre-order traversal: a directory's files, then its subdirectories.
 *
 * Symbolic links are followed, because trees are assembled with them, but a
 * link back to a directory being walked is a loop: it is reported, not
 * followed.  A directory reached a second time by another link is walked
 * once.  Anything that cannot be opened (permissions, dangling links, FIFOs
 * named x.c) is recorded as a skipped file with its reason: the walk itself
 * never stops on a bad entry.
 *
 * The walk uses an explicit stack, so the depth of the tree costs memory,
 * not C stack.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "walk/walk.h"

const char *const skip_reason_name[SKIP_COUNT] = {
	[SKIP_NONE] = "parsed",
	[SKIP_NO_API] = "no API names",
	[SKIP_NO_DRIVER] = "no driver in directory",
	[SKIP_UNREADABLE] = "unreadable",
	[SKIP_BINARY] = "binary",
	[SKIP_TOO_LARGE] = "too large",
	[SKIP_NOT_REGULAR] = "not a regular file",
	[SKIP_SYMLINK_LOOP] = "symlink loop",
	[SKIP_PARSE_TIMEOUT] = "parse timeout",
	[SKIP_UNREACHABLE] = "nothing reachable from a driver",
};

static bool is_source_name(const char *name)
{
	size_t n = strlen(name);
	return n > 2 && name[n - 2] == '.' && (name[n - 1] == 'c' || name[n - 1] == 'h');
}

static char *join(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *s = xmalloc(na + nb + 2);
	memcpy(s, a, na);
	size_t k = na;
	if (na && nb && a[na - 1] != '/')
		s[k++] = '/';
	memcpy(s + k, b, nb + 1);
	return s;
}

char *kernel_root(const char *dir)
{
	char *p = xstrdup(dir);
	for (;;) {
		char *m = join(p, "MAINTAINERS"), *k = join(p, "Kconfig");
		bool found = access(m, F_OK) == 0 && access(k, F_OK) == 0;
		free(m);
		free(k);
		if (found)
			return p;
		char *slash = strrchr(p, '/');
		if (!slash || slash == p) {
			free(p);
			return NULL;
		}
		*slash = '\0';
	}
}

typedef VEC(WalkFile) FileVec;

typedef struct {
	char *path; /* as the user would open it */
	char *rel;
	char *real; /* resolved, for loop detection */
} Pending;

typedef struct {
	WalkResult *out;
	VEC(Pending) stack;
	StrSet seen; /* real paths of directories already walked */
} Walker;

static void add_skip(FileVec *files, char *path, char *rel, SkipReason r, const char *detail)
{
	WalkFile f = { path, rel, r, detail ? xstrdup(detail) : NULL };
	VEC_PUSH(files, f);
}

typedef struct {
	char *name;
	unsigned char type; /* d_type: DT_UNKNOWN where the file system does not say */
} Entry;

static int by_name(const void *a, const void *b)
{
	return strcmp(((const Entry *)a)->name, ((const Entry *)b)->name);
}

/* Where the directory entry says what it is and it is no link, the walk
 * needs no stat: a plain directory's real path is its parent's plus its
 * name, and a plain file is opened (and checked) when it is read.  Links
 * and entries of unknown type are resolved with lstat and stat. */
static void walk_dir(Walker *w, Pending d)
{
	FileVec files = { 0 };
	VEC(Pending) subdirs = { 0 };
	DIR *dir = opendir(d.path);
	if (!dir) {
		add_skip(&files, xstrdup(d.path), xstrdup(d.rel), SKIP_UNREADABLE, strerror(errno));
		goto out;
	}
	VEC(Entry) names = { 0 };
	for (struct dirent *e; (e = readdir(dir));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			Entry en = { xstrdup(e->d_name), e->d_type };
			VEC_PUSH(&names, en);
		}
	closedir(dir);
	qsort(names.v, names.n, sizeof *names.v, by_name);
	for (size_t i = 0; i < names.n; i++) {
		const char *name = names.v[i].name;
		if (names.v[i].type == DT_REG && !is_source_name(name))
			goto next;
		char *path = join(d.path, name);
		char *rel = join(d.rel, name);
		if (names.v[i].type == DT_DIR) {
			Pending p = { path, rel, join(d.real, name) };
			VEC_PUSH(&subdirs, p);
			goto next;
		}
		if (names.v[i].type == DT_REG) {
			WalkFile f = { path, rel, SKIP_NONE, NULL };
			VEC_PUSH(&files, f);
			goto next;
		}
		struct stat lst, st;
		if (lstat(path, &lst) < 0) {
			add_skip(&files, path, rel, SKIP_UNREADABLE, strerror(errno));
			goto next;
		}
		if (stat(path, &st) < 0) { /* dangling link, or a link loop (ELOOP) */
			if (is_source_name(name) || errno == ELOOP)
				add_skip(&files, path, rel, errno == ELOOP ? SKIP_SYMLINK_LOOP : SKIP_UNREADABLE,
					 strerror(errno));
			else {
				free(path);
				free(rel);
			}
			goto next;
		}
		if (S_ISDIR(st.st_mode)) {
			char *real = realpath(path, NULL);
			if (!real) {
				add_skip(&files, path, rel, SKIP_UNREADABLE, strerror(errno));
				goto next;
			}
			size_t rl = strlen(real);
			if (S_ISLNK(lst.st_mode) && !strncmp(d.real, real, rl) &&
			    (d.real[rl] == '/' || d.real[rl] == '\0')) {
				add_skip(&files, path, rel, SKIP_SYMLINK_LOOP, "links to a directory that contains it");
				free(real);
				goto next;
			}
			Pending p = { path, rel, real };
			VEC_PUSH(&subdirs, p);
			goto next;
		}
		if (!is_source_name(name)) {
			free(path);
			free(rel);
			goto next;
		}
		if (!S_ISREG(st.st_mode)) {
			add_skip(&files, path, rel, SKIP_NOT_REGULAR, NULL);
			goto next;
		}
		WalkFile f = { path, rel, SKIP_NONE, NULL };
		VEC_PUSH(&files, f);
	next:
		free(names.v[i].name);
	}
	VEC_FREE(&names);
	/* Pushed in reverse so that they pop in name order. */
	for (size_t i = subdirs.n; i-- > 0;) {
		if (!w->out->shallow) {
			VEC_PUSH(&w->stack, subdirs.v[i]);
			continue;
		}
		free(subdirs.v[i].path);
		free(subdirs.v[i].rel);
		free(subdirs.v[i].real);
	}
	VEC_FREE(&subdirs);
out:
	if (files.n) {
		WalkDir wd = { xstrdup(d.rel), files.v, files.n };
		VEC_PUSH(&w->out->dirs, wd);
	} else
		free(files.v);
	free(d.path);
	free(d.rel);
	free(d.real);
}

int walk_path(const char *path, WalkResult *out)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		fprintf(stderr, "teardown: %s: %s\n", path, strerror(errno));
		return -1;
	}
	char *real = realpath(path, NULL);
	if (!real) {
		fprintf(stderr, "teardown: %s: %s\n", path, strerror(errno));
		return -1;
	}
	char *base = xstrdup(real);
	if (!S_ISDIR(st.st_mode)) {
		char *slash = strrchr(base, '/');
		if (slash)
			slash[slash == base] = '\0'; /* keep "/" for a file at the root */
	}
	char *root = kernel_root(base);
	const char *top = root ? root : (S_ISDIR(st.st_mode) ? real : base);
	size_t tl = strlen(top);
	const char *relp = real + (strncmp(real, top, tl) ? 0 : tl);
	while (*relp == '/')
		relp++;
	char *rel = xstrdup(relp);
	if (!out->root)
		out->root = xstrdup(top);

	if (!S_ISDIR(st.st_mode)) {
		WalkDir wd = { xstrdup(""), xcalloc(1, sizeof(WalkFile)), 1 };
		wd.files[0] = (WalkFile){ xstrdup(path), rel,
					  S_ISREG(st.st_mode) ? SKIP_NONE : SKIP_NOT_REGULAR, NULL };
		VEC_PUSH(&out->dirs, wd);
		free(real);
	} else {
		Walker w = { .out = out };
		Pending p = { xstrdup(path), rel, real };
		VEC_PUSH(&w.stack, p);
		while (w.stack.n) {
			Pending d = w.stack.v[--w.stack.n];
			int dup;
			strset_get(&w.seen, d.real, strlen(d.real), &dup);
			if (dup) { /* reached again through another link */
				free(d.path);
				free(d.rel);
				free(d.real);
				continue;
			}
			strset_add(&w.seen, d.real, NULL);
			walk_dir(&w, d);
		}
		VEC_FREE(&w.stack);
		strset_free(&w.seen);
	}
	free(base);
	free(root);
	return 0;
}

/* Is the real path A the directory B or under it? */
static bool inside(const char *a, const char *b)
{
	size_t n = strlen(b);
	return !strncmp(a, b, n) && (a[n] == '/' || !a[n] || (n == 1 && b[0] == '/'));
}

int walk_paths(char **paths, int npaths, WalkResult *out)
{
	char **real = xcalloc(npaths ? npaths : 1, sizeof *real);
	for (int i = 0; i < npaths; i++)
		real[i] = realpath(paths[i], NULL);
	int failed = 0;
	for (int i = 0; i < npaths; i++) {
		bool covered = false;
		for (int j = 0; j < npaths && real[i] && !covered; j++) {
			struct stat st;
			if (j == i || !real[j] || stat(real[j], &st) < 0 || !S_ISDIR(st.st_mode))
				continue;
			/* the same path twice: the first is walked */
			covered = strcmp(real[i], real[j]) ? inside(real[i], real[j]) : j < i;
		}
		if (!covered)
			failed += walk_path(paths[i], out) < 0;
	}
	for (int i = 0; i < npaths; i++)
		free(real[i]);
	free(real);
	return failed;
}

void walk_free(WalkResult *w)
{
	free(w->root);
	w->root = NULL;
	for (size_t i = 0; i < w->dirs.n; i++) {
		WalkDir *d = &w->dirs.v[i];
		for (size_t j = 0; j < d->nfiles; j++) {
			free(d->files[j].path);
			free(d->files[j].rel);
			free(d->files[j].detail);
		}
		free(d->files);
		free(d->rel);
	}
	VEC_FREE(&w->dirs);
}
