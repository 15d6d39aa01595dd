/*
 * check_stage_gpu.c - the stage screen's GPU path (OpenGL ES 2 through SDL;
 * here Mesa's llvmpipe under SDL's offscreen driver, a real GL, in
 * software). Every scene is drawn as the render thread draws it, through
 * stage_screen (the GPU picture read back, then the safety pass), and
 * judged by its pixels: not blank, moving with the beat, the level and the
 * crowd, a ripple where a phone taps, poll bars that grow and a reveal
 * that bursts, transitions between cues, a blackout that is black at
 * once. Each scene's picture is kept in build/screenshots/ to look at.
 * The flash limiter's own tests run here on the GPU path too.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safety_flash.h"
#include "stage_screen.h"
#include "test_util.h"

#define W 640
#define H 360
#define FONT TUTTI_SOURCE_DIR "/assets/fonts/DejaVuSans-Bold.ttf"
#define SCREENSHOTS TUTTI_BINARY_DIR "/screenshots"
#define DT (1.0 / 30)

static const char *venue_json =
	"{\"name\":\"GPU stage test\",\"capacity\":600,"
	"\"zones\":[{\"id\":\"left\",\"name\":\"Left\",\"capacity\":300},"
	"{\"id\":\"right\",\"name\":\"Right\",\"capacity\":300}],"
	"\"theme\":{\"transition\":\"cut\"},"
	"\"cues\":["
	"{\"id\":\"join\",\"scene\":\"join\"},"
	"{\"id\":\"field\",\"title\":\"Tap along\",\"scene\":\"crowd-field\"},"
	"{\"id\":\"vote\",\"scene\":\"poll\",\"controls\":[\"vote\"],\"poll\":{\"id\":\"song\",\"question\":\"Which song?\","
	"\"options\":[\"Anthem\",\"Ballad\",\"Encore\"]}},"
	"{\"id\":\"map\",\"scene\":\"crowd-map\"},"
	"{\"id\":\"music\",\"scene\":\"audio\"},"
	"{\"id\":\"hello\",\"title\":\"Good evening\",\"scene\":\"title\",\"transition\":{\"type\":\"fade\",\"seconds\":1}},"
	"{\"id\":\"shout\",\"title\":\"Your messages\",\"scene\":\"wall\",\"controls\":[\"text\"],"
	"\"transition\":{\"type\":\"wipe\",\"seconds\":1}}]}";

enum { CUE_JOIN, CUE_FIELD, CUE_POLL, CUE_MAP, CUE_AUDIO, CUE_TITLE, CUE_WALL };

struct gpu_canvas {
	struct venue_config *cfg;
	struct stage_screen *sc;
	struct stage_frame *f;
	double t;
};

/* A stage drawn by @renderer (GPU or software). */
static void open_canvas_with(struct gpu_canvas *c, const char *json, enum stage_renderer renderer)
{
	char err[400];
	const char *kind, *detail;

	c->cfg = test_config(json);
	c->sc = stage_screen_create(c->cfg, W, H, FONT, renderer, err, sizeof(err));
	ck_assert_msg(c->sc != NULL, "no stage here: %s", err);
	kind = stage_screen_renderer(c->sc, &detail);
	ck_assert_str_eq(kind, renderer == STAGE_RENDERER_GPU ? "gpu" : "software");
	ck_assert_msg(renderer != STAGE_RENDERER_GPU || strstr(detail, "OpenGL ES") != NULL, "%s", detail);
	c->f = calloc(1, stage_frame_size(c->cfg->capacity));
	c->f->show.zone_count = c->cfg->zone_count;
	c->f->show.poll.index = -1;
	c->f->show.poll.winner = -1;
	c->f->max_flashes_per_s = 3;
	c->f->max_red_flashes_per_s = 3;
	c->t = 0;
}

static void open_canvas(struct gpu_canvas *c, const char *json)
{
	open_canvas_with(c, json, STAGE_RENDERER_GPU);
}

static void close_canvas(struct gpu_canvas *c)
{
	stage_screen_destroy(c->sc);
	config_destroy(c->cfg);
	free(c->f);
}

