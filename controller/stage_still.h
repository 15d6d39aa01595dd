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

#endif
