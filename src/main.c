/*
 * main.c — the command line, and nothing else.
 *
 * Each command is a function that parses its options and hands the work to
 * the pipeline (scan.c) with a consumer that says what to do with each
 * directory's facts.  Exit status is the same for every command:
 * 0 nothing found, 1 findings, 2 usage or fatal error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "model/model.h"
#include "report/report.h"
#include "scan.h"

static const char usage_text[] =
	"usage: teardown COMMAND [options] ARGS\n"
	"\n"
	"Audit Linux kernel drivers for device-resource lifetime bugs.\n"
	"\n"
	"commands:\n"
	"  scan [options] PATH...     scan files and trees; findings on stdout\n"
	"  drivers [options] PATH...  list every driver found: bus, struct, callbacks\n"
	"  list RULE [options] PATH...\n"
	"                             one line per driver with findings of RULE (an id\n"
	"                             of data/rules, or a prefix: irq-vectors lists\n"
	"                             hybrid, implicit, leak, live-irq), for cover letters\n"
	"  facts [--format F] [--cfg] FILE\n"
	"                             print what was extracted from one file\n"
	"                             (--cfg: text, with control-flow graphs)\n"
	"  model [options] TRACE      replay an API trace through the kernel model\n"
	"                             (teardown model --help)\n"
	"  names                      the identifiers that make a file worth parsing,\n"
	"                             one per line (grep -rlwFf <(teardown names) finds\n"
	"                             the files a scan parses, in directories with a driver)\n"
	"\n"
	"options for scan and drivers:\n"
	"  -j, --jobs N          worker threads (default: online CPUs)\n"
	"  --format text|json    output format (default: text, gcc style)\n"
	"  --max-size BYTES      do not parse larger files (default 8M; K, M, G suffixes)\n"
	"  --parse-timeout MS    give up parsing a file after MS ms (default 20000)\n"
	"  --no-progress         no progress line on a terminal\n"
	"  --semantics P         kernel semantics of the model: %s\n"
	"                        (default %s; see teardown model --help)\n"
	"\n"
	"Findings print as `path:line:col: warning: message [rule]` followed by the\n"
	"path of steps that leads there; paths are relative to the kernel tree root\n"
	"(the nearest ancestor with MAINTAINERS and Kconfig), else to PATH.\n"
	"A summary of what was scanned and skipped goes to stderr.\n"
	"\n"
	"exit status: 0 no warnings (notes alone give 0), 1 warnings, 2 usage or\n"
	"fatal error\n";

static int usage(FILE *f, int rc)
{
	char names[128];
	fprintf(f, usage_text, profile_names(names, sizeof names), profile_name(profile_default()));
	return rc;
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static long peak_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s)
		return -1;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	else if (*end == 'G' || *end == 'g')
		v <<= 30, end++;
	if (*end)
		return -1;
	*out = (size_t)v;
	return 0;
}

static int load_tables(Tables *t)
{
	char err[256];
	if (parse_check_abi(err, sizeof err) < 0) {
		fprintf(stderr, "teardown: %s\n", err);
		return -1;
	}
	extract_init();
	return tables_load(t);
}

/* Common options of the commands that scan trees; returns the index of the
 * first path, or -1 after printing a usage error. */
static int scan_options(int argc, char **argv, ScanOptions *o)
{
	static const struct option longopts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "max-size", required_argument, NULL, 's' },
		{ "parse-timeout", required_argument, NULL, 't' },
		{ "no-progress", no_argument, NULL, 'P' },
		{ "semantics", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	*o = (ScanOptions){
		.jobs = cpus > 0 ? (int)cpus : 1,
		.max_size = 8u << 20,
		.parse_timeout_us = 20 * 1000 * 1000,
		.progress = isatty(2),
		.semantics = profile_name(profile_default()),
	};
	optind = 1;
	for (int c; (c = getopt_long(argc, argv, "j:h", longopts, NULL)) != -1;) {
		switch (c) {
		case 'j':
			o->jobs = atoi(optarg);
			if (o->jobs < 1 || o->jobs > 256) {
				fprintf(stderr, "teardown: --jobs wants 1..256\n");
				return -1;
			}
			break;
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				fprintf(stderr, "teardown: --format wants text or json\n");
				return -1;
			}
			o->json = !strcmp(optarg, "json");
			break;
		case 's':
			if (parse_size(optarg, &o->max_size) < 0) {
				fprintf(stderr, "teardown: bad --max-size '%s'\n", optarg);
				return -1;
			}
			break;
		case 't':
			o->parse_timeout_us = strtoull(optarg, NULL, 10) * 1000;
			break;
		case 'P':
			o->progress = false;
			break;
		case 'S':
			o->semantics = optarg;
			break;
		case 'h':
			usage(stdout, 0);
			exit(0);
		default:
			return -1;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "teardown: %s: no PATH given\n", argv[0]);
		return -1;
	}
	return optind;
}