static void draw(struct gpu_canvas *c, int cue)
{
	c->f->show.cue_index = cue;
	c->t += DT;
	c->f->show.t = c->t;
	stage_screen_draw(c->sc, c->f, c->t, DT);
}

static void draw_for(struct gpu_canvas *c, int cue, double seconds)
{
	for (double s = 0; s < seconds; s += DT)
		draw(c, cue);
}

static uint32_t px(const struct gpu_canvas *c, int x, int y)
{
	int w, h, pitch;
	const uint32_t *p = stage_screen_pixels(c->sc, &w, &h, &pitch);

	return p[y * (pitch / 4) + x] & 0xffffff;
}

static double lum(uint32_t rgb)
{
	return (0.2126 * ((rgb >> 16) & 0xff) + 0.7152 * ((rgb >> 8) & 0xff) + 0.0722 * (rgb & 0xff)) / 255.0;
}

/* Mean luminance (sRGB values, 0..1) of a rectangle. */
static double mean_lum(const struct gpu_canvas *c, int x0, int y0, int x1, int y1)
{
	double sum = 0;

	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			sum += lum(px(c, x, y));
	return sum / ((double)(x1 - x0) * (y1 - y0));
}

/* Pixels of a rectangle whose luminance differs from @ref's by more than @by. */
static long differing(const struct gpu_canvas *c, const uint32_t *ref, int x0, int y0, int x1, int y1, double by)
{
	long n = 0;

	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			n += fabs(lum(px(c, x, y)) - lum(ref[y * W + x])) > by;
	return n;
}

/* How far the picture is from @ref: the sum of every pixel's luminance difference. */
static double distance(const struct gpu_canvas *c, const uint32_t *ref)
{
	double sum = 0;

	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			sum += fabs(lum(px(c, x, y)) - lum(ref[y * W + x]));
	return sum;
}

static uint32_t *copy_pixels(const struct gpu_canvas *c)
{
	uint32_t *out = malloc((size_t)W * H * 4);

	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			out[y * W + x] = px(c, x, y);
	return out;
}

/* Distinct colours, counted on a coarse grid of samples: a blank or flat picture has few. */
static int colours(const struct gpu_canvas *c)
{
	uint32_t seen[4096];
	int n = 0;

	for (int y = 2; y < H; y += 9)
		for (int x = 3; x < W; x += 11) {
			uint32_t v = px(c, x, y);
			int k;

			for (k = 0; k < n && seen[k] != v; k++)
				;
			if (k == n && n < 4096)
				seen[n++] = v;
		}
	return n;
}

static void screenshot(const struct gpu_canvas *c, const char *name)
{
	char path[512], err[600];

	mkdir(SCREENSHOTS, 0755);
	snprintf(path, sizeof(path), "%s/%s.png", SCREENSHOTS, name);
	ck_assert_msg(stage_screen_write_png(c->sc, path, err, sizeof(err)) == 0, "%s", err);
}

static void crowd(struct gpu_canvas *c, uint32_t n, float pulse)
{
	c->f->dot_count = n;
	c->f->participants = n;
	for (uint32_t i = 0; i < n; i++)
		c->f->dots[i] = (struct stage_dot){ .id = 1000 + i, .zone = (uint8_t)(i % 2), .pulse = pulse,
						    .x = -1, .y = -1 };
}

