/*
 * tree.c — the kernel version of a scanned tree, and the profile it picks.
 *
 * Scanning 6.1 code with 6.12 semantics reports behaviour the code never
 * had, so a scan takes the kernel's behaviour from the tree it reads: the
 * VERSION, PATCHLEVEL and SUBLEVEL assignments at the top of the root
 * Makefile (the same lines kbuild reads to name the kernel), mapped to a
 * profile by data/profiles (profile_for_version).  Only the first path of
 * a scan decides: one scan is of one tree.  A file outside any kernel tree
 * (a fixture, a driver out of tree) gets the default profile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tree.h"
#include "walk/walk.h"

/* The number assigned to NAME in the Makefile's line LINE, or -1. */
static int assignment(const char *line, const char *name)
{
	size_t n = strlen(name);
	if (strncmp(line, name, n))
		return -1;
	line += n;
	line += strspn(line, " \t");
	if (*line++ != '=')
		return -1;
	char *end;
	long v = strtol(line, &end, 10);
	return end == line || v < 0 || v > 999 ? -1 : (int)v;
}

/* The version of the tree at ROOT into INFO; false when its Makefile does
 * not say (a tree without one, or an unusual first lines). */
static bool read_version(const char *root, int *major, int *minor, char *text, size_t size)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/Makefile", root);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	int v = -1, p = -1, s = -1, x;
	char line[256];
	/* The assignments are the first lines of the file; stop well before
	 * anything else could look like them. */
	for (int i = 0; i < 16 && fgets(line, sizeof line, f); i++) {
		if ((x = assignment(line, "VERSION")) >= 0)
			v = x;
		else if ((x = assignment(line, "PATCHLEVEL")) >= 0)
			p = x;
		else if ((x = assignment(line, "SUBLEVEL")) >= 0)
			s = x;
	}
	fclose(f);
	if (v < 0 || p < 0)
		return false;
	*major = v, *minor = p;
	snprintf(text, size, s >= 0 ? "%d.%d.%d" : "%d.%d", v, p, s);
	return true;
}

TreeInfo tree_info(const char *path, const Profile *asked)
{
	TreeInfo ti = { .profile = profile_default(), .from = PROFILE_FROM_DEFAULT };
	char *real = realpath(path, NULL);
	char *root = real ? kernel_root(real) : NULL;
	int major, minor;
	if (root)
		snprintf(ti.root, sizeof ti.root, "%s", root);
	if (root && read_version(root, &major, &minor, ti.version, sizeof ti.version)) {
		ti.tree = profile_for_version(major, minor);
		ti.profile = ti.tree;
		ti.from = PROFILE_FROM_TREE;
	}
	if (asked) {
		ti.profile = asked;
		ti.from = PROFILE_FROM_OPTION;
	}
	free(root);
	free(real);
	return ti;
}

const char *profile_from_name(ProfileFrom from)
{
	static const char *const names[] = {
		[PROFILE_FROM_TREE] = "tree", [PROFILE_FROM_OPTION] = "option", [PROFILE_FROM_DEFAULT] = "default",
	};
	return names[from];
}
