/*
 * check_stage_preview.c - the console's stage thumbnail: a known picture
 * comes out as a PNG of the thumbnail's size with the picture's colours in
 * the right places, at most STAGE_PREVIEW_FPS thumbnails a second, and
 * nothing is served before the first.
 */
#include <check.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "stage_preview.h"
#include "test_util.h"

#define RED	0xffff0000u
#define BLUE	0xff0000ffu

/* A @w x @h ARGB8888 picture: the left half red, the right half blue. */
static uint32_t *halves(int w, int h)
{
	uint32_t *px = malloc((size_t)w * (size_t)h * sizeof(*px));

	ck_assert_ptr_nonnull(px);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			px[(size_t)y * (size_t)w + (size_t)x] = x < w / 2 ? RED : BLUE;
	return px;
}

/* Decodes @png (libpng's simplified API) into RGB bytes; their size in *@w, *@h. The caller frees them. */
static uint8_t *decode(const uint8_t *png, size_t len, int *w, int *h)
{
	png_image image;
	uint8_t *rgb;

	memset(&image, 0, sizeof(image));
	image.version = PNG_IMAGE_VERSION;
	ck_assert_msg(png_image_begin_read_from_memory(&image, png, len), "not a PNG: %s", image.message);
	image.format = PNG_FORMAT_RGB;
	rgb = malloc(PNG_IMAGE_SIZE(image));
	ck_assert_ptr_nonnull(rgb);
	ck_assert_msg(png_image_finish_read(&image, NULL, rgb, 0, NULL), "%s", image.message);
	*w = (int)image.width;
	*h = (int)image.height;
	return rgb;
}

static void assert_rgb(const uint8_t *rgb, int w, int x, int y, int r, int g, int b)
{
	const uint8_t *px = rgb + ((size_t)y * (size_t)w + (size_t)x) * 3;

	ck_assert_msg(px[0] == r && px[1] == g && px[2] == b, "(%d, %d) is %d %d %d, want %d %d %d", x, y, px[0],
		      px[1], px[2], r, g, b);
}

START_TEST(test_stage_preview_is_a_png_of_the_picture_scaled_to_width)
{
	struct stage_preview *p = stage_preview_create();
	uint32_t *px = halves(1280, 720);
	uint8_t *png = NULL, *rgb;
	size_t cap = 0, len;
	uint64_t seq = 99;
	int w, h;

	stage_preview_offer(p, px, 1280, 720, 1280 * 4, 10.0);
	len = stage_preview_copy(p, &png, &cap, &seq);
	ck_assert_uint_gt(len, 8);
	ck_assert_uint_eq(seq, 1);
	ck_assert(memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0);
	rgb = decode(png, len, &w, &h);
	ck_assert_int_eq(w, STAGE_PREVIEW_WIDTH);
	ck_assert_int_eq(h, 180);
	/* Every thumbnail pixel covers whole picture pixels of one half: pure colours, no bleed at the seam. */
	for (int y = 0; y < h; y += 30) {
		assert_rgb(rgb, w, 0, y, 255, 0, 0);
		assert_rgb(rgb, w, w / 2 - 1, y, 255, 0, 0);
		assert_rgb(rgb, w, w / 2, y, 0, 0, 255);
		assert_rgb(rgb, w, w - 1, y, 0, 0, 255);
	}
	free(rgb);
	free(png);
	free(px);
	stage_preview_destroy(p);
}
END_TEST

START_TEST(test_stage_preview_keeps_the_shape_and_reads_the_pitch)
{
	struct stage_preview *p = stage_preview_create();
	int pw = 1000, ph = 500, pitch = (pw + 24) * 4;	/* rows padded, as an SDL surface may be */
	uint32_t *px = calloc((size_t)(pw + 24) * (size_t)ph, sizeof(*px));
	uint8_t *png = NULL, *rgb;
	size_t cap = 0, len;
	int w, h;

	ck_assert_ptr_nonnull(px);
	for (int y = 0; y < ph; y++)
		for (int x = 0; x < pw + 24; x++)
			px[(size_t)y * (size_t)(pw + 24) + (size_t)x] = x < pw ? 0xff00ff00u : RED;	/* the padding must not show */
	stage_preview_offer(p, px, pw, ph, pitch, 1.0);
	len = stage_preview_copy(p, &png, &cap, NULL);
	rgb = decode(png, len, &w, &h);
	ck_assert_int_eq(w, STAGE_PREVIEW_WIDTH);
	ck_assert_int_eq(h, 160);
	assert_rgb(rgb, w, w - 1, h - 1, 0, 255, 0);
	assert_rgb(rgb, w, w / 2, h / 2, 0, 255, 0);
	free(rgb);
	free(png);
	free(px);
	stage_preview_destroy(p);
}
END_TEST

START_TEST(test_stage_preview_makes_at_most_fps_thumbnails)
{
	struct stage_preview *p = stage_preview_create();
	uint32_t *px = halves(1280, 720);
	uint8_t *png = NULL;
	size_t cap = 0;
	uint64_t seq;

	stage_preview_offer(p, px, 1280, 720, 1280 * 4, 100.0);
	stage_preview_offer(p, px, 1280, 720, 1280 * 4, 100.1);
	ck_assert_uint_gt(stage_preview_copy(p, &png, &cap, &seq), 0);
	ck_assert_uint_eq(seq, 1);
	stage_preview_offer(p, px, 1280, 720, 1280 * 4, 100.4);
	ck_assert_uint_gt(stage_preview_copy(p, &png, &cap, &seq), 0);
	ck_assert_uint_eq(seq, 2);
	/* A 60 fps screen for two seconds: about STAGE_PREVIEW_FPS a second, never more. */
	for (int i = 1; i <= 120; i++)
		stage_preview_offer(p, px, 1280, 720, 1280 * 4, 100.4 + i / 60.0);
	stage_preview_copy(p, &png, &cap, &seq);
	ck_assert_uint_ge(seq, 2 + 2 * STAGE_PREVIEW_FPS - 1);
	ck_assert_uint_le(seq, 2 + 2 * STAGE_PREVIEW_FPS);
	free(png);
	free(px);
	stage_preview_destroy(p);
}
END_TEST

START_TEST(test_stage_preview_has_nothing_before_the_first_picture)
{
	struct stage_preview *p = stage_preview_create();
	uint8_t *png = NULL;
	size_t cap = 0;
	uint64_t seq = 99;

	ck_assert_uint_eq(stage_preview_copy(p, &png, &cap, &seq), 0);
	ck_assert_uint_eq(seq, 0);
	ck_assert_uint_eq(stage_preview_copy(NULL, &png, &cap, NULL), 0);
	stage_preview_offer(NULL, NULL, 0, 0, 0, 0);	/* no stage screen: nothing happens */
	stage_preview_destroy(NULL);
	free(png);
	stage_preview_destroy(p);
}
END_TEST

TEST_MAIN("stage_preview", test_stage_preview_is_a_png_of_the_picture_scaled_to_width,
	  test_stage_preview_keeps_the_shape_and_reads_the_pitch, test_stage_preview_makes_at_most_fps_thumbnails,
	  test_stage_preview_has_nothing_before_the_first_picture)
