/*
 * scan.h — the pipeline: walk → choose items → parse → extract → join →
 * analyze → report, per directory, on worker threads (scan.c); the tables
 * its stages read (tables.c).
 */
#ifndef SCAN_H
#define SCAN_H

#include <jansson.h>
#include <stdio.h>

#include "analyze/analyze.h"
#include "extract/extract.h"
#include "parse/parse.h"
#include "report/report.h"
#include "walk/walk.h"

typedef struct {
	int jobs;
	size_t max_size;
	uint64_t parse_timeout_us;
	bool json;
	bool progress;          /* a progress line on stderr when it is a terminal */
	const Profile *profile; /* the kernel semantics the model reproduces; NULL: the tree's */
	FindingFilter filter;   /* which findings are shown (--notes, --rule, --latent) */
	bool quiet;             /* no notices on stderr (-q): only their count */
	bool sarif;             /* --format sarif: the JSON items become a SARIF log */
	bool by_maintainer;     /* list --by-maintainer */
	bool shallow;           /* a directory's own files only (check: its context) */
	const char *db;         /* also store the findings in this history database (--db) */
	json_t **collect;       /* not NULL: the JSON items are handed here, nothing printed */
} ScanOptions;

/* The tables every stage reads; loaded once, then shared read-only. */
typedef struct {
	BusTable buses;
	Conventions conv;
	MacroTable macros;
	Spec *spec;
	RuleTable rules;
	StrSet prefilter; /* identifier -> MENTION_* kinds: worth a parse, names a driver struct */
	/* Where a rule is checked in functions alone: the first words of the
	 * managed acquisitions ("devm_", "pcim_"), which a directory without
	 * a driver struct is searched for.  None otherwise. */
	StrSet managed_words;
} Tables;

/* Load every table of the data folder (and check the parser's ABI); on an
 * error say so on stderr and return -1. */
int tables_load(Tables *t);
/* `teardown names`: load the tables and print the prefilter's
 * identifiers, sorted, one a line; the exit status. */
int names_run(void);

/* Flush stdout and return RC, or 2 with a message when a write to it
 * failed (a full disk, a closed pipe): a lost line is an error. */
int flush_stdout(int rc);

/* Mask, parse and extract SRC (N bytes, NUL-terminated) whole into FF,
 * whose arena the caller frees; false when the parser gave up.  The facts
 * quote SRC's text, not the masked copy the parser saw. */
bool parse_facts(const Tables *t, Parser *parser, const char *path, const char *rel, const char *src,
		 size_t n, FileFacts *ff);

/* What a scan parses of SRC as a directory of its own: its items that a
 * driver reaches (parse/select.c; every such function when EVERY_FUNCTION,
 * else only those that reach an API), masked, each parsed alone, extracted
 * into FF.  False when the parser gave up on an item.  (The fuzz target's
 * way in: it has bytes, not files.) */
bool parse_reachable(const Tables *t, Parser *parser, const char *path, const char *rel, const char *src,
		     size_t n, bool every_function, FileFacts *ff);

/* Scan PATHS with the tables loaded and show what PRINTER shows of each
 * directory: on stdout in walk order, notices and the summary on stderr
 * (JSON: one document on stdout).  Returns the exit status: 0, 1 when
 * there are warnings, 2 when a path cannot be scanned or stdout fails. */
int scan_run(char **paths, int npaths, const ScanOptions *o, const Printer *printer);

/* `teardown facts FILE`: the facts of FILE as a scan of FILE has them (the
 * items it chooses, parsed one by one), or with WHOLE_FILE of all of it;
 * text (with control-flow graphs when CFG) or JSON.  Returns the exit
 * status. */
typedef struct {
	bool json, cfg, whole_file;
} FactsOptions;
int facts_run(const char *file, const FactsOptions *fo);

#endif
