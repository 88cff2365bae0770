/*
 * model_api.c: unit test of the model's C interface as the analyzer uses
 * it, which the trace tool does not exercise: clone at a branch, evolve
 * the copies apart, compare and hash them, merge equal states, and drive
 * driver callbacks by hand.  Also the spec's lookup and name list.
 *
 * Built as build/tests/unit/model_api by tests/unit/unit.mk from the model
 * and spec objects;
 * run from the repository root (it loads data/api.spec, and data/profiles through TEARDOWN_DATA).  Prints one line
 * per check and exits 1 if any fails.
 *
 * check-name: model C API: clone, equal, hash, callbacks, spec lookup
 * check-command: make -s --no-print-directory -f Makefile -f tests/unit/unit.mk build/tests/unit/model_api && TEARDOWN_DATA=data build/tests/unit/model_api
 * check-output-start
 * ok spec: lookup devm_kzalloc is a managed acquire
 * ok spec: lookup of an unknown name is NULL
 * ok spec: the name list holds every entry once
 * ok spec: a malformed line is an error with file:line
 * ok clone: a fresh clone equals its origin
 * ok clone: equal states hash equal
 * ok clone: diverging branches are not equal
 * ok clone: the origin is untouched by its clone's calls
 * ok clone: branches that converge are equal again
 * ok callback: unbind hands the driver action out
 * ok callback: nothing more after the unbind completed
 * ok findings: the live-IRQ path has one warning, the other none
 * ok findings: evidence is ordered and ends at the revealing step
 * ok profile: unknown profile name is NULL, default is 6.12
 * ok fields: a SAME field (the profile) tells states apart, the hash does not
 * check-output-end
 */
#include <stdio.h>
#include <string.h>

#include "model/model.h"

static int failures;

static void check(bool ok, const char *what)
{
	printf("%s %s\n", ok ? "ok" : "FAIL", what);
	failures += !ok;
}

static void call(Model *m, const char *name, const char *a0, const char *a1, const char *a2,
		 const char *result, int line)
{
	const char *args[] = { a0, a1, a2 };
	int n = a2 ? 3 : a1 ? 2 : a0 ? 1 : 0;
	ModelOrigin o = { "unit.c", line, "probe" };
	model_call(m, name, args, n, result, MODEL_UNKNOWN, &o);
}

static void devm_irq(Model *m, const char *irq, int line)
{
	const char *args[] = { "&pdev->dev", irq, "foo_irq", "0", "\"foo\"", "priv" };
	ModelOrigin o = { "unit.c", line, "probe" };
	model_call(m, "devm_request_irq", args, 6, NULL, MODEL_SUCCESS, &o);
}

static void spec_checks(const Spec *spec)
{
	const SpecEntry *e = spec_lookup(spec, "devm_kzalloc");
	check(e && e->event == EV_ACQUIRE && (e->flags & SPEC_MANAGED) && spec_is_wrong_release(e, "kfree"),
	      "spec: lookup devm_kzalloc is a managed acquire");
	check(!spec_lookup(spec, "no_such_function"), "spec: lookup of an unknown name is NULL");
	int n;
	const char *const *names = spec_names(spec, &n);
	bool all = n > 100;
	for (int i = 0; i < n && all; i++)
		all = spec_lookup(spec, names[i]) != NULL && !strcmp(spec_lookup(spec, names[i])->name, names[i]);
	check(all, "spec: the name list holds every entry once");
	char err[256];
	Spec *bad = model_spec_load("tests/model/specs/bad-event.spec", err, sizeof err);
	check(!bad && !strcmp(err, "tests/model/specs/bad-event.spec:2: unknown event 'frobnicate'"),
	      "spec: a malformed line is an error with file:line");
}

int main(void)
{
	char err[256];
	Spec *spec = model_spec_load("data/api.spec", err, sizeof err);
	if (!spec) {
		printf("FAIL %s\n", err);
		return 1;
	}
	spec_checks(spec);

	Model *m = model_new(spec, profile_default(), BUS_PCI, err, sizeof err);
	ModelOrigin o = { "unit.c", 1, "probe" };
	model_probe(m, &o);
	call(m, "pcim_enable_device", "pdev", NULL, NULL, NULL, 2);
	call(m, "pci_alloc_irq_vectors", "pdev", "1", "PCI_IRQ_MSIX", "4", 3);
	call(m, "pci_irq_vector", "pdev", "0", NULL, "irq", 4);

	Model *b = model_clone(m);
	check(model_equal(m, b), "clone: a fresh clone equals its origin");
	check(model_hash(m) == model_hash(b), "clone: equal states hash equal");
	devm_irq(b, "irq", 5);
	check(!model_equal(m, b), "clone: diverging branches are not equal");
	check(model_finding_count(m) == 0 && !model_equal(m, b), "clone: the origin is untouched by its clone's calls");
	devm_irq(m, "irq", 6);
	check(model_equal(m, b) && model_hash(m) == model_hash(b), "clone: branches that converge are equal again");

	/* Branch m: the driver frees the vectors in remove() under its live IRQ. */
	const char *fn_args[] = { "&pdev->dev", "foo_release", "priv" };
	model_call(b, "devm_add_action", fn_args, 3, NULL, MODEL_SUCCESS, &o);
	model_remove(m, &o);
	call(m, "pci_free_irq_vectors", "pdev", NULL, NULL, NULL, 7);
	model_remove(b, &o);
	model_unbind(b, &o);
	ModelCallback cb;
	bool got = model_next_callback(b, &cb);
	check(got && !strcmp(cb.function, "foo_release") && !strcmp(cb.data, "priv"),
	      "callback: unbind hands the driver action out");
	while (model_next_callback(b, &cb))
		;
	check(!model_next_callback(b, &cb), "callback: nothing more after the unbind completed");
	model_unbind(m, &o);
	while (model_next_callback(m, &cb))
		;
	check(model_warning_count(m) == 1 && model_warning_count(b) == 0,
	      "findings: the live-IRQ path has one warning, the other none");
	const ModelFinding *f = NULL;
	for (int i = 0; i < model_finding_count(m); i++)
		if (model_finding(m, i)->severity == SEV_WARNING)
			f = model_finding(m, i);
	check(f && !strcmp(f->rule, "irq-vectors-live-irq") && f->nsteps == 3 &&
	      f->steps[0]->origin.line == 3 && f->steps[1]->origin.line == 6 && f->steps[2]->origin.line == 7,
	      "findings: evidence is ordered and ends at the revealing step");
	check(!profile_by_name("5.4") && !strcmp(profile_name(profile_default()), "6.12"),
	      "profile: unknown profile name is NULL, default is 6.12");
	Model *x = model_new(spec, profile_by_name("6.1"), BUS_PCI, err, sizeof err);
	Model *y = model_new(spec, profile_by_name("6.12"), BUS_PCI, err, sizeof err);
	check(!model_equal(x, y) && model_hash(x) == model_hash(y),
	      "fields: a SAME field (the profile) tells states apart, the hash does not");
	model_free(x);
	model_free(y);
	model_free(m);
	model_free(b);
	spec_free(spec);
	return failures != 0;
}
