/* cfg.h — building a function's control-flow graph (see cfg.c). */
#ifndef CFG_H
#define CFG_H

#include <tree_sitter/api.h>

#include "extract/extract.h"

/* The graphs of one file, growing as functions are added. */
typedef struct {
	VEC(CfgNode) nodes;
	VEC(uint32_t) calls;
} CfgBuf;

/* Build FN's graph from its BODY into BUF and set FN's cfg_* fields.  The
 * file's calls must be extracted already (they are found by position). */
void cfg_build(CfgBuf *buf, FileFacts *f, const char *src, const Conventions *conv, Func *fn,
	       TSNode body);

#endif
