/*
 * spec.c: parse data/api.spec into a hash table of SpecEntry.
 *
 * The format is line based so that a maintainer can add an API with an
 * editor and a reviewer can read the diff:
 *
 *     # comment (to end of line)
 *     profiles 6.1 6.11 6.12 proposed
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
 * returns is zeroed).
 *
 * Every error names file:line and the loader returns NULL; nothing is
 * guessed.  Names are interned in the entries; the table is open
 * addressing on an FNV-1a hash, sized to stay under half full.
 */
#include "spec/spec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PROFILES 16

struct Spec {
	SpecEntry *entries;
	int count, cap;
	const char **names;      /* entries[i].name, for spec_names() */
	int *table;              /* open addressing: index+1 into entries, 0 empty */
	unsigned table_size;     /* power of two */
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
	[EV_INTX] = "intx",
	[EV_IRQ_REQUEST] = "irq-request",
	[EV_IRQ_FREE] = "irq-free",
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
	{ "zeroed", SPEC_ZEROED },
};

const char *spec_event_name(SpecEvent ev)
{
	return ev < EV_COUNT ? event_names[ev] : "?";
}

static unsigned hash_name(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int fail(char *err, int errlen, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s:%d: ", file, line);
	if (n < 0 || n >= errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Split a comma list into a NULL-terminated, individually allocated array. */
static const char *const *split_list(const char *s, int *count)
{
	int n = 1;
	for (const char *p = s; *p; p++)
		n += *p == ',';
	char **v = calloc(n + 1, sizeof *v);
	int i = 0;
	while (*s) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len)
			v[i++] = strndup(s, len);
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

static int parse_attr(Spec *spec, SpecEntry *e, char *word, const char *file, int line,
		      char *err, int errlen)
{
	char *eq = strchr(word, '=');
	if (!eq) {
		for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
			if (!strcmp(word, flag_names[i].name)) {
				e->flags |= flag_names[i].flag;
				return 0;
			}
		return fail(err, errlen, file, line, "unknown flag '%s'", word);
	}
	*eq = 0;
	const char *key = word, *val = eq + 1;
	if (!*val)
		return fail(err, errlen, file, line, "empty value for '%s'", key);
	for (int a = 0; a < ARG_COUNT; a++)
		if (!strcmp(key, arg_names[a])) {
			if (parse_index(val, &e->arg[a]))
				return fail(err, errlen, file, line, "'%s' wants an argument index, got '%s'", key, val);
			return 0;
		}
	if (!strcmp(key, "ret")) {
		for (size_t r = 0; r < sizeof ret_names / sizeof ret_names[0]; r++)
			if (!strcmp(val, ret_names[r])) {
				e->ret = (SpecReturn)r;
				return 0;
			}
		return fail(err, errlen, file, line, "unknown return kind '%s'", val);
	}
	if (!strcmp(key, "fails")) {
		if (strcmp(val, "null") && strcmp(val, "err"))
			return fail(err, errlen, file, line, "fails= is null or err, not '%s'", val);
		e->fails = !strcmp(val, "null") ? FAIL_NULL : FAIL_ERR;
		return 0;
	}
	if (!strcmp(key, "resource")) {
		e->resource = strdup(val);
		return 0;
	}
	if (!strcmp(key, "node")) {
		e->node = strdup(val);
		return 0;
	}
	if (!strcmp(key, "wrong")) {
		e->wrong = split_list(val, &e->nwrong);
		return 0;
	}
	if (!strcmp(key, "profiles")) {
		int n;
		const char *const *v = split_list(val, &n);
		int bad = -1;
		e->profiles = 0;
		for (int i = 0; i < n; i++) {
			int p = spec_profile_index(spec, v[i]);
			if (p < 0 && bad < 0)
				bad = i;
			else if (p >= 0)
				e->profiles |= 1u << p;
		}
		int rc = bad < 0 ? 0 : fail(err, errlen, file, line, "undeclared profile '%s'", v[bad]);
		for (int i = 0; i < n; i++)
			free((char *)v[i]);
		free((void *)v);
		return rc;
	}
	return fail(err, errlen, file, line, "unknown key '%s'", key);
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

static int table_insert(Spec *spec, int index)
{
	unsigned mask = spec->table_size - 1;
	for (unsigned h = hash_name(spec->entries[index].name) & mask;; h = (h + 1) & mask) {
		if (!spec->table[h]) {
			spec->table[h] = index + 1;
			return 0;
		}
		if (!strcmp(spec->entries[spec->table[h] - 1].name, spec->entries[index].name))
			return -1;
	}
}

/* Check cross references once every line is read: wrong= must name unmanaged releases. */
static int check_references(Spec *spec, const char *file, char *err, int errlen)
{
	for (int i = 0; i < spec->count; i++) {
		const SpecEntry *e = &spec->entries[i];
		if (e->nwrong && !(e->event == EV_ACQUIRE || e->event == EV_IRQ_REQUEST))
			return fail(err, errlen, file, e->line, "wrong= only applies to acquire or irq-request");
		if (e->nwrong && !(e->flags & SPEC_MANAGED))
			return fail(err, errlen, file, e->line, "wrong= only applies to managed APIs");
		for (int w = 0; w < e->nwrong; w++) {
			const SpecEntry *r = spec_lookup(spec, e->wrong[w]);
			SpecEvent want = e->event == EV_ACQUIRE ? EV_RELEASE : EV_IRQ_FREE;
			if (!r)
				return fail(err, errlen, file, e->line, "wrong release '%s' is not in the spec", e->wrong[w]);
			if (r->event != want || (r->flags & SPEC_MANAGED))
				return fail(err, errlen, file, e->line, "wrong release '%s' is not an unmanaged %s",
					    e->wrong[w], event_names[want]);
		}
	}
	return 0;
}

static int parse_line(Spec *spec, char *text, const char *file, int line, char *err, int errlen)
{
	char *save, *word = strtok_r(text, " \t\r", &save);
	if (!word)
		return 0;
	if (!strcmp(word, "profiles")) {
		if (spec->count || spec->nprofiles)
			return fail(err, errlen, file, line, "'profiles' must come once, before any API");
		while ((word = strtok_r(NULL, " \t\r", &save))) {
			if (spec->nprofiles == MAX_PROFILES)
				return fail(err, errlen, file, line, "too many profiles");
			spec->profile[spec->nprofiles++] = strdup(word);
		}
		return 0;
	}
	char *event = strtok_r(NULL, " \t\r", &save);
	if (!event)
		return fail(err, errlen, file, line, "'%s' has no event", word);
	if (spec->count == spec->cap) {
		spec->cap = spec->cap ? spec->cap * 2 : 256;
		spec->entries = realloc(spec->entries, spec->cap * sizeof *spec->entries);
	}
	SpecEntry *e = &spec->entries[spec->count];
	memset(e, 0, sizeof *e);
	memset(e->arg, -1, sizeof e->arg);
	e->line = line;
	e->profiles = ~0u;
	e->name = strdup(word);
	int ev;
	for (ev = 0; ev < EV_COUNT && strcmp(event, event_names[ev]); ev++)
		;
	int rc = ev == EV_COUNT ? fail(err, errlen, file, line, "unknown event '%s'", event) : 0;
	e->event = (SpecEvent)ev;
	while (!rc && (word = strtok_r(NULL, " \t\r", &save)))
		rc = parse_attr(spec, e, word, file, line, err, errlen);
	if (!rc && (e->flags & SPEC_MANAGED) && e->event == EV_ACQUIRE && e->arg[ARG_DEV] < 0)
		rc = fail(err, errlen, file, line, "managed acquire needs dev=");
	if (rc) {
		entry_clear(e);
		return rc;
	}
	spec->count++;
	return 0;
}

Spec *spec_parse(const char *file, const char *text, char *err, int errlen)
{
	Spec *spec = calloc(1, sizeof *spec);
	int line = 0, rc = 0;
	const char *p = text;
	while (!rc && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *buf = strndup(p, len);
		char *hash = strchr(buf, '#');
		if (hash)
			*hash = 0;
		rc = parse_line(spec, buf, file, ++line, err, errlen);
		free(buf);
		p += len + (nl != NULL);
	}
	if (!rc) {
		spec->table_size = 16;
		while (spec->table_size < 2u * spec->count + 2)
			spec->table_size *= 2;
		spec->table = calloc(spec->table_size, sizeof *spec->table);
		spec->names = malloc((spec->count + 1) * sizeof *spec->names);
		for (int i = 0; !rc && i < spec->count; i++) {
			spec->names[i] = spec->entries[i].name;
			if (table_insert(spec, i))
				rc = fail(err, errlen, file, spec->entries[i].line, "'%s' is defined twice",
					  spec->entries[i].name);
		}
	}
	if (!rc)
		rc = check_references(spec, file, err, errlen);
	if (rc) {
		spec_free(spec);
		return NULL;
	}
	return spec;
}

Spec *spec_load(const char *path, char *err, int errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, len = 0, n;
	char *text = malloc(cap);
	while ((n = fread(text + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap)
			text = realloc(text, cap *= 2);
	}
	fclose(f);
	text[len] = 0;
	Spec *spec = spec_parse(path, text, err, errlen);
	free(text);
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
	free(spec->table);
	free(spec);
}

const SpecEntry *spec_lookup(const Spec *spec, const char *name)
{
	if (!spec->table_size)
		return NULL;
	unsigned mask = spec->table_size - 1;
	for (unsigned h = hash_name(name) & mask; spec->table[h]; h = (h + 1) & mask)
		if (!strcmp(spec->entries[spec->table[h] - 1].name, name))
			return &spec->entries[spec->table[h] - 1];
	return NULL;
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

int spec_profile_count(const Spec *spec)
{
	return spec->nprofiles;
}

const char *spec_profile_name(const Spec *spec, int index)
{
	return index >= 0 && index < spec->nprofiles ? spec->profile[index] : NULL;
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