START_TEST(test_every_scene_draws_a_living_picture_on_the_gpu)
{
	static const char *names[] = { "join", "crowd-field", "poll", "crowd-map", "audio", "title", "wall" };
	struct gpu_canvas c;

	open_canvas(&c, venue_json);
	crowd(&c, 300, 0.3f);
	snprintf(c.f->join_url, sizeof(c.f->join_url), "http://192.168.1.20:8080/");
	c.f->show.poll = (struct frame_poll){ .index = 0, .open = true, .tallies = { 10, 30, 60 }, .total = 100,
					      .winner = -1 };
	for (uint32_t i = 0; i < 300; i++) {
		c.f->dots[i].x = 0.3f + 0.05f * (float)(i % 5);
		c.f->dots[i].y = 0.6f;
	}
	c.f->show.music = (struct frame_music){ .level = 0.6f, .bands = { 0.9f, 0.6f, 0.4f, 0.3f }, .bpm = 124,
						.beats = 1 };
	c.f->wall_count = 2;
	snprintf(c.f->wall[0].from, sizeof(c.f->wall[0].from), "a1");
	snprintf(c.f->wall[0].text, sizeof(c.f->wall[0].text), "Best night of the year!");
	snprintf(c.f->wall[1].from, sizeof(c.f->wall[1].from), "b2");
	snprintf(c.f->wall[1].text, sizeof(c.f->wall[1].text), "Play the anthem again");
	for (int cue = 0; cue < 7; cue++) {
		uint32_t *before;

		draw_for(&c, cue, 1.2);
		screenshot(&c, names[cue]);
		ck_assert_msg(colours(&c) > 40, "%s: only %d colours: a flat picture", names[cue], colours(&c));
		before = copy_pixels(&c);
		draw_for(&c, cue, 0.5);
		/* The background drifts and the particles move: a still scene is not what the GPU path draws. */
		ck_assert_msg(differing(&c, before, 0, 0, W, H, 0.002) > 200, "%s does not move", names[cue]);
		free(before);
	}
	close_canvas(&c);
}
END_TEST

/* A tap: the particle swells and a ring widens from it; the rest of the field stays as it was. */
START_TEST(test_a_tap_ripples_out_from_its_participant)
{
	struct gpu_canvas c;
	uint32_t *calm;
	long near_after, near_later, far_after;

	open_canvas(&c, venue_json);
	crowd(&c, 40, 0.0f);
	draw_for(&c, CUE_FIELD, 1.0);
	calm = copy_pixels(&c);
	/* Participant 0 is zone "left", the first cell of its column's grid. */
	c.f->dots[0].pulse = 1.0f;
	draw(&c, CUE_FIELD);
	near_after = differing(&c, calm, 0, 0, W / 2, H, 0.05);
	far_after = differing(&c, calm, W / 2, 0, W, H, 0.05);
	screenshot(&c, "crowd-field-tap");
	for (int i = 0; i < 8; i++) {
		c.f->dots[0].pulse *= 0.8f;
		draw(&c, CUE_FIELD);
	}
	screenshot(&c, "crowd-field-ripple");
	near_later = differing(&c, calm, 0, 0, W / 2, H, 0.03);
	ck_assert_msg(near_after > 150, "the tap changed %ld pixels", near_after);
	ck_assert_msg(near_later > near_after, "the ripple did not widen: %ld then %ld", near_after, near_later);
	ck_assert_msg(far_after < near_after / 4, "the other zone changed too: %ld", far_after);
	free(calm);
	close_canvas(&c);
}
END_TEST

/* Pixels changed by a tap of participant 0, 8 pictures after it, as its ring has widened. */
static long ripple_pixels(struct gpu_canvas *c)
{
	uint32_t *calm = copy_pixels(c);
	long changed;

	c->f->dots[0].pulse = 1.0f;
	for (int i = 0; i < 9; i++) {
		draw(c, CUE_FIELD);
		c->f->dots[0].pulse *= 0.8f;
	}
	changed = differing(c, calm, 0, 0, W / 2, H, 0.03);
	c->f->dots[0].pulse = 0;
	draw_for(c, CUE_FIELD, 1.0);
	free(calm);
	return changed;
}

/* After the show left the field and came back, a tap still ripples (the old ripples are gone, not in the way). */
START_TEST(test_taps_ripple_after_the_show_comes_back_to_the_field)
{
	struct gpu_canvas c;
	long first, again;

	open_canvas(&c, venue_json);
	crowd(&c, 40, 0.0f);
	draw_for(&c, CUE_FIELD, 1.0);
	first = ripple_pixels(&c);
	/* Thirty taps from the right zone, then the title, then the field again. */
	for (uint32_t n = 0; n < 30; n++) {
		c.f->dots[1 + 2 * (n % 19)].pulse = 1.0f;
		draw(&c, CUE_FIELD);
		c.f->dots[1 + 2 * (n % 19)].pulse = 0.0f;
		draw(&c, CUE_FIELD);
	}
	draw_for(&c, CUE_TITLE, 0.3);
	draw_for(&c, CUE_FIELD, 1.5);
	again = ripple_pixels(&c);
	/* The ring is most of what a tap changes: without it, the swell alone changes about 60 %. */
	ck_assert_msg(first > 300 && again > first * 3 / 4, "a tap changed %ld pixels, after coming back %ld", first, again);
	close_canvas(&c);
}
END_TEST