static DirConsumer consume_drivers;

/* Run a scan with CONSUME; print the summary and, for JSON, the document
 * { KEY: [items], "summary": {...} }. */
static int run_scan(int argc, char **argv, DirConsumer *consume, const char *key, const char *rule)
{
	ScanOptions o;
	int first = scan_options(argc, argv, &o);
	o.list_rule = rule;
	o.every_function = consume == consume_drivers;
	if (first < 0)
		return usage(stderr, 2);
	static Tables t; /* lives as long as the process: static, so leak checkers see it */
	if (load_tables(&t) < 0)
		return 2;
	double start = wall_now();
	DirResult total;
	if (!profile_by_name(o.semantics)) {
		char names[128];
		fprintf(stderr, "teardown: unknown --semantics '%s' (%s)\n", o.semantics,
			profile_names(names, sizeof names));
		return 2;
	}
	if (rule && !rules_matching(&t.rules, rule)) {
		fprintf(stderr, "teardown: no rule '%s' (see data/rules; a prefix such as irq-vectors lists them all)\n",
			rule);
		return 2;
	}
	if (scan_paths(argv + first, argc - first, &o, &t, consume, &o, &total) < 0)
		return 2;
	RunStats rs = { wall_now() - start, cpu_seconds(), peak_kib(), o.jobs };
	if (o.json) {
		json_t *doc = json_object();
		json_object_set_new(doc, key, total.items);
		json_object_set_new(doc, "summary", summary_json(&total, &t, &rs));
		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(doc);
	}
	summary_print(stderr, &total, &t, &rs);
	return total.warnings ? 1 : 0;
}

static int by_place(const void *x, const void *y)
{
	const Finding *a = x, *b = y;
	int c = strcmp(a->file, b->file);
	if (!c)
		c = (a->pos.line > b->pos.line) - (a->pos.line < b->pos.line);
	if (!c)
		c = strcmp(a->rule, b->rule);
	if (!c)
		c = strcmp(a->driver, b->driver);
	return c;
}

/* Replay every driver of the directory into FOUND (sorted by place); the
 * strings of the findings live in ARENA. */
static void analyze_dir(const ScanOptions *o, const Tables *t, FileFacts *files, size_t nfiles,
			DriverVec *drivers, DirResult *res, FILE *msg, Arena *arena, FindingVec *found)
{
	AnalyzeConfig cfg = analyze_config(t->spec, profile_by_name(o->semantics), &t->rules);
	DirAnalysis *da = dir_analysis_new(&cfg, files, nfiles, arena);
	for (size_t i = 0; i < drivers->n; i++) {
		DriverReport rep;
		analyze_driver(da, &drivers->v[i], found, &rep);
		if (rep.partial) {
			res->drivers_partial++;
			fputs("teardown: partially analysed ", msg);
			print_escaped(msg, drivers->v[i].file->rel);
			fprintf(msg, ": %s (%s)\n", drivers->v[i].name, rep.why);
		}
	}
	dir_analysis_free(da);
	if (found->n) /* found->v is NULL while empty */
		qsort(found->v, found->n, sizeof *found->v, by_place);
	for (size_t i = 0; i < found->n; i++)
		res->warnings += found->v[i].severity >= SEV_WARNING;
	res->findings += found->n;
}

/* scan: every finding, gcc style or JSON. */
static void consume_scan(void *ctx, const Tables *t, FileFacts *files, size_t nfiles,
			 DriverVec *drivers, FILE *out, json_t *items, DirResult *res, FILE *msg)
{
	Arena arena = { 0 };
	FindingVec found = { 0 };
	analyze_dir(ctx, t, files, nfiles, drivers, res, msg, &arena, &found);
	for (size_t i = 0; i < found.n; i++) {
		if (items)
			json_array_append_new(items, diag_json(&found.v[i]));
		else
			diag_print(out, &found.v[i]);
	}
	VEC_FREE(&found);
	arena_free(&arena);
}

