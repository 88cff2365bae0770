/*
 * summary.c — the closing summary of a scan, on stderr.
 *
 * A maintainer reading a result needs to know what it covers: how many
 * files were seen, parsed and skipped (and why), how many drivers were
 * found per bus (and which buses the model knows no sequence for), how
 * much of the parsed text the parser could not read, which kernel and
 * semantics profile the model followed, and what the run
 * cost.  A silent skip would make "no findings" a lie.
 */
#include <string.h>

#include "model/model.h"
#include "report/report.h"

/* A bus of drivers.tbl that drivers were found on but the model has no
 * sequence for: their probe failure and unbind follow the driver core's
 * order only. */
static bool generic_bus(const ScanCounts *t, const Bus *bus, int b)
{
	/* An ops struct without probe (msi-domain) is never replayed: no order. */
	return t->drivers_by_bus[b] && model_bus_by_name(bus->name) < 0 && bus_has_role(bus, ROLE_PROBE);
}

void summary_print(FILE *f, const ScanCounts *t, const BusTable *buses, const RunStats *rs)
{
	size_t parsed = t->files_seen;
	for (int k = 1; k < SKIP_COUNT; k++)
		parsed -= t->skipped[k];
	fprintf(f, "teardown: %zu files seen, %zu parsed (%.1f MiB of their %.1f MiB: the items drivers reach and the functions checked alone)",
		t->files_seen, parsed, t->bytes_parsed / 1048576.0, t->bytes_candidate / 1048576.0);
	const char *sep = "; skipped: ";
	for (int k = 1; k < SKIP_COUNT; k++)
		if (t->skipped[k]) {
			fprintf(f, "%s%zu %s", sep, t->skipped[k], skip_reason_name[k]);
			sep = ", ";
		}
	fputc('\n', f);
	fputs("teardown: drivers:", f);
	size_t ndrivers = 0;
	for (int b = 0; b < buses->nbuses; b++) {
		fprintf(f, " %zu %s%s", t->drivers_by_bus[b], buses->buses[b].name,
			b + 1 < buses->nbuses ? "," : "");
		ndrivers += t->drivers_by_bus[b];
	}
	fprintf(f, " (%zu in all)", ndrivers);
	if (t->drivers_partial)
		fprintf(f, "; %zu partially analysed (a bound was hit)", t->drivers_partial);
	fputc('\n', f);
	for (int b = 0; b < buses->nbuses; b++)
		if (generic_bus(t, &buses->buses[b], b))
			fprintf(f, "teardown: %s: unbind order modelled as generic\n", buses->buses[b].name);
	if (rs->kernel_version[0])
		fprintf(f, "teardown: kernel %s, semantics %s (%s)\n", rs->kernel_version, rs->profile,
			!strcmp(rs->profile_from, "tree") ? "from the tree's Makefile" : "--semantics");
	else
		fprintf(f, "teardown: semantics %s (%s)\n", rs->profile,
			!strcmp(rs->profile_from, "option") ? "--semantics" : "default: not in a kernel tree");
	size_t sites = 0;
	for (int k = 0; k < SITE_COUNT; k++)
		sites += t->api_sites[k];
	if (sites)
		fprintf(f,
			"teardown: spec API call sites in the parsed items: %zu, replayed %zu (%.1f%%), %zu more (%.1f%%) "
			"only in their function replayed alone; not replayed: "
			"%zu reached from no probe or remove, %zu only through a function pointer, %zu in a directory a "
			"bound cut short, %zu on no path followed\n",
			sites, t->api_sites[SITE_REPLAYED], 100.0 * t->api_sites[SITE_REPLAYED] / sites,
			t->api_sites[SITE_ALONE], 100.0 * t->api_sites[SITE_ALONE] / sites, t->api_sites[SITE_UNREACHED], t->api_sites[SITE_POINTER], t->api_sites[SITE_BOUND],
			t->api_sites[SITE_PATH]);
	fprintf(f, "teardown: parse errors: %.3f%% of parsed bytes\n",
		t->bytes_parsed ? 100.0 * t->error_bytes / t->bytes_parsed : 0.0);
	fprintf(f, "teardown: %.2f s wall, %.2f s CPU, %d threads, peak memory %.1f MiB\n", rs->wall,
		rs->cpu, rs->jobs, rs->peak_kib / 1024.0);
	fprintf(f, "teardown: %zu findings (%zu warnings, %zu notes)", t->findings, t->warnings,
		t->findings - t->warnings);
	if (t->latent_hidden)
		fprintf(f, "; %zu latent warnings not shown (--latent)", t->latent_hidden);
	if (t->notes_hidden)
		fprintf(f, "; %zu notes not shown (--notes)", t->notes_hidden);
	fputc('\n', f);
	if (t->notices_hidden)
		fprintf(f, "teardown: %zu notices not shown (-q; --verbose shows them)\n", t->notices_hidden);
}

