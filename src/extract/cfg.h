/* cfg.h — a function's expressions (expr.c) and control-flow graph (cfg.c). */
#ifndef CFG_H
#define CFG_H

#include <tree_sitter/api.h>

#include "extract/extract.h"

/* The graphs and expressions of one file, growing as functions are added. */
typedef struct {
	VEC(CfgNode) nodes;
	VEC(Expr) exprs;
} CfgBuf;

/* What building one function's expressions needs. */
typedef struct {
	CfgBuf *buf;
	FileFacts *f;
	const char *src;
	const Conventions *conv;
	int depth;
} ExprBuild;

/* The expression tree of N (parentheses and casts dropped); its index in
 * BUF->exprs.  The calls under it get their argument expressions. */
int32_t expr_of(ExprBuild *eb, TSNode n);
/* A node of our own (the engine's `switch` tests): its index. */
int32_t expr_add(ExprBuild *eb, Expr e);
/* N without the parentheses and casts around it. */
TSNode expr_strip(TSNode n);
/* N's source text, whitespace runs collapsed, at most MAX bytes. */
const char *expr_text(ExprBuild *eb, TSNode n, size_t max);

/* Build FN's graph from its BODY into BUF and set FN's cfg_*, expr_* and
 * locals.  The file's calls must be extracted already (they are found by
 * position). */
void cfg_build(CfgBuf *buf, FileFacts *f, const char *src, const Conventions *conv, Func *fn,
	       TSNode body);

#endif
