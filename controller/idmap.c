/*
 * idmap.c - open-addressing u64 -> u32 map. See idmap.h.
 * Thread: its owner's.
 */
#include "idmap.h"

#include <stdlib.h>

/* Keys may be ids with low entropy in their low bits: mix before masking. */
static uint32_t slot_of(const struct idmap *m, uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (uint32_t)key & m->mask;
}

int idmap_init(struct idmap *m, uint32_t max_entries)
{
	uint32_t slots = 16;

	while (slots < max_entries * 2u)
		slots <<= 1;
	m->keys = calloc(slots, sizeof(*m->keys));
	m->values = calloc(slots, sizeof(*m->values));
	if (!m->keys || !m->values) {
		idmap_free(m);
		return -1;
	}
	m->mask = slots - 1;
	m->count = 0;
	m->max_count = max_entries;
	return 0;
}

void idmap_free(struct idmap *m)
{
	free(m->keys);
	free(m->values);
	m->keys = NULL;
	m->values = NULL;
}

int64_t idmap_get(const struct idmap *m, uint64_t key)
{
	if (!key)
		return -1;
	for (uint32_t i = slot_of(m, key);; i = (i + 1) & m->mask) {
		if (m->keys[i] == key)
			return m->values[i];
		if (m->keys[i] == 0)
			return -1;
	}
}

int idmap_put(struct idmap *m, uint64_t key, uint32_t value)
{
	uint32_t i;

	if (!key)
		return -1;
	for (i = slot_of(m, key); m->keys[i]; i = (i + 1) & m->mask) {
		if (m->keys[i] == key) {
			m->values[i] = value;
			return 0;
		}
	}
	if (m->count >= m->max_count)
		return -1;
	m->keys[i] = key;
	m->values[i] = value;
	m->count++;
	return 0;
}

void idmap_del(struct idmap *m, uint64_t key)
{
	uint32_t i, j;

	if (!key)
		return;
	for (i = slot_of(m, key); m->keys[i] != key; i = (i + 1) & m->mask)
		if (m->keys[i] == 0)
			return;
	m->keys[i] = 0;
	m->count--;
	/* Backward shift: pull later entries of the probe run into the hole. */
	for (j = (i + 1) & m->mask; m->keys[j]; j = (j + 1) & m->mask) {
		uint32_t home = slot_of(m, m->keys[j]);

		/* Move j into the hole at i unless its home lies cyclically in (i, j]. */
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			m->keys[i] = m->keys[j];
			m->values[i] = m->values[j];
			m->keys[j] = 0;
			i = j;
		}
	}
}
