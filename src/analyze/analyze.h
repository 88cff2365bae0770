/* analyze.h — replay each driver's paths through the model (see paths.c, driver.c). */
#ifndef ANALYZE_H
#define ANALYZE_H

#include "extract/extract.h"
#include "model/model.h"
#include "spec/spec.h"
#include "teardown.h"

/* The rules of data/rules: which model findings a scan reports. */
typedef struct {
	StrSet ids; /* id -> description */
} RuleTable;

int rule_table_load(RuleTable *t);
const char *rule_description(const RuleTable *t, const char *id);

typedef struct {
	const Spec *spec;
	const Profile *profile;
	const RuleTable *rules;
	int inline_depth;    /* driver functions followed this deep */
	size_t visit_budget; /* graph nodes visited per driver */
} AnalyzeConfig;

typedef VEC(Finding) FindingVec;

typedef struct {
	bool partial;        /* a bound was hit: not every path was replayed */
	const char *why;     /* which bound */
	size_t visits;
} DriverReport;

/* Replay DRIVER (whose files are FILES) and append what the model rejects
 * to OUT; strings of the findings live in ARENA. */
void analyze_driver(const AnalyzeConfig *cfg, const Driver *driver, FileFacts *files, size_t nfiles,
		    Arena *arena, FindingVec *out, DriverReport *report);

#endif
