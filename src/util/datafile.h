/* datafile.h — reading teardown's line-oriented data files (see datafile.c). */
#ifndef DATAFILE_H
#define DATAFILE_H

#include <stddef.h>

enum { DATAFILE_MAX_FIELDS = 32 };

/* One line of a data file, split into whitespace-separated fields. */
typedef struct {
	const char *file;
	int line;
	char *field[DATAFILE_MAX_FIELDS];
	int nfields;
} DataLine;

/* Called for each non-blank, non-comment line; returns NULL or an error text. */
typedef const char *DataLineFn(const DataLine *l, void *ctx);

/* Full path of data file NAME, in static storage per call site's buffer. */
void data_path(const char *name, char *buf, size_t size);

/* Read data file NAME (relative to the data folder).  On a bad line prints
 * "file:line: message" and returns -1; a missing file is also -1. */
int datafile_read(const char *name, DataLineFn *fn, void *ctx);

#endif
