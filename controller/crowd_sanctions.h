/*
 * crowd_sanctions.h - the venue's mutes and removals, kept for the rest of
 * the show whatever the phone does: a reload without its token, a cleared
 * browser, a new participant from the same phone.
 *
 * A sanction names the participant's anonymous id (what the console shows)
 * and the phone's origin: an opaque key of the address it connected from
 * (the address table's hash; never the address itself). A new participant
 * from a sanctioned origin starts muted, or is refused with 4003; the
 * operator lifts a sanction by the id it was given for.
 *
 * The list is bounded; when it is full a new sanction still acts on the
 * participant now, and the caller is told it will not outlive a reconnect.
 *
 * Thread: net thread only.
 */
#ifndef TUTTI_CROWD_SANCTIONS_H
#define TUTTI_CROWD_SANCTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "crowd.h"

#define SANCTIONS_MAX 1024

enum sanction_kind {
	SANCTION_MUTE = 1,
	SANCTION_REMOVE = 2,
};

struct sanction {
	uint64_t origin;		/* 0 = none known (a simulated phone) */
	char id[CROWD_ID_CHARS + 1];	/* the participant it was given to */
	enum sanction_kind kind;
};

struct crowd_sanctions {
	struct sanction items[SANCTIONS_MAX];	/* in the order given; no holes */
	uint32_t count;
};

void sanctions_init(struct crowd_sanctions *s);
/*
 * Records @kind for participant @id from @origin; the same id and kind
 * again changes nothing. 0, or -1 when the list is full.
 */
int sanctions_add(struct crowd_sanctions *s, uint64_t origin, const char *id, enum sanction_kind kind);
/* The kinds (a bit set) in force for phones from @origin; 0 for origin 0. */
unsigned sanctions_of_origin(const struct crowd_sanctions *s, uint64_t origin);
/*
 * Lifts @kind given to @id, and that kind on its origin (the same phone
 * under another id): @origin, or when 0 the origin recorded with @id.
 * Returns how many entries went.
 */
uint32_t sanctions_lift(struct crowd_sanctions *s, const char *id, uint64_t origin, enum sanction_kind kind);

#endif
