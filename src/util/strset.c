/*
 * strset.c — an open-addressing hash table keyed by strings.
 *
 * The scan looks up every identifier of every file (prefilter) and every
 * call (tables), so lookups take a pointer and a length: the caller never
 * copies a token out of the source to ask about it.  Almost every lookup
 * misses, so before hashing the whole key a lookup checks one bit chosen
 * by the key's length and first and last bytes: for the prefilter's few
 * hundred names that rejects nearly all of the kernel's identifiers at the
 * cost of three loads.  Tables are built once at
 * start-up and read concurrently by the workers afterwards, never written.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "teardown.h"
#include "util/strset.h"

struct StrSetSlot {
	char *key;
	size_t len;
	uint64_t hash;
	void *value;
};

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static void grow(StrSet *s)
{
	size_t cap = s->cap ? 2 * s->cap : 64;
	struct StrSetSlot *slots = xcalloc(cap, sizeof *slots);
	for (size_t i = 0; i < s->cap; i++) {
		struct StrSetSlot *o = &s->slots[i];
		if (!o->key)
			continue;
		size_t j = o->hash & (cap - 1);
		while (slots[j].key)
			j = (j + 1) & (cap - 1);
		slots[j] = *o;
	}
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
}

static struct StrSetSlot *find(const StrSet *s, const char *key, size_t len, uint64_t h)
{
	if (!s->cap)
		return NULL;
	for (size_t j = h & (s->cap - 1);; j = (j + 1) & (s->cap - 1)) {
		struct StrSetSlot *e = &s->slots[j];
		if (!e->key || (e->hash == h && e->len == len && !memcmp(e->key, key, len)))
			return e;
	}
}

static void put(StrSet *s, const char *key, void *value, bool replace)
{
	size_t len = strlen(key);
	uint64_t h = hash_bytes(key, len);
	struct StrSetSlot *e = find(s, key, len, h);
	if (e && e->key) {
		if (replace)
			e->value = value;
		return;
	}
	if (2 * (s->n + 1) > s->cap) {
		grow(s);
		e = find(s, key, len, h);
	}
	*e = (struct StrSetSlot){ xstrndup(key, len), len, h, value };
	unsigned b = strset_quick_bit(key, len);
	s->quick[b >> 6] |= 1ull << (b & 63);
	s->n++;
}

void strset_add(StrSet *s, const char *key, void *value)
{
	put(s, key, value, false);
}

void strset_set(StrSet *s, const char *key, void *value)
{
	put(s, key, value, true);
}

void *strset_get_hashed(const StrSet *s, const char *key, size_t len, int *found)
{
	struct StrSetSlot *e = find(s, key, len, hash_bytes(key, len));
	int hit = e && e->key;
	if (found)
		*found = hit;
	return hit ? e->value : NULL;
}

const char *strset_intern(StrSet *s, const char *key)
{
	size_t len = strlen(key);
	uint64_t h = hash_bytes(key, len);
	struct StrSetSlot *e = find(s, key, len, h);
	if (e && e->key)
		return e->key;
	strset_add(s, key, NULL);
	return find(s, key, len, h)->key;
}

void *strset_value_at(const StrSet *s, size_t i)
{
	return s->slots[i].key ? s->slots[i].value : NULL;
}

const char *strset_key_at(const StrSet *s, size_t i)
{
	return s->slots[i].key;
}

void strset_free(StrSet *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slots[i].key);
	free(s->slots);
	*s = (StrSet){ 0 };
}
