/* scan.h — the pipeline: walk → parse → extract → analyze → report, per directory. */
#ifndef SCAN_H
#define SCAN_H

#include <jansson.h>
#include <stdio.h>

#include "analyze/analyze.h"
#include "extract/extract.h"
#include "parse/parse.h"
#include "walk/walk.h"

enum { MAX_BUSES = 32 };

typedef struct {
	int jobs;
	size_t max_size;
	uint64_t parse_timeout_us;
	bool json;
	bool progress; /* a progress line on stderr when it is a terminal */
	const char *semantics; /* a model profile name */
	const char *list_rule; /* `list RULE`: the rule id or prefix */
	bool every_function;   /* parse every function drivers reach, not only those
				* that reach an API: `drivers` shows each callback */
	bool latent;           /* report latent warnings too (--latent) */
} ScanOptions;

/* The tables every stage reads; loaded once, then shared read-only. */
typedef struct {
	BusTable buses;
	Conventions conv;
	MacroTable macros;
	Spec *spec;
	RuleTable rules;
	StrSet prefilter; /* identifier -> MENTION_* kinds: worth a parse, names a driver struct */
} Tables;

int tables_load(Tables *t);

/* Mask, parse and extract SRC (N bytes, NUL-terminated) into FF, whose
 * arena the caller frees; false when the parser gave up.  The facts quote
 * SRC's text, not the masked copy the parser saw. */
bool parse_facts(const Tables *t, Parser *parser, const char *path, const char *rel, const char *src,
		 size_t n, FileFacts *ff);

/* What a scan parses of SRC as a directory of its own: its items that a
 * driver reaches (parse/select.c; every such function when EVERY_FUNCTION,
 * else only those that reach an API), masked, each parsed alone, extracted
 * into FF.  False when the parser gave up on an item. */
bool parse_reachable(const Tables *t, Parser *parser, const char *path, const char *rel, const char *src,
		     size_t n, bool every_function, FileFacts *ff);

/* What a worker produces for one directory; printed by the main thread in
 * walk order, so output never depends on scheduling. */
typedef struct {
	size_t files_seen, skipped[SKIP_COUNT];
	size_t bytes_parsed;    /* what the parser read: the chosen items */
	size_t bytes_candidate; /* the whole of the files it read them from */
	size_t error_bytes, arena_bytes;
	size_t drivers_by_bus[MAX_BUSES];
	size_t findings;
	size_t warnings; /* findings above note: they decide the exit status */
	size_t drivers_partial;
	size_t latent_hidden; /* latent warnings left out (no --latent) */
	char *messages; /* skip notices for stderr */
	size_t messages_len;
	char *out; /* stdout text */
	size_t out_len;
	json_t *items; /* or JSON items, with --format json */
} DirResult;

/* What a command does with one directory's facts, in a worker thread.
 * OUT writes to the directory's stdout text; ITEMS collects JSON items;
 * MSG takes notices for stderr. */
typedef void DirConsumer(void *ctx, const Tables *t, FileFacts *files, size_t nfiles,
			 DriverVec *drivers, FILE *out, json_t *items, DirResult *res, FILE *msg);

/* Scan PATHS, calling CONSUME per directory; prints skip notices and the
 * consumer's text output in walk order.  Sums the results into *TOTAL; with
 * --format json, TOTAL->items holds every directory's items, in order.
 * Returns -1 when a path cannot be scanned at all. */
int scan_paths(char **paths, int npaths, const ScanOptions *o, const Tables *t,
	       DirConsumer *consume, void *ctx, DirResult *total);

#endif
