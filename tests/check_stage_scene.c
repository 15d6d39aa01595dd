/*
 * check_stage_scene.c - the stage scenes, drawn offscreen (SDL's software
 * renderer into a surface) from fixed stage frames and checked by
 * measuring pixels: poll bars' heights against the tallies, the join
 * screen's QR code decoded by zbarimg back to the join URL, one dot per
 * active participant, the crowd map's hot spot where the crowd points,
 * the audio scene following level and bands, the title centred.
 */
#include <SDL.h>
#include <SDL_ttf.h>
#include <math.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stage_scene.h"
#include "stage_still.h"
#include "test_util.h"

#define W 1280
#define H 720
#define FONT TUTTI_SOURCE_DIR "/assets/fonts/DejaVuSans-Bold.ttf"

struct canvas {
	SDL_Surface *surf;
	SDL_Renderer *r;
	struct scene_view *scene;
	struct venue_config *cfg;
	struct stage_frame *f;
};

static const char *venue_json =
	"{\"name\":\"Stage test\",\"capacity\":400,"
	"\"zones\":[{\"id\":\"left\",\"name\":\"Left\",\"capacity\":200},"
	"{\"id\":\"right\",\"name\":\"Right\",\"capacity\":200}],"
	"\"cues\":["
	"{\"id\":\"join\",\"scene\":\"join\"},"
	"{\"id\":\"field\",\"title\":\"Tap along\",\"scene\":\"crowd-field\"},"
	"{\"id\":\"vote\",\"scene\":\"poll\",\"controls\":[\"vote\"],\"poll\":{\"id\":\"song\",\"question\":\"Which song?\","
	"\"options\":[\"Anthem\",\"Ballad\",\"Encore\"]}},"
	"{\"id\":\"map\",\"scene\":\"crowd-map\"},"
	"{\"id\":\"music\",\"scene\":\"audio\"},"
	"{\"id\":\"hello\",\"title\":\"Good evening\",\"scene\":\"title\"},"
	"{\"id\":\"shout\",\"title\":\"Your messages\",\"scene\":\"wall\",\"controls\":[\"text\"]}]}";

enum { CUE_JOIN, CUE_FIELD, CUE_POLL, CUE_MAP, CUE_AUDIO, CUE_TITLE, CUE_WALL };

static void canvas_open(struct canvas *c)
{
	char err[256];

	c->cfg = test_config(venue_json);
	c->surf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
	ck_assert_ptr_nonnull(c->surf);
	c->r = SDL_CreateSoftwareRenderer(c->surf);
	ck_assert_ptr_nonnull(c->r);
	c->scene = scene_create(c->r, c->cfg, FONT, err, sizeof(err));
	ck_assert_msg(c->scene != NULL, "scene_create: %s", err);
	c->f = calloc(1, stage_frame_size(c->cfg->capacity));
	c->f->show.zone_count = c->cfg->zone_count;
	c->f->show.poll.index = -1;
	c->f->show.poll.winner = -1;
}

static void canvas_close(struct canvas *c)
{
	scene_destroy(c->scene);
	SDL_DestroyRenderer(c->r);
	SDL_FreeSurface(c->surf);
	config_destroy(c->cfg);
	free(c->f);
}

static void draw(struct canvas *c, int cue, double dt)
{
	c->f->show.cue_index = cue;
	scene_draw(c->scene, c->f, dt);
	SDL_RenderFlush(c->r);
}

static uint32_t px(const struct canvas *c, int x, int y)
{
	return ((const uint32_t *)c->surf->pixels)[y * (c->surf->pitch / 4) + x] & 0xffffff;
}

static uint32_t dim(uint32_t rgb, float k)
{
	uint32_t out = 0;

	for (int sh = 16; sh >= 0; sh -= 8)
		out |= (uint32_t)lrintf((float)((rgb >> sh) & 0xff) * k) << sh;
	return out;
}