/* The audio scene: the disc grows with the level, and a beat lifts the light, then it settles. */
START_TEST(test_the_audio_scene_follows_the_level_and_the_beat)
{
	struct gpu_canvas c;
	double quiet, loud, before_beat, on_beat, after_beat;

	open_canvas(&c, venue_json);
	c.f->show.music.level = 0.1f;
	draw_for(&c, CUE_AUDIO, 1.0);
	quiet = mean_lum(&c, W / 2 - H / 4, H / 4, W / 2 + H / 4, H * 3 / 4);
	c.f->show.music.level = 0.9f;
	draw_for(&c, CUE_AUDIO, 1.0);
	loud = mean_lum(&c, W / 2 - H / 4, H / 4, W / 2 + H / 4, H * 3 / 4);
	ck_assert_msg(loud > quiet + 0.05, "level 0.9: %.3f, level 0.1: %.3f", loud, quiet);
	before_beat = mean_lum(&c, 0, 0, W, H);
	c.f->show.music.beats++;
	draw(&c, CUE_AUDIO);
	on_beat = mean_lum(&c, 0, 0, W, H);
	screenshot(&c, "audio-beat");
	draw_for(&c, CUE_AUDIO, 1.0);
	after_beat = mean_lum(&c, 0, 0, W, H);
	ck_assert_msg(on_beat > before_beat + 0.003, "beat %.4f, before %.4f", on_beat, before_beat);
	ck_assert_msg(after_beat < on_beat - 0.002, "after %.4f, beat %.4f", after_beat, on_beat);
	close_canvas(&c);
}
END_TEST

/* Poll bars: heights follow the tallies; at the reveal confetti bursts over the winner. */
START_TEST(test_poll_bars_grow_and_the_reveal_bursts)
{
	struct gpu_canvas c;
	int tops[3];
	uint32_t *held;
	long burst;

	open_canvas(&c, venue_json);
	c.f->show.poll = (struct frame_poll){ .index = 0, .open = true, .tallies = { 20, 40, 80 }, .total = 140,
					      .winner = -1 };
	draw_for(&c, CUE_POLL, 2.0);
	screenshot(&c, "poll-open");
	/* Each bar's top: the first row from the top, in the middle of its slot, far brighter than the background. */
	for (int i = 0; i < 3; i++) {
		int x = W / 3 * i + W / 6;

		tops[i] = -1;
		for (int y = H * 20 / 100; y < H * 80 / 100 && tops[i] < 0; y++)
			if (lum(px(&c, x, y)) > 0.25 && lum(px(&c, x, y + 3)) > 0.25)
				tops[i] = y;
	}
	ck_assert_msg(tops[2] >= 0 && tops[1] > tops[2] && tops[0] > tops[1], "tops %d %d %d", tops[0], tops[1],
		      tops[2]);
	/* Bar heights from the bottom of the bars (80 % of the height) are in proportion 1:2:4, within a few pixels. */
	{
		int base = H * 25 / 100 + H * 55 / 100, h0 = base - tops[0], h2 = base - tops[2];

		ck_assert_msg(abs(h2 - 4 * h0) < 16, "heights %d and %d", h0, h2);
	}
	held = copy_pixels(&c);
	c.f->show.poll.open = false;
	c.f->show.poll.revealed = true;
	c.f->show.poll.winner = 2;
	draw_for(&c, CUE_POLL, 0.4);
	screenshot(&c, "poll-reveal");
	burst = differing(&c, held, 0, 0, W, H * 45 / 100, 0.08);
	ck_assert_msg(burst > 300, "the reveal changed %ld pixels above the bars", burst);
	free(held);
	close_canvas(&c);
}
END_TEST

