/*
 * cli.c: `teardown model [--semantics P] [--spec FILE] TRACE`.
 *
 * Loads the spec, reads the trace, replays it under the chosen profile
 * and prints every transition as "LINE: what happened" and every finding
 * as "LINE: warning|note [rule] message" followed by its evidence, one
 * indented "LINE: step" each, oldest first; then a count.  Output depends
 * only on the trace, the spec and the profile.  Exit status: 0 when no
 * warning was found (notes do not count), 1 when one was, 2 on a usage,
 * spec or trace error.
 */
#include <stdio.h>
#include <string.h>

#include "model/model.h"
#include "model/trace.h"
#include "util/datafile.h"

static const char usage_text[] =
	"usage: teardown model [--semantics PROFILE] [--spec FILE] TRACE\n"
	"\n"
	"Replay a trace of kernel API calls through teardown's model of devres,\n"
	"PCI managed mode, MSI/MSI-X vectors, INTx, IRQs, MSI domains and bus\n"
	"unbind order, and print each transition and each finding.\n"
	"\n"
	"Trace syntax (one event a line, '#' starts a comment):\n"
	"  bus NAME                           the device's bus, one of %s\n"
	"                                     (first; default generic: only the driver\n"
	"                                     core's order is assumed)\n"
	"  msi-domain its|none                MSI parent with per-device msi_prepare state\n"
	"  probe | probe-fails | remove | unbind\n"
	"  handler-begin | handler-end        a hard IRQ handler runs in between\n"
	"  NAME(ARG, ...)                     an API call from the spec; succeeds\n"
	"  NAME(ARG, ...) = VALUE             VALUE: number, -ERRNO or NULL (failure), ?\n"
	"  NAME(ARG, ...) -> SYMBOL           the return value is SYMBOL\n"
	"  callback FN ... end                body of driver function FN, replayed when\n"
	"                                     the kernel calls it (devm actions)\n"
	"\n"
	"Output: \"LINE: transition\", \"LINE: warning [rule] message\" or\n"
	"\"LINE: note [rule] message\" with the evidence indented below it.\n"
	"\n"
	"Exit status: 0 if there is no warning (notes alone give 0), 1 if there\n"
	"is one, 2 on a usage, spec or trace error.\n"
	"\n"
	"Options:\n"
	"  --semantics PROFILE  kernel semantics (default %s):\n";

static void usage(FILE *f)
{
	char buses[128];
	size_t n = 0;
	for (int b = 0; b < BUS_COUNT && n < sizeof buses; b++)
		n += (size_t)snprintf(buses + n, sizeof buses - n, "%s%s", b ? "|" : "", model_bus_name((ModelBus)b));
	fprintf(f, usage_text, buses, profile_name(profile_default()));
	for (int i = 0; profile_at(i); i++)
		fprintf(f, "      %-9s %s\n", profile_name(profile_at(i)), profile_summary(profile_at(i)));
	fputs("  --spec FILE          API spec (default: api.spec of the data folder,\n"
	      "                       $TEARDOWN_DATA or data/ beside the teardown binary)\n", f);
}

/* "LINE: text", or "LINE: in FN: text" for a line of a callback body. */
static void print_origin_text(FILE *f, const char *indent, const ModelOrigin *o, const char *text)
{
	if (o->function)
		fprintf(f, "%s%d: in %s: %s\n", indent, o->line, o->function, text);
	else
		fprintf(f, "%s%d: %s\n", indent, o->line, text);
}

static void print_step(void *ctx, const ModelStep *step)
{
	print_origin_text(ctx, "", &step->origin, step->text);
}

static void print_finding(void *ctx, const ModelFinding *f)
{
	fprintf(ctx, "%d: %s [%s] %s\n", f->origin.line,
		severity_name(f->severity), f->rule, f->message);
	for (int i = 0; i < f->nsteps; i++)
		print_origin_text(ctx, "  ", &f->steps[i]->origin, f->steps[i]->text);
}

static int run(const char *spec_path, const Profile *profile, const char *trace_path)
{
	char err[512];
	Spec *spec = model_spec_load(spec_path, err, sizeof err);
	if (!spec) {
		fprintf(stderr, "teardown model: %s\n", err);
		return 2;
	}
	Trace *trace = trace_load(trace_path, err, sizeof err);
	if (!trace) {
		fprintf(stderr, "teardown model: %s\n", err);
		spec_free(spec);
		return 2;
	}
	ModelBus bus = BUS_GENERIC;
	for (size_t i = 0; i < trace->lines.n; i++)
		if (trace->lines.v[i].kind == TL_BUS) {
			bus = (ModelBus)model_bus_by_name(trace->lines.v[i].name);
			break;
		}
	int rc = 2;
	Model *m = model_new(spec, profile, bus, err, sizeof err);
	if (m) {
		ModelObserver observer = { print_step, print_finding, stdout };
		model_set_observer(m, &observer);
		if (trace_replay(trace, m, stdout, err, sizeof err) == 0) {
			int warnings = model_warning_count(m);
			int notes = model_finding_count(m) - warnings;
			printf("%d warning%s, %d note%s\n", warnings, warnings == 1 ? "" : "s",
			       notes, notes == 1 ? "" : "s");
			rc = warnings ? 1 : 0;
		}
		model_free(m);
	}
	if (rc == 2)
		fprintf(stderr, "teardown model: %s\n", err);
	trace_free(trace);
	spec_free(spec);
	return rc;
}

/* "--name VALUE" or "--name=VALUE" at argv[*i]; advances *i past VALUE. */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
	size_t len = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, len))
		return NULL;
	if (a[len] == '=')
		return a + len + 1;
	if (a[len] || *i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

int model_main(int argc, char **argv)
{
	const Profile *profile = profile_default();
	const char *trace = NULL, *spec = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		}
		const char *value;
		if ((value = option_value(argc, argv, &i, "--semantics"))) {
			if (!(profile = profile_by_name(value))) {
				char names[128];
				fprintf(stderr, "teardown model: unknown semantics '%s' (%s)\n", value,
					profile_names(names, sizeof names));
				return 2;
			}
			continue;
		}
		if ((value = option_value(argc, argv, &i, "--spec"))) {
			spec = value;
			continue;
		}
		if (a[0] == '-' || trace) {
			fprintf(stderr, "teardown model: unexpected argument '%s'\n", a);
			usage(stderr);
			return 2;
		}
		trace = a;
	}
	if (!trace) {
		usage(stderr);
		return 2;
	}
	char path[4096];
	if (!spec)
		data_path("api.spec", path, sizeof path), spec = path;
	return run(spec, profile, trace);
}
