/*
 * scan.c — the pipeline, over a tree, on worker threads.
 *
 *   walk (scan_run)                 the directories under the paths, in order
 *   per directory (scan_dir):
 *     read                          each file's text, or why it is skipped;
 *                                   the prefilter (a directory with no
 *                                   driver struct is done with here)
 *     choose items                  split the candidates into top-level
 *                                   items, choose those a driver reaches
 *     parse, extract                the chosen items, each on its own; facts
 *     join                          drivers: struct, registration, callbacks
 *     analyze                       replay each driver through the model
 *     report                        the command's printer
 *   summary (scan_run)              what was covered, on stderr
 *
 * The unit of work is a directory: a driver's callbacks live in its own
 * directory, so a worker that holds one directory's facts can join and
 * analyse its drivers and then drop everything.  Workers take directories in
 * walk order from a shared counter; the main thread prints each directory's
 * result as soon as it and all before it are done.  Output is therefore in
 * walk order whatever the scheduling, and memory holds only the directories
 * in flight.  A file skipped for any reason but the prefilter or
 * reachability gets a notice on stderr; every file is counted once.
 *
 * `teardown facts` runs the same stages, up to extraction, on one file.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tree_sitter/api.h>
#include <unistd.h>

#include <sys/resource.h>
#include <sys/stat.h>

#include "history/history.h"
#include "scan.h"
#include "tree.h"
#include "util/clex.h"

/* What a worker produces for one directory; printed by the main thread in
 * walk order, so output never depends on scheduling. */
typedef struct {
	ScanCounts counts;
	char *messages; /* notices for stderr */
	size_t messages_len;
	char *out; /* stdout text */
	size_t out_len;
	json_t *items; /* or JSON items, with --format json */
} DirResult;

typedef struct {
	const ScanOptions *o;
	const Tables *t;
	const Printer *printer;
	AnalyzeConfig cfg;
	WalkResult walk;
	DirResult *results;
	atomic_bool *done;
	atomic_size_t next;
	atomic_size_t files_done;
	pthread_mutex_t lock;
	pthread_cond_t cond;
} Scan;

static void note(FILE *msg, const char *name, SkipReason r, const char *detail)
{
	fputs("teardown: skipped ", msg);
	print_escaped(msg, name);
	fprintf(msg, ": %s", skip_reason_name[r]);
	if (detail && *detail)
		fprintf(msg, " (%s)", detail);
	fputc('\n', msg);
}

/* Parse the NITEMS ITEMS of MASKED (all of it when none) and extract
 * facts quoting SRC. */
static bool parse_masked(const Tables *t, Parser *parser, const char *path, const char *rel,
			 const char *src, const char *masked, size_t n, const Item *items, size_t nitems,
			 FileFacts *ff)
{
	TSTree *one, **trees = nitems ? xmalloc(nitems * sizeof *trees) : &one;
	bool ok = nitems ? parser_parse_items(parser, masked, n, items, nitems, trees)
			 : (one = parser_parse(parser, masked, n)) != NULL;
	size_t ntrees = nitems ? nitems : 1;
	if (ok) {
		*ff = (FileFacts){ .path = path, .rel = rel, .bytes = n };
		extract_file(ff, trees, ntrees, src, &t->buses, &t->conv);
		for (size_t i = 0; i < ntrees; i++)
			ts_tree_delete(trees[i]);
	}
	if (nitems)
		free(trees);
	return ok;
}

bool parse_facts(const Tables *t, Parser *parser, const char *path, const char *rel, const char *src,
		 size_t n, FileFacts *ff)
{
	char *masked = xmalloc(n + 1);
	mask_macros(&t->macros, src, n, masked);
	bool ok = parse_masked(t, parser, path, rel, src, masked, n, NULL, 0, ff);
	free(masked);
	return ok;
}

/* One directory on its way from files to facts. */
typedef struct {
	Scan *s;
	Parser *parser;
	const WalkDir *d;
	ScanCounts *counts;
	FILE *msg;        /* notices for stderr */
	bool as_given;    /* notices name files as given (facts), not by their tree path */
	char **srcs;      /* per file: its text while it may be parsed */
	size_t *lens;
	SelectFile *sel;  /* per file: masked text and items of the candidates */
	SkipReason *noted; /* per file: why it was skipped while reading (counted then), or SKIP_NONE */
	bool *timed_out;  /* per file: the last parse gave up */
	FileFacts *facts; /* of the files parsed, in walk order */
	size_t nfacts;
	Constants constants; /* the numbers the files read #define */
} DirScan;

