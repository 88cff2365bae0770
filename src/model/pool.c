/*
 * pool.c: the intern pool a model and its clones share.
 *
 * Symbols arrive as strings from the analyzer or the trace; the state
 * stores them interned so that clones copy pointers, equality compares
 * pointers, and nothing in the state owns a string.  The pool lives as
 * long as the last model that refers to it (reference counted, one
 * thread), and keeps the strings in a string set (util/strset.c).  It
 * also hands out transition sequence numbers, which order the evidence of
 * a finding across clones.
 */
#include "model/internal.h"
#include "util/strset.h"

struct Pool {
	int refs;
	StrSet names;
	unsigned long seq;
};

Pool *pool_new(void)
{
	Pool *pool = xcalloc(1, sizeof *pool);
	pool->refs = 1;
	return pool;
}

Pool *pool_ref(Pool *pool)
{
	pool->refs++;
	return pool;
}

void pool_unref(Pool *pool)
{
	if (--pool->refs)
		return;
	strset_free(&pool->names);
	free(pool);
}

unsigned long pool_next_seq(Pool *pool)
{
	return ++pool->seq;
}

const char *intern(Pool *pool, const char *s)
{
	return s ? strset_intern(&pool->names, s) : NULL;
}