/* Bounding box of the pixels of exactly @rgb; returns how many there are. */
static long find_color(const struct canvas *c, uint32_t rgb, int *x0, int *y0, int *x1, int *y1)
{
	long n = 0;

	*x0 = W, *y0 = H, *x1 = -1, *y1 = -1;
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			if (px(c, x, y) == rgb) {
				n++;
				*x0 = x < *x0 ? x : *x0;
				*x1 = x > *x1 ? x : *x1;
				*y0 = y < *y0 ? y : *y0;
				*y1 = y > *y1 ? y : *y1;
			}
	return n;
}

static int bar_height(const struct canvas *c, uint32_t rgb)
{
	int x0, y0, x1, y1;

	return find_color(c, rgb, &x0, &y0, &x1, &y1) ? y1 - y0 + 1 : 0;
}

/* Counts held back for the reveal: no bar on the big screen gives the result away. */
START_TEST(test_hidden_poll_results_draw_no_bars_until_the_reveal)
{
	struct canvas c;

	canvas_open(&c);
	c.f->show.poll = (struct frame_poll){ .index = 0, .open = true, .winner = -1, .total = 60,
					      .tallies = { 10, 30, 20 }, .hidden = true };
	draw(&c, CUE_POLL, 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(bar_height(&c, scene_option_color((uint32_t)i)), 0);
	c.f->show.poll.hidden = false;
	draw(&c, CUE_POLL, 0);
	ck_assert_int_gt(bar_height(&c, scene_option_color(1)), 0);
	canvas_close(&c);
}
END_TEST

START_TEST(test_poll_bars_are_proportional_to_the_tallies)
{
	struct canvas c;
	static const uint32_t tallies[3] = { 10, 30, 20 };
	int h[3];

	canvas_open(&c);
	c.f->show.poll = (struct frame_poll){ .index = 0, .open = true, .winner = -1, .total = 60,
					      .tallies = { 10, 30, 20 } };
	draw(&c, CUE_POLL, 0);
	for (int i = 0; i < 3; i++)
		h[i] = bar_height(&c, scene_option_color((uint32_t)i));
	/* 55 % of 720 px is the full bar: 10/60 of it is 66 px. */
	for (int i = 0; i < 3; i++)
		ck_assert_msg(abs(h[i] - (int)lrint(396.0 * tallies[i] / 60)) <= 1,
			      "bar %d is %d px for %u of 60 votes", i, h[i], tallies[i]);
	ck_assert_int_eq(h[1], 3 * h[0]);
	ck_assert_int_eq(h[2], 2 * h[0]);
	canvas_close(&c);
}
END_TEST

START_TEST(test_poll_bars_grow_as_votes_arrive_and_the_winner_is_revealed)
{
	struct canvas c;
	int before, during, after;

	canvas_open(&c);
	c.f->show.poll = (struct frame_poll){ .index = 0, .open = true, .winner = -1, .total = 4,
					      .tallies = { 1, 1, 2 } };
	draw(&c, CUE_POLL, 0);
	before = bar_height(&c, scene_option_color(0));
	c.f->show.poll.tallies[0] = 6;	/* five votes for Anthem arrive */
	c.f->show.poll.total = 9;
	draw(&c, CUE_POLL, 1.0 / 60);
	during = bar_height(&c, scene_option_color(0));
	for (int i = 0; i < 120; i++)
		draw(&c, CUE_POLL, 1.0 / 60);
	after = bar_height(&c, scene_option_color(0));
	ck_assert_msg(before < during && during < after, "%d %d %d", before, during, after);
	ck_assert_int_le(abs(after - (int)lrint(396.0 * 6 / 9)), 1);
	/* Closed: the winner keeps its colour, the others dim. */
	c.f->show.poll.open = false;
	c.f->show.poll.revealed = true;
	c.f->show.poll.winner = 0;
	draw(&c, CUE_POLL, 1.0 / 60);
	ck_assert_int_gt(bar_height(&c, scene_option_color(0)), 0);
	ck_assert_int_eq(bar_height(&c, scene_option_color(2)), 0);
	ck_assert_int_gt(bar_height(&c, dim(scene_option_color(2), 0.4f)), 0);
	canvas_close(&c);
}
END_TEST

START_TEST(test_join_screen_qr_code_decodes_to_the_join_url)
{
	struct canvas c;
	const char *url = "http://192.0.2.10:8080/?zone=left";
	char path[] = "/tmp/tutti-join-XXXXXX.png", err[256], cmd[400], got[400] = "";
	int fd = mkstemps(path, 4);
	FILE *p;

	ck_assert_int_ge(fd, 0);
	close(fd);
	canvas_open(&c);
	snprintf(c.f->join_url, sizeof(c.f->join_url), "%s", url);
	c.f->participants = 42;
	draw(&c, CUE_JOIN, 0);
	ck_assert_int_eq(stillframe_write_png(path, c.surf->pixels, W, H, c.surf->pitch, err, sizeof(err)), 0);
	snprintf(cmd, sizeof(cmd), "zbarimg -q --raw %s 2>/dev/null", path);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	if (!fgets(got, sizeof(got), p))
		got[0] = '\0';
	pclose(p);
	got[strcspn(got, "\n")] = '\0';
	ck_assert_str_eq(got, url);
	unlink(path);
	canvas_close(&c);
}
END_TEST

/* Connected groups of non-background pixels between the header and the zone labels. */
static int count_dots(const struct canvas *c)
{
	int top = (int)(H * SCENE_HEADER), bottom = H - H / 20, n = 0;
	unsigned char *seen = calloc((size_t)W * H, 1);
	int *stack = malloc(sizeof(int) * (size_t)W * H);

	for (int y = top; y < bottom; y++) {
		for (int x = 0; x < W; x++) {
			int sp = 0;

			if (seen[y * W + x] || px(c, x, y) == SCENE_BACKGROUND)
				continue;
			n++;
			stack[sp++] = y * W + x;
			seen[y * W + x] = 1;
			while (sp) {
				int i = stack[--sp], cx = i % W, cy = i / W;
				static const int d[4][2] = { { 1, 0 }, { -1, 0 }, { 0, 1 }, { 0, -1 } };

				for (int k = 0; k < 4; k++) {
					int nx = cx + d[k][0], ny = cy + d[k][1];

					if (nx < 0 || nx >= W || ny < top || ny >= bottom || seen[ny * W + nx] ||
					    px(c, nx, ny) == SCENE_BACKGROUND)
						continue;
					seen[ny * W + nx] = 1;
					stack[sp++] = ny * W + nx;
				}
			}
		}
	}
	free(seen);
	free(stack);
	return n;
}

START_TEST(test_crowd_field_draws_one_dot_per_active_participant)
{
	static const uint32_t counts[] = { 1, 2, 37, 120, 400 };
	struct canvas c;

	canvas_open(&c);
	for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		uint32_t n = counts[k];

		c.f->dot_count = n;
		for (uint32_t i = 0; i < n; i++)
			c.f->dots[i] = (struct stage_dot){ .id = 1000 - i, .zone = (uint8_t)(i % 3 == 0),
							   .pulse = (float)(i % 5) / 4, .x = -1, .y = -1 };
		draw(&c, CUE_FIELD, 0);
		ck_assert_int_eq(count_dots(&c), (int)n);
	}
	/* The left half holds zone 0, the right half zone 1, in the zones' colours. */
	{
		int x0, y0, x1, y1;

		ck_assert(find_color(&c, scene_zone_color(1), &x0, &y0, &x1, &y1) > 0);
		ck_assert_int_ge(x0, W / 2);
		ck_assert(find_color(&c, dim(scene_zone_color(0), 0.45f), &x0, &y0, &x1, &y1) > 0);
		ck_assert_int_lt(x1, W / 2);
	}
	canvas_close(&c);
}
END_TEST

