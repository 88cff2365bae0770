/*
 * analyze.c — libFuzzer target: one arbitrary file analysed as a driver.
 *
 * The bytes go through the front end (front.h), the file's drivers are
 * joined, and the directory's analysis a scan runs (analyze_dir) replays
 * every driver through the model under every semantics profile, with the
 * budgets a scan uses and the numbers the file #defines (parse/defines.c);
 * the findings are then printed both ways, as a scan prints them.  Most
 * random inputs hold no
 * driver, so the seed corpus (the fixtures: real drivers) and the
 * dictionary matter here: mutations of a driver keep being one.
 *
 * A budget that runs out is specified behaviour (the driver is reported
 * as partially analysed); a crash, a sanitizer report or a hang past
 * libFuzzer's -timeout is a finding.
 */
#include <stdio.h>

#include "front.h"

static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_front_init();
	sink = fopen("/dev/null", "w");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FileFacts ff;
	char *src;
	if (fuzz_facts(data, size, &ff, &src)) {
		DriverVec drivers = { 0 };
		join_drivers(&ff, 1, &drivers);
		Constants constants = { 0 };
		constants_collect(&constants, src, size);
		for (int p = 0; profile_at(p); p++) {
			AnalyzeConfig cfg = analyze_config(fuzz_tables.spec, profile_at(p), &fuzz_tables.rules,
							   &fuzz_tables.conv);
			Arena arena = { 0 };
			FindingVec found = { 0 };
			analyze_dir(&cfg, &ff, 1, &constants, &drivers, &arena, &found, NULL, NULL);
			for (size_t i = 0; i < found.n; i++) {
				diag_print(sink, &found.v[i]);
				json_decref(diag_json(&found.v[i]));
			}
			VEC_FREE(&found);
			arena_free(&arena);
		}
		constants_free(&constants);
		drivers_free(&drivers);
		arena_free(&ff.arena);
	}
	free(src);
	return 0;
}
