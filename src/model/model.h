/*
 * model: the executable semantics of the kernel's device-resource APIs.
 *
 * A Model is the state of one device and the driver bound to it: its
 * devres list (ordered, with groups), PCI enable and managed mode, MSI and
 * MSI-X vectors, the INTx disable bit, requested IRQs, tracked resources
 * (memory, mappings, clocks, ...), the execution context (atomic or may
 * sleep), the per-device state of an MSI parent domain, and the binding
 * phase.  Events are API calls (looked up in the Spec) and phase changes
 * (probe, probe failure, remove, unbind).  The model reports what the
 * kernel would do, as transitions, and what goes wrong, as findings.
 *
 * How the kernel behaves is chosen by a semantics profile (data/profiles:
 * 6.1 ... 7.3, proposed; see profile.c).  Nothing here knows C syntax: the
 * analyzer normalises arguments to symbolic strings ("pdev", "&pdev->dev",
 * "priv") and the model compares them by text.  The model assumes one
 * device: every device argument names the device being bound.
 *
 * Value semantics: model_clone() copies the state (small arrays; the
 * transition records are shared and reference counted), model_equal() and
 * model_hash() compare the kernel-visible state only, not the evidence,
 * so the analyzer can merge equal states at join points and keep one
 * witness path.  A model and its clones share an intern pool and must be
 * used by one thread.
 *
 * Driver callbacks: when the kernel would call back into the driver (a
 * devm action registered with a driver function, run at unbind, on
 * devm_release_action, or when devm_add_action_or_reset fails), the model
 * stops and hands the callback to the caller.  After every event, call
 * model_next_callback() until it returns false; for each callback it
 * returns, replay the callback's body (more model_call()s, which may
 * themselves yield callbacks) before asking for the next one.
 */
#ifndef TEARDOWN_MODEL_H
#define TEARDOWN_MODEL_H

#include <stdbool.h>

#include "spec/spec.h"
#include "teardown.h"

/* Where an event comes from; strings must outlive the model (intern them). */
typedef struct ModelOrigin {
	const char *file;
	int line;
	const char *function;
} ModelOrigin;

typedef enum { MODEL_SUCCESS, MODEL_FAILURE, MODEL_UNKNOWN } ModelOutcome;

/* The buses whose probe, unwind and unbind sequences the model knows
 * (bus.c); any other bus is BUS_GENERIC, the driver core's order only. */
typedef enum { BUS_GENERIC, BUS_PCI, BUS_PLATFORM, BUS_SPI, BUS_I2C, BUS_USB, BUS_COUNT } ModelBus;

/* The rules the model raises (their ids are declared in model/rules.def). */
typedef enum {
#define RULE(name, id) RULE_##name,
#include "model/rules.def"
#undef RULE
	RULE_COUNT
} ModelRule;

/* The id of RULE as findings carry it ("irq-vectors-live-irq"). */
const char *model_rule_name(ModelRule rule);
/* The rule with id NAME, or -1 when the model never raises it. */
int model_rule_by_name(const char *name);

/* One transition: what an event did, and where the event came from. */
typedef struct ModelStep {
	ModelOrigin origin;
	const char *text;
} ModelStep;

/* A warning or a note (teardown.h's Severity), with the transitions that
 * led to it, oldest first. */
typedef struct ModelFinding {
	const char *rule;         /* model_rule_name() of the rule, e.g. "irq-vectors-live-irq" */
	Severity severity;
	const char *message;      /* one line */
	ModelOrigin origin;       /* the event that revealed it */
	const ModelStep *const *steps;
	int nsteps;
} ModelFinding;

typedef struct ModelObserver {
	void (*transition)(void *ctx, const ModelStep *step);
	void (*finding)(void *ctx, const ModelFinding *finding);
	void *ctx;
} ModelObserver;

/* A driver function the kernel calls now: replay function(data). */
typedef struct ModelCallback {
	const char *function;
	const char *data;
	ModelOrigin origin;       /* where it was registered */
	bool unregistered;        /* the action of a failed devm_add_action, replayed */
				  /* only to learn what it would release (owed.c) */
} ModelCallback;

typedef struct Profile Profile;
typedef struct Model Model;

/* Profiles: the lines of data/profiles, loaded on first use (a bad file
 * is fatal).  NULL if unknown. */
const Profile *profile_by_name(const char *name);
const Profile *profile_default(void);
/* The profile of a kernel tree of version MAJOR.MINOR (its top Makefile):
 * the highest since= not above it, else the oldest. */
const Profile *profile_for_version(int major, int minor);
/* "6.12" into *MAJOR, *MINOR; false when it is not two numbers. */
bool version_parse(const char *s, int *major, int *minor);
const char *profile_name(const Profile *profile);
const char *profile_summary(const Profile *profile);
/* Does the profile's MSI core pair msi_prepare with msi_teardown (v6.16)? */
bool profile_msi_teardown(const Profile *profile);
/* Iterate: profile_at(0), profile_at(1), ... until NULL. */
const Profile *profile_at(int index);
/* Their names joined by ", " into BUF, for usage texts and messages. */
const char *profile_names(char *buf, size_t size);
/* Load the spec at PATH, whose profiles= name the model's profiles. */
Spec *model_spec_load(const char *path, char *err, int errlen);

