/*
 * stage_still.c - PNG output through libpng's simplified API. See stage_still.h.
 */
#include "stage_still.h"

#include <png.h>
#include <stdio.h>
#include <string.h>

int stillframe_write_png(const char *path, const uint32_t *pixels, int width, int height, int pitch,
		   char *err, size_t err_size)
{
	png_image image;
	char tmp[1024];

	memset(&image, 0, sizeof(image));
	image.version = PNG_IMAGE_VERSION;
	image.width = (png_uint_32)width;
	image.height = (png_uint_32)height;
	/* ARGB8888 words are B, G, R, A bytes on a little-endian machine; the frame is opaque. */
	image.format = PNG_FORMAT_BGRA;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (!png_image_write_to_file(&image, tmp, 0, pixels, pitch, NULL)) {
		snprintf(err, err_size, "cannot write %s: %s", tmp, image.message);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, err_size, "cannot rename %s to %s", tmp, path);
		remove(tmp);
		return -1;
	}
	return 0;
}
