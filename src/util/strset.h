/* strset.h — a set of strings mapping to small payloads (see strset.c). */
#ifndef STRSET_H
#define STRSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	struct StrSetSlot *slots;
	size_t cap, n;
	uint64_t quick[64]; /* 4096 bits over (length, first, last byte) of the keys */
} StrSet;

/* Add KEY (copied) with VALUE; an existing key keeps its first value. */
void strset_add(StrSet *s, const char *key, void *value);
/* Add KEY or replace its value. */
void strset_set(StrSet *s, const char *key, void *value);
/* The bit of quick[] that a key of LEN bytes sets: 12 bits of a hash of
 * its length and first and last bytes. */
static inline unsigned strset_quick_bit(const char *key, size_t len)
{
	uint32_t k = (uint32_t)len << 16;
	if (len)
		k ^= (uint32_t)(unsigned char)key[0] << 8 ^ (unsigned char)key[len - 1];
	return (k * 0x9E3779B1u) >> 20;
}

/* May the set hold the KEY of LEN bytes?  False means certainly not. */
static inline bool strset_may_hold(const StrSet *s, const char *key, size_t len)
{
	unsigned b = strset_quick_bit(key, len);
	return s->quick[b >> 6] >> (b & 63) & 1;
}

/* strset_get past the quick check: hash KEY and probe. */
void *strset_get_hashed(const StrSet *s, const char *key, size_t len, int *found);

/* The value of the KEY of LEN bytes, or NULL; *found says whether it exists.
 * Inline, so that loops looking up every identifier of a file pay one bit
 * test, not a call, for each of the many that miss. */
static inline void *strset_get(const StrSet *s, const char *key, size_t len, int *found)
{
	if (strset_may_hold(s, key, len))
		return strset_get_hashed(s, key, len, found);
	if (found)
		*found = 0;
	return NULL;
}
/* The set's own copy of KEY, added if absent: a stable interned string. */
const char *strset_intern(StrSet *s, const char *key);
/* Slot I's value (0 <= I < cap), NULL for an empty slot: for iteration. */
void *strset_value_at(const StrSet *s, size_t i);
/* Slot I's key, NULL for an empty slot. */
const char *strset_key_at(const StrSet *s, size_t i);
void strset_free(StrSet *s);

#endif
