/*
 * spec.c: parse data/api.spec into a hash table of SpecEntry.
 *
 * The format is line based so that a maintainer can add an API with an
 * editor and a reviewer can read the diff:
 *
 *     # comment (to end of line)
 *     NAME EVENT [key=value | flag]...
 *
 * EVENT is one of the names in event_names[] below.  Keys that take an
 * argument index (0-based) are the SpecArg roles: dev irq handler thread
 * dev_id res flags gfp index enable fn data id lock min max.  Other keys:
 * ret=none|status|count|resource|irq|bool, fails=null|err (how a
 * resource-returning call fails, when it is not either), resource=CLASS,
 * node=RELEASE_FN (the devres node a managed acquire registers),
 * wrong=A,B (unmanaged releases that must not undo this managed acquire),
 * profiles=P,Q (only these profiles have the API).  Flags: managed,
 * sleeps, or-reset, pci (the device argument is a pci_dev), msi, msix,
 * pure (the same arguments give the same result), zeroed (the memory it
 * returns is zeroed), frees (releasing it frees the object's memory).
 *
 * Lines are read by the data-file reader (util/datafile.c) and looked up
 * through a string set (util/strset.c), as every table of teardown is.
 * Every error names file:line and the loader returns NULL; nothing is
 * guessed.
 */
#include "spec/spec.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "teardown.h"
#include "util/datafile.h"
#include "util/strset.h"

#define MAX_PROFILES 16

struct Spec {
	SpecEntry *entries;
	int count, cap;
	const char **names;      /* entries[i].name, for spec_names() */
	StrSet table;            /* name -> index + 1 into entries */
	char *profile[MAX_PROFILES];
	int nprofiles;
};

static const char *const event_names[EV_COUNT] = {
	[EV_CALL] = "call",
	[EV_LOCK] = "lock",
	[EV_UNLOCK] = "unlock",
	[EV_PCI_ENABLE] = "pci-enable",
	[EV_PCI_DISABLE] = "pci-disable",
	[EV_PCI_PIN] = "pci-pin",
	[EV_VEC_ALLOC] = "vec-alloc",
	[EV_VEC_FREE] = "vec-free",
	[EV_IRQ_VECTOR] = "irq-vector",
	[EV_VEC_QUERY] = "vec-query",
	[EV_INTX] = "intx",
	[EV_IRQ_REQUEST] = "irq-request",
	[EV_IRQ_FREE] = "irq-free",
	[EV_IRQ_ENABLE] = "irq-enable",
	[EV_IRQ_DISABLE] = "irq-disable",
	[EV_ACQUIRE] = "acquire",
	[EV_RELEASE] = "release",
	[EV_ACTION_ADD] = "action-add",
	[EV_ACTION_REMOVE] = "action-remove",
	[EV_ACTION_RELEASE] = "action-release",
	[EV_GROUP_OPEN] = "group-open",
	[EV_GROUP_CLOSE] = "group-close",
	[EV_GROUP_REMOVE] = "group-remove",
	[EV_GROUP_RELEASE] = "group-release",
};

static const char *const arg_names[ARG_COUNT] = {
	[ARG_DEV] = "dev", [ARG_IRQ] = "irq", [ARG_HANDLER] = "handler",
	[ARG_THREAD] = "thread", [ARG_DEV_ID] = "dev_id", [ARG_RES] = "res",
	[ARG_FLAGS] = "flags", [ARG_GFP] = "gfp", [ARG_INDEX] = "index",
	[ARG_ENABLE] = "enable", [ARG_FN] = "fn", [ARG_DATA] = "data",
	[ARG_ID] = "id", [ARG_LOCK] = "lock", [ARG_MIN] = "min", [ARG_MAX] = "max",
};

static const char *const ret_names[] = {
	[RET_NONE] = "none", [RET_STATUS] = "status", [RET_COUNT] = "count",
	[RET_RESOURCE] = "resource", [RET_IRQ] = "irq", [RET_BOOL] = "bool",
};

static const struct { const char *name; unsigned flag; } flag_names[] = {
	{ "managed", SPEC_MANAGED }, { "sleeps", SPEC_SLEEPS },
	{ "or-reset", SPEC_OR_RESET }, { "pci", SPEC_PCI_DEV },
	{ "msi", SPEC_IRQ_MSI }, { "msix", SPEC_IRQ_MSIX }, { "pure", SPEC_PURE },
	{ "zeroed", SPEC_ZEROED }, { "frees", SPEC_FREES },
};

/* What a line's interpreter hands the data-file reader: the spec being
 * built, and room for an error message naming what is wrong. */