/* The name notices give file F. */
static const char *shown(const DirScan *ds, const WalkFile *f)
{
	return ds->as_given || !f->rel[0] ? f->path : f->rel;
}

/* Read file I; on failure count and note why.  Its text, or NULL. */
static char *read_one(DirScan *ds, size_t i)
{
	const WalkFile *f = &ds->d->files[i];
	char detail[256];
	SkipReason why = f->skip;
	const char *why_detail = f->detail;
	char *src = NULL;
	if (why == SKIP_NONE)
		src = read_source(f, READ_LIMIT, &ds->lens[i], &why, detail, sizeof detail), why_detail = detail;
	if (why != SKIP_NONE) {
		ds->counts->skipped[why]++;
		note(ds->msg, shown(ds, f), why, why_detail);
		ds->noted[i] = why;
	}
	return src;
}

/* Might TEXT name a driver struct?  A substring search (memmem is many
 * times faster than looking up every identifier): most directories of a
 * tree define no driver, and are done with this.  When the struct names
 * share an ending of four bytes or more ("_driver"), one search for it,
 * each hit checked against the names, and one search for each name that
 * does not end so (msi_domain_ops); else (a short ending would hit at
 * every turn) one search per name. */
static bool might_name_driver(const Tables *t, const char *text, size_t n)
{
	const BusTable *bt = &t->buses;
	size_t k = bt->struct_suffix;
	if (k < 4) {
		for (int b = 0; b < bt->nbuses; b++) {
			const char *name = bt->buses[b].struct_name;
			if (memmem(text, n, name, strlen(name)))
				return true;
		}
		return false;
	}
	for (int b = 0; b < bt->nbuses; b++)
		if (bt->own_search[b] && memmem(text, n, bt->buses[b].struct_name, strlen(bt->buses[b].struct_name)))
			return true;
	const char *suffix = bt->buses[0].struct_name + strlen(bt->buses[0].struct_name) - k;
	for (const char *p = text; (p = memmem(p, (size_t)(text + n - p), suffix, k)); p += k)
		for (int b = 0; b < bt->nbuses; b++) {
			const char *name = bt->buses[b].struct_name;
			size_t head = strlen(name) - k;
			if (!bt->own_search[b] && (size_t)(p - text) >= head && !memcmp(p - head, name, head))
				return true;
		}
	return false;
}

/* Keep the text of file I if it names an API; the kinds of the names
 * of WANT it mentions. */
static unsigned sift(DirScan *ds, size_t i, unsigned want)
{
	constants_collect(&ds->constants, ds->srcs[i], ds->lens[i]);
	unsigned kinds = mentions(&ds->s->t->prefilter, ds->srcs[i], ds->lens[i], want);
	if (!(kinds & MENTION_API)) {
		/* Not kept: a huge generated header that names no API is not
		 * worth its memory, nor a notice, only a count. */
		free(ds->srcs[i]);
		ds->srcs[i] = NULL;
	}
	return kinds;
}

/* Might TEXT call a managed acquisition: does it hold the first word of
 * one ("devm_")?  A substring search, as for driver structs. */
static bool might_acquire_managed(const Tables *t, const char *text, size_t n)
{
	for (size_t i = 0; i < t->managed_words.cap; i++) {
		const char *w = strset_key_at(&t->managed_words, i);
		if (w && memmem(text, n, w, strlen(w)))
			return true;
	}
	return false;
}

/* What a directory holds worth parsing. */
typedef enum {
	DIR_NOTHING,
	DIR_DRIVERS, /* a driver struct */
	DIR_ALONE,   /* no driver, but a function that calls a managed acquisition,
			which analyze/local.c replays on its own */
} DirKind;

/* Read the directory's files, count and note the unreadable ones, and drop
 * the text of those that name no API.  DIR_DRIVERS if any file names a
 * driver struct.  A file that cannot name one is not searched for APIs
 * until a sibling turns out to: then it is read again (from the page
 * cache).  A file that holds the first word of a managed acquisition,
 * where a rule is checked in functions alone, is kept and searched: if no
 * file names a driver, only a function calling one can be reported here
 * (DIR_ALONE). */
