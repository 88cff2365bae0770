/*
 * trace.c: read and replay `teardown model` traces.
 *
 * A trace is one event a line; '#' starts a comment (so golden-test
 * directives live in the trace itself):
 *
 *   bus NAME                           which bus binds the device (before
 *                                      any other event; default generic;
 *                                      model_bus_by_name knows the names)
 *   msi-domain its|none                the MSI parent keeps per-device
 *                                      state from msi_prepare (GICv3 ITS)
 *   probe                              the bus probes; the driver's probe runs
 *   probe-fails                        the driver's probe returned an error
 *   remove                             the driver's remove() starts
 *   unbind                             remove() returned: bus remove
 *                                      sequence, then devres release
 *   handler-begin / handler-end        a hard IRQ handler runs in between
 *   NAME(ARG, ARG, ...)                an API call named in the spec
 *   NAME(...) = VALUE                  ... returning VALUE: a number, an
 *                                      errno (-ENOMEM), NULL, or ? (unknown)
 *   NAME(...) -> SYMBOL                ... whose return value is SYMBOL
 *   callback FN                        the body of driver function FN, up
 *     ...calls...                      to `end`; replayed whenever the
 *   end                                kernel calls FN (a devm action)
 *
 * A negative VALUE, NULL or ERR_PTR(...) means the call failed; anything
 * else means it succeeded.  Arguments are split at top-level commas and
 * kept as written ("&pdev->dev"), since the model compares symbols by text.
 */
#include "model/trace.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CALLBACK_DEPTH 16

static const struct { const char *word; TraceKind kind; bool operand; } keywords[] = {
	{ "bus", TL_BUS, true }, { "msi-domain", TL_MSI_DOMAIN, true }, { "probe", TL_PROBE, false },
	{ "probe-fails", TL_PROBE_FAILS, false }, { "remove", TL_REMOVE, false },
	{ "unbind", TL_UNBIND, false }, { "handler-begin", TL_HANDLER_BEGIN, false },
	{ "handler-end", TL_HANDLER_END, false }, { "callback", TL_CALLBACK, true },
	{ "end", TL_END, false },
};

static int fail(char *err, int errlen, const char *path, int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s:%d: ", path, line);
	va_start(ap, fmt);
	if (n >= 0 && n < errlen)
		vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

static bool is_identifier(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/* "name(a, f(b, c), d) = r": split the arguments at top-level commas. */
static int parse_call(TraceLine *tl, char *text, const char *path, char *err, int errlen)
{
	char *open = strchr(text, '(');
	if (!open)
		return fail(err, errlen, path, tl->line, "expected a call NAME(...) or a keyword, got '%s'", text);
	*open = 0;
	char *name = trim(text);
	if (!is_identifier(name))
		return fail(err, errlen, path, tl->line, "'%s' is not a function name", name);
	tl->name = xstrdup(name);
	char *p = open + 1, *start = p;
	int depth = 0;
	for (;; p++) {
		if (!*p)
			return fail(err, errlen, path, tl->line, "unbalanced parentheses");
		if (*p == '(' || *p == '[')
			depth++;
		else if ((*p == ')' || *p == ']') && depth > 0)
			depth--;
		else if ((*p == ',' && !depth) || (*p == ')' && !depth)) {
			char end = *p;
			*p = 0;
			char *a = trim(start);
			if (*a || end == ',' || tl->args.n) {
				if (!*a)
					return fail(err, errlen, path, tl->line, "empty argument");
				VEC_PUSH(&tl->args, xstrdup(a));
			}
			start = p + 1;
			if (end == ')')
				break;
		}
	}
	char *rest = trim(p + 1);
	if (!*rest)
		return 0;
	if (!strncmp(rest, "->", 2))
		rest += 2;
	else if (*rest == '=')
		rest++;
	else
		return fail(err, errlen, path, tl->line, "expected '= VALUE' or '-> SYMBOL' after the call");
	rest = trim(rest);
	if (!*rest)
		return fail(err, errlen, path, tl->line, "missing result after '=' or '->'");
	tl->result = xstrdup(rest);
	return 0;
}

static int parse_line(Trace *t, char *text, int line, char *err, int errlen)
{
	char *hash = strchr(text, '#');
	if (hash)
		*hash = 0;
	text = trim(text);
	if (!*text)
		return 0;
	VEC_PUSH(&t->lines, ((TraceLine){ .kind = TL_CALL, .line = line }));
	TraceLine *tl = &t->lines.v[t->lines.n - 1];
	size_t wlen = strcspn(text, " \t");
	for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++) {
		if (strlen(keywords[k].word) != wlen || strncmp(text, keywords[k].word, wlen))
			continue;
		char *operand = trim(text + wlen);
		if (keywords[k].operand != (*operand != 0))
			return fail(err, errlen, t->path, line, keywords[k].operand ? "'%s' needs an operand"
				    : "'%s' takes no operand", keywords[k].word);
		tl->kind = keywords[k].kind;
		if (*operand)
			tl->name = xstrdup(operand);
		return 0;
	}
	return parse_call(tl, text, t->path, err, errlen);
}

/* Pair callback/end, and check that bus and msi-domain lines come first. */
static int check_structure(Trace *t, char *err, int errlen)
{
	int open = -1;
	bool events = false;
	for (int i = 0; i < (int)t->lines.n; i++) {
		TraceLine *tl = &t->lines.v[i];
		switch (tl->kind) {
		case TL_CALLBACK:
			if (open >= 0)
				return fail(err, errlen, t->path, tl->line, "callbacks do not nest");
			if (!is_identifier(tl->name))
				return fail(err, errlen, t->path, tl->line, "'%s' is not a function name", tl->name);
			open = i;
			break;
		case TL_END:
			if (open < 0)
				return fail(err, errlen, t->path, tl->line, "'end' without 'callback'");
			t->lines.v[open].end = i;
			open = -1;
			break;
		case TL_BUS:
			if (model_bus_by_name(tl->name) < 0)
				return fail(err, errlen, t->path, tl->line, "unknown bus '%s'", tl->name);
			/* fall through */
		case TL_MSI_DOMAIN:
			if (tl->kind == TL_MSI_DOMAIN && strcmp(tl->name, "its") && strcmp(tl->name, "none"))
				return fail(err, errlen, t->path, tl->line, "msi-domain is 'its' or 'none'");
			if (events || open >= 0)
				return fail(err, errlen, t->path, tl->line, "'%s' must come before any event",
					    tl->kind == TL_BUS ? "bus" : "msi-domain");
			break;
		default:
			if (open < 0)
				events = true;
			else if (tl->kind != TL_CALL)
				return fail(err, errlen, t->path, tl->line, "a callback body holds calls only");
			break;
		}
	}
	if (open >= 0)
		return fail(err, errlen, t->path, t->lines.v[open].line, "callback without 'end'");
	return 0;
}

Trace *trace_load(const char *path, char *err, int errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	Trace *t = xcalloc(1, sizeof *t);
	t->path = xstrdup(path);
	char *buf = NULL;
	size_t cap = 0;
	int line = 0, rc = 0;
	while (!rc && getline(&buf, &cap, f) >= 0)
		rc = parse_line(t, buf, ++line, err, errlen);
	free(buf);
	fclose(f);
	if (!rc)
		rc = check_structure(t, err, errlen);
	if (rc) {
		trace_free(t);
		return NULL;
	}
	return t;
}

void trace_free(Trace *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->lines.n; i++) {
		TraceLine *tl = &t->lines.v[i];
		for (size_t a = 0; a < tl->args.n; a++)
			free(tl->args.v[a]);
		VEC_FREE(&tl->args);
		free(tl->name);
		free(tl->result);
	}
	VEC_FREE(&t->lines);
	free(t->path);
	free(t);
}

