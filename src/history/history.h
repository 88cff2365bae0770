/*
 * history.h — scans kept over time in an SQLite database (db.c), and the
 * difference between two scans (diff.c).
 */
#ifndef HISTORY_H
#define HISTORY_H

#include <jansson.h>

/* What a stored scan says of itself. */
typedef struct {
	const char *tree;           /* the kernel tree's root, or the first path */
	const char *kernel_version; /* "" outside a kernel tree */
	const char *profile;
} ScanMeta;

/* Append a scan (its findings as the JSON items of a scan) to the
 * database at PATH, creating it if needed; in one transaction, so that
 * concurrent writers each add a whole scan.  The new scan's id, or -1
 * after a message on stderr. */
long long history_store(const char *path, const ScanMeta *meta, json_t *findings);

/* The findings of scan ID (0: the latest, -1: the one before it) as a
 * JSON array, into *OUT; its id into *ID.  -1 after a message. */
int history_load(const char *path, long long which, json_t **out, long long *id);

/* `teardown diff`: the command line after "diff"; the exit status. */
int diff_main(int argc, char **argv);

#endif
