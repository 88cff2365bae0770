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

/* A function definition. */
typedef struct {
	const char *name;
	bool is_static;
	const char **params; /* parameter names ("" where unnamed) */
	uint32_t nparams;
	Pos start, end;            /* its name, and the end of its body */
	uint32_t body_start, body_end; /* byte range of the body braces */
	uint32_t first_call, ncalls;   /* its calls: FileFacts.calls[first_call..] */
} Func;

/* A call expression.  Arguments are the source text, whitespace-collapsed. */
typedef struct {
	const char *callee; /* "foo" for foo(...); the full text for p->op(...) */
	const char **args;
	uint32_t nargs;
	Pos pos;
	int32_t func; /* index of the enclosing Func, -1 at file scope */
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
	const char *file;
	Pos pos;
	const char *message;
	Step *steps;
	uint32_t nsteps;
} Finding;

#endif