/* Counts held back for the reveal: the GPU's bars, like the software's, give nothing away. */
START_TEST(test_a_hidden_poll_shows_no_bars_on_the_gpu)
{
	struct gpu_canvas c;
	long lit = 0;

	open_canvas(&c, venue_json);
	c.f->show.poll = (struct frame_poll){ .index = 0, .open = true, .hidden = true, .tallies = { 5, 50, 500 },
					      .total = 555, .winner = -1 };
	draw_for(&c, CUE_POLL, 1.5);
	screenshot(&c, "poll-hidden");
	for (int i = 0; i < 3; i++)
		for (int y = H * 25 / 100; y < H * 70 / 100; y++)	/* above the "?" at each bar's foot */
			lit += lum(px(&c, W / 3 * i + W / 6, y)) > 0.25;
	ck_assert_msg(lit == 0, "%ld bright pixels where the bars would stand", lit);
	close_canvas(&c);
}
END_TEST

/* The crowd map: brightest where the crowd points. */
START_TEST(test_the_crowd_map_glows_where_the_crowd_points)
{
	struct gpu_canvas c;
	int bx = 0, by = 0;
	double best = -1;

	open_canvas(&c, venue_json);
	crowd(&c, 200, 0.0f);
	for (uint32_t i = 0; i < 200; i++) {
		c.f->dots[i].x = 0.75f;
		c.f->dots[i].y = 0.25f;
	}
	draw_for(&c, CUE_MAP, 0.5);
	for (int y = H / 6; y < H; y += 2)
		for (int x = 0; x < W; x += 2)
			if (lum(px(&c, x, y)) > best) {
				best = lum(px(&c, x, y));
				bx = x;
				by = y;
			}
	screenshot(&c, "crowd-map-corner");
	/* The map spans 5 %..95 % across and 14 %..95 % down. */
	ck_assert_msg(abs(bx - (int)(W * (0.05 + 0.9 * 0.75))) < W / 12, "hot spot x %d", bx);
	ck_assert_msg(abs(by - (int)(H * (0.14 + 0.81 * 0.25))) < H / 8, "hot spot y %d", by);
	close_canvas(&c);
}
END_TEST

/*
 * A fade is half way at half its time; a wipe shows the new scene on the
 * left first; a blackout is black at once. On both paths (index 0 the
 * GPU's, 1 the software fallback's, which mixes on the CPU).
 */
START_TEST(test_cue_transitions_and_an_instant_blackout)
{
	struct gpu_canvas c;
	uint32_t *from, *to;
	long left_new, right_new;
	double half, whole;

	open_canvas_with(&c, venue_json, _i ? STAGE_RENDERER_SOFTWARE : STAGE_RENDERER_GPU);
	crowd(&c, 100, 0.0f);
	/* The two ends of the fade, each at rest. */
	draw_for(&c, CUE_JOIN, 1.0);
	from = copy_pixels(&c);
	draw_for(&c, CUE_TITLE, 0.5);
	screenshot(&c, _i ? "transition-fade-half-software" : "transition-fade-half");
	half = distance(&c, from);
	draw_for(&c, CUE_TITLE, 1.0);
	to = copy_pixels(&c);
	whole = distance(&c, from);
	/* Eased, half the time is half the way: the picture is as far from either end. */
	ck_assert_msg(half > whole * 0.3 && half < whole * 0.7, "half way %.0f, all the way %.0f", half, whole);
	/* The wipe into the wall, half way: the left is the new scene, the right still the old. */
	draw_for(&c, CUE_WALL, 0.5);
	screenshot(&c, _i ? "transition-wipe-half-software" : "transition-wipe-half");
	left_new = differing(&c, to, 0, 0, W / 5, H / 5, 0.03);
	right_new = differing(&c, to, W * 4 / 5, H / 3, W, H, 0.03);
	/* The wall's title stands on the left where the title scene had none: the new scene is there already. */
	ck_assert_msg(left_new > 100, "the left did not change: %ld", left_new);
	ck_assert_msg(right_new < (W / 5) * (H * 2 / 3) / 20, "the right changed already: %ld", right_new);
	c.f->blackout = true;
	draw(&c, CUE_WALL);
	ck_assert_msg(mean_lum(&c, 0, 0, W, H) == 0.0, "a blackout is black from its first picture");
	free(from);
	free(to);
	close_canvas(&c);
}
END_TEST

