/*
 * crowd_sanctions.c - mutes and removals that outlive a reconnect. See
 * crowd_sanctions.h.
 */
#include "crowd_sanctions.h"

#include <stdio.h>
#include <string.h>

void sanctions_init(struct crowd_sanctions *s)
{
	s->count = 0;
}

int sanctions_add(struct crowd_sanctions *s, uint64_t origin, const char *id, enum sanction_kind kind)
{
	for (uint32_t i = 0; i < s->count; i++)
		if (s->items[i].kind == kind && strcmp(s->items[i].id, id) == 0)
			return 0;
	if (s->count == SANCTIONS_MAX)
		return -1;
	s->items[s->count] = (struct sanction){ .origin = origin, .kind = kind };
	snprintf(s->items[s->count].id, sizeof(s->items[s->count].id), "%s", id);
	s->count++;
	return 0;
}

unsigned sanctions_of_origin(const struct crowd_sanctions *s, uint64_t origin)
{
	unsigned kinds = 0;

	if (origin == 0)
		return 0;
	for (uint32_t i = 0; i < s->count; i++)
		if (s->items[i].origin == origin)
			kinds |= s->items[i].kind;
	return kinds;
}

uint32_t sanctions_lift(struct crowd_sanctions *s, const char *id, uint64_t origin, enum sanction_kind kind)
{
	uint32_t kept = 0, lifted = 0;

	for (uint32_t i = 0; origin == 0 && i < s->count; i++)
		if (s->items[i].kind == kind && strcmp(s->items[i].id, id) == 0)
			origin = s->items[i].origin;
	for (uint32_t i = 0; i < s->count; i++) {
		const struct sanction *x = &s->items[i];
		bool same = strcmp(x->id, id) == 0 || (origin != 0 && x->origin == origin);

		if (x->kind == kind && same)
			lifted++;
		else
			s->items[kept++] = *x;
	}
	s->count = kept;
	return lifted;
}
