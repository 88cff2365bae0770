/*
 * keymap.c — an open-addressing hash map keyed by 64-bit numbers.
 *
 * The engine names objects and symbols by keys hashed from where they come
 * from (an allocation site, a field of another object), and keeps what it
 * knows about each key (its display name, its parent object) in maps like
 * this one.  Keys are already well-mixed hashes, so the slot is the key's
 * low bits; 0 marks an empty slot and is never a key (key_mix avoids it).
 * A strset is the same structure for strings; this one exists because
 * printing a number to use a string map would cost more than the lookup.
 */
#include <stdlib.h>

#include "teardown.h"
#include "util/keymap.h"

struct KeyMapSlot {
	uint64_t key;
	void *value;
};

static void grow(KeyMap *m)
{
	size_t cap = m->cap ? 2 * m->cap : 64;
	struct KeyMapSlot *slots = xcalloc(cap, sizeof *slots);
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slots[i].key)
			continue;
		size_t j = m->slots[i].key & (cap - 1);
		while (slots[j].key)
			j = (j + 1) & (cap - 1);
		slots[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
}

void *keymap_get(const KeyMap *m, uint64_t key)
{
	if (!m->cap || !key)
		return NULL;
	for (size_t j = key & (m->cap - 1);; j = (j + 1) & (m->cap - 1)) {
		if (m->slots[j].key == key)
			return m->slots[j].value;
		if (!m->slots[j].key)
			return NULL;
	}
}

void keymap_set(KeyMap *m, uint64_t key, void *value)
{
	if (!key)
		fatal("keymap: key 0");
	if (2 * (m->n + 1) > m->cap)
		grow(m);
	size_t j = key & (m->cap - 1);
	while (m->slots[j].key && m->slots[j].key != key)
		j = (j + 1) & (m->cap - 1);
	if (!m->slots[j].key)
		m->n++;
	m->slots[j] = (struct KeyMapSlot){ key, value };
}

void *keymap_value_at(const KeyMap *m, size_t i)
{
	return m->slots[i].key ? m->slots[i].value : NULL;
}

void keymap_clear(KeyMap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		m->slots[i] = (struct KeyMapSlot){ 0, NULL };
	m->n = 0;
}

void keymap_free(KeyMap *m)
{
	free(m->slots);
	*m = (KeyMap){ 0 };
}