/* Bus names (generic, pci, platform, spi, i2c, usb: the names of
 * data/drivers.tbl); -1 if the model has no sequence of its own for NAME. */
int model_bus_by_name(const char *name);
const char *model_bus_name(ModelBus bus);

/* NULL (with a message in err) if the spec does not declare the profile. */
Model *model_new(const Spec *spec, const Profile *profile, ModelBus bus, char *err, int errlen);
Model *model_clone(const Model *m);
bool model_equal(const Model *a, const Model *b);
/* Equal, and with the same evidence: every transition the states point at
 * is the same record.  A replay that continues a path with the outcome of
 * a function replayed on another path needs this, or its evidence would
 * mix the two paths. */
bool model_same_evidence(const Model *a, const Model *b);
/* Equal but for the managed resources each holds (devm memory, mappings,
 * registrations: devres releases them whatever their number) and the
 * unmanaged resources already released (only a second release would see
 * them).  The analyzer joins such states where paths meet: they differ in
 * nothing the rest of the path looks at but those. */
bool model_similar(const Model *a, const Model *b);
/* Forget the unmanaged resources whose symbol HELD says no pointer on the
 * path holds any more: they can no longer be released, and are no longer
 * the driver's to release. */
void model_forget_unheld(Model *m, bool (*held)(void *ctx, const char *sym), void *ctx);
/* What a live IRQ or a live unmanaged resource of M is named SYM: a
 * function the analyzer cannot see into that is handed SYM may release it
 * (NULL: nothing). */
const char *model_live_use(const Model *m, const char *sym);
/* The result of a call of E when the model's state decides it (a query:
 * are MSI or MSI-X vectors enabled now, for pci_dev_msi_enabled): true and
 * *VALUE, which the analyzer takes as the call's one outcome; false for an
 * API whose result the model does not know. */
bool model_answer(const Model *m, const SpecEntry *e, long long *value);
unsigned long model_similar_hash(const Model *m);
unsigned long model_hash(const Model *m);
void model_free(Model *m);

/* Clones inherit the observer; pass NULL to silence a clone. */
void model_set_observer(Model *m, const ModelObserver *observer);
/* The device's MSI parent domain creates per-device state in msi_prepare (GICv3 ITS). */
void model_set_msi_domain(Model *m, bool per_device_state, const ModelOrigin *origin);

/*
 * An API call.  args are the normalised argument expressions; result is the
 * symbol the returned value is bound to (or NULL); for RET_COUNT and
 * RET_STATUS a numeric result may be passed as text ("8").  MODEL_UNKNOWN
 * derives the outcome from result: a negative number or errno, NULL or
 * ERR_PTR(...) is a failure, anything else (or no result) a success.  An
 * API the profile does not have is reported (unknown-api) and not modelled.
 * Returns 1 if the spec knows the name, 0 if it does not (nothing happens).
 */
int model_call(Model *m, const char *name, const char *const *args, int nargs,
	       const char *result, ModelOutcome outcome, const ModelOrigin *origin);
/* The same, the step showing the arguments as SHOWN (the source text)
 * while ARGS name the objects the model compares. */
int model_call_shown(Model *m, const char *name, const char *const *args, const char *const *shown,
		     int nargs, const char *result, ModelOutcome outcome, const ModelOrigin *origin);

/* Phases.  probe: the bus probes and calls the driver's probe. */
void model_probe(Model *m, const ModelOrigin *origin);
/* The driver's probe returned an error: the bus unwinds, devres is released. */
void model_probe_fails(Model *m, const ModelOrigin *origin);
/* The driver's remove() starts: the calls that follow are remove's. */
void model_remove(Model *m, const ModelOrigin *origin);
/* remove() returned: the bus's remove sequence, then devres release (LIFO). */
void model_unbind(Model *m, const ModelOrigin *origin);

/* Execution context outside the spec's lock calls: a hard IRQ handler. */
void model_enter_handler(Model *m, const ModelOrigin *origin);
void model_leave_handler(Model *m, const ModelOrigin *origin);

bool model_next_callback(Model *m, ModelCallback *callback);
/* The callback model_next_callback handed out has returned (or was not
 * replayed): the model leaves the dry mode of an unregistered action. */
void model_callback_done(Model *m);

/* Findings of this state's history (not part of equality). */
int model_finding_count(const Model *m);
const ModelFinding *model_finding(const Model *m, int index);
int model_warning_count(const Model *m);

/* `teardown model ...` (argv[0] is "model"). */
int model_main(int argc, char **argv);

#endif