/*
 * The safety pass on the GPU path: a white stage toggled by the blackout
 * ten times a second would flash ten times a second; what reaches the
 * pixels never changes by more than the limit allows (transitions of
 * 0.1 in luminance counted in every one-second window of a cell).
 */
START_TEST(test_the_flash_limiter_holds_back_a_flashing_gpu_picture)
{
	struct gpu_canvas c;
	double ref = -1, times[400];
	int dir = 0, count = 0, worst = 0;
	struct flash_stats fs;

	open_canvas(&c, "{\"name\":\"Flash\",\"capacity\":10,\"theme\":{\"background\":\"#ffffff\",\"transition\":\"cut\"},"
		    "\"cues\":[{\"id\":\"white\",\"title\":\"Lights\",\"scene\":\"title\"}]}");
	for (int n = 0; n < 120; n++) {
		double l;

		c.f->blackout = (n / 3) % 2 == 1;	/* 10 Hz at 60 pictures a second */
		c.f->show.cue_index = 0;
		c.t += 1.0 / 60;
		stage_screen_draw(c.sc, c.f, c.t, 1.0 / 60);
		l = mean_lum(&c, 0, H - 40, 40, H);	/* one corner cell, clear of any text */
		if (ref < 0) {
			ref = l;
			continue;
		}
		/* A transition: 0.1 from the last extreme the other way (or any way at first). */
		if (fabs(l - ref) >= 0.1 && (dir == 0 || (l > ref) != (dir > 0))) {
			times[count++] = c.t;
			dir = l > ref ? 1 : -1;
			ref = l;
		} else if ((dir > 0 && l > ref) || (dir < 0 && l < ref)) {
			ref = l;
		}
	}
	for (int i = 0; i < count; i++) {
		int in = 0;

		for (int j = i; j < count && times[j] < times[i] + 1.0; j++)
			in++;
		worst = in > worst ? in : worst;
	}
	stage_screen_flash_stats(c.sc, &fs);
	ck_assert_msg(fs.cells_held > 0, "the limiter held nothing back");
	ck_assert_msg(worst <= 2 * FLASH_MAX_PER_S, "%d transitions in one second", worst);
	close_canvas(&c);
}
END_TEST

/*
 * A full 1280x720 picture has no holes: a shader value that turns NaN (sin() of a
 * pixel coordinate's large multiple did, on llvmpipe) is stored as black.
 */
START_TEST(test_a_full_size_background_has_no_black_holes)
{
	struct venue_config *cfg = test_config(venue_json);
	char err[400];
	struct stage_screen *sc = stage_screen_create(cfg, 1280, 720, FONT, STAGE_RENDERER_GPU, err, sizeof(err));
	struct stage_frame *f = calloc(1, stage_frame_size(cfg->capacity));
	int w, h, pitch;
	const uint32_t *p;
	long black = 0;

	ck_assert_msg(sc != NULL, "%s", err);
	f->max_flashes_per_s = f->max_red_flashes_per_s = 3;
	f->show.cue_index = CUE_TITLE;
	for (int n = 0; n < 5; n++)
		stage_screen_draw(sc, f, n / 30.0, n ? 1 / 30.0 : 0);
	p = stage_screen_pixels(sc, &w, &h, &pitch);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			black += (p[y * (pitch / 4) + x] & 0xffffff) == 0;
	ck_assert_msg(black == 0, "%ld black pixels in the background", black);
	stage_screen_destroy(sc);
	free(f);
	config_destroy(cfg);
}
END_TEST

