/*
 * internal.h — what the files of analyze/ share: the symbolic engine's
 * values, path states and the per-driver run.
 *
 * A path state is the kernel model's state plus what the path knows of the
 * driver's memory: an abstract heap of objects and their fields, the facts
 * its conditions established about symbolic values, the locals of the
 * function being executed, and the decisions that led here.  Objects and
 * symbols are named by keys hashed from where they come from (value.c), so
 * the same allocation on two paths is the same object and equal states
 * merge.
 */
#ifndef ANALYZE_INTERNAL_H
#define ANALYZE_INTERNAL_H

#include "analyze/analyze.h"
#include "util/keymap.h"
#include "util/strset.h"

typedef uint64_t Key;

/* ---- values (value.c) ---- */

typedef enum {
	V_INT,   /* a known integer (NULL is 0) */
	V_SYM,   /* a symbolic value: KEY, what the path knows of it is in its Facts */
	V_OBJ,   /* a pointer to the object KEY */
	V_NAMED, /* a constant the engine cannot fold: an enumerator, a macro (NAME) */
	V_FUNC,  /* a pointer to the function NAME */
	V_STR,   /* a string literal */
	V_BITS,  /* symbol KEY & mask NAME: true when those bits are set */
	V_ISERR, /* IS_ERR(symbol KEY); FLAG: IS_ERR_OR_NULL */
} ValKind;

typedef struct {
	uint8_t kind;
	uint8_t flag;
	Key key;
	int64_t n;
	const char *name; /* interned */
} Val;

/* What a path knows of one symbol: a range, values it is not, the named
 * constant it equals or does not, masks known set or clear, and which
 * kinds of pointer it may be. */
enum { P_NULL = 1, P_VALID = 2, P_ERR = 4, P_ANY = 7,
       P_FAILED = 8 /* a failed call's result: whatever test the code applies finds it failed */ };
enum { FACT_NE = 2, FACT_BITS = 4 };

typedef struct {
	Key key;
	int64_t lo, hi;
	int64_t ne[FACT_NE];
	const char *eq;           /* equals this named constant */
	const char *nen;          /* differs from this one */
	const char *rel;          /* the symbol minus this named constant... */
	int8_t rlo, rhi;          /* ...lies in [rlo, rhi] of -2 (below -1), -1, 0, 1, 2 (above 1) */
	const char *bits[FACT_BITS];
	uint8_t bitset;           /* bit i: bits[i] is set (else clear) */
	uint8_t nbits, nne;
	uint8_t closed;           /* every bit not in bits[] is clear (zeroed memory) */
	uint8_t pclass;           /* P_* */
} Facts;

/* ---- the heap and the path state (state.c) ---- */

/* One field of one object and its value. */
typedef struct {
	Key obj;
	const char *field; /* interned */
	Val v;
} Slot;

enum { HEAP_EDITING = 6 };

/* The heap of a path: slots and facts, sorted, shared between the paths
 * that forked from one another until one of them writes (copy on write). */
typedef struct {
	int refs;
	Slot *slots;
	uint32_t nslots, capslots;
	Facts *facts;
	uint32_t nfacts, capfacts;
	uint64_t slots_hash;  /* the sum of the slots' hashes, kept as they change */
	/* The sum of the facts' hashes, while facts_ok, but for the facts
	 * handed out for editing since (facts_edit): those are added back when
	 * the hash is next asked for, so an edit costs one fact's hash, not
	 * the heap's. */
	uint64_t facts_hash;
	Key editing[HEAP_EDITING];
	uint8_t nediting;
	bool facts_ok;
} Heap;

/* A local of the function being executed that lives outside the heap
 * (its address is never taken): by its index in the function's names. */
typedef struct {
	uint16_t idx;
	Val v;
} Local;

/* A loop of the current function and how often this path went round it. */
typedef struct {
	int32_t node;
	uint16_t count;
	uint64_t model_at_round; /* the model's hash when the last round began */
} LoopCount;

/* A decision of the path, for its evidence: an immutable list, newest
 * first, shared by the paths that forked after it. */
typedef struct Trail {
	const struct Trail *prev;
	const char *file;
	Pos pos;
	const char *function;
	const char *text;
	uint8_t depth; /* 1: taken in the entry point, 2: in a function it calls, ... */
} Trail;

/* Something the path assumed that the engine cannot check: a call through
 * a pointer it could not resolve, a driver function it did not follow.
 * A warning on such a path is latent. */
typedef struct Assumption {
	const struct Assumption *prev;
	const char *text;
} Assumption;

