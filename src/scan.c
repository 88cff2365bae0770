/*
 * scan.c — run the pipeline over a tree on worker threads.
 *
 * The unit of work is a directory: a driver's callbacks live in its own
 * directory, so a worker that holds one directory's facts can join and
 * analyse its drivers and then drop everything.  Workers take directories in
 * walk order from a shared counter; the main thread prints each directory's
 * result as soon as it and all before it are done.  Output is therefore in
 * walk order whatever the scheduling, and memory holds only the directories
 * in flight.
 *
 * Per file the stages are: read (or skip, with a reason) → prefilter →
 * mask kernel macros → split into top-level items; per directory, the items
 * a driver can reach are chosen (parse/select.c); per file again, parse
 * those items → extract.  A file skipped for any reason but the prefilter
 * or reachability gets a notice on stderr; every file is counted once.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tree_sitter/api.h>
#include <unistd.h>

#include "report/report.h"
#include "scan.h"
#include "util/clex.h"
#include "util/datafile.h"

static const char *add_prefilter_names(const DataLine *l, void *ctx);
static void add_kind(StrSet *set, const char *name, unsigned kind);

int tables_load(Tables *t)
{
	*t = (Tables){ 0 };
	if (bus_table_load(&t->buses) < 0 || conventions_load(&t->conv) < 0 ||
	    macro_table_load(&t->macros) < 0 || rule_table_load(&t->rules) < 0)
		return -1;
	char path[4096], err[512];
	data_path("api.spec", path, sizeof path);
	if (!(t->spec = model_spec_load(path, err, sizeof err))) {
		fprintf(stderr, "teardown: %s\n", err);
		return -1;
	}
	/* A file is worth parsing if it mentions a driver struct, or an API
	 * the spec knows; an item roots the parse if it names a driver struct
	 * or a registration function.  All these lists are data. */
	for (int i = 0; i < t->buses.nbuses; i++)
		add_kind(&t->prefilter, t->buses.buses[i].struct_name,
			 MENTION_API | MENTION_DRIVER | MENTION_ROOT);
	for (size_t i = 0; i < t->buses.registers.cap; i++)
		if (strset_key_at(&t->buses.registers, i))
			add_kind(&t->prefilter, strset_key_at(&t->buses.registers, i), MENTION_ROOT);
	int n;
	const char *const *names = spec_names(t->spec, &n);
	for (int i = 0; i < n; i++)
		add_kind(&t->prefilter, names[i], MENTION_API);
	return datafile_read("prefilter", add_prefilter_names, &t->prefilter);
}

static void add_kind(StrSet *set, const char *name, unsigned kind)
{
	unsigned old = (unsigned)(uintptr_t)strset_get(set, name, strlen(name), NULL);
	strset_set(set, name, (void *)(uintptr_t)(old | kind));
}

static const char *add_prefilter_names(const DataLine *l, void *ctx)
{
	for (int i = 0; i < l->nfields; i++)
		add_kind(ctx, l->field[i], MENTION_API);
	return NULL;
}

typedef struct {
	const ScanOptions *o;
	const Tables *t;
	WalkResult walk;
	DirResult *results;
	atomic_bool *done;
	atomic_size_t next;
	atomic_size_t files_done;
	DirConsumer *consume;
	void *ctx;
	pthread_mutex_t lock;
	pthread_cond_t cond;
} Scan;

static void note(FILE *msg, const WalkFile *f, SkipReason r, const char *detail)
{
	fputs("teardown: skipped ", msg);
	print_escaped(msg, f->rel[0] ? f->rel : f->path);
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
	DirResult *res;
	FILE *msg;
	char **srcs;      /* per file: its text while it may be parsed */
	size_t *lens;
	SelectFile *sel;  /* per file: masked text and items of the candidates */
	bool *noted;      /* per file: skipped while reading, counted then */
	bool *timed_out;  /* per file: the last parse gave up */
	FileFacts *facts; /* of the files parsed, in walk order */
	size_t nfacts;
} DirScan;

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
		ds->res->skipped[why]++;
		note(ds->msg, f, why, why_detail);
		ds->noted[i] = true;
	}
	return src;
}

/* Might TEXT name a driver struct?  A substring search (memmem is many
 * times faster than looking up every identifier): most directories of a
 * tree define no driver, and are done with this.  When the struct names
 * share an ending of four bytes or more ("_driver"), one search for it,
 * each hit checked against the names; else (a short ending would hit at
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
	const char *suffix = bt->buses[0].struct_name + strlen(bt->buses[0].struct_name) - k;
	for (const char *p = text; (p = memmem(p, (size_t)(text + n - p), suffix, k)); p += k)
		for (int b = 0; b < bt->nbuses; b++) {
			const char *name = bt->buses[b].struct_name;
			size_t head = strlen(name) - k;
			if ((size_t)(p - text) >= head && !memcmp(p - head, name, head))
				return true;
		}
	return false;
}

/* Keep the text of file I if it names an API; say whether it names a
 * driver struct. */
