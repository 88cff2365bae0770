/*
 * teardown.h — the types every layer of the pipeline shares.
 *
 * teardown is a pipeline: walk → parse → extract → analyze (model) → report.
 * Each stage has its own header for its functions; the *data* that flows
 * between stages lives here, so a reader can see in one place what a stage
 * receives and what it hands on.
 *
 * Facts are plain C: strings are owned copies, positions are line/column
 * pairs, and nothing here refers to tree-sitter.  That keeps analysis and
 * reporting independent of the parser, and lets a later cache serialise facts
 * without touching the syntax tree.
 *
 * Memory: every fact of one file is allocated from that file's arena and
 * freed at once with it.  A worker extracts a directory, joins its drivers,
 * analyses them and drops the arena: peak memory follows the largest
 * directory, not the tree.
 */
#ifndef TEARDOWN_H
#define TEARDOWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* ---- util/mem.c: allocation that never returns NULL, and arenas ---- */

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

typedef struct ArenaBlock ArenaBlock;
typedef struct {
	ArenaBlock *head;
	size_t bytes; /* total reserved, for the memory figure in the summary */
} Arena;

void *arena_alloc(Arena *a, size_t n);
char *arena_strndup(Arena *a, const char *s, size_t n);
void arena_free(Arena *a);

/* A growable array: VEC(T) v = {0}; VEC_PUSH(&v, x); v.v[i], v.n. */
#define VEC(T) struct { T *v; size_t n, cap; }
#define VEC_PUSH(vp, x)                                                        \
	do {                                                                       \
		if ((vp)->n == (vp)->cap) {                                            \
			(vp)->cap = (vp)->cap ? 2 * (vp)->cap : 8;                         \
			(vp)->v = xrealloc((vp)->v, (vp)->cap * sizeof *(vp)->v);          \
		}                                                                      \
		(vp)->v[(vp)->n++] = (x);                                              \
	} while (0)
#define VEC_FREE(vp) (free((vp)->v), (vp)->v = NULL, (vp)->n = (vp)->cap = 0)

/* ---- positions ---- */

typedef struct {
	uint32_t line; /* 1-based */
	uint32_t col;  /* 1-based, in bytes */
} Pos;

/* ---- facts (extract) ---- */

/* What a branch tests, in terms the analyzer can match to a call's result:
 * `if (ret < 0)` tests NEG of the variable ret; `if (IS_ERR(p = f()))`
 * tests ISERR of the call f.  Only the first operand of && and || is
 * read, so such a test forces one edge but never excludes the other. */
typedef enum {
	TEST_NONE, /* not understood: both edges possible */
	TEST_NONZERO, TEST_ZERO, TEST_NEG, TEST_NONNEG, TEST_POS, TEST_NONPOS,
	TEST_ISERR, TEST_NOT_ISERR,
} TestKind;

typedef enum { COND_SIMPLE, COND_OR, COND_AND } CondShape;

/* What a value is known to mean: a returned or assigned error code. */
typedef enum { VAL_UNKNOWN, VAL_SUCCESS, VAL_FAILURE, VAL_VAR, VAL_CALL } ValueKind;

typedef struct {
	uint8_t kind;      /* ValueKind */
	int32_t call;      /* VAL_CALL: index into FileFacts.calls */
	const char *var;   /* VAL_VAR: the variable whose value it is */
} Value;

typedef enum { CFG_ENTRY, CFG_STMT, CFG_BRANCH, CFG_RETURN } CfgKind;

/* A node of a function's control-flow graph: the calls one statement (or
 * one condition) evaluates, in evaluation order, and where control goes.
 * Loops are unrolled a bounded number of times, so the graph has no back
 * edges and every path through it is finite. */
typedef struct {
	uint8_t kind;      /* CfgKind */
	uint8_t test;      /* BRANCH: TestKind */
	uint8_t shape;     /* BRANCH: CondShape */
	int32_t next;      /* successor; BRANCH: when the condition holds; -1 none */
	int32_t other;     /* BRANCH: when it does not */
	uint32_t first_call, ncalls; /* FileFacts.cfg_calls[first_call..] */
	Value subject;     /* BRANCH: what is tested; RETURN: what is returned;
			      STMT: the value assigned to assign_var */
	const char *assign_var; /* STMT `var = value;` with no call on the right */
	Pos pos;
} CfgNode;

