/*
 * net_pss_set.h - a set of connections (per-session structs) with
 * constant-time add and remove, for the broadcast and prompt lists.
 *
 * Each member keeps its slot (index + 1, so lws' zeroing of a new pss
 * means "not in it") in a uint32_t field of its own, at @slot_offset in
 * the member's struct; a member can be in several sets through several
 * such fields. Removing swaps the last member into the hole, so the order
 * is not kept.
 *
 * Thread: whichever owns the members (the net thread).
 */
#ifndef TUTTI_NET_PSS_SET_H
#define TUTTI_NET_PSS_SET_H

#include <stddef.h>
#include <stdint.h>

struct pss_set {
	void **items;
	uint32_t n;
	size_t slot_offset;
};

/* Room for @capacity members, whose slot field is at @slot_offset. Returns 0 or -1 (out of memory). */
int pss_set_init(struct pss_set *set, uint32_t capacity, size_t slot_offset);
void pss_set_free(struct pss_set *set);
/* Adds @member unless it is in already; the caller sized the set for every member there can be. */
void pss_set_add(struct pss_set *set, void *member);
/* Removes @member if it is in; returns the member moved into its place, or NULL. */
void *pss_set_remove(struct pss_set *set, void *member);
/* Empties the set, marking each member as not in it. */
void pss_set_clear(struct pss_set *set);

#endif