static bool sift(DirScan *ds, size_t i, unsigned want)
{
	unsigned kinds = mentions(&ds->s->t->prefilter, ds->srcs[i], ds->lens[i], want);
	if (!(kinds & MENTION_API)) {
		/* Not kept: a huge generated header that names no API is not
		 * worth its memory, nor a notice, only a count. */
		free(ds->srcs[i]);
		ds->srcs[i] = NULL;
	}
	return kinds & MENTION_DRIVER;
}

/* Read the directory's files, count and note the unreadable ones, and drop
 * the text of those that name no API.  True if any file names a driver
 * struct: if none does, nothing here can be reported.  A file that cannot
 * name one is not searched for APIs until a sibling turns out to: then it
 * is read again (from the page cache). */
static bool read_dir(DirScan *ds)
{
	const Tables *t = ds->s->t;
	bool has_driver = false;
	bool *later = xcalloc(ds->d->nfiles ? ds->d->nfiles : 1, sizeof *later);
	for (size_t i = 0; i < ds->d->nfiles; i++) {
		ds->res->files_seen++;
		if (!(ds->srcs[i] = read_one(ds, i)))
			continue;
		if (might_name_driver(t, ds->srcs[i], ds->lens[i])) {
			has_driver |= sift(ds, i, MENTION_API | MENTION_DRIVER);
			continue;
		}
		free(ds->srcs[i]);
		ds->srcs[i] = NULL;
		later[i] = true;
	}
	for (size_t i = 0; has_driver && i < ds->d->nfiles; i++)
		if (later[i] && (ds->srcs[i] = read_one(ds, i)))
			sift(ds, i, MENTION_API);
	free(later);
	return has_driver;
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
	return ok;
}

