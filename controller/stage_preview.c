/*
 * stage_preview.c - the console's live thumbnail of the stage screen. See
 * stage_preview.h.
 *
 * The render thread box-filters the finished picture down to
 * STAGE_PREVIEW_WIDTH and encodes it as a PNG (libpng, fast zlib) into a
 * buffer of its own, outside the lock; then, under the lock, it swaps that
 * buffer with the shared one. The net thread copies the shared one out under
 * the same lock. Neither side ever waits for an encode.
 *
 * Thread: offer() on the render thread; copy() on the net thread.
 */
#include "stage_preview.h"

#include <png.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define PREVIEW_PERIOD_S	(1.0 / STAGE_PREVIEW_FPS)
#define PREVIEW_ZLIB_LEVEL	2	/* fast: a thumbnail is a few tens of KB at any level */

/* A growing byte buffer. */
struct bytes {
	uint8_t *data;
	size_t len, cap;
};

struct stage_preview {
	/* the render thread's alone */
	double next_s;			/* when the next thumbnail is due */
	bool started;			/* a thumbnail was offered before (next_s holds) */
	bool failed_logged;		/* an encode failure was logged once */
	int src_w, src_h;		/* the picture size the scratch below is for */
	int w, h;			/* the thumbnail's size */
	uint8_t *rgb;			/* the thumbnail, 3 bytes a pixel, rows packed */
	uint32_t *sums;			/* one box row's R, G, B sums per thumbnail column */
	int *col_edge, *row_edge;	/* box edges in the picture: w + 1 and h + 1 of them */
	struct bytes encoding;		/* the PNG being written */

	/* shared with the net thread */
	pthread_mutex_t lock;		/* held only to swap or copy the finished PNG */
	struct bytes shown;		/* the newest finished PNG; len 0 before the first */
	uint64_t seq;			/* thumbnails finished so far */
};

struct stage_preview *stage_preview_create(void)
{
	struct stage_preview *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	return p;
}

void stage_preview_destroy(struct stage_preview *p)
{
	if (!p)
		return;
	pthread_mutex_destroy(&p->lock);
	free(p->rgb);
	free(p->sums);
	free(p->col_edge);
	free(p->row_edge);
	free(p->encoding.data);
	free(p->shown.data);
	free(p);
}

/*
 * Box edges for @n boxes over @src pixels: whole source pixels (i * src / n),
 * so at a ratio that is not whole the boxes differ by one pixel and every
 * source pixel counts exactly once.
 */
static void box_edges(int *edge, int n, int src)
{
	for (int i = 0; i <= n; i++)
		edge[i] = (int)((long long)i * src / n);
}

/* Sizes the thumbnail and its scratch for a @width x @height picture. 0, or -1 when memory runs out. */
static int preview_fit(struct stage_preview *p, int width, int height)
{
	int w = width < STAGE_PREVIEW_WIDTH ? width : STAGE_PREVIEW_WIDTH;
	int h = (int)(((long long)height * w + width / 2) / width);
	uint8_t *rgb;
	uint32_t *sums;
	int *cols, *rows;

	if (p->src_w == width && p->src_h == height)
		return 0;
	if (h < 1)
		h = 1;
	rgb = malloc((size_t)w * (size_t)h * 3);
	sums = malloc((size_t)w * 3 * sizeof(*sums));
	cols = malloc((size_t)(w + 1) * sizeof(*cols));
	rows = malloc((size_t)(h + 1) * sizeof(*rows));
	if (!rgb || !sums || !cols || !rows) {
		free(rgb);
		free(sums);
		free(cols);
		free(rows);
		return -1;
	}
	free(p->rgb);
	free(p->sums);
	free(p->col_edge);
	free(p->row_edge);
	p->rgb = rgb;
	p->sums = sums;
	p->col_edge = cols;
	p->row_edge = rows;
	box_edges(cols, w, width);
	box_edges(rows, h, height);
	p->src_w = width;
	p->src_h = height;
	p->w = w;
	p->h = h;
	return 0;
}

