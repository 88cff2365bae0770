/*
 * profile.c: the semantics profiles, read from data/profiles.
 *
 * A profile is a set of switches; each switch is one documented kernel
 * difference (docs/semantics.md names the kernel functions, read in each
 * tree we can install, and the commit that dates it).  The profiles are
 * data so that a new kernel version whose behaviour is a new combination
 * of known differences is a line in data/profiles, not a rebuild; a
 * difference no switch describes is a field of struct Profile and the
 * model code that reads it.  Which APIs exist in which profile is data too,
 * in data/api.spec (profiles=...).
 *
 * The table is loaded on first use, once per process, because the command
 * line asks for it (--semantics, usage texts) before any other table is
 * loaded.  A broken data/profiles is fatal: every command needs it.
 *
 * A tree picks its profile by version: the profile with the highest since=
 * not above the tree's VERSION.PATCHLEVEL (profile_for_version).
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"
#include "util/datafile.h"

enum { MAX_PROFILES = 32 };

static Profile profiles[MAX_PROFILES];
static int nprofiles;
static pthread_once_t loaded = PTHREAD_ONCE_INIT;

static Profile *find(const char *name)
{
	for (int i = 0; i < nprofiles; i++)
		if (!strcmp(profiles[i].name, name))
			return &profiles[i];
	return NULL;
}

/* "6.12" into *MAJOR, *MINOR; false when it is not two numbers. */
bool version_parse(const char *s, int *major, int *minor)
{
	char *end;
	long a = strtol(s, &end, 10);
	if (end == s || *end != '.')
		return false;
	const char *m = end + 1;
	long b = strtol(m, &end, 10);
	if (end == m || *end || a < 0 || b < 0 || a > 999 || b > 999)
		return false;
	*major = (int)a, *minor = (int)b;
	return true;
}

static const char *set_switch(Profile *p, const char *f)
{
	static const struct { const char *name; size_t off; } flags[] = {
		{ "intx_restore_latest", offsetof(Profile, intx_restore_latest) },
		{ "msi_hybrid", offsetof(Profile, msi_hybrid) },
		{ "msix_context_early", offsetof(Profile, msix_context_early) },
		{ "msi_teardown", offsetof(Profile, msi_teardown) },
		{ "pm_detach_in_cleanup", offsetof(Profile, pm_detach_in_cleanup) },
		{ "devres_before_bus", offsetof(Profile, devres_before_bus) },
		{ "hybrid_documented", offsetof(Profile, hybrid_documented) },
		{ "default", offsetof(Profile, is_default) },
	};
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		if (!strcmp(f, flags[i].name)) {
			*(bool *)((char *)p + flags[i].off) = true;
			return NULL;
		}
	if (!strncmp(f, "since=", 6))
		return version_parse(f + 6, &p->since_major, &p->since_minor) ? NULL : "since= wants MAJOR.MINOR";
	if (!strcmp(f, "pci_devres=single"))
		p->pci_devres = PCI_DEVRES_SINGLE;
	else if (!strcmp(f, "pci_devres=per-resource"))
		p->pci_devres = PCI_DEVRES_PER_RESOURCE;
	else if (!strcmp(f, "intx=record"))
		p->intx = INTX_RECORD;
	else if (!strcmp(f, "intx=hybrid"))
		p->intx = INTX_HYBRID_ALLOC;
	else if (!strcmp(f, "intx=plain"))
		p->intx = INTX_UNMANAGED;
	else
		return "unknown switch";
	return NULL;
}

static const char *profile_line(const DataLine *l, void *ctx)
{
	if (l->nfields < 3 && !(l->nfields == 2 && !strcmp(l->field[0], "profile")))
		return "want: profile NAME SWITCH... or summary NAME TEXT...";
	const char *name = l->field[1];
	if (!strcmp(l->field[0], "summary")) {
		Profile *p = find(name);
		if (!p)
			return "summary of a profile not declared above";
		if (p->summary)
			return "second summary of the profile";
		size_t n = 0;
		for (int i = 2; i < l->nfields; i++)
			n += strlen(l->field[i]) + 1;
		char *s = xmalloc(n);
		s[0] = '\0';
		for (int i = 2; i < l->nfields; i++)
			strcat(strcat(s, i > 2 ? " " : ""), l->field[i]);
		p->summary = s;
		return NULL;
	}
	if (strcmp(l->field[0], "profile"))
		return "want: profile or summary";
	if (find(name))
		return "profile declared twice";
	if (nprofiles == MAX_PROFILES)
		return "too many profiles";
	Profile p = { .name = xstrdup(name), .since_major = -1, .since_minor = -1 };
	for (int i = 2; i < l->nfields; i++) {
		const char *err = set_switch(&p, l->field[i]);
		if (err) {
			free((char *)p.name);
			return err;
		}
	}
	profiles[nprofiles++] = p;
	return NULL;
}

static void load(void)
{
	char path[4096], err[4096 + 256];
	data_path("profiles", path, sizeof path);
	int rc = datafile_parse(path, profile_line, NULL, err, sizeof err);
	int ndefault = 0;
	for (int i = 0; rc == 0 && i < nprofiles; i++) {
		ndefault += profiles[i].is_default;
		if (!profiles[i].summary)
			rc = -1, snprintf(err, sizeof err, "%s: profile %s has no summary", path, profiles[i].name);
	}
	if (rc == 0 && ndefault != 1)
		rc = -1, snprintf(err, sizeof err, "%s: want exactly one default profile", path);
	if (rc < 0) {
		fprintf(stderr, "teardown: %s\n", err);
		exit(2);
	}
}

static void ensure_loaded(void)
{
	pthread_once(&loaded, load);
}

const Profile *profile_at(int index)
{
	ensure_loaded();
	return index >= 0 && index < nprofiles ? &profiles[index] : NULL;
}

const Profile *profile_by_name(const char *name)
{
	ensure_loaded();
	return find(name);
}

const Profile *profile_default(void)
{
	ensure_loaded();
	for (int i = 0; i < nprofiles; i++)
		if (profiles[i].is_default)
			return &profiles[i];
	return NULL; /* not reached: load() insists on one */
}

const Profile *profile_for_version(int major, int minor)
{
	ensure_loaded();
	const Profile *best = NULL, *oldest = NULL;
	int v = major * 1000 + minor;
	for (int i = 0; i < nprofiles; i++) {
		const Profile *p = &profiles[i];
		if (p->since_major < 0)
			continue;
		int since = p->since_major * 1000 + p->since_minor;
		if (since <= v && (!best || since > best->since_major * 1000 + best->since_minor))
			best = p;
		if (!oldest || since < oldest->since_major * 1000 + oldest->since_minor)
			oldest = p;
	}
	return best ? best : oldest ? oldest : profile_default();
}

const char *profile_name(const Profile *profile)
{
	return profile->name;
}

const char *profile_summary(const Profile *profile)
{
	return profile->summary;
}

bool profile_msi_teardown(const Profile *profile)
{
	return profile->msi_teardown;
}

const char *profile_names(char *buf, size_t size)
{
	ensure_loaded();
	size_t n = 0;
	buf[0] = '\0';
	for (int i = 0; i < nprofiles && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", profiles[i].name);
	return buf;
}

Spec *model_spec_load(const char *path, char *err, int errlen)
{
	ensure_loaded();
	const char *names[MAX_PROFILES];
	for (int i = 0; i < nprofiles; i++)
		names[i] = profiles[i].name;
	return spec_load(path, names, nprofiles, err, errlen);
}