START_TEST(test_crowd_map_is_hottest_where_the_crowd_points)
{
	struct canvas c;
	int best_x = -1, best_y = -1, best = -1;
	int top = (int)(H * SCENE_HEADER), left = W / 20;
	int area_w = W - 2 * left, area_h = H - top - H / 20;

	canvas_open(&c);
	c.f->dot_count = 60;
	for (uint32_t i = 0; i < 60; i++) {
		bool crowd = i < 45;	/* 45 point near (0.25, 0.75), 15 are spread out */

		c.f->dots[i] = (struct stage_dot){ .id = i, .zone = 0,
			.x = crowd ? 0.25f + (float)(i % 3) * 0.004f : (float)(i % 15) / 15.0f,
			.y = crowd ? 0.75f + (float)(i % 2) * 0.004f : 0.1f + (float)(i % 7) / 10.0f };
	}
	draw(&c, CUE_MAP, 0);
	/* The hottest colour is the yellow end of the scale: most red + green. */
	for (int y = top; y < H - H / 20; y += 2)
		for (int x = left; x < W - left; x += 2) {
			uint32_t p = px(&c, x, y);
			int heat = (int)((p >> 16) & 0xff) + (int)((p >> 8) & 0xff);

			if (heat > best) {
				best = heat, best_x = x, best_y = y;
			}
		}
	ck_assert_int_le(abs(best_x - (left + area_w / 4)), area_w / 48 * 2);
	ck_assert_int_le(abs(best_y - (top + area_h * 3 / 4)), area_h / 27 * 2);
	canvas_close(&c);
}
END_TEST