/* Box filter: each thumbnail pixel is the mean of the picture's pixels under it. */
static void preview_shrink(struct stage_preview *p, const uint32_t *pixels, int pitch)
{
	for (int y = 0; y < p->h; y++) {
		int y0 = p->row_edge[y], y1 = p->row_edge[y + 1];
		uint8_t *out = p->rgb + (size_t)y * (size_t)p->w * 3;

		memset(p->sums, 0, (size_t)p->w * 3 * sizeof(*p->sums));
		for (int sy = y0; sy < y1; sy++) {
			const uint32_t *row = (const uint32_t *)((const uint8_t *)pixels + (size_t)sy * (size_t)pitch);

			for (int x = 0; x < p->w; x++) {
				uint32_t *s = &p->sums[x * 3];

				for (int sx = p->col_edge[x]; sx < p->col_edge[x + 1]; sx++) {
					s[0] += (row[sx] >> 16) & 0xff;
					s[1] += (row[sx] >> 8) & 0xff;
					s[2] += row[sx] & 0xff;
				}
			}
		}
		for (int x = 0; x < p->w; x++) {
			uint32_t n = (uint32_t)((p->col_edge[x + 1] - p->col_edge[x]) * (y1 - y0));

			for (int c = 0; c < 3; c++)
				out[x * 3 + c] = (uint8_t)((p->sums[x * 3 + c] + n / 2) / n);
		}
	}
}

/* libpng's output: appended to the buffer, which grows as needed. */
static void png_write_bytes(png_structp png, png_bytep data, size_t len)
{
	struct bytes *b = png_get_io_ptr(png);

	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 16384;
		uint8_t *grown;

		while (cap < b->len + len)
			cap *= 2;
		grown = realloc(b->data, cap);
		if (!grown)
			png_error(png, "out of memory");
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

static void png_flush_none(png_structp png)
{
	(void)png;
}

/* The thumbnail as a PNG into p->encoding. 0, or -1 (libpng's message is logged once). */
static int preview_encode(struct stage_preview *p)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;

	p->encoding.len = 0;
	if (!info) {
		png_destroy_write_struct(&png, NULL);
		return -1;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return -1;
	}
	png_set_write_fn(png, &p->encoding, png_write_bytes, png_flush_none);
	png_set_IHDR(png, info, (png_uint_32)p->w, (png_uint_32)p->h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_set_compression_level(png, PREVIEW_ZLIB_LEVEL);
	png_write_info(png, info);
	for (int y = 0; y < p->h; y++)
		png_write_row(png, p->rgb + (size_t)y * (size_t)p->w * 3);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	return 0;
}

/* Whether a thumbnail is due at @now_s; if so, books the next one. */
static bool preview_due(struct stage_preview *p, double now_s)
{
	if (p->started && now_s < p->next_s)
		return false;
	/* A steady pace of STAGE_PREVIEW_FPS; after a stall (or at first) start afresh rather than catch up. */
	p->next_s = p->started && now_s < p->next_s + PREVIEW_PERIOD_S ? p->next_s + PREVIEW_PERIOD_S :
									 now_s + PREVIEW_PERIOD_S;
	p->started = true;
	return true;
}

void stage_preview_offer(struct stage_preview *p, const uint32_t *pixels, int width, int height, int pitch,
			 double now_s)
{
	struct bytes done;
	bool ok = false;

	if (!p || !pixels || width < 1 || height < 1 || !preview_due(p, now_s))
		return;
	if (preview_fit(p, width, height) == 0) {
		preview_shrink(p, pixels, pitch);
		ok = preview_encode(p) == 0;
	}
	if (!ok) {
		if (!p->failed_logged)
			log_error("stage: cannot make the console's stage preview (out of memory)");
		p->failed_logged = true;
		return;	/* the console keeps the previous thumbnail */
	}
	/* The swap: the finished PNG becomes the shown one, the old one our next buffer. */
	pthread_mutex_lock(&p->lock);
	done = p->shown;
	p->shown = p->encoding;
	p->seq++;
	pthread_mutex_unlock(&p->lock);
	p->encoding = done;
	p->encoding.len = 0;
}

size_t stage_preview_copy(struct stage_preview *p, uint8_t **out, size_t *cap, uint64_t *seq)
{
	size_t len = 0;

	if (seq)
		*seq = 0;
	if (!p)
		return 0;
	pthread_mutex_lock(&p->lock);
	if (p->shown.len > *cap) {
		uint8_t *grown = realloc(*out, p->shown.len);

		if (grown) {
			*out = grown;
			*cap = p->shown.len;
		}
	}
	if (p->shown.len <= *cap) {
		len = p->shown.len;
		if (len)
			memcpy(*out, p->shown.data, len);
	}
	if (seq)
		*seq = p->seq;
	pthread_mutex_unlock(&p->lock);
	return len;
}
