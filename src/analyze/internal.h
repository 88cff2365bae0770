/* internal.h — what paths.c, values.c and driver.c share inside analyze/. */
#ifndef ANALYZE_INTERNAL_H
#define ANALYZE_INTERNAL_H

#include "analyze/analyze.h"
#include "util/strset.h"

/* What a path knows of a local variable or a call's result: whether the
 * call it came from succeeded, and what kind of value that call returns. */
typedef struct {
	const char *var; /* normalised name, or "#N" for call N of the file */
	uint8_t outcome; /* ModelOutcome */
	uint8_t ret;     /* SpecReturn of the producing call */
} Binding;

/* One path in flight: the model's state and the bindings of the current
 * function's locals. */
typedef struct {
	Model *m;
	Binding *b;
	uint32_t nb;
} PState;

typedef VEC(PState) PStates;

/* A function being replayed: which, and how its parameters map to the
 * caller's argument texts. */
typedef struct {
	const FileFacts *ff;
	const Func *fn;
	const char *const *args; /* normalised, one per parameter, NULL entries unknown */
	uint32_t nargs;
	int depth;
} Frame;

/* A function's outcomes for one input state: its summary. */
typedef struct {
	Model *m;
	uint8_t outcome;
} Out;

typedef VEC(Out) Outs;

typedef struct CacheEntry CacheEntry;

/* One driver's replay. */
typedef struct {
	const AnalyzeConfig *cfg;
	const Driver *drv;
	FileFacts *files;
	size_t nfiles;
	Arena *arena;
	FindingVec *out;
	DriverReport *rep;
	StrSet reported; /* dedupe keys of findings */
	VEC(CacheEntry *) cache;
} Walk;

/* paths.c */
void explore(Walk *w, const Frame *fr, const Model *in, Outs *outs);
void drain(Walk *w, PState st, int depth, PStates *out);
const Func *resolve_function(const Walk *w, const FileFacts *from, const char *name,
			     const FileFacts **where);
void pstate_free(PState *s);
void outs_free(Outs *o);
void walk_cache_free(Walk *w);

/* values.c: text normalisation and branch decisions */
const char *normalise(Arena *a, const Frame *fr, const char *text);
/* Which edges of branch N a path with bindings B can take: bit 0 the
 * true edge, bit 1 the false edge. */
int branch_edges(const FileFacts *ff, const CfgNode *n, const PState *s);
/* The outcome a returned or assigned value stands for on this path. */
ModelOutcome value_outcome(const FileFacts *ff, Value v, const PState *s, uint8_t *ret);
void bind(PState *s, const char *var, ModelOutcome o, uint8_t ret);
const Binding *binding_of(const PState *s, const char *var);
unsigned long bindings_hash(const PState *s);

#endif
