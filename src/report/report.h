/* report.h — every way teardown prints: findings, facts, drivers, summary. */
#ifndef REPORT_H
#define REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "scan.h"
#include "teardown.h"

/* Write S for a human: control characters (a newline in a file name) escaped. */
void print_escaped(FILE *f, const char *s);

/* A JSON string for any bytes: invalid UTF-8 is replaced, never dropped. */
json_t *json_str(const char *s);
json_t *pos_json(const char *file, Pos p);

/* The one diagnostic printer: `file:line:col: warning: message [rule]`,
 * then the path of steps, indented. */
void diag_print(FILE *f, const Finding *fd);
json_t *diag_json(const Finding *fd);

/* The facts of one file, as compact text (for tests) or JSON. */
void facts_print(FILE *f, const FileFacts *ff, bool cfg);
json_t *facts_json(const FileFacts *ff);

/* One line (or JSON object) per driver. */
void driver_print(FILE *f, const Driver *d);
json_t *driver_json(const Driver *d);

/* `teardown list`: FOUND (sorted by place) grouped into one line (or JSON
 * object) per driver with findings of rules matching RULE. */
void list_print(FILE *f, json_t *items, const Finding *found, size_t n, const char *rule);

/* The closing summary on stderr. */
typedef struct {
	double wall, cpu;
	long peak_kib;
	int jobs;
} RunStats;

void summary_print(FILE *f, const DirResult *total, const Tables *t, const RunStats *rs);
json_t *summary_json(const DirResult *total, const Tables *t, const RunStats *rs);

#endif