typedef struct {
	Spec *spec;
	char profiles[128]; /* their names, for messages */
	char msg[256];
} Loading;

static const char *fail(Loading *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const char *fail(Loading *ld, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ld->msg, sizeof ld->msg, fmt, ap);
	va_end(ap);
	return ld->msg;
}

/* Split a comma list into a NULL-terminated, individually allocated array. */
static const char *const *split_list(const char *s, int *count)
{
	int n = 1;
	for (const char *p = s; *p; p++)
		n += *p == ',';
	char **v = xcalloc(n + 1, sizeof *v);
	int i = 0;
	while (*s) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len)
			v[i++] = xstrndup(s, len);
		s += len + (e != NULL);
	}
	*count = i;
	return (const char *const *)v;
}

static int parse_index(const char *v, signed char *out)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < 0 || n > 31)
		return -1;
	*out = (signed char)n;
	return 0;
}

static const char *parse_attr(Loading *ld, SpecEntry *e, char *word)
{
	char *eq = strchr(word, '=');
	if (!eq) {
		for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
			if (!strcmp(word, flag_names[i].name)) {
				e->flags |= flag_names[i].flag;
				return NULL;
			}
		return fail(ld, "unknown flag '%s'", word);
	}
	*eq = 0;
	const char *key = word, *val = eq + 1;
	if (!*val)
		return fail(ld, "empty value for '%s'", key);
	for (int a = 0; a < ARG_COUNT; a++)
		if (!strcmp(key, arg_names[a])) {
			if (parse_index(val, &e->arg[a]))
				return fail(ld, "'%s' wants an argument index, got '%s'", key, val);
			return NULL;
		}
	if (!strcmp(key, "ret")) {
		for (size_t r = 0; r < sizeof ret_names / sizeof ret_names[0]; r++)
			if (!strcmp(val, ret_names[r])) {
				e->ret = (SpecReturn)r;
				return NULL;
			}
		return fail(ld, "unknown return kind '%s'", val);
	}
	if (!strcmp(key, "fails")) {
		if (strcmp(val, "null") && strcmp(val, "err"))
			return fail(ld, "fails= is null or err, not '%s'", val);
		e->fails = !strcmp(val, "null") ? FAIL_NULL : FAIL_ERR;
		return NULL;
	}
	if (!strcmp(key, "resource")) {
		e->resource = xstrdup(val);
		return NULL;
	}
	if (!strcmp(key, "node")) {
		e->node = xstrdup(val);
		return NULL;
	}
	if (!strcmp(key, "wrong")) {
		e->wrong = split_list(val, &e->nwrong);
		return NULL;
	}
	if (!strcmp(key, "profiles")) {
		int n;
		const char *const *v = split_list(val, &n);
		int bad = -1;
		e->profiles = 0;
		for (int i = 0; i < n; i++) {
			int p = spec_profile_index(ld->spec, v[i]);
			if (p < 0 && bad < 0)
				bad = i;
			else if (p >= 0)
				e->profiles |= 1u << p;
		}
		const char *msg = bad < 0 ? NULL : fail(ld, "unknown profile '%s' (%s)", v[bad], ld->profiles);
		for (int i = 0; i < n; i++)
			free((char *)v[i]);
		free((void *)v);
		return msg;
	}
	return fail(ld, "unknown key '%s'", key);
}

static void entry_clear(SpecEntry *e)
{
	free((char *)e->name);
	free((char *)e->resource);
	free((char *)e->node);
	for (int i = 0; i < e->nwrong; i++)
		free((char *)e->wrong[i]);
	free((void *)e->wrong);
}

/* Check cross references once every line is read: wrong= must name
 * unmanaged releases.  An error names the line of the entry. */
static int check_references(Spec *spec, const char *file, char *err, int errlen)
{
	char msg[256] = "";
	const SpecEntry *e = NULL;
	for (int i = 0; i < spec->count && !*msg; i++) {
		e = &spec->entries[i];
		if (e->nwrong && !(e->event == EV_ACQUIRE || e->event == EV_IRQ_REQUEST))
			snprintf(msg, sizeof msg, "wrong= only applies to acquire or irq-request");
		else if (e->nwrong && !(e->flags & SPEC_MANAGED))
			snprintf(msg, sizeof msg, "wrong= only applies to managed APIs");
		for (int w = 0; w < e->nwrong && !*msg; w++) {
			const SpecEntry *r = spec_lookup(spec, e->wrong[w]);
			SpecEvent want = e->event == EV_ACQUIRE ? EV_RELEASE : EV_IRQ_FREE;
			if (!r)
				snprintf(msg, sizeof msg, "wrong release '%s' is not in the spec", e->wrong[w]);
			else if (r->event != want || (r->flags & SPEC_MANAGED))
				snprintf(msg, sizeof msg, "wrong release '%s' is not an unmanaged %s", e->wrong[w],
					 event_names[want]);
		}
	}
	if (!*msg)
		return 0;
	snprintf(err, errlen, "%s:%d: %s", file, e->line, msg);
	return -1;
}