static DirKind read_dir(DirScan *ds)
{
	const Tables *t = ds->s->t;
	bool has_driver = false, alone = false;
	/* Per file: 0 done with, LATER read again if a sibling names a driver,
	 * HELD kept: it may call a managed acquisition. */
	enum { LATER = 1, HELD };
	uint8_t *defer = xcalloc(ds->d->nfiles ? ds->d->nfiles : 1, sizeof *defer);
	for (size_t i = 0; i < ds->d->nfiles; i++) {
		ds->counts->files_seen++;
		if (!(ds->srcs[i] = read_one(ds, i)))
			continue;
		if (might_name_driver(t, ds->srcs[i], ds->lens[i])) {
			has_driver |= sift(ds, i, MENTION_API | MENTION_DRIVER) & MENTION_DRIVER;
			continue;
		}
		if (t->managed_words.n && might_acquire_managed(t, ds->srcs[i], ds->lens[i])) {
			defer[i] = HELD;
			continue;
		}
		free(ds->srcs[i]);
		ds->srcs[i] = NULL;
		defer[i] = LATER;
	}
	for (size_t i = 0; i < ds->d->nfiles; i++) {
		if (defer[i] == HELD)
			alone |= (sift(ds, i, MENTION_API | MENTION_ALONE) & MENTION_ALONE) != 0;
		else if (defer[i] == LATER && has_driver && (ds->srcs[i] = read_one(ds, i)))
			sift(ds, i, MENTION_API);
	}
	free(defer);
	return has_driver ? DIR_DRIVERS : alone ? DIR_ALONE : DIR_NOTHING;
}

/* Make SF the items of SRC (N bytes), a candidate for parsing: one whole
 * item if it cannot be split.  Masking changes no brace, parenthesis or
 * semicolon, nor any name an item is chosen by, so items are split from the
 * text as written and only the chosen ones are masked, just before their
 * parse. */
static void split_file(SelectFile *sf, const char *src, size_t n)
{
	sf->text = src;
	if (split_items(src, n, &sf->items, &sf->names) < 0) {
		Item whole = { .end = (uint32_t)n };
		VEC_PUSH(&sf->items, whole);
		sf->whole = true;
	}
}

static void free_facts(DirScan *ds)
{
	for (size_t i = 0; i < ds->nfacts; i++)
		arena_free(&ds->facts[i].arena);
	ds->nfacts = 0;
}

/* Does every `return` of TEXT [a, b) return the literal 0, and is there
 * one?  Read from text: a `return` in a comment followed by words makes
 * it false, which only leaves the function's result unknown. */
static bool returns_only_zero(const char *text, size_t a, size_t b)
{
	IdentScan it;
	size_t s, e;
	int returns = 0;
	ident_scan_init(&it, text, a, b);
	while (ident_scan_next(&it, &s, &e)) {
		if (e - s != 6 || memcmp(text + s, "return", 6))
			continue;
		while (e < b && (text[e] == ' ' || text[e] == '\t' || text[e] == '\n'))
			e++;
		if (e >= b || text[e] != '0')
			return false;
		e++;
		while (e < b && (text[e] == ' ' || text[e] == '\t'))
			e++;
		if (e >= b || text[e] != ';')
			return false;
		returns++;
	}
	return returns > 0;
}

/* The names of SF's function items that were not chosen, into FF. */
static void note_unparsed(const SelectFile *sf, FileFacts *ff)
{
	size_t n = 0, k = 0;
	for (size_t i = 0; i < sf->items.n; i++)
		n += sf->items.v[i].is_func ? sf->items.v[i].nnames : 0;
	ff->unparsed = arena_alloc(&ff->arena, (n ? n : 1) * sizeof *ff->unparsed);
	ff->unparsed_zero = arena_alloc(&ff->arena, (n ? n : 1) * sizeof *ff->unparsed_zero);
	for (size_t i = 0, c = 0; i < sf->items.n; i++) {
		const Item *it = &sf->items.v[i];
		while (c < sf->chosen.n && sf->chosen.v[c].start < it->start)
			c++;
		if (!it->is_func || (c < sf->chosen.n && sf->chosen.v[c].start == it->start))
			continue;
		bool zero = returns_only_zero(sf->text, it->start, it->end);
		for (uint32_t j = 0; j < it->nnames; j++) {
			const Name *nm = &sf->names.v[it->first_name + j];
			ff->unparsed_zero[k] = zero;
			ff->unparsed[k++] = arena_strndup(&ff->arena, sf->text + nm->start, nm->len);
		}
	}
	ff->nunparsed = (uint32_t)k;
}