/* A function definition. */
typedef struct {
	const char *name;
	bool is_static;
	const char **params; /* parameter names ("" where unnamed) */
	uint32_t nparams;
	Pos start, end;            /* its name, and the end of its body */
	uint32_t body_start, body_end; /* byte range of the body braces */
	uint32_t first_call, ncalls;   /* its calls: FileFacts.calls[first_call..] */
	uint32_t cfg_first, cfg_count; /* its graph: FileFacts.cfg[cfg_first..]; entry first */
	bool cfg_partial;              /* too deep or too large: the graph is cut short */
} Func;

/* A call expression.  Arguments are the source text, whitespace-collapsed. */
typedef struct {
	const char *callee; /* "foo" for foo(...); the full text for p->op(...) */
	const char **args;
	uint32_t nargs;
	Pos pos;
	int32_t func; /* index of the enclosing Func, -1 at file scope */
	const char *lhs; /* `lhs = call(...)` or `type lhs = call(...)`, else NULL */
	uint32_t start_byte, end_byte;
} Call;

/* The driver buses teardown knows: rows of data/drivers.tbl. */
typedef struct Bus Bus;

/* One callback field of a driver struct: `.probe = foo_probe`. */
typedef struct {
	const char *field; /* "probe", "remove", "driver.pm", ... */
	const char *value; /* source text of the initializer */
	const char *ident; /* the function or object it names, NULL if none */
	Pos pos;
} DriverField;

/* An initializer of a driver struct: `struct pci_driver foo = { ... }`. */
typedef struct {
	const Bus *bus;
	const char *var;
	bool is_static;
	Pos pos;
	DriverField *fields;
	uint32_t nfields;
} DriverDef;

/* A registration: module_pci_driver(foo), pci_register_driver(&foo), ... */
typedef struct {
	const Bus *bus;
	const char *var; /* the driver struct it registers */
	const char *how; /* the macro or function used */
	Pos pos;
} Registration;

/* Everything extracted from one file. */
typedef struct {
	const char *path; /* as given on the command line + relative walk path */
	const char *rel;  /* relative to the scanned root: what reports print */
	size_t bytes;
	size_t error_bytes; /* bytes under ERROR/MISSING nodes */
	Func *funcs;
	uint32_t nfuncs;
	Call *calls;
	uint32_t ncalls;
	DriverDef *defs;
	uint32_t ndefs;
	Registration *regs;
	uint32_t nregs;
	CfgNode *cfg;
	uint32_t ncfg;
	uint32_t *cfg_calls; /* call indices, in evaluation order per node */
	uint32_t ncfg_calls;
	Arena arena;
} FileFacts;

/* A callback of a driver, resolved to its definition. */
typedef struct {
	const char *field;      /* "probe", "remove", ... */
	const char *name;       /* the function it names */
	const FileFacts *file;  /* where it is defined, NULL if not found */
	const Func *func;
	Pos pos;                /* the initializer field */
} Callback;

/* A driver: a registration joined with its struct and its callbacks. */
typedef struct {
	const Bus *bus;
	const char *name;          /* the struct variable */
	const FileFacts *file;     /* the file holding the struct initializer */
	const DriverDef *def;
	const Registration *reg;   /* NULL when the struct is never registered here */
	Callback *callbacks;
	uint32_t ncallbacks;
} Driver;

/* ---- findings (analyze → report) ---- */

typedef enum { SEV_NOTE, SEV_WARNING, SEV_ERROR } Severity;

/* The one spelling of each severity: scan, list and model print it, and
 * data/rules is written with it. */
static inline const char *severity_name(Severity s)
{
	return s == SEV_NOTE ? "note" : s == SEV_WARNING ? "warning" : "error";
}

typedef struct {
	const char *file; /* relative path */
	Pos pos;
	const char *function;
	const char *what;
} Step;

typedef struct {
	const char *rule;
	Severity severity;
	const char *driver;
	const char *driver_file; /* where the driver struct is */
	const char *file;
	Pos pos;
	const char *message;
	Step *steps;
	uint32_t nsteps;
} Finding;

#endif
