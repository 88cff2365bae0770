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
 * mask kernel macros → parse → extract.  A file skipped for any reason but
 * the prefilter gets a notice on stderr; every file is counted once.
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
#include "util/datafile.h"

static const char *add_prefilter_names(const DataLine *l, void *ctx);

int tables_load(Tables *t)
{
	*t = (Tables){ 0 };
	if (bus_table_load(&t->buses) < 0 || conventions_load(&t->conv) < 0 ||
	    macro_table_load(&t->macros) < 0 || rule_table_load(&t->rules) < 0)
		return -1;
	char path[4096], err[512];
	data_path("api.spec", path, sizeof path);
	if (!(t->spec = spec_load(path, err, sizeof err))) {
		fprintf(stderr, "teardown: %s\n", err);
		return -1;
	}
	/* A file is worth parsing if it mentions a driver struct, or an API
	 * the spec knows.  All three lists are data. */
	for (int i = 0; i < t->buses.nbuses; i++)
		strset_add(&t->prefilter, t->buses.buses[i].struct_name,
			   (void *)(uintptr_t)(MENTION_API | MENTION_DRIVER));
	int n;
	const char *const *names = spec_names(t->spec, &n);
	for (int i = 0; i < n; i++)
		strset_add(&t->prefilter, names[i], (void *)(uintptr_t)MENTION_API);
	return datafile_read("prefilter", add_prefilter_names, &t->prefilter);
}

static const char *add_prefilter_names(const DataLine *l, void *ctx)
{
	for (int i = 0; i < l->nfields; i++)
		strset_add(ctx, l->field[i], (void *)(uintptr_t)MENTION_API);
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

/* Is I among the sorted indices V[0..N)? */
static bool bsearch_index(const size_t *v, size_t n, size_t i)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid] < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == i;
}

bool parse_facts(const Tables *t, Parser *parser, const char *path, const char *rel, const char *src,
		 size_t n, FileFacts *ff)
{
	char *masked = xmalloc(n + 1);
	mask_macros(&t->macros, src, n, masked);
	TSTree *tree = parser_parse(parser, masked, n);
	free(masked);
	if (!tree)
		return false;
	*ff = (FileFacts){ .path = path, .rel = rel, .bytes = n };
	extract_file(ff, tree, src, &t->buses, &t->conv);
	ts_tree_delete(tree);
	return true;
}

static bool parse_file(Scan *s, Parser *parser, const WalkFile *f, const char *src, size_t n,
		       FileFacts *ff)
{
	return parse_facts(s->t, parser, f->path, f->rel, src, n, ff);
}

/* A callback whose definition was not found may live in a sibling that the
 * prefilter passed over (a pci.c that defines probe but names no API).
 * Parse those siblings that mention an unresolved name; true if any was. */
static bool parse_unresolved(Scan *s, Parser *parser, const WalkDir *d, const size_t *passed_over,
			     size_t npassed, const DriverVec *drivers, FileFacts *facts, size_t *nfacts,
			     DirResult *res)
{
	StrSet names = { 0 };
	for (size_t i = 0; i < drivers->n; i++)
		for (uint32_t k = 0; k < drivers->v[i].ncallbacks; k++)
			if (!drivers->v[i].callbacks[k].func)
				strset_add(&names, drivers->v[i].callbacks[k].name, (void *)(uintptr_t)MENTION_API);
	bool added = false;
	char detail[256];
	for (size_t k = 0; names.n && k < npassed; k++) {
		const WalkFile *f = &d->files[passed_over[k]];
		size_t n;
		SkipReason why;
		char *src = read_source(f, READ_LIMIT, &n, &why, detail, sizeof detail);
		if (src && n <= s->o->max_size && mentions(&names, src, n, MENTION_API) &&
		    parse_file(s, parser, f, src, n, &facts[*nfacts])) {
			res->skipped[SKIP_NO_API]--;
			res->bytes_parsed += n;
			res->error_bytes += facts[*nfacts].error_bytes;
			(*nfacts)++;
			added = true;
		}
		free(src);
	}
	strset_free(&names);
	return added;
}

