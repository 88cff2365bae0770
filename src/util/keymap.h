/* keymap.h — a hash map from 64-bit keys to pointers (see keymap.c). */
#ifndef KEYMAP_H
#define KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	struct KeyMapSlot *slots;
	size_t cap, n;
} KeyMap;

/* The value of KEY, or NULL.  Key 0 is never stored. */
void *keymap_get(const KeyMap *m, uint64_t key);
/* Set KEY's value (KEY != 0). */
void keymap_set(KeyMap *m, uint64_t key, void *value);
/* Slot I's value (0 <= I < cap), NULL for an empty slot: for iteration. */
void *keymap_value_at(const KeyMap *m, size_t i);
void keymap_clear(KeyMap *m);
void keymap_free(KeyMap *m);

/* Mixing 64-bit words into a key (never 0). */
static inline uint64_t key_mix(uint64_t h, uint64_t x)
{
	h ^= x + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h ? h : 1;
}

#endif
