/*
 * check_stage_offline.c - a rehearsal's stage screen on its render thread:
 * the same frames give byte-identical stills, whatever the thread's timing,
 * and the very picture the same frames give drawn one by one on the show's
 * clock; each still shows its own frame's scene; a still that cannot be
 * written is reported by name. Each test runs on both paths: the
 * software renderer, and the GPU's (OpenGL ES, here Mesa's llvmpipe).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stage_offline.h"
#include "stage_screen.h"
#include "test_util.h"

#define FONT TUTTI_SOURCE_DIR "/assets/fonts/DejaVuSans-Bold.ttf"

static const char *venue_json =
	"{\"name\":\"Offline stage\",\"capacity\":50,"
	"\"cues\":[{\"id\":\"hello\",\"title\":\"Good evening\",\"scene\":\"title\"},"
	"{\"id\":\"vote\",\"scene\":\"poll\",\"controls\":[\"vote\"],\"poll\":{\"id\":\"song\","
	"\"question\":\"Which song?\",\"options\":[\"Anthem\",\"Ballad\"]}},"
	"{\"id\":\"doors\",\"scene\":\"join\"}]}";

static char dir[64];
static enum stage_renderer renderer;	/* the path the running test draws with */

/* Loop tests' index 0 draws in software, 1 on the GPU. */
#define USE_RENDERER(i) (renderer = (i) ? STAGE_RENDERER_GPU : STAGE_RENDERER_SOFTWARE)

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/tutti-stage-offline-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* The whole file at @path. */
static char *slurp(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	ck_assert_msg(f != NULL, "%s is missing", path);
	fseek(f, 0, SEEK_END);
	*len = ftell(f);
	rewind(f);
	buf = malloc((size_t)*len);
	ck_assert_int_eq(fread(buf, 1, (size_t)*len, f), *len);
	fclose(f);
	return buf;
}

/*
 * Draws 30 frames at 10 per second of show time into @tag's stills: the
 * title cue for 1.5 s, then a poll whose bars chase tallies that move every
 * frame (they rise with the time between frames: show time, or the stills
 * would differ). A still at 1.0 s and one at 2.5 s; the render thread runs
 * while the frames queue.
 */
static void frame_at(struct stage_frame *f, int n)
{
	f->max_flashes_per_s = f->max_red_flashes_per_s = 3;
	f->show.t = n / 10.0;
	f->show.cue_index = n < 15 ? 0 : 1;
	f->show.poll = (struct frame_poll){ .index = n < 15 ? -1 : 0, .open = true, .closes_at = -1, .winner = -1,
					    .tallies = { (uint32_t)n * 3, 90 - (uint32_t)n * 3 }, .total = 90 };
}

static long run(const struct venue_config *cfg, const char *tag, char *err, size_t err_size)
{
	char msg[256], a[128], b[128];
	struct stage_offline *so = stage_offline_create(cfg, 320, 180, FONT, renderer, msg, sizeof(msg));
	struct stage_frame *f = calloc(1, stage_frame_size(cfg->capacity));
	long stills;

	ck_assert_msg(so != NULL, "%s", msg);
	snprintf(a, sizeof(a), "%s/%s-1.0.png", dir, tag);
	snprintf(b, sizeof(b), "%s/%s-2.5.png", dir, tag);
	for (int n = 0; n < 30; n++) {
		frame_at(f, n);
		stage_offline_draw(so, f, n == 10 ? a : n == 25 ? b : NULL);
	}
	stills = stage_offline_finish(so, err, err_size);
	stage_offline_destroy(so);
	free(f);
	return stills;
}