typedef struct {
	Model *m;
	Heap *h;
	Local *loc;
	uint16_t nloc, caploc;
	LoopCount *loops;
	uint16_t nloops, caploops;
	const Trail *trail;
	const Assumption *assumed;
} PState;

typedef VEC(PState) PStates;
typedef VEC(Val) Vals;

/* ---- functions, runs, summaries ---- */

/* What the engine derives once from a function's facts (func.c). */
typedef struct {
	const FileFacts *ff;
	const Func *fn;
	const char **names;   /* params then locals, interned */
	uint32_t nnames;
	StrSet index;         /* name -> its index + 1 */
	bool *resident;       /* per name: it lives in the heap (&x, x.f, x[i] are used) */
	bool *array;          /* per name: an array (its value is its address), declared so
				 wherever the body declares the name */
	uint32_t words;       /* 64-bit words of a liveness set */
	uint64_t *live;       /* per node: the names live at its entry */
	uint8_t *joins;       /* per node: more than one predecessor */
	const char **text;    /* per expression: its identifier or field, interned */
	int32_t *local;       /* per expression: EX_NAME of a local: its index; else -1 */
	uint8_t *mayfork;     /* per expression: a call or a short-circuit is under it */
	StrSet tested;        /* lvalue texts its conditions and returns read */
	int reaches;          /* 0 unknown, 1 reaches the model, 2 does not */
} FuncInfo;

/* A function being executed: which, from where, and the context that
 * makes its allocations distinct from another activation's. */
typedef struct {
	const FuncInfo *fi;
	const FileFacts *ff;
	const Func *fn;
	Key ctx;    /* the activation: hashed from the caller's and the call site */
	Key frame;  /* the object its heap-resident locals are fields of */
	int depth;
} Frame;

/* One outcome of a function: the state at a return, and what it returned. */
typedef struct {
	PState st;
	Val ret;
	uint64_t hash; /* of the state's model and heap, and of RET */
} Out;

typedef VEC(Out) Outs;

/* What a replay read of the heap (footprint.c). */
typedef enum { READ_SLOT, READ_OBJECT, READ_FACT, READ_ALL } ReadKind;
typedef struct {
	Key obj;           /* READ_FACT: the fact's key */
	const char *field; /* READ_SLOT */
	uint8_t kind;
} Read;
typedef VEC(Read) Reads;
enum { READ_RECENT = 1024 };
typedef struct {
	Reads reads;          /* of the replays running, outermost first */
	VEC(size_t) marks;    /* where each running replay's reads begin */
	size_t whole;         /* marks open when a replay read the whole heap, 0: none did */
	size_t compact_at;
	uint32_t *seen;       /* compaction's hash set: a kept read's index + 1, 0: empty */
	size_t seen_room;
	uint32_t recent[READ_RECENT]; /* by a read's hash: where it was logged, + 1 */
} ReadLog;

typedef struct CacheEntry CacheEntry;

/* What a name key stands for (names.c): its display name, and for an
 * object, how it was made. */
typedef enum { K_SYM, K_OBJ, K_SUB, K_CONTAINER, K_FRAME } KeyKind;

typedef struct {
	Key key;
	uint8_t kind;
	bool zeroed;       /* an object of zeroed memory: its fields start at 0 */
	bool pure;         /* a symbol any path can make again (pure call, initial value) */
	Key parent;        /* K_SUB, K_CONTAINER: the object it is a field of / holds;
			      an initial value: the object of its slot */
	const char *field; /* K_SUB, K_CONTAINER: the member; an initial value: the field */
	Key ctx;           /* the activation that made it (0: none in particular) */
	const char *name;  /* unique within the run: what the model compares */
	const char *api;   /* a symbol an API call returned: the API */
	Key base;          /* a symbol BASE + OFFSET (`irq - 1`): BASE, else 0 */
	int64_t offset;
	const char *opaque; /* what a function the engine cannot see into
			       returned when handed an object the path knows:
			       that function (it may be one of those objects) */
} KeyInfo;

/* What the drivers of one directory share: their functions, interned
 * strings, what each function is. */
struct DirAnalysis {
	const AnalyzeConfig *cfg;
	FileFacts *files;
	size_t nfiles;
	Arena *arena;       /* the findings' strings */
	StrSet strings;     /* interned names and texts */
	KeyMap funcs;       /* Func* -> FuncInfo */
	StrSet externs;     /* non-static function name -> FuncRef, over the directory */
	StrSet *statics;    /* per file: function name -> FuncRef */
	StrSet inlines;     /* static functions of the directory's headers -> FuncRef */
	StrSet unparsed;    /* functions the directory defines that reach no API */
	const Constants *constants; /* the numbers its files #define */
	Arena scratch;      /* per driver: trails, names */
	VEC(CacheEntry *) *cache; /* summaries of the current driver, CACHE_BUCKETS buckets */
	size_t cached_states;     /* their input and output states */
};

