/* internal.h — what paths.c, values.c and driver.c share inside analyze/. */
#ifndef ANALYZE_INTERNAL_H
#define ANALYZE_INTERNAL_H

#include "analyze/analyze.h"
#include "util/strset.h"

/* What a path knows of a local variable or a call's result: whether the
 * call it came from succeeded, and what kind of value that call returns. */
typedef struct {
	const char *var; /* interned normalised name, or "#N" for call N of the file */
	uint8_t outcome; /* ModelOutcome */
	uint8_t ret;     /* SpecReturn of the producing call */
	const char *from; /* the producing call's callee, NULL for a literal */
} Binding;

/* The branches a path took because a call failed (its error path): an
 * immutable list, newest first, shared between paths that
 * forked after it.  Findings print it as the path that leads to them. */
typedef struct Trail {
	const struct Trail *prev;
	const FileFacts *ff;
	int32_t node;     /* the branch node */
	uint8_t edge;     /* 0 the true edge, 1 the false edge */
	uint8_t outcome;  /* of the call the branch tested */
	const char *what; /* the variable or call tested */
} Trail;

/* One path in flight: the model's state, the bindings of the current
 * function's locals, and the trail that led here. */
typedef struct {
	Model *m;
	Binding *b;
	uint32_t nb;
	const Trail *trail;
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
	const Trail *trail;
} Out;

typedef VEC(Out) Outs;

typedef struct CacheEntry CacheEntry;

/* What the drivers of one directory share: their functions, interned
 * strings, what each function reaches and tests; and the summaries of the
 * functions replayed so far for the current driver (driver.c says why they
 * are not shared). */
struct DirAnalysis {
	const AnalyzeConfig *cfg;
	FileFacts *files;
	size_t nfiles;
	Arena *arena;
	StrSet strings;  /* interned variable names and arguments */
	VEC(CacheEntry *) *cache; /* CACHE_BUCKETS buckets by key hash */
	StrSet reach;    /* "file:function" -> 1 reaches the model, 2 does not */
	StrSet tested;   /* "function|var" -> 1 the function tests var, 2 not */
	StrSet externs;  /* non-static function name -> FuncRef, over the directory */
	StrSet *statics; /* per file: function name -> FuncRef */
};

enum { CACHE_BUCKETS = 1024 };

/* Drop the summaries (a new driver begins). */
void dir_analysis_forget(DirAnalysis *da);

/* A function and the file that defines it. */
typedef struct {
	const FileFacts *ff;
	const Func *fn;
} FuncRef;

/* One driver's replay. */
typedef struct {
	DirAnalysis *da;
	const AnalyzeConfig *cfg;
	const Driver *drv;
	FileFacts *files;
	size_t nfiles;
	Arena *arena;
	FindingVec *out;
	DriverReport *rep;
	StrSet reported; /* dedupe keys of findings */
	VEC(CacheEntry *) computing; /* summaries being computed: they record findings */
	const Trail *trail; /* of the path whose event is being replayed */
	ModelObserver observer; /* this driver's: findings go to this walk */
} Walk;

/* paths.c */
void explore(Walk *w, const Frame *fr, const Model *in, Outs *outs);
void drain(Walk *w, PState st, int depth, PStates *out);
const Func *resolve_function(Walk *w, const FileFacts *from, const char *name,
			     const FileFacts **where);
void pstate_free(PState *s);
void outs_free(Outs *o);
/* A finding raised now: report it for this driver and record it in the
 * summaries being computed, so a later cache hit reports it again. */
void raise_finding(Walk *w, const Finding *f);

/* values.c: text normalisation and branch decisions */
enum { NORM_MAX = 256 };
void normalise(const Frame *fr, const char *text, char *out, size_t cap);
/* Forget the results of single calls ("#N"): they matter only to the node
 * that tests them, and keeping them would stop equal states merging. */
void unbind_calls(PState *s);
/* Which edges of branch N a path with bindings B can take: bit 0 the
 * true edge, bit 1 the false edge. */
int branch_edges(const FileFacts *ff, const CfgNode *n, const PState *s);
/* The binding a branch decides on, NULL if none. */
const Binding *branch_binding(const CfgNode *n, const PState *s);
/* The outcome a returned or assigned value stands for on this path. */
ModelOutcome value_outcome(const FileFacts *ff, Value v, const PState *s, uint8_t *ret);
void bind(PState *s, const char *var, ModelOutcome o, uint8_t ret, const char *from);
const Binding *binding_of(const PState *s, const char *var);
unsigned long bindings_hash(const PState *s);

#endif
