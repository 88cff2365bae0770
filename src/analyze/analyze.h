/* analyze.h — replay each driver's paths through the model (see paths.c, driver.c). */
#ifndef ANALYZE_H
#define ANALYZE_H

#include "extract/extract.h"
#include "model/model.h"
#include "parse/parse.h"
#include "spec/spec.h"
#include "teardown.h"

/* A rule of data/rules: which model findings a scan reports, and how. */
typedef struct {
	const char *id;      /* one of the model's (model/rules.def) */
	bool reported;       /* false when `off`: the model raises it, scans do not report it */
	Severity max;        /* the most severe a finding of it is reported */
	bool per_driver;     /* only the first finding per driver */
	bool alone;          /* also checked in each function no driver callback reaches,
				replayed on its own: its findings need nothing that came before */
	const char *unless;  /* a driver with a finding of this rule gets none */
	const char *description;
} Rule;

typedef struct {
	StrSet ids; /* id -> Rule */
} RuleTable;

int rule_table_load(RuleTable *t);
const Rule *rule_by_id(const RuleTable *t, const char *id);
/* Does rule ID match NAME: the same id, or NAME is a dash-prefix of it? */
bool rule_matches(const char *id, const char *name);
/* How many reported rules NAME matches. */
int rules_matching(const RuleTable *t, const char *name);
/* Is a reported rule checked in functions alone (local.c)? */
bool rules_any_alone(const RuleTable *t);

typedef struct {
	const Spec *spec;
	const Profile *profile;
	const RuleTable *rules;
	const Conventions *conv;
	int inline_depth;    /* driver functions followed this deep */
	size_t visit_budget; /* graph nodes visited per driver */
	size_t alone_visit_budget; /* ... per function replayed on its own (local.c) */
	int states_per_node; /* a replay of a function visits at most this times its nodes */
} AnalyzeConfig;

/* The configuration scans use: their bounds on inlining, paths and states. */
AnalyzeConfig analyze_config(const Spec *spec, const Profile *profile, const RuleTable *rules,
			     const Conventions *conv);

typedef VEC(Finding) FindingVec;

typedef struct {
	bool partial;        /* a bound was hit: not every path was replayed */
	const char *why;     /* which bound */
	size_t visits;
} DriverReport;

/* The analysis of one directory's drivers (FILES), which share replayed
 * summaries; strings of the findings live in ARENA. */
typedef struct DirAnalysis DirAnalysis;
DirAnalysis *dir_analysis_new(const AnalyzeConfig *cfg, FileFacts *files, size_t nfiles, const Constants *constants,
			      Arena *arena);
void dir_analysis_free(DirAnalysis *da);

/* The MSI domain ops structs of DRIVERS whose msi_prepare makes state no
 * msi_teardown undoes, on a profile whose core has msi_teardown (domain.c):
 * their findings appended to OUT, strings in ARENA. */
void check_domain_ops(const AnalyzeConfig *cfg, const FileFacts *files, size_t nfiles, const DriverVec *drivers,
		      Arena *arena, FindingVec *out);

/* Replay DRIVER and append what the model rejects to OUT. */
void analyze_driver(DirAnalysis *da, const Driver *driver, FindingVec *out, DriverReport *report);

/* After a directory's drivers: replay on its own each function with a
 * managed acquisition that no driver's replay reached, for the rules
 * marked `alone`; their findings appended to OUT (local.c). */
void analyze_alone(DirAnalysis *da, FindingVec *out);

/* A driver not every path of which was replayed: WHY names the bound. */
typedef void PartialFn(void *ctx, const Driver *driver, const char *why);

/* Replay every driver of one directory (FILES, joined into DRIVERS; the
 * numbers its files #define in CONSTANTS, which may be NULL) and append
 * the findings to FOUND, sorted by place; their strings live in ARENA.
 * PARTIAL (if not NULL) hears of each driver cut short by a bound;
 * returns how many were (dir.c). */
size_t analyze_dir(const AnalyzeConfig *cfg, FileFacts *files, size_t nfiles, const Constants *constants,
		   const DriverVec *drivers, Arena *arena, FindingVec *found, PartialFn *partial, void *ctx);

/* What became of a call site of a spec API in the parsed items (coverage.c). */
typedef enum {
	SITE_REPLAYED,  /* the engine handed it to the model on some path */
	SITE_ALONE,     /* only on a replay of its function on its own, for the rules marked alone */
	SITE_UNREACHED, /* its function is reached by no chain of direct calls from probe or remove */
	SITE_POINTER,   /* ... and its name is passed as a value: a pointer the engine did not follow */
	SITE_BOUND,     /* reached, in a directory whose analysis a bound cut short */
	SITE_PATH,      /* reached, but on no path the engine followed (infeasible, too deep) */
	SITE_COUNT
} SiteFate;

extern const char *const site_fate_name[SITE_COUNT];

/* Add to SITES[fate] the call sites of spec APIs in the NFILES FILES of a
 * directory whose DRIVERS were analysed (PARTIAL: one was cut short). */
void coverage_count(const AnalyzeConfig *cfg, const FileFacts *files, size_t nfiles, const DriverVec *drivers,
		    bool partial, size_t *sites);

#endif
