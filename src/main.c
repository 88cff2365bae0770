/*
 * main.c — the command line, and nothing else.
 *
 * Each command parses its options, picks the printer that says what it
 * shows of each directory (report/), and hands both to the pipeline
 * (scan.c), or to the model's own command line.  Exit status is the same
 * for every command: 0 nothing found, 1 findings, 2 usage or fatal error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "history/history.h"
#include "impact.h"
#include "model/model.h"
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
	"  facts [--format F] [--cfg] [--whole-file] FILE\n"
	"                             print the facts a scan of FILE extracts: of the\n"
	"                             items it chooses, each parsed alone (--whole-file:\n"
	"                             of all of it, parsed whole; --cfg: text, with\n"
	"                             control-flow graphs)\n"
	"  diff --db FILE [--from ID --to ID] | diff OLD.json NEW.json\n"
	"                             new, fixed and persisting findings between two\n"
	"                             scans (--format text|json)\n"
	"  impact --semantics A..B [options] PATH...\n"
	"                             the drivers whose verdict changes from profile A\n"
	"                             to B (e.g. 7.3..proposed)\n"
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
	"  --db FILE             (scan) also store the scan and its findings in the\n"
	"                        SQLite history FILE, for teardown diff\n"
	"  --semantics P         kernel semantics of the model: %s\n"
	"                        (default: the scanned tree's, by the VERSION and\n"
	"                        PATCHLEVEL of its Makefile; outside a kernel tree %s;\n"
	"                        see teardown model --help)\n"
	"  --latent              also report latent warnings: those whose path needs\n"
	"                        what the engine could not check (a call through an\n"
	"                        unresolved pointer, a function not followed), with\n"
	"                        the assumption\n"
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
		{ "latent", no_argument, NULL, 'L' },
		{ "db", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	*o = (ScanOptions){
		.jobs = cpus > 0 ? (int)cpus : 1,
		.max_size = 8u << 20,
		.parse_timeout_us = 20 * 1000 * 1000,
		.progress = isatty(2),
		.profile = NULL, /* the tree's (tree.c) */
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
			if (!(o->profile = profile_by_name(optarg))) {
				char names[128];
				fprintf(stderr, "teardown: unknown --semantics '%s' (%s)\n", optarg,
					profile_names(names, sizeof names));
				exit(2);
			}
			break;
		case 'L':
			o->latent = true;
			break;
		case 'D':
			o->db = optarg;
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

/* scan, list and drivers: the options, then the pipeline with PRINTER. */
static int run_scan(int argc, char **argv, const Printer *printer)
{
	ScanOptions o;
	int first = scan_options(argc, argv, &o);
	if (first < 0)
		return usage(stderr, 2);
	return scan_run(argv + first, argc - first, &o, printer);
}

/* list RULE [options] PATH...: RULE comes first, then what scan takes. */
static int cmd_list(int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-')
		return usage(stderr, 2);
	Printer list = list_printer(argv[1]);
	argv[1] = argv[0]; /* drop RULE: the rest parses like scan's arguments */
	return run_scan(argc - 1, argv + 1, &list);
}

static int cmd_facts(int argc, char **argv)
{
	FactsOptions fo = { .json = true };
	const char *file = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--cfg"))
			fo.cfg = true, fo.json = false;
		else if (!strcmp(argv[i], "--whole-file"))
			fo.whole_file = true;
		else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			fo.json = !strcmp(argv[++i], "json");
			if (!fo.json && strcmp(argv[i], "text"))
				return usage(stderr, 2);
		} else if (!file && argv[i][0] != '-')
			file = argv[i];
		else
			return usage(stderr, 2);
	}
	if (!file)
		return usage(stderr, 2);
	return facts_run(file, &fo);
}

/* names: the prefilter's identifiers, so that other tools (grep in
 * bench/speed) can be asked the same question the scan asks of each file. */
static int cmd_names(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return usage(stderr, 2);
	return names_run();
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr, 2);
	const char *cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help"))
		return usage(stdout, 0);
	if (!strcmp(cmd, "scan"))
		return run_scan(argc - 1, argv + 1, &findings_printer);
	if (!strcmp(cmd, "list"))
		return cmd_list(argc - 1, argv + 1);
	if (!strcmp(cmd, "drivers"))
		return run_scan(argc - 1, argv + 1, &drivers_printer);
	if (!strcmp(cmd, "facts"))
		return cmd_facts(argc - 1, argv + 1);
	if (!strcmp(cmd, "impact"))
		return impact_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "diff"))
		return diff_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "model"))
		return model_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "names"))
		return cmd_names(argc - 1, argv + 1);
	fprintf(stderr, "teardown: unknown command '%s'\n", cmd);
	return usage(stderr, 2);
}
