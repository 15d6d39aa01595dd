/*
 * check_audio_clip.c - audio files decoded before the show: a 44.1 kHz file
 * resampled for a 48 kHz engine keeps its length and pitch, mono fills
 * both sides, bad files name themselves, and every shipped asset loads,
 * stems as exact 8-second loops.
 */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio_util.h"
#include "audio_clip.h"
#include "test_util.h"

START_TEST(test_clip_resampled_once_keeps_length_and_pitch)
{
	char path[] = "/tmp/tutti-clip-XXXXXX.wav", err[256];
	struct audio_clip c;
	int fd = mkstemps(path, 4), crossings = 0;

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(test_wav_write(path, 440, 0.5, 2.0, 44100), 0);
	ck_assert_int_eq(clip_load(&c, path, 48000, err, sizeof(err)), 0);
	ck_assert_float_eq(c.source_rate, 44100);
	ck_assert_int_le(abs((int)c.frames - 96000), 2);
	/* Count upward zero crossings in the middle second: 440 of them. */
	for (uint32_t i = 24001; i < 72000; i++)
		if (c.left[i - 1] < 0 && c.left[i] >= 0)
			crossings++;
	ck_assert_int_le(abs(crossings - 440), 1);
	ck_assert_int_eq(memcmp(c.left, c.right, c.frames * sizeof(float)), 0);	/* mono on both sides */
	clip_free(&c);
	clip_free(&c);	/* twice is harmless */
	unlink(path);
}
END_TEST

START_TEST(test_clip_bad_files_name_themselves)
{
	struct audio_clip c;
	char err[256];

	ck_assert_int_eq(clip_load(&c, "/nonexistent/loop.flac", 48000, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/loop.flac: cannot open"));
	ck_assert_int_eq(clip_load(&c, "/etc/passwd", 48000, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "/etc/passwd"));
}
END_TEST

static void load_folder(const char *folder, bool loops)
{
	const char *src = getenv("TUTTI_SOURCE_DIR");
	char dir[512], path[1024], err[256];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/assets/%s", src ? src : "..", folder);
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		struct audio_clip c;

		if (!strstr(de->d_name, ".flac"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		ck_assert_msg(clip_load(&c, path, 48000, err, sizeof(err)) == 0, "%s", err);
		if (loops) {
			/* Exactly 8 s, so every stem stays on the beat with the others. */
			ck_assert_msg(abs((int)c.frames - 384000) <= 2, "%s: %u frames", de->d_name, c.frames);
			ck_assert_msg(fabsf(c.left[c.frames - 1] - c.left[0]) < 0.05f, "%s: loop seam", de->d_name);
		}
		clip_free(&c);
		n++;
	}
	closedir(d);
	ck_assert_int_gt(n, 0);
}

START_TEST(test_clip_every_shipped_stem_is_an_exact_loop)
{
	load_folder("stems", true);
}
END_TEST

START_TEST(test_clip_every_shipped_sample_loads)
{
	load_folder("samples", false);
}
END_TEST

static Suite *clip_suite(void)
{
	Suite *s = suite_create("audio_clip");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_clip_resampled_once_keeps_length_and_pitch);
	tcase_add_test(tc, test_clip_bad_files_name_themselves);
	tcase_add_test(tc, test_clip_every_shipped_stem_is_an_exact_loop);
	tcase_add_test(tc, test_clip_every_shipped_sample_loads);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(clip_suite());
}