typedef struct Replay {
	const Trace *t;
	Model *m;
	FILE *out;
	char *err;
	int errlen;
	int depth;
} Replay;

static int replay_range(Replay *r, int from, int to, const char *function);

static int find_callback(const Trace *t, const char *name)
{
	for (size_t i = 0; i < t->lines.n; i++)
		if (t->lines.v[i].kind == TL_CALLBACK && !strcmp(t->lines.v[i].name, name))
			return (int)i;
	return -1;
}

/* Hand every driver callback the model asks for to its body in the trace. */
static int run_callbacks(Replay *r)
{
	ModelCallback cb;
	while (model_next_callback(r->m, &cb)) {
		int at = find_callback(r->t, cb.function);
		if (at < 0) {
			fprintf(r->out, "%d: callback %s(%s): no body in the trace, nothing replayed\n",
				cb.origin.line, cb.function, cb.data);
			model_callback_done(r->m);
			continue;
		}
		if (r->depth == MAX_CALLBACK_DEPTH)
			return fail(r->err, r->errlen, r->t->path, cb.origin.line, "callbacks nest too deep");
		fprintf(r->out, "%d: callback %s(%s) %s\n", cb.origin.line, cb.function, cb.data,
			cb.unregistered ? "replayed dry: it was never registered, its releases only mark what is owed"
			: "runs");
		r->depth++;
		int rc = replay_range(r, at + 1, r->t->lines.v[at].end, r->t->lines.v[at].name);
		r->depth--;
		model_callback_done(r->m);
		if (rc)
			return rc;
	}
	return 0;
}

static int replay_line(Replay *r, const TraceLine *tl, const char *function)
{
	ModelOrigin origin = { r->t->path, tl->line, function };
	switch (tl->kind) {
	case TL_CALL:
		if (!model_call(r->m, tl->name, (const char *const *)tl->args.v, (int)tl->args.n, tl->result,
				MODEL_UNKNOWN, &origin))
			return fail(r->err, r->errlen, r->t->path, tl->line, "'%s' is not in the spec", tl->name);
		break;
	case TL_MSI_DOMAIN:
		model_set_msi_domain(r->m, !strcmp(tl->name, "its"), &origin);
		break;
	case TL_PROBE:
		model_probe(r->m, &origin);
		break;
	case TL_PROBE_FAILS:
		model_probe_fails(r->m, &origin);
		break;
	case TL_REMOVE:
		model_remove(r->m, &origin);
		break;
	case TL_UNBIND:
		model_unbind(r->m, &origin);
		break;
	case TL_HANDLER_BEGIN:
		model_enter_handler(r->m, &origin);
		break;
	case TL_HANDLER_END:
		model_leave_handler(r->m, &origin);
		break;
	case TL_BUS:
		fprintf(r->out, "%d: bus %s\n", tl->line, tl->name);
		break;
	case TL_CALLBACK:
	case TL_END:
		break;
	}
	return run_callbacks(r);
}

static int replay_range(Replay *r, int from, int to, const char *function)
{
	for (int i = from; i < to; i++) {
		const TraceLine *tl = &r->t->lines.v[i];
		int rc = replay_line(r, tl, function);
		if (rc)
			return rc;
		if (tl->kind == TL_CALLBACK)
			i = tl->end;
	}
	return 0;
}

int trace_replay(const Trace *t, Model *m, FILE *out, char *err, int errlen)
{
	Replay r = { t, m, out, err, errlen, 0 };
	return replay_range(&r, 0, (int)t->lines.n, NULL);
}
