/*
 * values.c — what a path knows about values, and which branches it takes.
 *
 * Return-value awareness is what separates a finding from noise: after
 * `ret = pci_alloc_irq_vectors(...)` the path forks into a success and a
 * failure world, each binding `ret`; at `if (ret < 0) goto err;` the
 * success world must not take the error edge.  A binding records the
 * outcome and the kind of value the call returns (status, count, pointer),
 * because `if (p)` means success for a pointer and failure for a status.
 *
 * Argument texts are normalised (whitespace removed outside string
 * literals, a callee's parameters replaced by the caller's arguments, cut
 * at NORM_MAX bytes), so
 * `priv -> buf` in probe and `priv->buf` in remove name the same thing, and
 * a helper's `kfree(p)` called as foo_free(priv) frees `priv`.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "analyze/internal.h"

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

void normalise(const Frame *fr, const char *text, char *out, size_t cap)
{
	size_t n = strlen(text), k = 0;
	char quote = 0;
#define PUT(c) do { if (k + 1 < cap) out[k++] = (c); } while (0)
	for (size_t i = 0; i < n;) {
		char c = text[i];
		if (quote) {
			PUT(c);
			if (c == '\\' && i + 1 < n)
				PUT(text[++i]);
			else if (c == quote)
				quote = 0;
			i++;
			continue;
		}
		if (c == '"' || c == '\'') {
			quote = c;
			PUT(c);
			i++;
			continue;
		}
		if (isspace((unsigned char)c)) {
			i++;
			continue;
		}
		if (!ident_char(c) || isdigit((unsigned char)c)) {
			PUT(c);
			i++;
			continue;
		}
		size_t start = i;
		while (i < n && ident_char(text[i]))
			i++;
		/* A member name after . or -> is not the parameter. */
		bool member = start > 0 && (text[start - 1] == '.' ||
					    (start > 1 && text[start - 1] == '>' && text[start - 2] == '-'));
		const char *sub = NULL;
		for (uint32_t p = 0; !member && fr && p < fr->nargs && p < fr->fn->nparams; p++)
			if (fr->args[p] && strlen(fr->fn->params[p]) == i - start &&
			    !memcmp(fr->fn->params[p], text + start, i - start))
				sub = fr->args[p];
		if (sub) {
			bool wrap = strpbrk(sub, "+-*/ ?:") != NULL; /* keep precedence */
			if (wrap)
				PUT('(');
			for (const char *q = sub; *q; q++)
				PUT(*q);
			if (wrap)
				PUT(')');
		} else
			for (size_t j = start; j < i; j++)
				PUT(text[j]);
	}
#undef PUT
	out[k] = '\0';
}

void unbind_calls(PState *s)
{
	for (uint32_t i = s->nb; i-- > 0;)
		if (s->b[i].var[0] == '#')
			s->b[i] = s->b[--s->nb];
}

const Binding *binding_of(const PState *s, const char *var)
{
	for (uint32_t i = s->nb; i-- > 0;)
		if (!strcmp(s->b[i].var, var))
			return &s->b[i];
	return NULL;
}

void bind(PState *s, const char *var, ModelOutcome o, uint8_t ret, const char *from)
{
	for (uint32_t i = 0; i < s->nb; i++)
		if (!strcmp(s->b[i].var, var)) {
			if (o == MODEL_UNKNOWN) { /* forget it */
				s->b[i] = s->b[--s->nb];
				return;
			}
			s->b[i].outcome = (uint8_t)o;
			s->b[i].ret = ret;
			s->b[i].from = from;
			return;
		}
	if (o == MODEL_UNKNOWN)
		return;
	s->b = xrealloc(s->b, (s->nb + 1) * sizeof *s->b);
	s->b[s->nb++] = (Binding){ var, (uint8_t)o, ret, from };
}

unsigned long bindings_hash(const PState *s)
{
	unsigned long h = 0;
	for (uint32_t i = 0; i < s->nb; i++) { /* order-independent */
		unsigned long x = 1469598103934665603ul;
		for (const char *p = s->b[i].var; *p; p++)
			x = (x ^ (unsigned char)*p) * 1099511628211ul;
		h += x * (2u + s->b[i].outcome) + s->b[i].ret;
	}
	return h;
}

static const char *call_key(int32_t call)
{
	static __thread char buf[16];
	snprintf(buf, sizeof buf, "#%d", call);
	return buf;
}

static const Binding *subject_binding(Value v, const PState *s)
{
	if (v.kind == VAL_VAR)
		return binding_of(s, v.var);
	if (v.kind == VAL_CALL)
		return binding_of(s, call_key(v.call));
	return NULL;
}

ModelOutcome value_outcome(const FileFacts *ff, Value v, const PState *s, uint8_t *ret)
{
	*ret = RET_STATUS;
	if (v.kind == VAL_SUCCESS)
		return MODEL_SUCCESS;
	if (v.kind == VAL_FAILURE)
		return MODEL_FAILURE;
	const Binding *b = subject_binding(v, s);
	if (!b)
		return MODEL_UNKNOWN;
	*ret = b->ret;
	return (ModelOutcome)b->outcome;
}

/* The value class of a known outcome. */
typedef enum { V_ZERO, V_POSITIVE, V_NEGATIVE, V_POINTER, V_BAD_POINTER } VClass;

static VClass value_class(ModelOutcome o, uint8_t ret)
{
	bool ok = o == MODEL_SUCCESS;
	switch ((SpecReturn)ret) {
	case RET_RESOURCE: return ok ? V_POINTER : V_BAD_POINTER;
	case RET_COUNT:
	case RET_IRQ: return ok ? V_POSITIVE : V_NEGATIVE;
	case RET_BOOL: return ok ? V_POSITIVE : V_ZERO;
	default: return ok ? V_ZERO : V_NEGATIVE;
	}
}

/* Truth of TEST on a value of class C: 1 true, 0 false, -1 unknown. */
static int truth(TestKind t, VClass c)
{
	static const signed char table[][5] = {
		/*                 ZERO POS NEG PTR BAD */
		[TEST_NONE]      = { -1, -1, -1, -1, -1 },
		[TEST_NONZERO]   = {  0,  1,  1,  1,  0 },
		[TEST_ZERO]      = {  1,  0,  0,  0,  1 },
		[TEST_NEG]       = {  0,  0,  1, -1, -1 },
		[TEST_NONNEG]    = {  1,  1,  0, -1, -1 },
		[TEST_POS]       = {  0,  1,  0, -1, -1 },
		[TEST_NONPOS]    = {  1,  0,  1, -1, -1 },
		[TEST_ISERR]     = {  0,  0, -1,  0,  1 },
		[TEST_NOT_ISERR] = {  1,  1, -1,  1,  0 },
	};
	return table[t][c];
}

const Binding *branch_binding(const CfgNode *n, const PState *s)
{
	return n->test == TEST_NONE ? NULL : subject_binding(n->subject, s);
}

int branch_edges(const FileFacts *ff, const CfgNode *n, const PState *s)
{
	const Binding *b = branch_binding(n, s);
	if (!b)
		return 3;
	int t = truth((TestKind)n->test, value_class((ModelOutcome)b->outcome, b->ret));
	if (t < 0)
		return 3;
	switch ((CondShape)n->shape) {
	case COND_OR: return t ? 1 : 3;  /* A || ...: A true forces the true edge */
	case COND_AND: return t ? 3 : 2; /* A && ...: A false forces the false edge */
	default: return t ? 1 : 2;
	}
}