/* The two shipped ISF scenes, their inputs bound to the crowd and the music by name. */
static const char *isf_json =
	"{\"name\":\"ISF test\",\"capacity\":100,"
	"\"zones\":[{\"id\":\"floor\",\"capacity\":100}],"
	"\"theme\":{\"transition\":\"cut\",\"palette\":[\"#ff5ac8\",\"#22c8ff\"]},"
	"\"cues\":["
	"{\"id\":\"aurora\",\"scene\":\"isf\",\"controls\":[\"tap\"],\"isf\":{\"file\":\"" TUTTI_SOURCE_DIR
	"/assets/scenes/crowd-aurora.fs\",\"inputs\":{\"energy\":\"crowd.active_share\",\"beat\":\"music.beat\","
	"\"bass\":\"music.bass\",\"tint\":\"zone.floor.color\"}}},"
	"{\"id\":\"tunnel\",\"scene\":\"isf\",\"controls\":[\"xy\",\"tap\"],\"isf\":{\"file\":\"" TUTTI_SOURCE_DIR
	"/assets/scenes/tunnel-pulse.fs\",\"inputs\":{\"center\":\"crowd.xy\",\"beat\":\"music.beat\","
	"\"taps\":{\"source\":\"crowd.taps_per_s\",\"range\":[0,20]},\"tint\":\"theme.accent\"}}}]}";

/* The same ISF cue for @seconds with the crowd pointing at @x: the picture it ends on. */
static uint32_t *isf_picture(int cue, double x, double taps, const char *name)
{
	struct gpu_canvas c;
	uint32_t *out;

	open_canvas(&c, isf_json);
	c.f->show.venue = (struct crowd_summary){ .participants = 80, .active = 60, .taps_per_s = taps, .xy_n = 50,
						   .x_mean = x, .y_mean = 0.5 };
	c.f->show.zones[0] = c.f->show.venue;
	draw_for(&c, cue, 1.0);
	if (name)
		screenshot(&c, name);
	ck_assert_msg(colours(&c) > 40, "%s: a flat picture (%d colours)", name ? name : "isf", colours(&c));
	out = copy_pixels(&c);
	close_canvas(&c);
	return out;
}

static long pictures_differ(const uint32_t *a, const uint32_t *b)
{
	long n = 0;

	for (long i = 0; i < (long)W * H; i++)
		n += fabs(lum(a[i]) - lum(b[i])) > 0.02;
	return n;
}

START_TEST(test_the_shipped_isf_scenes_play_with_the_crowd)
{
	uint32_t *aurora = isf_picture(0, 0.5, 2, "isf-crowd-aurora");
	uint32_t *left = isf_picture(1, 0.2, 2, "isf-tunnel-pulse");
	uint32_t *again = isf_picture(1, 0.2, 2, NULL);
	uint32_t *right = isf_picture(1, 0.8, 2, "isf-tunnel-pulse-right");
	uint32_t *busy = isf_picture(1, 0.2, 18, NULL);

	/* The same inputs draw the same picture; the crowd moving its point, or tapping faster, changes it. */
	ck_assert_int_eq(pictures_differ(left, again), 0);
	ck_assert_msg(pictures_differ(left, right) > W * H / 10, "the crowd's x changed %ld pixels",
		      pictures_differ(left, right));
	ck_assert_msg(pictures_differ(left, busy) > W * H / 20, "the tap rate changed %ld pixels",
		      pictures_differ(left, busy));
	ck_assert_msg(pictures_differ(aurora, left) > W * H / 4, "the two scenes look alike");
	free(aurora);
	free(left);
	free(again);
	free(right);
	free(busy);
}
END_TEST

/* The beat, bound to an ISF input, lights the aurora up, and it settles after. */
START_TEST(test_an_isf_scene_pulses_with_the_beat)
{
	struct gpu_canvas c;
	double before, on, after;

	open_canvas(&c, isf_json);
	draw_for(&c, 0, 1.0);
	before = mean_lum(&c, 0, 0, W, H);
	c.f->show.music.beats++;
	draw(&c, 0);
	on = mean_lum(&c, 0, 0, W, H);
	screenshot(&c, "isf-crowd-aurora-beat");
	draw_for(&c, 0, 1.0);
	after = mean_lum(&c, 0, 0, W, H);
	ck_assert_msg(on > before + 0.005 && after < on - 0.003, "before %.4f, on the beat %.4f, after %.4f", before, on,
		      after);
	close_canvas(&c);
}
END_TEST

