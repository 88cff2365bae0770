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

/* Called for each non-blank, non-comment line; returns NULL or an error
 * text (a literal, or formatted into a buffer of CTX). */
typedef const char *DataLineFn(const DataLine *l, void *ctx);

/* The path of data file NAME in the data folder ($TEARDOWN_DATA, else
 * data/ beside the executable, else ../share/teardown from it), into BUF. */
void data_path(const char *name, char *buf, size_t size);

/* Read the data file at PATH, calling FN for each line.  On a bad line
 * "PATH:LINE: message" goes to ERR and the result is -1; so for a file
 * that cannot be read ("PATH: reason"). */
int datafile_parse(const char *path, DataLineFn *fn, void *ctx, char *err, size_t errlen);

/* Read data file NAME of the data folder; on an error prints it on stderr
 * ("teardown: file:line: message") and returns -1. */
int datafile_read(const char *name, DataLineFn *fn, void *ctx);

/* The whole of data file NAME of the data folder (free it), or NULL when
 * it cannot be read: for texts, not tables (the rules' pages). */
char *data_read_text(const char *name);

#endif