/* Parse SF's chosen items of SRC (N bytes) into FF: the parser reads the
 * chosen items only, so only they are masked. */
static bool parse_selected(const Tables *t, Parser *parser, const char *path, const char *rel,
			   const char *src, size_t n, const SelectFile *sf, FileFacts *ff)
{
	char *masked = xmalloc(n + 1);
	memcpy(masked, src, n + 1);
	for (size_t k = 0; k < sf->chosen.n; k++) {
		const Item *it = &sf->chosen.v[k];
		mask_macros(&t->macros, src + it->start, it->end - it->start, masked + it->start);
	}
	bool ok = parse_masked(t, parser, path, rel, src, masked, n, sf->whole ? NULL : sf->chosen.v,
			       sf->whole ? 0 : sf->chosen.n, ff);
	free(masked);
	if (ok && !sf->whole)
		note_unparsed(sf, ff);
	return ok;
}

static SelectRules select_rules(const Tables *t, bool every_function)
{
	return (SelectRules){
		.root_kind = MENTION_ROOT | MENTION_ALONE,
		.live_kind = every_function ? 0 : MENTION_API,
		.max_calls = analyze_config(t->spec, NULL, &t->rules, &t->conv).inline_depth,
	};
}

bool parse_reachable(const Tables *t, Parser *parser, const char *path, const char *rel, const char *src,
		     size_t n, bool every_function, FileFacts *ff)
{
	SelectFile sf = { 0 };
	split_file(&sf, src, n);
	SelectRules rules = select_rules(t, every_function);
	select_items(&sf, 1, &t->prefilter, &rules);
	bool ok = true;
	if (sf.chosen.n)
		ok = parse_selected(t, parser, path, rel, src, n, &sf, ff);
	else
		*ff = (FileFacts){ .path = path, .rel = rel, .bytes = n };
	VEC_FREE(&sf.items);
	VEC_FREE(&sf.names);
	VEC_FREE(&sf.chosen);
	return ok;
}

/* The items of the files worth parsing: every candidate not too large. */
static void split_candidates(DirScan *ds)
{
	for (size_t i = 0; i < ds->d->nfiles; i++)
		if (ds->srcs[i] && ds->lens[i] <= ds->s->o->max_size)
			split_file(&ds->sel[i], ds->srcs[i], ds->lens[i]);
}

/* Choose the items of the candidates that a driver reaches. */
static void choose_items(DirScan *ds)
{
	const Tables *t = ds->s->t;
	SelectRules rules = select_rules(t, ds->s->printer->every_function);
	select_items(ds->sel, ds->d->nfiles, &t->prefilter, &rules);
}

/* Parse the chosen items of each candidate and extract their facts. */
static void parse_chosen(DirScan *ds)
{
	const Tables *t = ds->s->t;
	free_facts(ds);
	for (size_t i = 0; i < ds->d->nfiles; i++) {
		const SelectFile *sf = &ds->sel[i];
		const WalkFile *f = &ds->d->files[i];
		ds->timed_out[i] = false;
		if (!sf->text || !sf->chosen.n)
			continue;
		if (parse_selected(t, ds->parser, f->path, f->rel, ds->srcs[i], ds->lens[i], sf,
				   &ds->facts[ds->nfacts]))
			ds->nfacts++;
		else
			ds->timed_out[i] = true;
	}
}

/* Does a candidate define a function NAME?  Then a callback of that name
 * was left unparsed on purpose: it reaches no API (select.c). */
static bool defines_function(const DirScan *ds, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < ds->d->nfiles; i++) {
		const SelectFile *sf = &ds->sel[i];
		for (size_t k = 0; sf->text && k < sf->names.n; k++)
			if (sf->names.v[k].len == len && !memcmp(sf->text + sf->names.v[k].start, name, len))
				return true;
	}
	return false;
}

/* A callback whose definition was not found may live in a sibling that the
 * prefilter passed over (a pci.c that defines probe but names no API).
 * Make candidates of those that mention an unresolved name; true if any. */