static void scan_dir(Scan *s, Parser *parser, size_t di)
{
	const WalkDir *d = &s->walk.dirs.v[di];
	DirResult *res = &s->results[di];
	FILE *msg = open_memstream(&res->messages, &res->messages_len);
	FILE *out = open_memstream(&res->out, &res->out_len);
	res->items = s->o->json ? json_array() : NULL;
	FileFacts *facts = xcalloc(d->nfiles, sizeof *facts);
	size_t *passed_over = xcalloc(d->nfiles, sizeof *passed_over);
	size_t nfacts = 0, npassed = 0;
	char detail[256];

	/* Read the directory first: if no file names a driver struct, nothing
	 * here can be reported, and none of it is worth a parse. */
	char **srcs = xcalloc(d->nfiles, sizeof *srcs);
	size_t *lens = xcalloc(d->nfiles, sizeof *lens);
	bool has_driver = false;
	for (size_t i = 0; i < d->nfiles; i++) {
		const WalkFile *f = &d->files[i];
		res->files_seen++;
		if (f->skip != SKIP_NONE) {
			res->skipped[f->skip]++;
			note(msg, f, f->skip, f->detail);
			continue;
		}
		SkipReason why;
		srcs[i] = read_source(f, READ_LIMIT, &lens[i], &why, detail, sizeof detail);
		if (!srcs[i]) {
			res->skipped[why]++;
			note(msg, f, why, detail);
			continue;
		}
		unsigned kinds = mentions(&s->t->prefilter, srcs[i], lens[i], MENTION_API | MENTION_DRIVER);
		has_driver = has_driver || (kinds & MENTION_DRIVER);
		if (!(kinds & MENTION_API)) {
			/* Not kept: a huge generated header that names no API is
			 * not worth its memory, nor a notice, only a count. */
			free(srcs[i]);
			srcs[i] = NULL;
			passed_over[npassed++] = i;
		}
	}
	for (size_t i = 0; i < d->nfiles; i++, atomic_fetch_add(&s->files_done, 1)) {
		const WalkFile *f = &d->files[i];
		char *src = srcs[i];
		size_t n = lens[i];
		if (f->skip != SKIP_NONE || (!src && !bsearch_index(passed_over, npassed, i)))
			continue; /* counted and noted in the first pass */
		if (!has_driver) {
			res->skipped[SKIP_NO_DRIVER]++;
		} else if (!src) {
			res->skipped[SKIP_NO_API]++;
		} else if (n > s->o->max_size) {
			res->skipped[SKIP_TOO_LARGE]++;
			snprintf(detail, sizeof detail, "%zu bytes, parse limit %zu (--max-size)", n,
				 s->o->max_size);
			note(msg, f, SKIP_TOO_LARGE, detail);
		} else if (parse_file(s, parser, f, src, n, &facts[nfacts])) {
			res->bytes_parsed += n;
			res->error_bytes += facts[nfacts].error_bytes;
			nfacts++;
		} else {
			res->skipped[SKIP_PARSE_TIMEOUT]++;
			snprintf(detail, sizeof detail, "gave up after %llu ms (--parse-timeout)",
				 (unsigned long long)(s->o->parse_timeout_us / 1000));
			note(msg, f, SKIP_PARSE_TIMEOUT, detail);
		}
		free(src);
	}
	free(srcs);
	free(lens);
	if (!has_driver)
		npassed = 0;

	DriverVec drivers = { 0 };
	join_drivers(facts, nfacts, &drivers);
	if (parse_unresolved(s, parser, d, passed_over, npassed, &drivers, facts, &nfacts, res)) {
		drivers_free(&drivers);
		join_drivers(facts, nfacts, &drivers);
	}
	for (size_t i = 0; i < drivers.n; i++) {
		const Bus *b = drivers.v[i].bus;
		res->drivers_by_bus[b - s->t->buses.buses]++;
	}
	s->consume(s->ctx, s->t, facts, nfacts, &drivers, out, res->items, res, msg);
	drivers_free(&drivers);
	for (size_t i = 0; i < nfacts; i++) {
		res->arena_bytes += facts[i].arena.bytes;
		arena_free(&facts[i].arena);
	}
	free(facts);
	free(passed_over);
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

static void merge(DirResult *total, const DirResult *r)
{
	total->files_seen += r->files_seen;
	for (int k = 0; k < SKIP_COUNT; k++)
		total->skipped[k] += r->skipped[k];
	total->bytes_parsed += r->bytes_parsed;
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