enum { CACHE_BUCKETS = 1024, CACHED_STATES = 8000 };

typedef struct {
	const FileFacts *ff;
	const Func *fn;
} FuncRef;

/* One driver's replay. */
typedef struct {
	DirAnalysis *da;
	const AnalyzeConfig *cfg;
	const Driver *drv;
	FindingVec *out;
	size_t first;               /* this driver's first finding in OUT */
	DriverReport *rep;
	StrSet reported;            /* dedupe key of a finding -> its index in OUT after FIRST, + 1 */
	VEC(CacheEntry *) computing; /* summaries being computed: they record findings */
	ReadLog reads;              /* ...and what they read of the heap (footprint.c) */
	const PState *cur;          /* the path whose model event is being replayed */
	const char *exit;           /* how that path leaves the driver (Finding.exit) */
	ModelObserver observer;
	KeyMap keys;                /* Key -> KeyInfo */
	KeyMap parents;             /* activation -> the activation that made it */
	StrSet names;               /* display name -> Key (boxed), for uniqueness and callbacks */
	StrSet suffixes;            /* display hint -> the first suffix not tried for it */
	Key device;                 /* the bound device */
	KeyMap handlers;            /* Call * of the IRQ requests whose handler was replayed */
	bool alone;                 /* a function replayed on its own (local.c): only the
				       rules data/rules marks `alone` report */
	/* Evaluation context: an API call forks into success and failure only
	 * when its result is tested (a branch's or return's expression, not
	 * an argument of another call) or assigned to something tested. */
	bool testing;
	int in_args;
	int32_t hint_expr;          /* the call expression assigned to... */
	const char *hint;           /* ...this lvalue (its name for the result) */
	bool hint_used;             /* ...which the function tests */
	const KeyInfo *decided_by;  /* the API result the last condition tested, if any */
	bool decided_flag;          /* the last condition tested a flag */
	bool loaded_field;          /* ...or read a field of driver memory */
	/* The trails and assumptions of the callers of the function executing
	 * now, outermost first: the path a finding prints is theirs and its own. */
	const Trail *outer[64];
	const Assumption *outer_assumed[64];
	int nouter;
} Run;

/* ---- value.c: values and the decision procedure ---- */

Val val_int(int64_t n);
Val val_sym(Key k);
Val val_obj(Key k);
bool val_equal(const Val *a, const Val *b);
uint64_t val_hash(const Val *v);
Facts facts_default(Key k);
bool facts_is_default(const Facts *f);
bool facts_equal(const Facts *a, const Facts *b);
uint64_t facts_hash(const Facts *f);

/* The truth of V on S: 1 true, 0 false, -1 both possible. */
int val_truth(Run *r, const PState *s, const Val *v);
/* Make V's truth TRUTH on S; false if that contradicts what S knows. */
bool val_assume(Run *r, PState *s, const Val *v, bool truth);
/* Compare A OP B (OP_EQ ... OP_GE): 1, 0, or -1 when both are possible. */
int val_compare(Run *r, const PState *s, ExprOp op, const Val *a, const Val *b);
bool val_assume_compare(Run *r, PState *s, ExprOp op, const Val *a, const Val *b, bool truth);
/* The interval V lies in on S. */
void val_range(const PState *s, const Val *v, int64_t *lo, int64_t *hi);
/* Narrow symbol K to [LO, HI] (an API's documented results). */
bool sym_assume_range(PState *s, Key k, int64_t lo, int64_t hi);
bool sym_assume_pclass(PState *s, Key k, uint8_t pclass);
/* K was gone through (`k->f`): it is a valid pointer from here on. */
void sym_assume_deref(PState *s, Key k);
/* What two paths' values VA (on A) and VB (on B) are both known to be: the
 * interval covering both, and non-zero when both are. */
typedef struct {
	int64_t lo, hi;
	bool nonzero;
} Hull;
Hull val_hull(Run *r, const PState *a, const Val *va, const PState *b, const Val *vb);
/* Make symbol K on S what HULL says; false if that contradicts S. */
bool sym_assume_hull(Run *r, PState *s, Key k, const Hull *hull);
/* Symbol K OP the named constant NAME (an API's documented bound). */
bool sym_assume_relation(PState *s, Key k, const char *name, ExprOp op);
/* A value with the mask set or cleared, and the bits known of it. */
Val val_with_bits(Run *r, PState *s, const Val *v, const char *mask, bool set);