static bool adopt_unresolved(DirScan *ds, const DriverVec *drivers)
{
	StrSet names = { 0 };
	for (size_t i = 0; i < drivers->n; i++)
		for (uint32_t k = 0; k < drivers->v[i].ncallbacks; k++) {
			const Callback *cb = &drivers->v[i].callbacks[k];
			if (!cb->func && !defines_function(ds, cb->name))
				strset_add(&names, cb->name, (void *)(uintptr_t)MENTION_API);
		}
	bool added = false;
	char detail[256];
	for (size_t i = 0; names.n && i < ds->d->nfiles; i++) {
		const WalkFile *f = &ds->d->files[i];
		if (ds->noted[i] || ds->srcs[i])
			continue; /* unreadable, or already a candidate */
		SkipReason why;
		ds->srcs[i] = read_source(f, READ_LIMIT, &ds->lens[i], &why, detail, sizeof detail);
		if (ds->srcs[i] && ds->lens[i] <= ds->s->o->max_size &&
		    mentions(&names, ds->srcs[i], ds->lens[i], MENTION_API)) {
			split_file(&ds->sel[i], ds->srcs[i], ds->lens[i]);
			added = true;
			continue;
		}
		free(ds->srcs[i]);
		ds->srcs[i] = NULL;
	}
	strset_free(&names);
	return added;
}

/* Count every file of the directory once, by what finally became of it;
 * the reason a file was not parsed goes to WHY[i] (SKIP_NONE: parsed). */
static void account(DirScan *ds, bool worth_parsing, SkipReason *why)
{
	ScanCounts *c = ds->counts;
	char detail[256];
	for (size_t i = 0, k = 0; i < ds->d->nfiles; i++) {
		const WalkFile *f = &ds->d->files[i];
		const SelectFile *sf = &ds->sel[i];
		SkipReason r = SKIP_NONE;
		if (ds->noted[i]) {
			why[i] = ds->noted[i];
			continue;
		}
		if (!worth_parsing) {
			r = SKIP_NO_DRIVER;
		} else if (!ds->srcs[i]) {
			r = SKIP_NO_API;
		} else if (!sf->text) {
			r = SKIP_TOO_LARGE;
			snprintf(detail, sizeof detail, "%zu bytes, parse limit %zu (--max-size)", ds->lens[i],
				 ds->s->o->max_size);
			note(ds->msg, shown(ds, f), SKIP_TOO_LARGE, detail);
		} else if (!sf->chosen.n) {
			r = SKIP_UNREACHABLE;
		} else if (ds->timed_out[i]) {
			r = SKIP_PARSE_TIMEOUT;
			snprintf(detail, sizeof detail, "gave up after %llu ms (--parse-timeout)",
				 (unsigned long long)(ds->s->o->parse_timeout_us / 1000));
			note(ds->msg, shown(ds, f), SKIP_PARSE_TIMEOUT, detail);
		} else {
			for (size_t n = 0; n < sf->chosen.n; n++)
				c->bytes_parsed += sf->chosen.v[n].end - sf->chosen.v[n].start;
			c->bytes_candidate += ds->lens[i];
			c->error_bytes += ds->facts[k++].error_bytes;
		}
		c->skipped[r] += r != SKIP_NONE;
		why[i] = r;
	}
}

static DirScan dir_open(Scan *s, Parser *parser, const WalkDir *d, ScanCounts *counts, FILE *msg)
{
	size_t n = d->nfiles;
	return (DirScan){
		.s = s,
		.parser = parser,
		.d = d,
		.counts = counts,
		.msg = msg,
		.srcs = xcalloc(n, sizeof(char *)),
		.lens = xcalloc(n, sizeof(size_t)),
		.sel = xcalloc(n, sizeof(SelectFile)),
		.noted = xcalloc(n, sizeof(SkipReason)),
		.timed_out = xcalloc(n, sizeof(bool)),
		.facts = xcalloc(n, sizeof(FileFacts)),
	};
}

static void dir_close(DirScan *ds)
{
	free_facts(ds);
	for (size_t i = 0; i < ds->d->nfiles; i++) {
		free(ds->srcs[i]);
		VEC_FREE(&ds->sel[i].items);
		VEC_FREE(&ds->sel[i].names);
		VEC_FREE(&ds->sel[i].chosen);
	}
	free(ds->srcs);
	free(ds->lens);
	free(ds->sel);
	free(ds->noted);
	free(ds->timed_out);
	free(ds->facts);
	constants_free(&ds->constants);
}

static void note_partial(void *ctx, const Driver *d, const char *why)
{
	FILE *msg = ctx;
	fputs("teardown: partially analysed ", msg);
	print_escaped(msg, d->file->rel);
	fprintf(msg, ": %s (%s)\n", d->name, why);
}

/* Whether the scan collects JSON items: for the JSON document, the
 * history database, or a caller that compares scans. */
static bool scan_wants_items(const ScanOptions *o)
{
	return o->json || o->db || o->collect || o->by_maintainer;
}

