/*
 * trace.h: the text trace format of `teardown model` (syntax in trace.c).
 */
#ifndef TEARDOWN_MODEL_TRACE_H
#define TEARDOWN_MODEL_TRACE_H

#include <stdio.h>

#include "model/model.h"

typedef enum {
	TL_CALL, TL_BUS, TL_MSI_DOMAIN, TL_PROBE, TL_PROBE_FAILS, TL_REMOVE, TL_UNBIND,
	TL_HANDLER_BEGIN, TL_HANDLER_END, TL_CALLBACK, TL_END
} TraceKind;

typedef struct TraceLine {
	TraceKind kind;
	int line;
	char *name;       /* call name, bus name, domain kind, callback name */
	VEC(char *) args;
	char *result;     /* text after "=" or "->", or NULL */
	int end;          /* TL_CALLBACK: index of its TL_END */
} TraceLine;

typedef struct Trace {
	char *path;
	VEC(TraceLine) lines;
} Trace;

/* NULL with "file:line: message" in err on a syntax error. */
Trace *trace_load(const char *path, char *err, int errlen);
void trace_free(Trace *t);

/* Replay under the model; prints transitions and findings to out. Returns -1 on an error. */
int trace_replay(const Trace *t, Model *m, FILE *out, char *err, int errlen);

#endif