/* Rows of the disc's colour down the centre column. */
static int disc_height(const struct canvas *c)
{
	int n = 0;

	for (int y = 0; y < H; y++) {
		uint32_t p = px(c, W / 2, y);

		n += ((p & 0xff) > 0x60 && ((p >> 16) & 0xff) < 0x30);	/* the cyan disc */
	}
	return n;
}

START_TEST(test_audio_scene_follows_level_beats_and_bands)
{
	struct canvas c;
	int quiet, loud, bands[4];
	uint32_t glow_on, glow_off;

	canvas_open(&c);
	c.f->show.music.level = 0.1f;
	draw(&c, CUE_AUDIO, 0);
	quiet = disc_height(&c);
	c.f->show.music.level = 0.9f;
	c.f->show.music.bands[0] = 0.2f;
	c.f->show.music.bands[1] = 0.4f;
	c.f->show.music.bands[2] = 0.6f;
	c.f->show.music.bands[3] = 0.8f;
	draw(&c, CUE_AUDIO, 0);
	loud = disc_height(&c);
	/* Radius 0.08 + 0.22 * level of the height: the diameter grows by 0.352 H. */
	ck_assert_int_le(abs((loud - quiet) - (int)lrint(0.352 * H)), 3);
	for (int b = 0; b < 4; b++)
		bands[b] = bar_height(&c, scene_zone_color((uint32_t)b + 2));
	for (int b = 0; b < 4; b++)
		ck_assert_int_le(abs(bands[b] - (int)lrint((b + 1) * 0.2 * H * 0.2)), 1);
	/* A beat makes the disc brighter, and the glow decays. */
	c.f->show.music.beats++;
	draw(&c, CUE_AUDIO, 1.0 / 60);
	glow_on = px(&c, W / 2, H * 45 / 100);
	for (int i = 0; i < 60; i++)
		draw(&c, CUE_AUDIO, 1.0 / 60);
	glow_off = px(&c, W / 2, H * 45 / 100);
	ck_assert_uint_gt(glow_on & 0xff, glow_off & 0xff);
	canvas_close(&c);
}
END_TEST