START_TEST(test_stage_offline_same_frames_same_stills_and_each_shows_its_scene)
{
	struct venue_config *cfg = test_config(venue_json);

	USE_RENDERER(_i);
	char err[300], path[128];
	long n1, n2, n3, n4;
	char *one, *two, *title, *field;

	ck_assert_int_eq(run(cfg, "x", err, sizeof(err)), 2);
	ck_assert_int_eq(run(cfg, "y", err, sizeof(err)), 2);
	snprintf(path, sizeof(path), "%s/x-2.5.png", dir);
	one = slurp(path, &n1);
	snprintf(path, sizeof(path), "%s/y-2.5.png", dir);
	two = slurp(path, &n2);
	ck_assert_int_eq(n1, n2);
	ck_assert_msg(memcmp(one, two, (size_t)n1) == 0, "the same frames gave different stills");
	snprintf(path, sizeof(path), "%s/x-1.0.png", dir);
	title = slurp(path, &n3);
	field = one;
	n4 = n1;
	ck_assert_msg(n3 != n4 || memcmp(title, field, (size_t)n3) != 0, "the title and the poll look the same");
	free(two);
	{
		/* The same frames drawn here, one by one, 0.1 s of show time apart. */
		struct stage_screen *sc = stage_screen_create(cfg, 320, 180, FONT, renderer, err, sizeof(err));
		struct stage_frame *f = calloc(1, stage_frame_size(cfg->capacity));

		ck_assert_msg(sc != NULL, "%s", err);
		for (int n = 0; n <= 25; n++) {
			frame_at(f, n);
			stage_screen_draw(sc, f, f->show.t, n ? 0.1 : 0);
		}
		snprintf(path, sizeof(path), "%s/reference-2.5.png", dir);
		ck_assert_int_eq(stage_screen_write_png(sc, path, err, sizeof(err)), 0);
		stage_screen_destroy(sc);
		free(f);
		two = slurp(path, &n2);
		ck_assert_msg(n1 == n2 && memcmp(one, two, (size_t)n1) == 0,
			      "the render thread's still is not the picture of its frames on the show's clock");
	}
	free(one);
	free(two);
	free(title);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_stage_offline_a_still_that_cannot_be_written_is_named)
{
	struct venue_config *cfg = test_config(venue_json);
	char err[300] = "";

	snprintf(dir, sizeof(dir), "/nonexistent/tutti");
	ck_assert_int_eq(run(cfg, "z", err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "/nonexistent/tutti/z-1.0.png") != NULL, "err: %s", err);
	config_destroy(cfg);
}
END_TEST

/*
 * The flash limiter's work, second by second of show, for the report: the
 * join screen's QR code blacked out every other frame at 10 frames a second flashes
 * 5 times a second, over the limit of 3, so cells are held back in each
 * second it runs; a steady screen holds nothing back.
 */
START_TEST(test_stage_offline_counts_the_flash_limiters_holds_per_second)
{
	struct venue_config *cfg = test_config(venue_json);
	char msg[256];

	USE_RENDERER(_i);
	struct stage_offline *so = stage_offline_create(cfg, 320, 180, FONT, renderer, msg, sizeof(msg));
	struct stage_frame *f = calloc(1, stage_frame_size(cfg->capacity));
	const struct flash_second *sec;
	size_t n;

	ck_assert_msg(so != NULL, "%s", msg);
	for (int i = 0; i < 40; i++) {
		f->max_flashes_per_s = f->max_red_flashes_per_s = 3;
		f->show.t = i / 10.0;
		f->show.cue_index = 2;
		f->show.poll.index = -1;
		snprintf(f->join_url, sizeof(f->join_url), "http://192.168.1.10:8080/");
		f->blackout = i >= 20 && i % 2;	/* steady for 2 s, then strobing */
		stage_offline_draw(so, f, NULL);
	}
	ck_assert_int_eq(stage_offline_finish(so, msg, sizeof(msg)), 0);
	n = stage_offline_flash_seconds(so, &sec);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(sec[0].held, 0);
	ck_assert_uint_eq(sec[1].held, 0);
	ck_assert_uint_gt(sec[2].held, 0);
	ck_assert_uint_gt(sec[3].held, 0);
	stage_offline_destroy(so);
	free(f);
	config_destroy(cfg);
}
END_TEST

static Suite *stage_offline_suite(void)
{
	Suite *s = suite_create("stage_offline");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_stage_offline_same_frames_same_stills_and_each_shows_its_scene, 0, 2);
	tcase_add_test(tc, test_stage_offline_a_still_that_cannot_be_written_is_named);
	tcase_add_loop_test(tc, test_stage_offline_counts_the_flash_limiters_holds_per_second, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(stage_offline_suite());
}