/* One directory of the walk through the pipeline, in a worker. */
static void scan_dir(Scan *s, Parser *parser, size_t di)
{
	const WalkDir *d = &s->walk.dirs.v[di];                     /* walk: its files */
	DirResult *res = &s->results[di];
	ScanCounts *c = &res->counts;
	FILE *msg = open_memstream(&res->messages, &res->messages_len);
	FILE *out = open_memstream(&res->out, &res->out_len);
	res->items = scan_wants_items(s->o) ? json_array() : NULL;
	DirScan ds = dir_open(s, parser, d, c, msg);
	SkipReason *why = xcalloc(d->nfiles, sizeof *why);
	DriverVec drivers = { 0 };

	DirKind kind = read_dir(&ds);                               /* read, prefilter */
	if (kind != DIR_NOTHING) {
		split_candidates(&ds);                              /* choose items */
		choose_items(&ds);
		parse_chosen(&ds);                                  /* parse, extract */
		join_drivers(ds.facts, ds.nfacts, &drivers);        /* join */
		if (adopt_unresolved(&ds, &drivers)) {              /* callbacks in files passed over */
			drivers_free(&drivers);
			choose_items(&ds);
			parse_chosen(&ds);
			join_drivers(ds.facts, ds.nfacts, &drivers);
		}
	}
	account(&ds, kind != DIR_NOTHING, why);
	atomic_fetch_add(&s->files_done, d->nfiles);
	for (size_t i = 0; i < drivers.n; i++)
		c->drivers_by_bus[drivers.v[i].bus - s->t->buses.buses]++;

	Arena arena = { 0 }; /* the findings' strings */
	FindingVec found = { 0 };
	if (s->printer->findings) {                                 /* analyze */
		c->drivers_partial = analyze_dir(&s->cfg, ds.facts, ds.nfacts, &ds.constants, &drivers, &arena, &found,
						 note_partial, msg);
		coverage_count(&s->cfg, ds.facts, ds.nfacts, &drivers, c->drivers_partial > 0, c->api_sites);
	}
	filter_findings(&s->o->filter, &found, &arena, c);
	c->findings = found.n;
	for (size_t i = 0; i < found.n; i++)
		c->warnings += found.v[i].severity >= SEV_WARNING;
	s->printer->dir(s->printer, &drivers, &found, out, res->items); /* report */
	if (s->o->db && !s->o->json && !s->o->collect) /* the items are for the history; the user reads text */
		s->printer->dir(s->printer, &drivers, &found, out, NULL);

	VEC_FREE(&found);
	arena_free(&arena);
	drivers_free(&drivers);
	free(why);
	dir_close(&ds);
	fclose(msg);
	fclose(out);
}

static void *worker(void *arg)
{
	Scan *s = arg;
	Parser *parser = parser_new(s->o->parse_timeout_us);
	for (;;) {
		size_t di = atomic_fetch_add(&s->next, 1);
		if (di >= s->walk.dirs.n)
			break;
		scan_dir(s, parser, di);
		pthread_mutex_lock(&s->lock);
		atomic_store(&s->done[di], true);
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->lock);
	}
	parser_free(parser);
	return NULL;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void merge(ScanCounts *total, const ScanCounts *r)
{
	total->files_seen += r->files_seen;
	for (int k = 0; k < SKIP_COUNT; k++)
		total->skipped[k] += r->skipped[k];
	total->bytes_parsed += r->bytes_parsed;
	total->bytes_candidate += r->bytes_candidate;
	total->error_bytes += r->error_bytes;
	for (int k = 0; k < MAX_BUSES; k++)
		total->drivers_by_bus[k] += r->drivers_by_bus[k];
	total->findings += r->findings;
	total->warnings += r->warnings;
	total->drivers_partial += r->drivers_partial;
	for (int k = 0; k < SITE_COUNT; k++)
		total->api_sites[k] += r->api_sites[k];
	total->latent_hidden += r->latent_hidden;
	total->notes_hidden += r->notes_hidden;
}

/* Wait for directory I's result, showing progress on a terminal. */
static void wait_for(Scan *s, size_t i, size_t nfiles, double start, double *last, bool *shown)
{
	pthread_mutex_lock(&s->lock);
	while (!atomic_load(&s->done[i])) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 200 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&s->cond, &s->lock, &until);
		double t_now = now();
		if (s->o->progress && t_now - start > 1.0 && t_now - *last > 0.2) {
			fprintf(stderr, "\r\033[Kteardown: %zu/%zu files, %.0f s", atomic_load(&s->files_done),
				nfiles, t_now - start);
			*last = t_now;
			*shown = true;
		}
	}
	pthread_mutex_unlock(&s->lock);
}