static const char *read_line(const DataLine *l, void *ctx)
{
	Loading *ld = ctx;
	Spec *spec = ld->spec;
	if (!strcmp(l->field[0], "profiles"))
		return "the profiles are the model's (src/model/profile.c), not the spec's: remove this line";
	if (l->nfields < 2)
		return fail(ld, "'%s' has no event", l->field[0]);
	if (strset_get(&spec->table, l->field[0], strlen(l->field[0]), NULL))
		return fail(ld, "'%s' is defined twice", l->field[0]);
	if (spec->count == spec->cap) {
		spec->cap = spec->cap ? spec->cap * 2 : 256;
		spec->entries = xrealloc(spec->entries, spec->cap * sizeof *spec->entries);
	}
	SpecEntry *e = &spec->entries[spec->count];
	memset(e, 0, sizeof *e);
	memset(e->arg, -1, sizeof e->arg);
	e->line = l->line;
	e->profiles = ~0u;
	e->name = xstrdup(l->field[0]);
	int ev;
	for (ev = 0; ev < EV_COUNT && strcmp(l->field[1], event_names[ev]); ev++)
		;
	const char *msg = ev == EV_COUNT ? fail(ld, "unknown event '%s'", l->field[1]) : NULL;
	e->event = (SpecEvent)ev;
	for (int i = 2; !msg && i < l->nfields; i++)
		msg = parse_attr(ld, e, l->field[i]);
	if (!msg && (e->flags & SPEC_MANAGED) && e->event == EV_ACQUIRE && e->arg[ARG_DEV] < 0)
		msg = "managed acquire needs dev=";
	if (msg) {
		entry_clear(e);
		return msg;
	}
	strset_add(&spec->table, e->name, (void *)(uintptr_t)(spec->count + 1));
	spec->count++;
	return NULL;
}

Spec *spec_load(const char *path, const char *const *profiles, int nprofiles, char *err, int errlen)
{
	if (nprofiles > MAX_PROFILES) {
		snprintf(err, errlen, "%s: more than %d profiles", path, MAX_PROFILES);
		return NULL;
	}
	Spec *spec = xcalloc(1, sizeof *spec);
	Loading ld = { .spec = spec };
	for (int i = 0; i < nprofiles; i++) {
		spec->profile[spec->nprofiles++] = xstrdup(profiles[i]);
		size_t n = strlen(ld.profiles);
		snprintf(ld.profiles + n, sizeof ld.profiles - n, "%s%s", i ? ", " : "", profiles[i]);
	}
	int rc = datafile_parse(path, read_line, &ld, err, (size_t)errlen);
	if (!rc) {
		spec->names = xmalloc((spec->count + 1) * sizeof *spec->names);
		for (int i = 0; i < spec->count; i++)
			spec->names[i] = spec->entries[i].name;
		rc = check_references(spec, path, err, errlen);
	}
	if (rc) {
		spec_free(spec);
		return NULL;
	}
	return spec;
}

void spec_free(Spec *spec)
{
	if (!spec)
		return;
	for (int i = 0; i < spec->count; i++)
		entry_clear(&spec->entries[i]);
	for (int i = 0; i < spec->nprofiles; i++)
		free(spec->profile[i]);
	free(spec->entries);
	free(spec->names);
	strset_free(&spec->table);
	free(spec);
}

const SpecEntry *spec_lookup(const Spec *spec, const char *name)
{
	uintptr_t i = (uintptr_t)strset_get(&spec->table, name, strlen(name), NULL);
	return i ? &spec->entries[i - 1] : NULL;
}

const char *const *spec_names(const Spec *spec, int *count)
{
	*count = spec->count;
	return spec->names;
}

int spec_profile_index(const Spec *spec, const char *profile)
{
	for (int i = 0; i < spec->nprofiles; i++)
		if (!strcmp(spec->profile[i], profile))
			return i;
	return -1;
}

bool spec_entry_in_profile(const SpecEntry *e, int profile_index)
{
	return profile_index >= 0 && (e->profiles >> profile_index) & 1;
}

bool spec_is_wrong_release(const SpecEntry *e, const char *release)
{
	for (int i = 0; i < e->nwrong; i++)
		if (!strcmp(e->wrong[i], release))
			return true;
	return false;
}