START_TEST(test_title_scene_centres_the_cue_title)
{
	struct canvas c;
	int x0 = W, x1 = -1;

	canvas_open(&c);
	draw(&c, CUE_TITLE, 0);
	for (int y = H * 38 / 100; y < H * 50 / 100; y++)
		for (int x = 0; x < W; x++)
			if (px(&c, x, y) == 0xffffff) {
				x0 = x < x0 ? x : x0;
				x1 = x > x1 ? x : x1;
			}
	ck_assert_int_gt(x1 - x0, W / 5);	/* "Good evening" in big type */
	ck_assert_int_le(abs((x0 + x1) / 2 - W / 2), W / 50);
	canvas_close(&c);
}
END_TEST

static void wall_put(struct canvas *c, uint32_t i, const char *text)
{
	snprintf(c->f->wall[i].from, sizeof(c->f->wall[i].from), "p-%08x", i);
	snprintf(c->f->wall[i].text, sizeof(c->f->wall[i].text), "%s", text);
}

START_TEST(test_wall_shows_approved_texts_newest_first_and_wraps_long_ones)
{
	struct canvas c;
	int x0, y0, x1, y1, top[3], height[3];
	long white_right = 0;

	canvas_open(&c);
	draw(&c, CUE_WALL, 0);
	ck_assert_int_eq(find_color(&c, 0x22c8ff, &x0, &y0, &x1, &y1), 0);	/* nothing approved: no cards */
	c.f->wall_count = 3;
	wall_put(&c, 0, "Happy birthday Sam!");
	wall_put(&c, 1, "Hello from the back row");
	wall_put(&c, 2, "This one is long enough that it has to wrap onto a second line at this size, "
		 "and maybe a third one too, so the wall must wrap it");
	draw(&c, CUE_WALL, 0);
	/* Each card has a bar in its own colour as tall as its text. */
	for (int i = 0; i < 3; i++) {
		ck_assert_msg(find_color(&c, scene_option_color((uint32_t)i), &x0, &y0, &x1, &y1) > 0,
			      "card %d has no bar", i);
		top[i] = y0;
		height[i] = y1 - y0 + 1;
	}
	/* Newest first, top to bottom. */
	ck_assert_int_lt(top[0], top[1]);
	ck_assert_int_lt(top[1], top[2]);
	/* The newest is in larger type; the long one wrapped to at least two lines of the smaller. */
	ck_assert_int_gt(height[0], height[1]);
	ck_assert_int_ge(height[2], 2 * height[1] - 2);
	/* Nothing runs off the right edge. */
	for (int y = 0; y < H; y++)
		for (int x = W * 96 / 100; x < W; x++)
			white_right += px(&c, x, y) == 0xffffff;
	ck_assert_int_eq(white_right, 0);
	/* Blackout wins over the wall. */
	c.f->blackout = true;
	draw(&c, CUE_WALL, 0);
	ck_assert_int_eq(find_color(&c, 0x000000, &x0, &y0, &x1, &y1), (long)W * H);
	canvas_close(&c);
}
END_TEST

/* Ink per column of the white text in rows @y0..@y1 of the canvas, from x0, @n columns. */
static void ink_columns(const struct canvas *c, int x0, int y0, int y1, int n, int *out)
{
	for (int x = 0; x < n; x++) {
		out[x] = 0;
		for (int y = y0; y <= y1; y++)
			out[x] += x0 + x < W && (px(c, x0 + x, y) & 0xff) > 0x80;
	}
}

/* The same for a surface SDL_ttf drew (alpha is the ink), n columns from its left. */
static void ink_columns_surface(SDL_Surface *s, int n, int *out)
{
	SDL_Surface *argb = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);

	for (int x = 0; x < n; x++) {
		out[x] = 0;
		for (int y = 0; y < argb->h; y++)
			out[x] += x < argb->w && (((uint32_t *)argb->pixels)[y * (argb->pitch / 4) + x] >> 24) > 0x80;
	}
	SDL_FreeSurface(argb);
}

static long profile_distance(const int *a, const int *b, int n)
{
	long d = 0;

	for (int i = 0; i < n; i++)
		d += labs((long)a[i] - b[i]);
	return d;
}