/* Run the workers over S's walk; print each directory's result in walk
 * order and sum the counts into TOTAL (and the JSON items into ALL). */
static void run_workers(Scan *s, ScanCounts *total, json_t *all)
{
	size_t ndirs = s->walk.dirs.n, nfiles = 0;
	for (size_t i = 0; i < ndirs; i++)
		nfiles += s->walk.dirs.v[i].nfiles;
	s->results = xcalloc(ndirs ? ndirs : 1, sizeof *s->results);
	s->done = xcalloc(ndirs ? ndirs : 1, sizeof *s->done);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	int jobs = s->o->jobs > 0 ? s->o->jobs : 1;
	pthread_t *th = xcalloc(jobs, sizeof *th);
	for (int i = 0; i < jobs; i++)
		if (pthread_create(&th[i], NULL, worker, s))
			fatal("cannot start worker thread");
	double start = now(), last_progress = 0;
	bool progress_shown = false;
	for (size_t i = 0; i < ndirs; i++) {
		wait_for(s, i, nfiles, start, &last_progress, &progress_shown);
		DirResult *r = &s->results[i];
		if (progress_shown && r->messages_len)
			fputs("\r\033[K", stderr);
		if (s->o->quiet)
			for (size_t k = 0; k < r->messages_len; k++)
				total->notices_hidden += r->messages[k] == '\n';
		else
			fwrite(r->messages, 1, r->messages_len, stderr);
		fwrite(r->out, 1, r->out_len, stdout);
		if (all) {
			json_array_extend(all, r->items);
			json_decref(r->items);
		}
		merge(total, &r->counts);
		free(r->messages);
		free(r->out);
	}
	for (int i = 0; i < jobs; i++)
		pthread_join(th[i], NULL);
	if (progress_shown)
		fputs("\r\033[K", stderr);
	free(th);
	free(s->results);
	free(s->done);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
}

static RunStats run_stats(double start, int jobs)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (RunStats){
		.wall = now() - start,
		.cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
		.peak_kib = ru.ru_maxrss,
		.jobs = jobs,
	};
}

int flush_stdout(int rc)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	fprintf(stderr, "teardown: writing the output failed\n");
	return 2;
}

int scan_run(char **paths, int npaths, const ScanOptions *o, const Printer *printer)
{
	static Tables t; /* lives as long as the process: static, so leak checkers see it */
	static bool loaded; /* once: teardown impact scans twice */
	if (!loaded && tables_load(&t) < 0)
		return 2;
	loaded = true;
	double start = now();
	const FindingFilter *ff = &o->filter;
	for (int i = 0; i < ff->nonly + ff->nskip; i++) {
		const char *rule = i < ff->nonly ? ff->only[i] : ff->skip[i - ff->nonly];
		if (!rules_matching(&t.rules, rule)) {
			fprintf(stderr, "teardown: no rule '%s' (see data/rules; a prefix such as irq-vectors lists them all)\n",
				rule);
			return 2;
		}
	}
	if (o->db && strcmp(printer->key, "findings")) {
		fprintf(stderr, "teardown: --db stores the findings of teardown scan only\n");
		return 2;
	}
	TreeInfo ti = tree_info(paths[0], o->profile);
	if (ti.from == PROFILE_FROM_OPTION && ti.tree && ti.tree != ti.profile)
		fprintf(stderr, "teardown: note: --semantics %s, but the tree is %s (profile %s)\n",
			profile_name(ti.profile), ti.version, profile_name(ti.tree));
	Printer shown = *printer; /* with the tree's MAINTAINERS, once it is known */
	Scan s = { .o = o, .t = &t, .printer = &shown, .cfg = analyze_config(t.spec, ti.profile, &t.rules, &t.conv) };
	s.walk.shallow = o->shallow;
	int unusable = walk_paths(paths, npaths, &s.walk);          /* walk */
	if (s.walk.root && !o->collect)
		shown.maintainers = maintainers_load(s.walk.root);
	shown.by_maintainer = o->by_maintainer;
	ScanCounts total = { 0 };
	json_t *items = scan_wants_items(o) ? json_array() : NULL;
	run_workers(&s, &total, items);                             /* each directory: scan_dir */
	maintainers_free((Maintainers *)shown.maintainers);
	RunStats rs = run_stats(start, o->jobs);                    /* summary */
	rs.profile = profile_name(ti.profile);
	rs.profile_from = profile_from_name(ti.from);
	rs.kernel_version = ti.version;
	bool failed = unusable > 0;
	if (o->db) {
		ScanMeta meta = { .tree = ti.root[0] ? ti.root : paths[0], .kernel_version = ti.version,
				  .profile = rs.profile };
		long long id = history_store(o->db, &meta, items);
		if (id < 0)
			failed = true;
		else
			fprintf(stderr, "teardown: stored as scan %lld in %s\n", id, o->db);
	}
	if (o->collect) {
		walk_free(&s.walk);
		*o->collect = items;
		return failed ? 2 : 0;
	}
	if (o->by_maintainer)
		list_by_maintainer(stdout, items, o->json ? summary_json(&total, &t.buses, &rs) : NULL);
	else if (o->sarif)
		sarif_print(stdout, items, &t.rules, s.walk.root, summary_json(&total, &t.buses, &rs));
	else if (o->json)
		document_print(stdout, printer->key, items, summary_json(&total, &t.buses, &rs));
	else
		json_decref(items);
	walk_free(&s.walk);
	summary_print(stderr, &total, &t.buses, &rs);
	/* list exits by what it lists; the others by their warnings */
	size_t found = printer->rule ? total.findings : total.warnings;
	return flush_stdout(failed ? 2 : found ? 1 : 0);
}

