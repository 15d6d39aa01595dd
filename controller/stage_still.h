/*
 * stage_still.h - writes a stage frame to a PNG file (libpng), atomically: a
 * reader (the console, a test) never sees half a file.
 * Thread: any.
 */
#ifndef TUTTI_STAGE_STILL_H
#define TUTTI_STAGE_STILL_H

#include <stddef.h>
#include <stdint.h>

/* @pixels: 32-bit ARGB8888 words, @pitch bytes per row. 0, or -1 with @err. */
int stillframe_write_png(const char *path, const uint32_t *pixels, int width, int height, int pitch,
		   char *err, size_t err_size);

/*
 * Numbered stills (DIR/stage-000001.png, ...) kept beside latest.png, at
 * most @max of them: the oldest goes when a new one would pass the bound, so
 * a long show cannot fill the disk. Numbering goes on from the highest still
 * already in the folder, so a restarted daemon neither collides with the
 * stills of its previous run nor loses them.
 */
struct still_keeper {
	char dir[512];
	uint64_t next;			/* the number the next kept still gets */
	uint64_t oldest;		/* the lowest number still on disk (== next when none) */
	uint32_t max;			/* how many are kept at most, >= 1 */
};

/* Reads @dir's numbered stills. 0, or -1 with @err (the folder cannot be read). */
int still_keeper_open(struct still_keeper *k, const char *dir, uint32_t max, char *err, size_t err_size);
/*
 * Keeps the still at @path (latest.png) under the next number, as a second
 * name for the same file, and removes the oldest beyond the bound.
 * 0, or -1 with @err.
 */
int still_keeper_add(struct still_keeper *k, const char *path, char *err, size_t err_size);

#endif
