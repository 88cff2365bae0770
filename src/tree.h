/*
 * tree.h — which kernel a scan is of, and so which semantics it uses
 * (tree.c).
 */
#ifndef TREE_H
#define TREE_H

#include "model/model.h"

typedef enum { PROFILE_FROM_TREE, PROFILE_FROM_OPTION, PROFILE_FROM_DEFAULT } ProfileFrom;

typedef struct {
	char root[4096];       /* the tree's root; "" outside a tree */
	char version[64];      /* VERSION.PATCHLEVEL.SUBLEVEL of the top Makefile; "" outside a tree */
	const Profile *tree;   /* the profile of that version; NULL outside a tree */
	const Profile *profile; /* the one the scan uses */
	ProfileFrom from;
} TreeInfo;

/* The tree holding PATH and the profile a scan of it uses: ASKED (from
 * --semantics) if not NULL, else the tree's, else the default. */
TreeInfo tree_info(const char *path, const Profile *asked);

/* "tree", "option", "default": how the profile was chosen (JSON). */
const char *profile_from_name(ProfileFrom from);

#endif