START_TEST(test_wall_reads_hebrew_right_to_left)
{
	static const char *logical = "\xd7\x90\xd7\x91 \xd7\x92\xd7\x93 12";	/* alef bet, gimel dalet, 12 */
	static const char *visual = "12 \xd7\x93\xd7\x92 \xd7\x91\xd7\x90";	/* as a reader sees it */
	struct canvas c;
	int x0, y0, x1, y1, wall[400], want[400], backwards[400], n;
	TTF_Font *font;
	SDL_Surface *ref_want, *ref_backwards;
	SDL_Color white = { 255, 255, 255, 255 };

	canvas_open(&c);
	c.f->wall_count = 1;
	wall_put(&c, 0, logical);
	draw(&c, CUE_WALL, 0);
	/* A right-to-left card: its bar on the right. */
	ck_assert_int_gt(find_color(&c, scene_option_color(0), &x0, &y0, &x1, &y1), 0);
	ck_assert_int_gt(x0, W / 2);
	/* Its ink, left to right, matches the visual order, not the typed order. */
	font = TTF_OpenFont(FONT, (int)lrintf(0.05f * H));
	ck_assert_ptr_nonnull(font);
	ref_want = TTF_RenderUTF8_Blended(font, visual, white);
	ref_backwards = TTF_RenderUTF8_Blended(font, logical, white);
	n = ref_want->w < 400 ? ref_want->w : 400;
	{
		int tx0 = W, tx1 = -1;

		for (int y = y0; y <= y1; y++)
			for (int x = 0; x < x0; x++)
				if ((px(&c, x, y) & 0xff) > 0x80) {
					tx0 = x < tx0 ? x : tx0;
					tx1 = x > tx1 ? x : tx1;
				}
		ck_assert_int_gt(tx1, tx0);
		ink_columns(&c, tx0, y0, y1, n, wall);
	}
	ink_columns_surface(ref_want, n, want);
	ink_columns_surface(ref_backwards, n, backwards);
	/* (The references start at their first pixel column too: trim their left bearing.) */
	{
		int lead_w = 0, lead_b = 0;

		while (lead_w < n && !want[lead_w])
			lead_w++;
		while (lead_b < n && !backwards[lead_b])
			lead_b++;
		memmove(want, want + lead_w, (size_t)(n - lead_w) * sizeof(int));
		memset(want + n - lead_w, 0, (size_t)lead_w * sizeof(int));
		memmove(backwards, backwards + lead_b, (size_t)(n - lead_b) * sizeof(int));
		memset(backwards + n - lead_b, 0, (size_t)lead_b * sizeof(int));
	}
	ck_assert_msg(profile_distance(wall, want, n) * 2 < profile_distance(wall, backwards, n),
		      "visual order %ld, typed order %ld", profile_distance(wall, want, n),
		      profile_distance(wall, backwards, n));
	SDL_FreeSurface(ref_want);
	SDL_FreeSurface(ref_backwards);
	TTF_CloseFont(font);
	canvas_close(&c);
}
END_TEST

/*
 * The venue's theme: its background behind the scene, its palette for the
 * zones, its logo on the join screen (and in the corner of the others), and
 * a logo gone missing since the config was checked only leaves the logo out.
 */