/* ---- state.c: path states and heaps ---- */

/* The heap without a path: what footprint.c compares and exec.c rebases. */
bool heap_equal(const Heap *a, const Heap *b);
const Slot *heap_slot(const Heap *h, Key obj, const char *field);
const Facts *heap_fact(const Heap *h, Key k);
bool heap_same_object(const Heap *a, const Heap *b, Key obj); /* every slot of OBJ */
/* CUR with what a replay changed from BASE to OUT: where BASE and OUT
 * agree, CUR's slot or fact; where they differ, OUT's (a reference). */
Heap *heap_rebase(Heap *cur, Heap *base, Heap *out);
void heap_unref(Heap *h);

PState pstate_new(Model *m);
PState pstate_clone(const PState *s);
void pstate_free(PState *s);
uint64_t pstate_hash(const PState *s);      /* model, heap and locals */
uint64_t pstate_global_hash(const PState *s); /* model and heap */
bool pstate_global_equal(const PState *a, const PState *b);
const Val *local_get(const PState *s, uint16_t idx);
void local_set(PState *s, uint16_t idx, Val v);
/* Drop the locals that are dead at NODE of FI. */
void locals_keep(PState *s, const FuncInfo *fi, int32_t node);
const Val *slot_get(const PState *s, Key obj, const char *field);
void slot_set(PState *s, Key obj, const char *field, Val v);
/* Was another element of array OBJ written at an index that may be FIELD's
 * (`[i]` or `[MACRO]` against `[0]`)?  Then an unwritten FIELD is not
 * known to hold its initial value. */
bool element_may_alias(const PState *s, Key obj, const char *field);
void slots_drop_frame(Run *r, PState *s, Key frame);
void slots_forget_local(Run *r, PState *s, Key addr, Key site);
const Facts *facts_get(const PState *s, Key k);
Facts *facts_edit(PState *s, Key k);
/* Forget what nothing on the path holds any more: the facts of symbols no
 * slot or local holds, and the model's unmanaged resources whose object
 * no pointer reaches.  With CTX 0 (an entry point's frame, whose locals
 * are all the path has) any such thing, else only what activation CTX or
 * one it made created (a returning callee's): its callers' locals cannot
 * hold that.  EXTRA is one more value that holds (a return value). */
void state_collect(Run *r, PState *s, Key ctx, const Val *extra);
LoopCount *loop_count(PState *s, int32_t node);
uint16_t loop_rounds(const PState *s, int32_t node); /* rounds of the loop at NODE so far */
/* A state that knows what A and B (equal models) agree on: slots and
 * locals that differ become symbols of the join point SITE, facts are
 * widened to cover both.  The trail and loops are B's, and so is the
 * model: it moves to the join (B is left without one, to be freed). */
PState pstate_join(Run *r, const PState *a, PState *b, Key site);
/* The same heap, locals and model (evidence aside). */
bool pstate_same(const PState *a, const PState *b);

/* ---- footprint.c: what a replay read of the heap ---- */

void footprint_log(ReadLog *log);    /* the replay's log, NULL: none */
void footprint_note(ReadKind kind, Key obj, const char *field);
void footprint_begin(void);          /* a function's replay starts... */
void footprint_end(Reads *into);     /* ...and ends: what it read, once each */
void footprint_replay(const Reads *fp); /* a summary used: its reads are the caller's */
/* Does CUR hold what BASE held everywhere the footprint FP read? */
bool footprint_matches(const Reads *fp, const Heap *base, const Heap *cur);

/* ---- names.c: keys, objects, display names ---- */

Key key_of(Key a, const void *p, uint64_t n);
/* The symbol or object KEY, registered with a display name from HINT. */
const KeyInfo *key_register(Run *r, Key k, KeyKind kind, const char *hint, const char *api);
const KeyInfo *key_info(const Run *r, Key k);
/* The object that is field FIELD of object OBJ (`&obj->field`), and the
 * object that holds OBJ as FIELD (container_of). */
Key obj_sub(Run *r, Key obj, const char *field);
Key obj_container(Run *r, Key obj, const char *field);
/* The object a pointer value points at (a symbol's pointee for an unknown one). */
Key obj_of(Run *r, const Val *v);
/* The initial value of a slot never written on this path. */
Val slot_initial(Run *r, Key obj, const char *field);
/* V as the model names it, and back (devm action data handed out). */
const char *val_name(Run *r, const PState *s, const Val *v);
Val val_from_name(Run *r, const char *name);
const char *name_intern(DirAnalysis *da, const char *s);