/* list: one line per driver with findings of the listed rule(s). */
static void consume_list(void *ctx, const Tables *t, FileFacts *files, size_t nfiles,
			 DriverVec *drivers, FILE *out, json_t *items, DirResult *res, FILE *msg)
{
	const ScanOptions *o = ctx;
	Arena arena = { 0 };
	FindingVec found = { 0 };
	analyze_dir(o, t, files, nfiles, drivers, res, msg, &arena, &found);
	list_print(out, items, found.v, found.n, o->list_rule);
	VEC_FREE(&found);
	arena_free(&arena);
}

static void consume_drivers(void *ctx, const Tables *t, FileFacts *files, size_t nfiles,
			    DriverVec *drivers, FILE *out, json_t *items, DirResult *res, FILE *msg)
{
	for (size_t i = 0; i < drivers->n; i++) {
		if (items)
			json_array_append_new(items, driver_json(&drivers->v[i]));
		else
			driver_print(out, &drivers->v[i]);
	}
}

/* list RULE [options] PATH...: RULE comes first, then what scan takes. */
static int cmd_list(int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-')
		return usage(stderr, 2);
	const char *rule = argv[1];
	argv[1] = argv[0]; /* drop RULE: the rest parses like scan's arguments */
	return run_scan(argc - 1, argv + 1, consume_list, "drivers", rule);
}

static int cmd_facts(int argc, char **argv)
{
	bool json = true, cfg = false;
	const char *file = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--cfg"))
			cfg = true, json = false;
		else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			json = !strcmp(argv[++i], "json");
			if (!json && strcmp(argv[i], "text"))
				return usage(stderr, 2);
		} else if (!file && argv[i][0] != '-')
			file = argv[i];
		else
			return usage(stderr, 2);
	}
	if (!file)
		return usage(stderr, 2);
	static Tables t; /* lives as long as the process: static, so leak checkers see it */
	if (load_tables(&t) < 0)
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
	WalkFile *wf = &w.dirs.v[0].files[0];
	char detail[256] = "";
	size_t n = 0;
	SkipReason why = wf->skip;
	char *src = why == SKIP_NONE ? read_source(wf, READ_LIMIT, &n, &why, detail, sizeof detail) : NULL;
	if (!src) {
		fprintf(stderr, "teardown: %s: %s%s%s%s\n", file, skip_reason_name[why], *detail ? " (" : "",
			detail, *detail ? ")" : "");
		walk_free(&w);
		return 2;
	}
	Parser *p = parser_new(60 * 1000 * 1000);
	FileFacts ff;
	if (!parse_facts(&t, p, wf->path, wf->rel, src, n, &ff)) {
		fprintf(stderr, "teardown: %s: parse timeout\n", file);
		return 2;
	}
	if (json) {
		json_t *j = facts_json(&ff);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	} else
		facts_print(stdout, &ff, cfg);
	parser_free(p);
	arena_free(&ff.arena);
	free(src);
	walk_free(&w);
	return 0;
}

static int by_string(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* names: the prefilter's identifiers, sorted, so that other tools (grep in
 * bench/speed) can be asked the same question the scan asks of each file. */
static int cmd_names(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return usage(stderr, 2);
	static Tables t;
	if (load_tables(&t) < 0)
		return 2;
	const char **v = xcalloc(t.prefilter.n ? t.prefilter.n : 1, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < t.prefilter.cap; i++)
		if ((uintptr_t)strset_value_at(&t.prefilter, i) & (MENTION_API | MENTION_DRIVER))
			v[n++] = strset_key_at(&t.prefilter, i);
	qsort(v, n, sizeof *v, by_string);
	for (size_t i = 0; i < n; i++)
		puts(v[i]);
	free(v);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr, 2);
	const char *cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help"))
		return usage(stdout, 0);
	if (!strcmp(cmd, "scan"))
		return run_scan(argc - 1, argv + 1, consume_scan, "findings", NULL);
	if (!strcmp(cmd, "list"))
		return cmd_list(argc - 1, argv + 1);
	if (!strcmp(cmd, "drivers"))
		return run_scan(argc - 1, argv + 1, consume_drivers, "drivers", NULL);
	if (!strcmp(cmd, "facts"))
		return cmd_facts(argc - 1, argv + 1);
	if (!strcmp(cmd, "model"))
		return model_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "names"))
		return cmd_names(argc - 1, argv + 1);
	fprintf(stderr, "teardown: unknown command '%s'\n", cmd);
	return usage(stderr, 2);
}