int facts_run(const char *file, const FactsOptions *fo)
{
	static Tables t; /* lives as long as the process: static, so leak checkers see it */
	if (tables_load(&t) < 0)
		return 2;
	/* One file: a directory (even one named foo.c) would walk to some
	 * other file's facts, or to none at all. */
	struct stat st;
	if (stat(file, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "teardown: %s: is a directory (facts reads one file)\n", file);
		return 2;
	}
	WalkResult w = { 0 };
	if (walk_path(file, &w) < 0)
		return 2;
	/* As a scan of FILE runs, but without a size limit: facts are for
	 * the triage of one file. */
	ScanOptions o = { .jobs = 1, .max_size = SIZE_MAX, .parse_timeout_us = 60 * 1000 * 1000,
			  .profile = profile_default() };
	Printer parse_only = { .findings = false };
	Scan s = { .o = &o, .t = &t, .printer = &parse_only };
	Parser *parser = parser_new(o.parse_timeout_us);
	ScanCounts counts = { 0 };
	const WalkDir *d = &w.dirs.v[0];
	DirScan ds = dir_open(&s, parser, d, &counts, stderr);
	ds.as_given = true;
	SkipReason why = SKIP_NONE;
	FileFacts whole, *ff = NULL;
	if (fo->whole_file) {
		if ((ds.srcs[0] = read_one(&ds, 0))) {
			if (parse_facts(&t, parser, d->files[0].path, d->files[0].rel, ds.srcs[0], ds.lens[0], &whole))
				ff = &whole;
			else
				note(stderr, file, SKIP_PARSE_TIMEOUT, "gave up after 60000 ms");
		}
	} else {
		DirKind kind = read_dir(&ds);
		if (kind != DIR_NOTHING) {
			split_candidates(&ds);
			choose_items(&ds);
			parse_chosen(&ds);
		}
		account(&ds, kind != DIR_NOTHING, &why);
		if (ds.nfacts)
			ff = &ds.facts[0];
	}
	int rc = 2;
	FileFacts none = { .path = d->files[0].path, .rel = d->files[0].rel };
	if (!ff && !ds.noted[0] && why != SKIP_PARSE_TIMEOUT) {
		/* Read, but a scan parses none of it: say why, and show no facts. */
		fputs("teardown: ", stderr);
		print_escaped(stderr, file);
		fprintf(stderr, ": a scan parses nothing of it (%s); --whole-file parses all of it\n",
			skip_reason_name[why]);
		ff = &none;
	}
	if (ff) {
		if (fo->json) {
			json_t *j = facts_json(ff);
			json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
			json_decref(j);
		} else
			facts_print(stdout, ff, fo->cfg);
		rc = flush_stdout(0);
	}
	if (ff == &whole)
		arena_free(&whole.arena);
	dir_close(&ds);
	parser_free(parser);
	walk_free(&w);
	return rc;
}