/* ---- func.c: per-function facts ---- */

const FuncInfo *func_info(DirAnalysis *da, const FileFacts *ff, const Func *fn);
const Func *resolve_function(DirAnalysis *da, const FileFacts *from, const char *name,
			     const FileFacts **where);
/* Does the directory define NAME, unparsed since it reaches no API?
 * 0 no, 1 yes, 2 yes and it returns only 0. */
int function_unparsed(DirAnalysis *da, const char *name);
/* Does FN, within DEPTH levels of driver functions, call an API the spec knows? */
bool func_reaches_model(DirAnalysis *da, const FuncInfo *fi, int depth);
/* Can a call of FI's function written in [FROM, TO) change the device's
 * IRQs, vectors, enable state or devres list: such an API, or a function
 * of the directory that calls an API? */
bool span_may_act(DirAnalysis *da, const FuncInfo *fi, Pos from, Pos to, int depth);
/* The text an lvalue expression is tested by (`priv->irq`), or NULL. */
const char *lvalue_text(DirAnalysis *da, const FileFacts *ff, int32_t e);

/* ---- eval.c: expressions and calls ---- */

/* Evaluate expression E of FR on every state of IN (emptied), calls
 * included; the resulting states, each with the value E has there, go to
 * OUT and VALS (if not NULL). */
void eval_expr(Run *r, const Frame *fr, int32_t e, PStates *in, PStates *out, Vals *vals);
/* The states of ST where the condition atom E holds (YES) and where it does
 * not (NO): comparisons, truth tests, bit tests, IS_ERR. */
void eval_branch(Run *r, const Frame *fr, int32_t e, PState st, PStates *yes, PStates *no);
/* Store V in the lvalue E (an iterator's cursor). */
void eval_store(Run *r, const Frame *fr, int32_t e, Val v, PState *s);

/* ---- exec.c: functions ---- */

/* Replay FR's function from ST (consumed) with ARGS bound to its
 * parameters; its outcomes go to OUTS (states continuing the caller's
 * path, locals restored). */
void exec_function(Run *r, const Frame *caller, const FileFacts *ff, const Func *fn, const Val *args,
		   uint32_t nargs, Key site, PState st, Outs *outs);
/* Begin R, the replay of driver D from its callback ENTRY, its findings
 * going to OUT and its bounds to REP: the state before ENTRY runs.  End
 * it with run_end, which applies the rules' scope to the findings
 * (driver.c). */
PState run_begin(Run *r, DirAnalysis *da, const Driver *d, const Func *entry, FindingVec *out, DriverReport *rep);
void run_end(Run *r);
/* The arguments ENTRY gets: the bound device first, unless R replays a
 * function alone; the others symbols. */
uint32_t entry_args(Run *r, const Func *entry, Val *args, uint32_t max);
/* Run the driver callbacks the model hands out now (devm actions). */
void exec_callbacks(Run *r, const Frame *fr, PState st, PStates *out);
/* Replay the hard handler of the IRQ request C (API E, ARGS) that just
 * succeeded on ST, in IRQ context, on a copy of ST that ends there. */
void exec_handler(Run *r, const Frame *fr, const SpecEntry *e, const Call *c, const Val *args, uint32_t nargs,
		  const PState *st);
/* Add a step to S's trail, at the current call depth; the step, whose
 * depth a caller may lower so that it shows at any depth. */
Trail *trail_add(Run *r, PState *s, const FileFacts *ff, Pos pos, const char *function, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Drop the driver's summaries (a new driver begins). */
void summaries_forget(DirAnalysis *da);
void assume(Run *r, PState *s, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool over_budget(Run *r);

/* A finding raised now, on a path whose trail and assumptions since the
 * entry of the function executing now are REL_*: report it for this driver
 * and record it in the summaries being computed, so a later cache hit
 * reports it again. */
void raise_finding(Run *r, const Finding *f, const Trail *rel_trail, const Assumption *rel_assumed);

/* ---- driver.c ---- */

/* Report F for this driver, with the whole path's TRAIL and ASSUMED. */
void report_finding(Run *r, const Finding *f, const Trail *trail, const Assumption *assumed);

/* The engine hands call C to the model (coverage.c): the scan's summary counts it replayed. */
void coverage_mark(const Call *c, bool alone);

#endif