json_t *summary_json(const ScanCounts *t, const BusTable *buses, const RunStats *rs)
{
	json_t *skipped = json_object(), *drivers = json_object(), *generic = json_array();
	for (int k = 1; k < SKIP_COUNT; k++)
		json_object_set_new(skipped, skip_reason_name[k], json_integer((json_int_t)t->skipped[k]));
	for (int b = 0; b < buses->nbuses; b++) {
		json_object_set_new(drivers, buses->buses[b].name,
				    json_integer((json_int_t)t->drivers_by_bus[b]));
		if (generic_bus(t, &buses->buses[b], b))
			json_array_append_new(generic, json_str(buses->buses[b].name));
	}
	json_t *j = json_object();
	json_object_set_new(j, "version", json_string(teardown_version));
	json_object_set_new(j, "files_seen", json_integer((json_int_t)t->files_seen));
	json_object_set_new(j, "skipped", skipped);
	json_object_set_new(j, "bytes_parsed", json_integer((json_int_t)t->bytes_parsed));
	json_object_set_new(j, "bytes_of_parsed_files", json_integer((json_int_t)t->bytes_candidate));
	json_object_set_new(j, "error_bytes", json_integer((json_int_t)t->error_bytes));
	json_object_set_new(j, "drivers", drivers);
	json_object_set_new(j, "drivers_partial", json_integer((json_int_t)t->drivers_partial));
	json_t *sites = json_object();
	for (int k = 0; k < SITE_COUNT; k++)
		json_object_set_new(sites, site_fate_name[k], json_integer((json_int_t)t->api_sites[k]));
	json_object_set_new(j, "api_call_sites", sites);
	if (json_array_size(generic)) /* absent when every bus has its own sequence */
		json_object_set_new(j, "modelled_as_generic", generic);
	else
		json_decref(generic);
	json_object_set_new(j, "findings", json_integer((json_int_t)t->findings));
	json_object_set_new(j, "warnings", json_integer((json_int_t)t->warnings));
	json_object_set_new(j, "latent_hidden", json_integer((json_int_t)t->latent_hidden));
	json_object_set_new(j, "profile", json_str(rs->profile));
	json_object_set_new(j, "profile_from", json_str(rs->profile_from));
	if (rs->kernel_version[0])
		json_object_set_new(j, "kernel_version", json_str(rs->kernel_version));
	json_object_set_new(j, "notes_hidden", json_integer((json_int_t)t->notes_hidden));
	json_object_set_new(j, "notices_hidden", json_integer((json_int_t)t->notices_hidden));
	json_object_set_new(j, "wall_seconds", json_real(rs->wall));
	json_object_set_new(j, "cpu_seconds", json_real(rs->cpu));
	json_object_set_new(j, "peak_memory_kib", json_integer(rs->peak_kib));
	return j;
}

void document_print(FILE *f, const char *key, json_t *items, json_t *summary)
{
	json_t *doc = json_object();
	json_object_set_new(doc, key, items);
	json_object_set_new(doc, "summary", summary);
	json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(doc);
}