START_TEST(test_the_venue_theme_colours_the_scenes_and_places_its_logo)
{
	char dir[] = "/tmp/tutti-theme-XXXXXX", logo[128], json[1024], err[256];
	uint32_t px_logo[40 * 20];
	struct canvas c;
	int x0, y0, x1, y1;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(logo, sizeof(logo), "%s/logo.png", dir);
	for (int i = 0; i < 40 * 20; i++)
		px_logo[i] = 0xff3355ffu;
	ck_assert_int_eq(stillframe_write_png(logo, px_logo, 40, 20, 40 * 4, err, sizeof(err)), 0);
	snprintf(json, sizeof(json),
		 "{\"name\":\"Themed\",\"capacity\":40,\"zones\":[{\"id\":\"a\",\"capacity\":20},"
		 "{\"id\":\"b\",\"capacity\":20}],\"theme\":{\"background\":\"#102030\",\"palette\":[\"#ff8800\","
		 "\"#00ff88\"],\"logo\":\"%s\",\"join_title\":\"Scan me\"},\"cues\":[{\"id\":\"join\",\"scene\":\"join\"},"
		 "{\"id\":\"field\",\"title\":\"Tap\",\"scene\":\"crowd-field\"}]}", logo);
	c.cfg = test_config(json);
	c.surf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
	c.r = SDL_CreateSoftwareRenderer(c.surf);
	c.scene = scene_create(c.r, c.cfg, FONT, err, sizeof(err));
	ck_assert_msg(c.scene != NULL, "%s", err);
	c.f = calloc(1, stage_frame_size(c.cfg->capacity));
	c.f->show.zone_count = 2;
	snprintf(c.f->join_url, sizeof(c.f->join_url), "http://192.0.2.1/");
	draw(&c, 0, 0);
	ck_assert_uint_eq(px(&c, 3, H - 3), 0x102030);
	ck_assert_msg(find_color(&c, 0x3355ff, &x0, &y0, &x1, &y1) > 1000, "no logo on the join screen");
	ck_assert_int_gt(x0, W / 3);	/* beside the QR code, above the call to action */
	ck_assert_int_lt(y1, H * 25 / 100);
	c.f->dot_count = 2;
	c.f->dots[0] = (struct stage_dot){ .id = 1, .zone = 0, .x = -1, .y = -1 };
	c.f->dots[1] = (struct stage_dot){ .id = 2, .zone = 1, .pulse = 1, .x = -1, .y = -1 };
	draw(&c, 1, 0);
	ck_assert(find_color(&c, dim(0xff8800, 0.45f), &x0, &y0, &x1, &y1) > 0);
	ck_assert(find_color(&c, 0x00ff88, &x0, &y0, &x1, &y1) > 0);
	ck_assert_msg(find_color(&c, 0x3355ff, &x0, &y0, &x1, &y1) > 100 && x0 > W * 3 / 4 && y1 < H / 5,
		      "no logo in the corner");
	scene_destroy(c.scene);
	/* The logo deleted after the config was read: the scenes still come up, without it. */
	unlink(logo);
	c.scene = scene_create(c.r, c.cfg, FONT, err, sizeof(err));
	ck_assert_msg(c.scene != NULL, "%s", err);
	draw(&c, 0, 0);
	ck_assert_int_eq(find_color(&c, 0x3355ff, &x0, &y0, &x1, &y1), 0);
	canvas_close(&c);
	rmdir(dir);
}
END_TEST

static Suite *visuals_suite(void)
{
	Suite *s = suite_create("stage_scene");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_poll_bars_are_proportional_to_the_tallies);
	tcase_add_test(tc, test_hidden_poll_results_draw_no_bars_until_the_reveal);
	tcase_add_test(tc, test_poll_bars_grow_as_votes_arrive_and_the_winner_is_revealed);
	tcase_add_test(tc, test_join_screen_qr_code_decodes_to_the_join_url);
	tcase_add_test(tc, test_crowd_field_draws_one_dot_per_active_participant);
	tcase_add_test(tc, test_crowd_map_is_hottest_where_the_crowd_points);
	tcase_add_test(tc, test_audio_scene_follows_level_beats_and_bands);
	tcase_add_test(tc, test_title_scene_centres_the_cue_title);
	tcase_add_test(tc, test_wall_shows_approved_texts_newest_first_and_wraps_long_ones);
	tcase_add_test(tc, test_wall_reads_hebrew_right_to_left);
	tcase_add_test(tc, test_the_venue_theme_colours_the_scenes_and_places_its_logo);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(visuals_suite());
}
