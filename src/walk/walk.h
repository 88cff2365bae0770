/* walk.h — which files a scan reads, and why it skips the others. */
#ifndef WALK_H
#define WALK_H

#include <stddef.h>

#include "teardown.h"
#include "util/strset.h"

typedef enum {
	SKIP_NONE,
	SKIP_NO_API,       /* mentions no identifier teardown cares about */
	SKIP_NO_DRIVER,    /* no file of its directory defines a driver struct */
	SKIP_UNREADABLE,
	SKIP_BINARY,
	SKIP_TOO_LARGE,
	SKIP_NOT_REGULAR,  /* a FIFO, socket or device with a source name */
	SKIP_SYMLINK_LOOP,
	SKIP_PARSE_TIMEOUT,
	SKIP_UNREACHABLE,  /* none of its items is reachable from a driver */
	SKIP_COUNT
} SkipReason;

extern const char *const skip_reason_name[SKIP_COUNT];

typedef struct {
	char *path;      /* to open */
	char *rel;       /* to print: relative to the tree root */
	SkipReason skip; /* set by the walk for what it cannot even open */
	char *detail;
} WalkFile;

/* The files of one directory: the unit of work of a scan. */
typedef struct {
	char *rel;
	WalkFile *files;
	size_t nfiles;
} WalkDir;

typedef struct {
	VEC(WalkDir) dirs;
	char *root;   /* the top the first path's names are relative to: its kernel tree's root */
	bool shallow; /* set before walking: a directory's own files, not its subdirectories */
} WalkResult;

/* Add the .c and .h files under PATH (a file or a directory) to OUT, one
 * WalkDir per directory, in a deterministic order.  Paths are made relative
 * to the kernel tree holding PATH if there is one (so reports say
 * drivers/...), otherwise to PATH itself.  Returns -1 if PATH is unusable. */
int walk_path(const char *path, WalkResult *out);

/* The root of the kernel tree containing DIR (a real path): the nearest
 * ancestor holding MAINTAINERS and Kconfig, malloc'd.  NULL when there is
 * none. */
char *kernel_root(const char *dir);
/* walk_path for each of PATHS, each file once: a path inside another
 * (or given twice) is left out.  An unusable path is reported and the
 * others are walked; returns how many were unusable. */
int walk_paths(char **paths, int npaths, WalkResult *out);
void walk_free(WalkResult *w);

/* Files larger than this are not even read (the parse limit is an option). */
enum { READ_LIMIT = 1 << 30 };

/* Read a file for parsing.  On a skip returns NULL and sets *why and DETAIL. */
char *read_source(const WalkFile *f, size_t max_bytes, size_t *len, SkipReason *why,
		  char *detail, size_t detail_size);

/* What a name of the prefilter says of a file or item that mentions it:
 * worth a parse, defines a driver, roots the items a scan parses; a
 * managed acquisition, which roots them too where a rule is checked in
 * functions alone (analyze/local.c). */
enum { MENTION_API = 1, MENTION_DRIVER = 2, MENTION_ROOT = 4, MENTION_ALONE = 8 };

#endif
