/* devm.h — a kernel tree's managed (devm_) functions, read from their definitions (see devm.c). */
#ifndef DEVM_H
#define DEVM_H

#include "extract/extract.h"
#include "teardown.h"
#include "util/strset.h"

/* What a managed function's definition shows it does. */
typedef enum {
	DEVM_UNKNOWN,  /* none of the shapes below: why says what it lacks */
	DEVM_ACQUIRE,  /* adds a devres node (or action) whose release undoes it */
	DEVM_RELEASE,  /* releases such a node early (devres_release, devm_release_action) */
	DEVM_CALLBACK, /* itself a release or match function that others pass on: no API */
} DevmKind;

/* How a pointer-returning acquire fails, from its return statements. */
typedef enum { DEVM_FAILS_ANY, DEVM_FAILS_NULL, DEVM_FAILS_ERR } DevmFails;

enum { DEVM_MAX_WRONG = 6 };

typedef struct {
	const char *name;
	const FileFacts *file;
	const Func *func;
	bool macro;      /* a #define, read as a function of its parameters */
	bool api;        /* in a header, or not static: a driver can call it */
	bool helper;     /* not a managed name, but it registers a node: wrappers may call it */
	bool inside;     /* its release calls nothing: the resource is the node's own memory */
	DevmKind kind;
	const char *node;  /* the release function its devres node or action runs */
	const char *via;   /* a wrapper: the managed function it hands the work to */
	const char *wrong[DEVM_MAX_WRONG]; /* what the release calls: the unmanaged undo */
	int nwrong;
	int dev, res;      /* parameter indexes of the device and the resource, -1 none */
	FuncReturns returns;
	DevmFails fails;
	bool sleeps;       /* allocates its node with GFP_KERNEL */
	const char *why;   /* DEVM_UNKNOWN: the reason */
} DevmDef;

typedef VEC(DevmDef) DevmVec;

/* Is NAME one of a managed function's names (devm_, dmam_, pcim_, with
 * or without leading underscores)? */
bool devm_name(const char *name, size_t len);

/* Classify the managed functions defined in the NFILES FILES (MACROS[i]:
 * file I holds #defines read as functions), one DevmDef per definition,
 * into OUT.  A release function's calls of conventions (CONV: container_of,
 * WARN_ON) or of the names in NOT_UNDO (logging, locks) undo nothing. */
void devm_derive(const FileFacts *files, const bool *macros, size_t nfiles, const Conventions *conv,
		 const StrSet *not_undo, DevmVec *out);

#endif
