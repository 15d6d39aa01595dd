/*
 * stage_still.c - PNG output through libpng's simplified API. See stage_still.h.
 */
#include "stage_still.h"

#include <dirent.h>
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
	/*
	 * Fast zlib settings: a still is written while the render thread (or a
	 * rehearsal) waits; the default level took as long as drawing several
	 * frames, for files not much smaller.
	 */
	image.flags = PNG_IMAGE_FLAG_FAST;
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

/* The number of a kept still's file name, or -1 for any other file. */
static long long still_number(const char *name)
{
	unsigned long long n;
	int end = 0;

	if (sscanf(name, "stage-%llu.png%n", &n, &end) != 1 || end == 0 || name[end] != '\0')
		return -1;
	return (long long)n;
}

static void still_path(const struct still_keeper *k, uint64_t n, char *out, size_t cap)
{
	snprintf(out, cap, "%s/stage-%06llu.png", k->dir, (unsigned long long)n);
}

int still_keeper_open(struct still_keeper *k, const char *dir, uint32_t max, char *err, size_t err_size)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	long long lo = -1, hi = -1;

	if (!d) {
		snprintf(err, err_size, "cannot read %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		long long n = still_number(e->d_name);

		if (n < 0)
			continue;
		if (lo < 0 || n < lo)
			lo = n;
		if (n > hi)
			hi = n;
	}
	closedir(d);
	snprintf(k->dir, sizeof(k->dir), "%s", dir);
	k->max = max ? max : 1;
	k->next = hi < 0 ? 0 : (uint64_t)hi + 1;
	k->oldest = lo < 0 ? k->next : (uint64_t)lo;
	return 0;
}

int still_keeper_add(struct still_keeper *k, const char *path, char *err, size_t err_size)
{
	char kept[600];

	still_path(k, k->next, kept, sizeof(kept));
	if (link(path, kept) != 0) {
		snprintf(err, err_size, "cannot keep %s: %s", kept, strerror(errno));
		return -1;
	}
	k->next++;
	/* Gaps (a still removed by hand) are skipped: a missing file is not an error. */
	while (k->next - k->oldest > k->max) {
		still_path(k, k->oldest++, kept, sizeof(kept));
		if (unlink(kept) != 0 && errno != ENOENT) {
			snprintf(err, err_size, "cannot remove %s: %s", kept, strerror(errno));
			return -1;
		}
	}
	return 0;
}
