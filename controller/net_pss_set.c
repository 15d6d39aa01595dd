/*
 * net_pss_set.c - a set of connections with constant-time add and
 * remove. See net_pss_set.h.
 *
 * Thread: the owner of the members (the net thread).
 */
#include "net_pss_set.h"

#include <stdlib.h>

static uint32_t *pss_slot(const struct pss_set *set, void *member)
{
	return (uint32_t *)(void *)((char *)member + set->slot_offset);
}

int pss_set_init(struct pss_set *set, uint32_t capacity, size_t slot_offset)
{
	set->items = calloc(capacity, sizeof(*set->items));
	set->n = 0;
	set->slot_offset = slot_offset;
	return set->items ? 0 : -1;
}

void pss_set_free(struct pss_set *set)
{
	free(set->items);
	set->items = NULL;
	set->n = 0;
}

void pss_set_add(struct pss_set *set, void *member)
{
	uint32_t *slot = pss_slot(set, member);

	if (*slot)
		return;
	set->items[set->n++] = member;
	*slot = set->n;
}

void *pss_set_remove(struct pss_set *set, void *member)
{
	uint32_t *slot = pss_slot(set, member);
	void *last;

	if (!*slot)
		return NULL;
	last = set->items[--set->n];
	set->items[*slot - 1] = last;
	*pss_slot(set, last) = *slot;
	*slot = 0;
	return last != member ? last : NULL;
}

void pss_set_clear(struct pss_set *set)
{
	for (uint32_t i = 0; i < set->n; i++)
		*pss_slot(set, set->items[i]) = 0;
	set->n = 0;
}