/* A venue of one ISF cue titled @title, its shader @code written to @path (a mkstemp pattern, removed by the caller). */
static void open_isf_canvas(struct gpu_canvas *c, char *path, const char *code, const char *title)
{
	char json[1024];
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, code, strlen(code)), (ssize_t)strlen(code));
	close(fd);
	snprintf(json, sizeof(json), "{\"name\":\"One shader\",\"capacity\":10,\"cues\":[{\"id\":\"shader\","
		 "\"title\":\"%s\",\"scene\":\"isf\",\"isf\":{\"file\":\"%s\"}}]}", title, path);
	open_canvas(c, json);
}

/* A shader made for layering writes alpha 0: the stage's pixels, and so its stills, are opaque all the same. */
START_TEST(test_an_isf_scene_with_alpha_still_gives_an_opaque_picture)
{
	char path[] = "/tmp/tutti-isf-XXXXXX";
	int w, h, pitch;
	struct gpu_canvas c;
	const uint32_t *p;
	long see_through = 0;

	open_isf_canvas(&c, path, "/*{\"INPUTS\":[]}*/\nvoid main() { gl_FragColor = vec4(0.2, 0.4, 0.6, 0.0); }\n",
			"Layer");
	draw_for(&c, 0, 0.2);
	p = stage_screen_pixels(c.sc, &w, &h, &pitch);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			see_through += p[y * (pitch / 4) + x] >> 24 != 0xff;
	ck_assert_msg(see_through == 0, "%ld pixels not opaque", see_through);
	ck_assert_uint_eq(px(&c, W / 2, H / 2), 0x336699);
	close_canvas(&c);
	unlink(path);
}
END_TEST

/* A shader this GL cannot compile: the cue still shows its title (the software scene), never a void. */
START_TEST(test_an_isf_shader_that_does_not_compile_shows_the_cue_title)
{
	char path[] = "/tmp/tutti-isf-XXXXXX";
	struct gpu_canvas c;

	open_isf_canvas(&c, path, "/*{\"INPUTS\":[]}*/\nvoid main() { gl_FragColor = vec4(undeclared, 1.0); }\n",
			"Still here");
	draw_for(&c, 0, 0.2);
	screenshot(&c, "isf-broken-falls-back");
	/* White title text in the middle of the picture. */
	ck_assert_msg(mean_lum(&c, W / 4, H * 38 / 100, W * 3 / 4, H * 48 / 100) > 0.08, "no title: %.3f",
		      mean_lum(&c, W / 4, H * 38 / 100, W * 3 / 4, H * 48 / 100));
	close_canvas(&c);
	unlink(path);
}
END_TEST

static Suite *stage_gpu_suite(void)
{
	Suite *s = suite_create("stage_gpu");
	TCase *tc = tcase_create("gpu");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_every_scene_draws_a_living_picture_on_the_gpu);
	tcase_add_test(tc, test_a_tap_ripples_out_from_its_participant);
	tcase_add_test(tc, test_taps_ripple_after_the_show_comes_back_to_the_field);
	tcase_add_test(tc, test_the_audio_scene_follows_the_level_and_the_beat);
	tcase_add_test(tc, test_poll_bars_grow_and_the_reveal_bursts);
	tcase_add_test(tc, test_a_hidden_poll_shows_no_bars_on_the_gpu);
	tcase_add_test(tc, test_the_crowd_map_glows_where_the_crowd_points);
	tcase_add_loop_test(tc, test_cue_transitions_and_an_instant_blackout, 0, 2);
	tcase_add_test(tc, test_the_flash_limiter_holds_back_a_flashing_gpu_picture);
	tcase_add_test(tc, test_a_full_size_background_has_no_black_holes);
	tcase_add_test(tc, test_the_shipped_isf_scenes_play_with_the_crowd);
	tcase_add_test(tc, test_an_isf_scene_pulses_with_the_beat);
	tcase_add_test(tc, test_an_isf_scene_with_alpha_still_gives_an_opaque_picture);
	tcase_add_test(tc, test_an_isf_shader_that_does_not_compile_shows_the_cue_title);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(stage_gpu_suite());
}
