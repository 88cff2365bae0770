/*
 * pool.c: the intern pool a model and its clones share.
 *
 * Symbols arrive as strings from the analyzer or the trace; the state
 * stores them interned so that clones copy pointers, equality compares
 * pointers, and nothing in the state owns a string.  The pool lives as
 * long as the last model that refers to it (reference counted, one
 * thread).  It also hands out step sequence numbers, which order the
 * evidence of a finding across clones.
 */
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"

struct Pool {
	int refs;
	char **slot;
	unsigned size, count;
	unsigned long seq;
};

void grow(void **arr, int *cap, int need, size_t size)
{
	if (need <= *cap)
		return;
	int n = *cap ? *cap : 4;
	while (n < need)
		n *= 2;
	*arr = realloc(*arr, n * size);
	*cap = n;
}

Pool *pool_new(void)
{
	Pool *pool = calloc(1, sizeof *pool);
	pool->refs = 1;
	pool->size = 64;
	pool->slot = calloc(pool->size, sizeof *pool->slot);
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
	for (unsigned i = 0; i < pool->size; i++)
		free(pool->slot[i]);
	free(pool->slot);
	free(pool);
}

unsigned long pool_next_seq(Pool *pool)
{
	return ++pool->seq;
}

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void rehash(Pool *pool)
{
	unsigned old = pool->size;
	char **slot = pool->slot;
	pool->size *= 2;
	pool->slot = calloc(pool->size, sizeof *pool->slot);
	for (unsigned i = 0; i < old; i++)
		if (slot[i]) {
			unsigned h = hash(slot[i]) & (pool->size - 1);
			while (pool->slot[h])
				h = (h + 1) & (pool->size - 1);
			pool->slot[h] = slot[i];
		}
	free(slot);
}

const char *intern(Pool *pool, const char *s)
{
	if (!s)
		return NULL;
	if (2 * (pool->count + 1) > pool->size)
		rehash(pool);
	unsigned h = hash(s) & (pool->size - 1);
	for (; pool->slot[h]; h = (h + 1) & (pool->size - 1))
		if (!strcmp(pool->slot[h], s))
			return pool->slot[h];
	pool->count++;
	return pool->slot[h] = strdup(s);
}
