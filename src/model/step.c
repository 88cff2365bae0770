/*
 * step.c: transitions and findings.
 *
 * One event makes one Transition: a head ("pci_free_irq_vectors(pdev)")
 * and the effects handlers append ("MSI-X disabled", "devres #3 removed").
 * State items keep references to the transitions that made them (who made
 * the device managed, who allocated, who freed), and a finding's evidence
 * is those transitions sorted by creation order with the revealing one
 * last.  Findings raised while a transition is open are held back (as
 * Diagnosis records) until it is finished, so that the observer sees cause
 * before consequence.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"

Transition *step_ref(Transition *s)
{
	if (s)
		s->refs++;
	return s;
}

/* Two transitions that print the same: the same event at the same place
 * with the same effects.  Two paths that reached one state through equal
 * transitions (made apart, on different branches above) tell a reader the
 * same story, so what one path computed from there serves the other. */
bool step_same(const Transition *a, const Transition *b)
{
	if (a == b)
		return true;
	if (!a || !b || a->pub.origin.line != b->pub.origin.line || a->len != b->len)
		return false;
	const ModelOrigin *x = &a->pub.origin, *y = &b->pub.origin;
	return (x->file == y->file || (x->file && y->file && !strcmp(x->file, y->file))) &&
	       (x->function == y->function || (x->function && y->function && !strcmp(x->function, y->function))) &&
	       !memcmp(a->text, b->text, a->len);
}

void step_unref(Transition *s)
{
	if (s && !--s->refs) {
		free(s->text);
		free(s);
	}
}

void diagnosis_unref(Diagnosis *f)
{
	if (!f || --f->refs)
		return;
	for (int i = 0; i < f->pub.nsteps; i++)
		step_unref(f->owned[i]);
	free(f->owned);
	free(f->steps);
	free(f->message);
	free(f);
}

/* Format into the room left, and only when it does not fit grow and format
 * again: every model event writes text, most of it short. */
static void append(Transition *s, const char *fmt, va_list ap)
{
	if (s->cap - s->len < 64) {
		s->cap = s->cap ? 2 * s->cap : 128;
		s->text = xrealloc(s->text, s->cap);
	}
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(s->text + s->len, s->cap - s->len, fmt, copy);
	va_end(copy);
	if (n < 0)
		n = 0;
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->text = xrealloc(s->text, s->cap);
		vsnprintf(s->text + s->len, n + 1, fmt, ap);
	}
	s->len += n;
	s->pub.text = s->text;
}

static void append_str(Transition *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	append(s, fmt, ap);
	va_end(ap);
}

/* Open a step whose head is TEXT (LEN bytes in CAP, malloc'd): the step
 * takes it over and appends its effects there. */
void step_begin_text(Model *m, const ModelOrigin *origin, char *text, size_t len, size_t cap)
{
	if (m->cur)
		step_end(m);
	Transition *s = xcalloc(1, sizeof *s);
	s->refs = 1;
	s->seq = pool_next_seq(m->pool);
	if (origin)
		s->pub.origin = *origin;
	s->text = text, s->len = len, s->cap = cap;
	s->pub.text = text;
	m->cur = s;
}

void step_begin(Model *m, const ModelOrigin *origin, const char *fmt, ...)
{
	step_begin_text(m, origin, NULL, 0, 0);
	va_list ap;
	va_start(ap, fmt);
	append(m->cur, fmt, ap);
	va_end(ap);
}

void step_effect(Model *m, const char *fmt, ...)
{
	Transition *s = m->cur;
	if (!s)
		return;
	append_str(s, s->effects++ ? "; " : ": ");
	va_list ap;
	va_start(ap, fmt);
	append(s, fmt, ap);
	va_end(ap);
}

void step_end(Model *m)
{
	Transition *s = m->cur;
	if (!s)
		return;
	m->cur = NULL;
	if (!s->effects)
		append_str(s, ": no effect");
	if (m->observer.transition)
		m->observer.transition(m->observer.ctx, &s->pub);
	for (int i = 0; i < m->npending; i++) {
		Diagnosis *f = m->pending[i];
		if (m->observer.finding)
			m->observer.finding(m->observer.ctx, &f->pub);
		*PUSH(m, findings) = f;
	}
	m->npending = 0;
	step_unref(s);
}

static const char *const rule_names[RULE_COUNT] = {
#define RULE(name, id) [RULE_##name] = id,
#include "model/rules.def"
#undef RULE
};

const char *model_rule_name(ModelRule rule)
{
	return rule_names[rule];
}

int model_rule_by_name(const char *name)
{
	for (int r = 0; r < RULE_COUNT; r++)
		if (!strcmp(rule_names[r], name))
			return r;
	return -1;
}

static int by_seq(const void *a, const void *b)
{
	const Transition *x = *(Transition *const *)a, *y = *(Transition *const *)b;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

void finding_raise(Model *m, Severity severity, ModelRule rule, Transition *const *evidence,
		   int nevidence, const char *fmt, ...)
{
	Diagnosis *f = xcalloc(1, sizeof *f);
	f->refs = 1;
	int n = 0;
	f->owned = xcalloc(nevidence + 1, sizeof *f->owned);
	for (int e = 0; e < nevidence; e++) {
		bool seen = !evidence[e] || evidence[e] == m->cur;
		for (int i = 0; i < n; i++)
			seen |= f->owned[i] == evidence[e];
		if (!seen)
			f->owned[n++] = step_ref(evidence[e]);
	}
	qsort(f->owned, n, sizeof *f->owned, by_seq);
	if (m->cur)
		f->owned[n++] = step_ref(m->cur);
	f->steps = xcalloc(n ? n : 1, sizeof *f->steps);
	for (int i = 0; i < n; i++)
		f->steps[i] = &f->owned[i]->pub;
	va_list ap, copy;
	va_start(ap, fmt);
	va_copy(copy, ap);
	int len = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	f->message = xmalloc(len + 1);
	vsnprintf(f->message, len + 1, fmt, ap);
	va_end(ap);
	f->pub.rule = model_rule_name(rule);
	f->pub.severity = severity;
	f->pub.message = f->message;
	f->pub.origin = m->cur ? m->cur->pub.origin : (ModelOrigin){ 0 };
	f->pub.steps = f->steps;
	f->pub.nsteps = n;
	if (severity == SEV_WARNING)
		m->nwarnings++;
	*PUSH(m, pending) = f;
}