static SelectRules select_rules(const Tables *t, bool every_function)
{
	return (SelectRules){
		.root_kind = MENTION_ROOT,
		.live_kind = every_function ? 0 : MENTION_API,
		.max_calls = analyze_config(t->spec, NULL, &t->rules).inline_depth,
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

/* Choose the reachable items of the candidates and parse them into facts. */
static void parse_chosen(DirScan *ds)
{
	const Tables *t = ds->s->t;
	SelectRules rules = select_rules(t, ds->s->o->every_function);
	select_items(ds->sel, ds->d->nfiles, &t->prefilter, &rules);
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

/* Count every file of the directory once, by what finally became of it. */
static void account(DirScan *ds, bool has_driver)
{
	DirResult *res = ds->res;
	char detail[256];
	for (size_t i = 0, k = 0; i < ds->d->nfiles; i++) {
		const WalkFile *f = &ds->d->files[i];
		const SelectFile *sf = &ds->sel[i];
		if (ds->noted[i])
			continue;
		if (!has_driver) {
			res->skipped[SKIP_NO_DRIVER]++;
		} else if (!ds->srcs[i]) {
			res->skipped[SKIP_NO_API]++;
		} else if (!sf->text) {
			res->skipped[SKIP_TOO_LARGE]++;
			snprintf(detail, sizeof detail, "%zu bytes, parse limit %zu (--max-size)", ds->lens[i],
				 ds->s->o->max_size);
			note(ds->msg, f, SKIP_TOO_LARGE, detail);
		} else if (!sf->chosen.n) {
			res->skipped[SKIP_UNREACHABLE]++;
		} else if (ds->timed_out[i]) {
			res->skipped[SKIP_PARSE_TIMEOUT]++;
			snprintf(detail, sizeof detail, "gave up after %llu ms (--parse-timeout)",
				 (unsigned long long)(ds->s->o->parse_timeout_us / 1000));
			note(ds->msg, f, SKIP_PARSE_TIMEOUT, detail);
		} else {
			for (size_t c = 0; c < sf->chosen.n; c++)
				res->bytes_parsed += sf->chosen.v[c].end - sf->chosen.v[c].start;
			res->bytes_candidate += ds->lens[i];
			res->error_bytes += ds->facts[k++].error_bytes;
		}
	}
}

static void scan_dir(Scan *s, Parser *parser, size_t di)
{
	const WalkDir *d = &s->walk.dirs.v[di];
	size_t n = d->nfiles;
	DirResult *res = &s->results[di];
	DirScan ds = {
		.s = s,
		.parser = parser,
		.d = d,
		.res = res,
		.msg = open_memstream(&res->messages, &res->messages_len),
		.srcs = xcalloc(n, sizeof *ds.srcs),
		.lens = xcalloc(n, sizeof *ds.lens),
		.sel = xcalloc(n, sizeof *ds.sel),
		.noted = xcalloc(n, sizeof *ds.noted),
		.timed_out = xcalloc(n, sizeof *ds.timed_out),
		.facts = xcalloc(n, sizeof *ds.facts),
	};
	FILE *out = open_memstream(&res->out, &res->out_len);
	res->items = s->o->json ? json_array() : NULL;

	bool has_driver = read_dir(&ds);
	for (size_t i = 0; has_driver && i < n; i++)
		if (ds.srcs[i] && ds.lens[i] <= s->o->max_size)
			split_file(&ds.sel[i], ds.srcs[i], ds.lens[i]);
	DriverVec drivers = { 0 };
	if (has_driver) {
		parse_chosen(&ds);
		join_drivers(ds.facts, ds.nfacts, &drivers);
		if (adopt_unresolved(&ds, &drivers)) {
			drivers_free(&drivers);
			parse_chosen(&ds);
			join_drivers(ds.facts, ds.nfacts, &drivers);
		}
	}
	account(&ds, has_driver);
	atomic_fetch_add(&s->files_done, n);
	for (size_t i = 0; i < drivers.n; i++) {
		const Bus *b = drivers.v[i].bus;
		res->drivers_by_bus[b - s->t->buses.buses]++;
	}
	s->consume(s->ctx, s->t, ds.facts, ds.nfacts, &drivers, out, res->items, res, ds.msg);
	drivers_free(&drivers);
	for (size_t i = 0; i < ds.nfacts; i++)
		res->arena_bytes += ds.facts[i].arena.bytes;
	free_facts(&ds);
	for (size_t i = 0; i < n; i++) {
		free(ds.srcs[i]);
		VEC_FREE(&ds.sel[i].items);
		VEC_FREE(&ds.sel[i].names);
		VEC_FREE(&ds.sel[i].chosen);
	}
	free(ds.srcs);
	free(ds.lens);
	free(ds.sel);
	free(ds.noted);
	free(ds.timed_out);
	free(ds.facts);
	fclose(ds.msg);
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

static void merge(DirResult *total, const DirResult *r)
{
	total->files_seen += r->files_seen;
	for (int k = 0; k < SKIP_COUNT; k++)
		total->skipped[k] += r->skipped[k];
	total->bytes_parsed += r->bytes_parsed;
	total->bytes_candidate += r->bytes_candidate;
	total->error_bytes += r->error_bytes;
	if (r->arena_bytes > total->arena_bytes) /* the largest directory's facts */
		total->arena_bytes = r->arena_bytes;
	for (int k = 0; k < MAX_BUSES; k++)
		total->drivers_by_bus[k] += r->drivers_by_bus[k];
	total->findings += r->findings;
	total->warnings += r->warnings;
	total->drivers_partial += r->drivers_partial;
}

int scan_paths(char **paths, int npaths, const ScanOptions *o, const Tables *t,
	       DirConsumer *consume, void *ctx, DirResult *total)
{
	Scan s = { .o = o, .t = t, .consume = consume, .ctx = ctx };
	for (int i = 0; i < npaths; i++)
		if (walk_path(paths[i], &s.walk) < 0) {
			walk_free(&s.walk);
			return -1;
		}
	size_t nfiles = 0;
	for (size_t i = 0; i < s.walk.dirs.n; i++)
		nfiles += s.walk.dirs.v[i].nfiles;
	s.results = xcalloc(s.walk.dirs.n ? s.walk.dirs.n : 1, sizeof *s.results);
	s.done = xcalloc(s.walk.dirs.n ? s.walk.dirs.n : 1, sizeof *s.done);
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.cond, NULL);

	int jobs = o->jobs > 0 ? o->jobs : 1;
	pthread_t *th = xcalloc(jobs, sizeof *th);
	for (int i = 0; i < jobs; i++)
		if (pthread_create(&th[i], NULL, worker, &s))
			fatal("cannot start worker thread");

	*total = (DirResult){ 0 };
	json_t *all = o->json ? json_array() : NULL;
	double start = now(), last_progress = 0;
	bool progress_shown = false;
	for (size_t i = 0; i < s.walk.dirs.n; i++) {
		pthread_mutex_lock(&s.lock);
		while (!atomic_load(&s.done[i])) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += 200 * 1000 * 1000;
			if (until.tv_nsec >= 1000000000) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&s.cond, &s.lock, &until);
			double t_now = now();
			if (o->progress && t_now - start > 1.0 && t_now - last_progress > 0.2) {
				fprintf(stderr, "\r\033[Kteardown: %zu/%zu files, %.0f s",
					atomic_load(&s.files_done), nfiles, t_now - start);
				last_progress = t_now;
				progress_shown = true;
			}
		}
		pthread_mutex_unlock(&s.lock);
		DirResult *r = &s.results[i];
		if (progress_shown && r->messages_len)
			fputs("\r\033[K", stderr);
		fwrite(r->messages, 1, r->messages_len, stderr);
		fwrite(r->out, 1, r->out_len, stdout);
		if (all) {
			json_array_extend(all, r->items);
			json_decref(r->items);
		}
		merge(total, r);
		free(r->messages);
		free(r->out);
	}
	for (int i = 0; i < jobs; i++)
		pthread_join(th[i], NULL);
	if (progress_shown)
		fputs("\r\033[K", stderr);
	total->items = all;
	fflush(stdout);
	free(th);
	free(s.results);
	free(s.done);
	walk_free(&s.walk);
	pthread_mutex_destroy(&s.lock);
	pthread_cond_destroy(&s.cond);
	return 0;
}
