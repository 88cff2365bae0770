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
#include <string.h>

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

static inline bool pos_before(Pos a, Pos b)
{
	return a.line < b.line || (a.line == b.line && a.col < b.col);
}

/* ---- facts (extract) ---- */

/* An expression, as the analyzer evaluates it: a small tree of plain
 * structs (no tree-sitter types), operands by index into FileFacts.exprs.
 * Parentheses and casts are dropped; what the engine cannot evaluate
 * (sizeof, compound literals, statement expressions) is EX_UNKNOWN, a fresh
 * value.  Calls are EX_CALL nodes that point at their Call, whose argx
 * holds the argument expressions. */
typedef enum {
	EX_UNKNOWN,
	EX_NUM,    /* num */
	EX_STR,    /* a string or character literal: text */
	EX_NAME,   /* an identifier: text */
	EX_MEMBER, /* a->text (arrow) or a.text */
	EX_INDEX,  /* a[b] */
	EX_CALL,   /* call (FileFacts.calls); a: the callee expression */
	EX_UNARY,  /* op a: OP_NOT, OP_NEG, OP_BITNOT */
	EX_ADDR,   /* &a */
	EX_DEREF,  /* *a */
	EX_BINARY, /* a op b */
	EX_ASSIGN, /* a = b (op OP_NONE), or a op= b */
	EX_INCDEC, /* op a: OP_PREINC, OP_PREDEC, OP_POSTINC, OP_POSTDEC */
	EX_COND,   /* a ? b : c */
	EX_COMMA,  /* a, b */
} ExprKind;

typedef enum {
	OP_NONE,
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_SHL, OP_SHR, OP_AND, OP_OR, OP_XOR,
	OP_LAND, OP_LOR, OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_NOT, OP_NEG, OP_BITNOT,
	OP_PREINC, OP_PREDEC, OP_POSTINC, OP_POSTDEC,
} ExprOp;

typedef struct {
	uint8_t kind;     /* ExprKind */
	uint8_t op;       /* ExprOp */
	uint8_t arrow;    /* EX_MEMBER: `->` rather than `.` */
	int32_t a, b, c;  /* operands, -1 where absent */
	int32_t call;     /* EX_CALL: index into FileFacts.calls */
	int64_t num;      /* EX_NUM */
	const char *text; /* EX_NAME, EX_MEMBER (the field), EX_STR */
} Expr;

typedef enum { CFG_ENTRY, CFG_STMT, CFG_BRANCH, CFG_RETURN, CFG_LOOP } CfgKind;

/* A node of a function's control-flow graph.  A statement evaluates EXPR;
 * a branch tests the condition EXPR, one atom of it: `&&`, `||` and `!`
 * are lowered into chains of branches, and a switch into a chain of
 * `subject == label` tests, so every atom the engine decides is a node of
 * its own.  A return returns EXPR (-1: nothing, or falling off the end).
 * A loop node heads each loop: NEXT enters the body (or its condition),
 * OTHER leaves the loop, and the loop's back edges come back to it, so the
 * engine decides how often to go round.  An iterator macro
 * (`list_for_each_entry(pos, head, member)`) is a loop node with EXPR its
 * cursor and EXPR2 the collection it walks. */
typedef struct {
	uint8_t kind;      /* CfgKind */
	uint8_t iterator;  /* LOOP: of an iterator macro */
	int32_t next;      /* successor; BRANCH: when the atom holds; LOOP: into the body */
	int32_t other;     /* BRANCH: when it does not; LOOP: out of the loop */
	int32_t expr;      /* see above; -1 none */
	int32_t expr2;     /* LOOP of an iterator macro: the collection */
	const char *text;  /* BRANCH: the atom as written (whitespace collapsed) */
	Pos pos;
} CfgNode;

/* What a function definition's declaration says it returns. */
typedef enum { RETURNS_VALUE, RETURNS_VOID, RETURNS_POINTER } FuncReturns;

/* A function definition. */
typedef struct {
	const char *name;
	bool is_static;
	uint8_t returns;     /* FuncReturns */
	const char **params; /* parameter names ("" where unnamed) */
	uint32_t nparams;
	Pos start, end;            /* its name, and the end of its body */
	uint32_t body_start, body_end; /* byte range of the body braces */
	uint32_t first_call, ncalls;   /* its calls: FileFacts.calls[first_call..] */
	uint32_t cfg_first, cfg_count; /* its graph: FileFacts.cfg[cfg_first..]; entry first */
	uint32_t expr_first, expr_count; /* its expressions: FileFacts.exprs[expr_first..] */
	const char **locals;           /* the names its body declares */
	const bool *local_arrays;      /* per local: declared as an array */
	uint32_t nlocals;
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
	int32_t *argx;   /* the arguments as expressions (FileFacts.exprs), once the
			    enclosing function's graph is built; NULL before */
	bool replayed;   /* the engine handed it to the model on some path of a driver (analyze/coverage.c) */
	bool replayed_alone; /* ... or only where its function was replayed on its own (analyze/local.c) */
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
	Expr *exprs;
	uint32_t nexprs;
	/* Functions the file defines that were left unparsed because they
	 * reach no API (parse/select.c): calls to them change nothing the
	 * model tracks.  UNPARSED_ZERO: each of its `return`s is `return 0;`,
	 * so a caller's test of its result is decided. */
	const char **unparsed;
	bool *unparsed_zero;
	uint32_t nunparsed;
	Arena arena;
} FileFacts;

/* Is FF a header: its static functions are compiled into every file that
 * includes it. */
static inline bool facts_of_header(const FileFacts *ff)
{
	size_t n = strlen(ff->rel);
	return n > 2 && !strcmp(ff->rel + n - 2, ".h");
}

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

/* What --version, JSON and SARIF say this is (cli/version.c, from the Makefile). */
extern const char teardown_version[];

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
	const char *function; /* the function holding the line to change, NULL at file scope */
	const char *message;
	Step *steps;
	uint32_t nsteps;
	const char *latent; /* a warning that needs what the engine assumed: why (NULL: manifest) */
	const char *cut;    /* the driver's analysis was cut short: the bound (NULL: complete) */
	const char *exit;   /* how its path leaves the driver: "probe failure" or "unbind" (NULL: probe) */
	const char *shared; /* the other drivers with the same finding, ", "-separated (NULL: none) */
} Finding;

#endif
