/*
 * footprint.c — what a function's replay read of the heap, so that its
 * summary serves every caller whose heap agrees there.
 *
 * A summary (exec.c) is a function's outcomes for one input: the model,
 * the arguments and the heap.  Keyed on the whole heap, it serves only
 * callers whose every slot and fact is equal, and a helper that probe
 * calls from ten places after ten different loops runs ten times, though
 * it reads two fields of one struct.  So while a function is replayed the
 * heap's accessors log what they look at (a slot, the slots of an array,
 * a fact); the log of a finished replay is its footprint.  A later call
 * with an equal model and equal arguments whose heap holds the same
 * values on the footprint gets the same outcomes, each rebased onto the
 * caller's heap (state.c's heap_rebase: what the replay changed, on top
 * of the rest of the caller's heap).
 *
 * Why that is enough: the replay of a function is a function of what it
 * reads.  Writes are logged as reads too (a write that finds the value
 * already there changes nothing, which is only the same on a heap that
 * holds it).  What the replay cannot read it cannot depend on, with two
 * exceptions, both at a return: the collection of facts nothing holds,
 * which at depth 1 looks at the whole heap (an entry point's footprint is
 * the whole heap), and below depth 1 only at what the returning
 * activation made, which no slot outside its footprint can hold.  A
 * replay whose footprint is the whole heap logs nothing more: its
 * callees' reads are kept for their own summaries and then dropped.
 *
 * The log is the running replay's and the accessors take only a state, so
 * it is per thread; nested replays share it: a callee's reads are its
 * callers' too, and a summary used in place of a replay adds its
 * footprint to the log as if the replay had run.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/internal.h"

/* Reads a replay may log before its own are compacted again. */
enum { COMPACT_SLACK = 4096 };

static _Thread_local ReadLog *logging;

void footprint_log(ReadLog *log)
{
	logging = log;
}

static bool read_same(const Read *a, const Read *b)
{
	return a->kind == b->kind && a->obj == b->obj && a->field == b->field;
}

static uint64_t read_hash(const Read *rd)
{
	return key_mix(rd->obj ^ (uint64_t)(uintptr_t)rd->field, rd->kind);
}

/* The reads since FROM, once each (in the order first read): the log's
 * length after.  A hash set, not a sort: the log is compacted at every
 * replay's end, over its callees' reads again. */
static size_t compact(size_t from)
{
	Read *v = logging->reads.v + from;
	size_t n = logging->reads.n - from, k = 0, cap = 16;
	if (n < 2)
		return logging->reads.n;
	while (cap < 2 * n)
		cap *= 2;
	if (logging->seen_room < cap) {
		free(logging->seen);
		logging->seen = xmalloc(cap * sizeof *logging->seen);
		logging->seen_room = cap;
	}
	uint32_t *seen = logging->seen;
	memset(seen, 0, cap * sizeof *seen);
	for (size_t i = 0; i < n; i++)
		for (size_t j = read_hash(&v[i]) & (cap - 1);; j = (j + 1) & (cap - 1)) {
			if (!seen[j]) {
				v[k] = v[i];
				seen[j] = (uint32_t)++k;
				break;
			}
			if (read_same(&v[seen[j] - 1], &v[i]))
				break;
		}
	return logging->reads.n = from + k;
}

void footprint_note(ReadKind kind, Key obj, const char *field)
{
	if (!logging || !logging->marks.n || logging->whole == logging->marks.n)
		return; /* the innermost replay (and every one around it) reads it all */
	if (kind == READ_ALL && !logging->whole)
		logging->whole = logging->marks.n;
	/* A replay reads the same slots over and over: a read already logged
	 * since the innermost replay began is not logged again.  The index
	 * is checked against what lies there (compaction moves reads), so a
	 * stale one only costs the push it fails to save. */
	Read rd = { obj, field, kind };
	uint32_t *at = &logging->recent[read_hash(&rd) % READ_RECENT];
	size_t top = logging->marks.v[logging->marks.n - 1];
	if (*at && *at - 1 >= top && *at - 1 < logging->reads.n && read_same(&logging->reads.v[*at - 1], &rd))
		return;
	if (logging->reads.n < UINT32_MAX)
		*at = (uint32_t)logging->reads.n + 1;
	VEC_PUSH(&logging->reads, rd);
	/* A long replay reads the same slots over and over: keep the
	 * innermost replay's reads once each as the log grows. */
	if (logging->reads.n >= logging->compact_at) {
		size_t n = compact(logging->marks.v[logging->marks.n - 1]);
		logging->compact_at = n > COMPACT_SLACK ? 2 * n : n + COMPACT_SLACK;
	}
}

void footprint_begin(void)
{
	if (!logging)
		return;
	VEC_PUSH(&logging->marks, logging->reads.n);
	if (logging->compact_at < logging->reads.n + COMPACT_SLACK)
		logging->compact_at = logging->reads.n + COMPACT_SLACK;
}

void footprint_end(Reads *into)
{
	if (!logging || !logging->marks.n)
		return;
	size_t from = logging->marks.v[--logging->marks.n];
	if (logging->whole > logging->marks.n)
		logging->whole = 0;
	size_t n = compact(from); /* the callers' footprints keep it, once */
	for (size_t i = from; i < n; i++)
		VEC_PUSH(into, logging->reads.v[i]);
	/* Nobody needs them: no replay is running, or the caller reads the
	 * whole heap. */
	if (!logging->marks.n || logging->whole == logging->marks.n)
		logging->reads.n = from;
}

void footprint_replay(const Reads *fp)
{
	if (!logging || !logging->marks.n || logging->whole == logging->marks.n)
		return;
	for (size_t i = 0; i < fp->n; i++)
		VEC_PUSH(&logging->reads, fp->v[i]);
}

bool footprint_matches(const Reads *fp, const Heap *base, const Heap *cur)
{
	if (base == cur)
		return true;
	for (size_t i = 0; i < fp->n; i++) {
		const Read *r = &fp->v[i];
		switch (r->kind) {
		case READ_ALL:
			if (!heap_equal(base, cur))
				return false;
			break;
		case READ_SLOT: {
			const Slot *a = heap_slot(base, r->obj, r->field), *b = heap_slot(cur, r->obj, r->field);
			if (!a != !b || (a && !val_equal(&a->v, &b->v)))
				return false;
			break;
		}
		case READ_OBJECT:
			if (!heap_same_object(base, cur, r->obj))
				return false;
			break;
		case READ_FACT: {
			const Facts *a = heap_fact(base, r->obj), *b = heap_fact(cur, r->obj);
			if (!a != !b || (a && !facts_equal(a, b)))
				return false;
			break;
		}
		}
	}
	return true;
}
