/*
 * stage_scene.c - the stage scenes. See stage_scene.h.
 *
 * Everything is drawn with solid colours and no blending except text, so
 * tests can find a bar or a dot by its exact colour. Text textures are
 * cached by content (a show redraws the same few strings every frame).
 */
#include "stage_scene.h"

#include <SDL_ttf.h>
#include <fribidi.h>
#include <math.h>
#include <png.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "utf8.h"

#define TEXT_CACHE	48
#define FONT_CLASSES	3	/* big, medium, small */
#define HEAT_W		48	/* crowd map bins */
#define HEAT_H		27
#define BAR_RISE_S	0.25	/* poll bars grow toward their share with this time constant */
#define BEAT_GLOW_S	0.15	/* the audio scene's beat glow decays with this time constant */

enum font_class { FONT_BIG, FONT_MEDIUM, FONT_SMALL };
enum align { ALIGN_LEFT, ALIGN_CENTER };

static const float font_share[FONT_CLASSES] = { 0.09f, 0.05f, 0.032f };	/* of the height */


struct text_entry {
	char text[CONFIG_TEXT_BYTES_MAX + 64];	/* titles, options, crowd texts */
	int font;
	int wrap;			/* wrapped to this width in pixels, 0 = one line */
	SDL_Texture *tex;		/* white; tinted when drawn */
	int w, h;
	uint64_t used;
};

/* A crowd text on the wall, on its way to its place: newer ones push the older down. */
struct wall_card {
	uint32_t key;			/* the text and its sender, hashed */
	float y;			/* drawn here (pixels) */
	float age;			/* seconds on the wall */
};

struct scene_view {
	SDL_Renderer *r;
	const struct venue_config *cfg;
	const struct config_theme *theme;	/* the venue's, or the default look */
	bool overlay;			/* text only: the GPU path draws the rest (scene_set_overlay) */
	struct scene_shapes shapes;	/* what this frame left for the GPU path */
	uint32_t particles_cap;
	SDL_Texture *logo;		/* the theme's logo; NULL = none */
	int logo_w, logo_h;
	char font_path[512];
	TTF_Font *fonts[FONT_CLASSES];
	int fonts_for_h;		/* target height the fonts were opened for */
	struct text_entry texts[TEXT_CACHE];
	uint64_t clock;
	int w, h;			/* target size this frame */

	SDL_Texture *qr;
	char qr_url[STAGE_URL_MAX];
	int qr_modules;			/* with the quiet zone */

	int bars_poll;			/* the poll the shown bars belong to */
	float bars[CONFIG_POLL_OPTIONS_MAX];	/* shown share 0..1 */
	uint32_t last_beats;
	float beat_glow;
	struct wall_card wall[CONFIG_WALL_MAX];	/* where each card on the wall is drawn now */
	uint32_t wall_cards;

	struct stage_dot *sorted;	/* the render thread's copy for the crowd field */
	uint32_t sorted_cap;
	float heat[HEAT_W * HEAT_H];
};

/* The look of a venue whose config has no theme (a test's hand-made config). */
static const struct config_theme default_theme = {
	.background = SCENE_BACKGROUND, .text = 0xffffff, .accent = 0x22c8ff,
	/* Bright, distinct, and none of them saturated red (which has its own flash budget). */
	.palette = { 0x22c8ff, 0xff5ac8, 0xffd23c, 0x50e678, 0xff8c28, 0xa06eff, 0x28dcc8, 0xff7896 },
	.palette_count = 8, .join_title = "Join in",
};

uint32_t scene_zone_color(uint32_t zone)
{
	return default_theme.palette[zone % 8];
}

/* Colour @i of the venue's palette: zone i, poll option i, the i-th card of the wall. */
static uint32_t theme_color(const struct scene_view *s, uint32_t i)
{
	return s->theme->palette[i % s->theme->palette_count];
}

uint32_t scene_option_color(uint32_t i)
{
	return default_theme.palette[i % 8];
}

static void set_color(struct scene_view *s, uint32_t rgb, float k)
{
	int r = (int)lrintf((float)((rgb >> 16) & 0xff) * k);
	int g = (int)lrintf((float)((rgb >> 8) & 0xff) * k);
	int b = (int)lrintf((float)(rgb & 0xff) * k);

	SDL_SetRenderDrawColor(s->r, (Uint8)(r > 255 ? 255 : r), (Uint8)(g > 255 ? 255 : g),
			       (Uint8)(b > 255 ? 255 : b), 255);
}

static void fill(struct scene_view *s, int x, int y, int w, int h)
{
	SDL_Rect rect = { x, y, w, h };

	SDL_RenderFillRect(s->r, &rect);
}

/* ---- text ---- */

static void close_fonts(struct scene_view *s)
{
	for (int i = 0; i < FONT_CLASSES; i++) {
		if (s->fonts[i])
			TTF_CloseFont(s->fonts[i]);
		s->fonts[i] = NULL;
	}
	for (int i = 0; i < TEXT_CACHE; i++) {
		if (s->texts[i].tex)
			SDL_DestroyTexture(s->texts[i].tex);
		memset(&s->texts[i], 0, sizeof(s->texts[i]));
	}
}

/* Fonts scale with the target: reopened when its height changes. */
static int open_fonts(struct scene_view *s, int h)
{
	if (s->fonts_for_h == h && s->fonts[0])
		return 0;
	close_fonts(s);
	for (int i = 0; i < FONT_CLASSES; i++) {
		int px = (int)lrintf(font_share[i] * (float)h);

		/* The theme's title font for titles, its body font for the rest. */
		const char *path = i == FONT_BIG && s->theme->title_font[0] ? s->theme->title_font :
				   i != FONT_BIG && s->theme->body_font[0] ? s->theme->body_font : s->font_path;

		s->fonts[i] = TTF_OpenFont(path, px < 8 ? 8 : px);
		if (!s->fonts[i])
			return -1;
		/* Text arrives in visual order (fribidi does the bidi algorithm): draw it as given. */
		TTF_SetFontDirection(s->fonts[i], TTF_DIRECTION_LTR);
	}
	s->fonts_for_h = h;
	return 0;
}

static struct text_entry *text_get_wrapped(struct scene_view *s, int font, const char *text, int wrap)
{
	struct text_entry *oldest = &s->texts[0];
	SDL_Surface *surf;
	SDL_Color white = { 255, 255, 255, 255 };

	for (int i = 0; i < TEXT_CACHE; i++) {
		struct text_entry *e = &s->texts[i];

		if (e->tex && e->font == font && e->wrap == wrap && strcmp(e->text, text) == 0) {
			e->used = ++s->clock;
			return e;
		}
		if (e->used < oldest->used)
			oldest = e;
	}
	if (!s->fonts[font])
		return NULL;
	surf = wrap > 0 ? TTF_RenderUTF8_Blended_Wrapped(s->fonts[font], text, white, (uint32_t)wrap) :
	       TTF_RenderUTF8_Blended(s->fonts[font], text, white);
	if (!surf)
		return NULL;
	if (oldest->tex)
		SDL_DestroyTexture(oldest->tex);
	oldest->tex = SDL_CreateTextureFromSurface(s->r, surf);
	oldest->w = surf->w;
	oldest->h = surf->h;
	SDL_FreeSurface(surf);
	if (!oldest->tex)
		return NULL;
	snprintf(oldest->text, sizeof(oldest->text), "%s", text);
	oldest->font = font;
	oldest->wrap = wrap;
	oldest->used = ++s->clock;
	return oldest;
}

static struct text_entry *text_get(struct scene_view *s, int font, const char *text)
{
	return text_get_wrapped(s, font, text, 0);
}

/* Draws @text with its top at @y, shrunk to fit @max_w when it is wider. */
static void draw_text(struct scene_view *s, int font, const char *text, int x, int y, int max_w,
		      enum align align, uint32_t rgb)
{
	struct text_entry *e;
	SDL_Rect dst;

	if (!text[0] || !(e = text_get(s, font, text)))
		return;
	dst = (SDL_Rect){ x, y, e->w, e->h };
	if (max_w > 0 && dst.w > max_w) {
		dst.h = (int)((long)dst.h * max_w / dst.w);
		dst.w = max_w;
	}
	if (align == ALIGN_CENTER)
		dst.x = x - dst.w / 2;
	SDL_SetTextureColorMod(e->tex, (rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff);
	SDL_RenderCopy(s->r, e->tex, NULL, &dst);
}

static void header(struct scene_view *s, const char *text)
{
	/* Clear of the logo in the top right corner. */
	draw_text(s, FONT_MEDIUM, text, s->w / 20, s->h / 25, s->w * 9 / 10 - (s->logo ? s->logo_w + s->w / 40 : 0),
		  ALIGN_LEFT, s->theme->text);
}

/* ---- join ---- */

/* The QR code as a texture, one texel per module with a 4-module quiet zone. */
static void make_qr(struct scene_view *s, const char *url)
{
	QRcode *qr;
	SDL_Surface *surf;

	if (s->qr && strcmp(s->qr_url, url) == 0)
		return;
	if (s->qr)
		SDL_DestroyTexture(s->qr);
	s->qr = NULL;
	snprintf(s->qr_url, sizeof(s->qr_url), "%s", url);
	qr = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return;
	s->qr_modules = qr->width + 8;
	surf = SDL_CreateRGBSurfaceWithFormat(0, s->qr_modules, s->qr_modules, 32, SDL_PIXELFORMAT_ARGB8888);
	if (surf) {
		Uint32 *px = surf->pixels;

		for (int y = 0; y < s->qr_modules; y++) {
			for (int x = 0; x < s->qr_modules; x++) {
				int mx = x - 4, my = y - 4;
				bool dark = mx >= 0 && my >= 0 && mx < qr->width && my < qr->width &&
					    (qr->data[my * qr->width + mx] & 1);

				px[y * (surf->pitch / 4) + x] = dark ? 0xff000000u : 0xffffffffu;
			}
		}
		s->qr = SDL_CreateTextureFromSurface(s->r, surf);
		SDL_FreeSurface(surf);
	}
	QRcode_free(qr);
}

static void draw_join(struct scene_view *s, const struct stage_frame *f)
{
	char count[64];
	int side, module, x, y, right;

	make_qr(s, f->join_url);
	if (s->qr) {
		/* Whole pixels per module: a camera at the back of the room reads sharp edges. */
		side = s->h * 8 / 10 < s->w * 45 / 100 ? s->h * 8 / 10 : s->w * 45 / 100;
		module = side / s->qr_modules;
		if (module < 1)
			module = 1;
		side = module * s->qr_modules;
		x = s->w / 16;
		y = (s->h - side) / 2;
		SDL_SetTextureScaleMode(s->qr, SDL_ScaleModeNearest);
		SDL_RenderCopy(s->r, s->qr, NULL, &(SDL_Rect){ x, y, side, side });
		right = x + side + s->w / 20;
	} else {
		right = s->w / 16;
	}
	if (s->logo) {
		int lh = s->h * 14 / 100, lw = (int)((long)s->logo_w * lh / s->logo_h);

		if (lw > s->w - right - s->w / 20) {
			lw = s->w - right - s->w / 20;
			lh = (int)((long)s->logo_h * lw / s->logo_w);
		}
		SDL_RenderCopy(s->r, s->logo, NULL, &(SDL_Rect){ right, s->h * 8 / 100, lw, lh });
	}
	draw_text(s, FONT_BIG, s->theme->join_title, right, s->h * 25 / 100, s->w - right - s->w / 20,
		  ALIGN_LEFT, s->theme->text);
	draw_text(s, FONT_SMALL, s->theme->join_prompt, right, s->h * 36 / 100, s->w - right - s->w / 20,
		  ALIGN_LEFT, s->theme->text);
	draw_text(s, FONT_SMALL, f->join_url, right, s->h * 43 / 100, s->w - right - s->w / 20,
		  ALIGN_LEFT, s->theme->accent);
	snprintf(count, sizeof(count), f->participants == 1 ? "%u person in" : "%u people in",
		 f->participants);
	draw_text(s, FONT_MEDIUM, count, right, s->h * 55 / 100, s->w - right - s->w / 20,
		  ALIGN_LEFT, theme_color(s, 2));
}

/* ---- crowd field ---- */

static int by_zone_then_id(const void *a, const void *b)
{
	const struct stage_dot *x = a, *y = b;

	if (x->zone != y->zone)
		return x->zone < y->zone ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void draw_field(struct scene_view *s, const struct stage_frame *f, const char *title)
{
	uint32_t zones = f->show.zone_count ? f->show.zone_count : 1;
	int top = (int)(s->h * SCENE_HEADER), bottom = s->h - s->h / 20;
	int col_w = s->w / (int)zones;
	uint32_t i = 0;

	header(s, title);
	if (f->dot_count > s->sorted_cap) {
		struct stage_dot *n = realloc(s->sorted, f->dot_count * sizeof(*n));

		if (!n)
			return;
		s->sorted = n;
		s->sorted_cap = f->dot_count;
	}
	if (s->overlay && f->dot_count > s->particles_cap) {
		struct scene_particle *n = realloc(s->shapes.particles, f->dot_count * sizeof(*n));

		if (!n)
			return;
		s->shapes.particles = n;
		s->particles_cap = f->dot_count;
	}
	/* Stable places: sorted by zone, then by participant, not by who moved last. With no
	 * dots, f->dots and s->sorted may be NULL, which memcpy and qsort must never get. */
	if (f->dot_count) {
		memcpy(s->sorted, f->dots, f->dot_count * sizeof(*s->sorted));
		qsort(s->sorted, f->dot_count, sizeof(*s->sorted), by_zone_then_id);
	}
	for (uint32_t z = 0; z < zones; z++) {
		uint32_t first = i, n;
		int cols, rows, cell, side, x0 = (int)z * col_w, h = bottom - top;

		while (i < f->dot_count && s->sorted[i].zone == z)
			i++;
		n = i - first;
		if (zones > 1 && z < f->show.zone_count)
			draw_text(s, FONT_SMALL, s->cfg->zones[z].name, x0 + col_w / 2, bottom,
				  col_w - 8, ALIGN_CENTER, theme_color(s, z));
		if (!n)
			continue;
		/* The squarest grid that holds n cells in the column; a gap keeps every dot apart. */
		cols = (int)ceil(sqrt((double)n * col_w / h));
		if (cols < 1)
			cols = 1;
		rows = (int)((n + (uint32_t)cols - 1) / (uint32_t)cols);
		cell = col_w / cols < h / rows ? col_w / cols : h / rows;
		if (cell < 2)
			cell = 2;
		side = cell * 3 / 4;
		if (side < 1)
			side = 1;
		for (uint32_t k = 0; k < n; k++) {
			const struct stage_dot *d = &s->sorted[first + k];
			int cx = x0 + (col_w - cols * cell) / 2 + (int)(k % (uint32_t)cols) * cell;
			int cy = top + (h - rows * cell) / 2 + (int)(k / (uint32_t)cols) * cell;

			if (s->overlay) {
				s->shapes.particles[s->shapes.particle_count++] = (struct scene_particle){
					.x = (float)cx + (float)cell / 2, .y = (float)cy + (float)cell / 2,
					.size = (float)cell, .rgb = theme_color(s, z), .pulse = d->pulse, .id = d->id };
				continue;
			}
			set_color(s, theme_color(s, z), 0.45f + 0.55f * d->pulse);
			fill(s, cx + (cell - side) / 2, cy + (cell - side) / 2, side, side);
		}
	}
}

/* ---- poll ---- */

static void draw_poll(struct scene_view *s, const struct stage_frame *f, double dt_s)
{
	/* The console's ad-hoc poll, while it asks, is the one on the screen too. */
	const struct frame_poll *p = f->show.adhoc_asking ? &f->show.adhoc_poll : &f->show.poll;
	const struct config_poll *cp;
	int top = s->h * 25 / 100, full = s->h * 55 / 100, slot, bar_w;
	float k = dt_s > 0 ? (float)(1.0 - exp(-dt_s / BAR_RISE_S)) : 1.0f;

	if (p->index < 0 || (uint32_t)p->index >= s->cfg->poll_count) {
		header(s, "No poll");
		return;
	}
	cp = &s->cfg->polls[p->index];
	header(s, cp->question);
	if (s->bars_poll != p->index) {
		memset(s->bars, 0, sizeof(s->bars));
		s->bars_poll = p->index;
	}
	if (p->winner >= 0 && (uint32_t)p->winner < cp->option_count) {
		char won[CONFIG_TEXT_MAX + 16];

		snprintf(won, sizeof(won), "Winner: %s", cp->options[p->winner]);
		draw_text(s, FONT_MEDIUM, won, s->w / 20, s->h * 13 / 100, s->w * 9 / 10, ALIGN_LEFT,
			  s->theme->text);
	} else if (p->vetoed) {
		draw_text(s, FONT_MEDIUM, "The artist's call", s->w / 20, s->h * 13 / 100, s->w * 9 / 10,
			  ALIGN_LEFT, s->theme->text);
	} else if (!p->open && !p->revealed) {
		draw_text(s, FONT_MEDIUM, "Voting closed…", s->w / 20, s->h * 13 / 100, s->w * 9 / 10,
			  ALIGN_LEFT, s->theme->text);
	} else if (p->hidden) {
		draw_text(s, FONT_MEDIUM, "Vote now: results at the reveal", s->w / 20, s->h * 13 / 100,
			  s->w * 9 / 10, ALIGN_LEFT, s->theme->text);
	}
	s->shapes.poll_index = p->index;
	s->shapes.winner = p->winner;
	s->shapes.bar_count = cp->option_count;
	slot = s->w / (int)cp->option_count;
	bar_w = slot * 6 / 10;
	for (uint32_t i = 0; i < cp->option_count; i++) {
		/* Counts held back for the reveal: the options stand, with no bars and no numbers. */
		float want = p->total && !p->hidden ? (float)p->tallies[i] / (float)p->total : 0.0f;
		int x = (int)i * slot + (slot - bar_w) / 2, h;
		char tally[32];
		bool loser = p->winner >= 0 && (int)i != p->winner;

		s->bars[i] += (want - s->bars[i]) * k;
		h = (int)lrintf(s->bars[i] * (float)full);
		s->shapes.bars[i] = (SDL_Rect){ x, top + full - h, bar_w, h };
		s->shapes.bar_rgb[i] = theme_color(s, i);
		s->shapes.bar_dim[i] = loser;
		set_color(s, theme_color(s, i), loser ? 0.4f : 1.0f);
		if (h > 0 && !s->overlay)	/* no bar at all for no votes, or for counts held back */
			fill(s, x, top + full - h, bar_w, h);
		if (p->hidden)
			snprintf(tally, sizeof(tally), "?");
		else
			snprintf(tally, sizeof(tally), "%u", p->tallies[i]);
		draw_text(s, FONT_SMALL, tally, x + bar_w / 2, top + full - h - s->h * 5 / 100, slot,
			  ALIGN_CENTER, s->theme->text);
		draw_text(s, FONT_SMALL, cp->options[i], x + bar_w / 2, top + full + s->h / 50, slot - 4,
			  ALIGN_CENTER, s->theme->text);
	}
}

/* ---- crowd map ---- */

/* Dark blue, violet, magenta, orange, yellow: how crowded a spot is. */
uint32_t scene_heat_color(float t)
{
	static const uint32_t stops[5] = { 0x101840, 0x5028a0, 0xd03cb4, 0xff8c28, 0xffe650 };
	float x = t <= 0 ? 0 : t >= 1 ? 4 : t * 4;
	int i = (int)x >= 4 ? 3 : (int)x;
	float u = x - (float)i;
	uint32_t a = stops[i], b = stops[i + 1], out = 0;

	for (int sh = 16; sh >= 0; sh -= 8) {
		float ca = (float)((a >> sh) & 0xff), cb = (float)((b >> sh) & 0xff);

		out |= (uint32_t)lrintf(ca + (cb - ca) * u) << sh;
	}
	return out;
}

static void draw_map(struct scene_view *s, const struct stage_frame *f, const char *title)
{
	int top = (int)(s->h * SCENE_HEADER), left = s->w / 20;
	int area_w = s->w - 2 * left, area_h = s->h - top - s->h / 20;
	float raw[HEAT_W * HEAT_H], peak = 0;

	header(s, title);
	memset(raw, 0, sizeof(raw));
	for (uint32_t i = 0; i < f->dot_count; i++) {
		const struct stage_dot *d = &f->dots[i];
		int bx, by;

		if (d->x < 0 || d->y < 0)
			continue;
		bx = (int)(d->x * HEAT_W);
		by = (int)(d->y * HEAT_H);
		raw[(by >= HEAT_H ? HEAT_H - 1 : by) * HEAT_W + (bx >= HEAT_W ? HEAT_W - 1 : bx)] += 1;
	}
	/* A 3x3 blur: one phone is a soft spot, not a lone pixel. */
	for (int y = 0; y < HEAT_H; y++) {
		for (int x = 0; x < HEAT_W; x++) {
			float sum = 0;

			for (int dy = -1; dy <= 1; dy++)
				for (int dx = -1; dx <= 1; dx++) {
					int nx = x + dx, ny = y + dy;

					if (nx >= 0 && ny >= 0 && nx < HEAT_W && ny < HEAT_H)
						sum += raw[ny * HEAT_W + nx] * (dx || dy ? 0.5f : 1.0f);
				}
			s->heat[y * HEAT_W + x] = sum;
			if (sum > peak)
				peak = sum;
		}
	}
	s->shapes.heat = s->heat;
	s->shapes.heat_w = HEAT_W;
	s->shapes.heat_h = HEAT_H;
	s->shapes.heat_peak = peak;
	s->shapes.heat_area = (SDL_Rect){ left, top, area_w, area_h };
	for (int y = 0; y < HEAT_H && !s->overlay; y++) {
		for (int x = 0; x < HEAT_W; x++) {
			int x0 = left + x * area_w / HEAT_W, x1 = left + (x + 1) * area_w / HEAT_W;
			int y0 = top + y * area_h / HEAT_H, y1 = top + (y + 1) * area_h / HEAT_H;

			set_color(s, scene_heat_color(peak > 0 ? s->heat[y * HEAT_W + x] / peak : 0), 1.0f);
			fill(s, x0, y0, x1 - x0, y1 - y0);
		}
	}
}

/* ---- audio ---- */

static void draw_audio(struct scene_view *s, const struct stage_frame *f, const char *title, double dt_s)
{
	const struct frame_music *m = &f->show.music;
	int cx = s->w / 2, cy = s->h * 45 / 100;
	float level = m->level < 0 ? 0 : m->level > 1 ? 1 : m->level;
	int radius = (int)((0.08f + 0.22f * level) * (float)s->h);
	int band_w = s->w / 10, base = s->h - s->h / 20;
	char bpm[32];

	header(s, title);
	if (m->beats != s->last_beats) {
		s->beat_glow = 1.0f;
		s->last_beats = m->beats;
	} else if (dt_s > 0) {
		s->beat_glow *= (float)exp(-dt_s / BEAT_GLOW_S);
	}
	/* A disc, row by row: its radius follows the level, its brightness the beat. */
	set_color(s, s->theme->accent, 0.5f + 0.5f * s->beat_glow);
	for (int dy = -radius; dy <= radius && !s->overlay; dy++) {
		int half = (int)sqrt((double)radius * radius - (double)dy * dy);

		fill(s, cx - half, cy + dy, 2 * half + 1, 1);
	}
	for (int b = 0; b < 4 && !s->overlay; b++) {
		float e = m->bands[b] < 0 ? 0 : m->bands[b] > 1 ? 1 : m->bands[b];
		int h = (int)lrintf(e * (float)s->h * 0.2f);

		set_color(s, theme_color(s, (uint32_t)b + 2), 1.0f);
		fill(s, s->w / 2 - 2 * band_w + b * band_w + band_w / 8, base - h, band_w * 3 / 4, h);
	}
	if (m->bpm > 0) {
		snprintf(bpm, sizeof(bpm), "%.0f BPM", m->bpm);
		draw_text(s, FONT_SMALL, bpm, s->w - s->w / 20 - s->w / 6, s->h / 25, s->w / 6,
			  ALIGN_LEFT, theme_color(s, 2));
	}
}

/* ---- title ---- */

/* ---- wall: approved crowd texts, newest first and largest ---- */

/*
 * @text without the characters the stage font cannot draw (most emoji):
 * a box on a stage screen reads as a fault, a gap does not. The
 * moderators saw the whole text.
 */
static void drawable_only(struct scene_view *s, int font, const char *text, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t left = strlen(text), o = 0, n;

	for (; left && o + 5 < cap; p += n, left -= n) {
		int32_t cp = utf8_next(p, left, &n);

		if (cp >= 0x20 && (cp < 0x80 || TTF_GlyphIsProvided32(s->fonts[font], (uint32_t)cp))) {
			memcpy(out + o, p, n);
			o += n;
		}
	}
	out[o] = '\0';
}

/* True when @u holds a right-to-left letter (Hebrew, Arabic, Syriac, Thaana, N'Ko, their forms). */
static bool has_rtl(const FriBidiChar *u, FriBidiStrIndex n)
{
	for (FriBidiStrIndex i = 0; i < n; i++)
		if (FRIBIDI_IS_RTL(fribidi_get_bidi_type(u[i])))
			return true;
	return false;
}

/*
 * Breaks @u (logical order) into lines no wider than @width at spaces,
 * each put in visual order by the Unicode bidi algorithm with Arabic
 * shaping (fribidi), as UTF-8 in @lines. SDL_ttf then draws each left to
 * right as given. Returns the number of lines; *@rtl says whether the
 * paragraph reads right to left (its lines are then right-aligned).
 */
#define WALL_LINES_MAX 8
static int bidi_lines(struct scene_view *s, int font, const FriBidiChar *u, FriBidiStrIndex n, int width,
		      char lines[WALL_LINES_MAX][CONFIG_TEXT_BYTES_MAX * 2 + 1], bool *rtl)
{
	FriBidiParType base = FRIBIDI_PAR_ON;
	FriBidiChar visual[CONFIG_TEXT_CHARS_MAX * 2];
	char probe[CONFIG_TEXT_BYTES_MAX * 2 + 1];
	FriBidiStrIndex start = 0;
	int count = 0;

	*rtl = false;
	while (start < n && count < WALL_LINES_MAX) {
		FriBidiStrIndex end = start, fit = start;
		int w;

		/* The longest run of whole words from @start that fits (at least one word). */
		while (end < n) {
			FriBidiStrIndex next = end + 1;

			while (next < n && u[next] != ' ')
				next++;
			fribidi_unicode_to_charset(FRIBIDI_CHAR_SET_UTF8, u + start, next - start, probe);
			if (TTF_SizeUTF8(s->fonts[font], probe, &w, NULL) != 0 || (w > width && fit > start))
				break;
			fit = next;
			end = next;
		}
		if (fit == start)
			fit = end > start ? end : n;
		base = FRIBIDI_PAR_ON;
		if (!fribidi_log2vis(u + start, fit - start, &base, visual, NULL, NULL, NULL))
			return count;
		if (count == 0)
			*rtl = FRIBIDI_IS_RTL(base);
		fribidi_unicode_to_charset(FRIBIDI_CHAR_SET_UTF8, visual, fit - start, lines[count++]);
		start = fit;
		while (start < n && u[start] == ' ')
			start++;
	}
	return count;
}

/* A card in a right-to-left script: lines in visual order, right-aligned, the bar on the right. */
static int draw_rtl_card(struct scene_view *s, int font, const FriBidiChar *u, FriBidiStrIndex n, int x, int y,
			 int width, int bar, uint32_t color, int bottom)
{
	static char lines[WALL_LINES_MAX][CONFIG_TEXT_BYTES_MAX * 2 + 1];	/* render thread only */
	int count, h = 0, line_h = TTF_FontLineSkip(s->fonts[font]);
	bool rtl;

	count = bidi_lines(s, font, u, n, width - 3 * bar, lines, &rtl);
	if (!count || y + count * line_h > bottom)
		return count ? -1 : 0;
	set_color(s, color, 1.0f);
	fill(s, rtl ? x + width - bar : x, y, bar, count * line_h);
	for (int l = 0; l < count; l++) {
		struct text_entry *e = text_get(s, font, lines[l]);
		SDL_Rect dst;

		if (!e)
			continue;
		dst = (SDL_Rect){ rtl ? x + width - 3 * bar - e->w : x + 3 * bar, y + h, e->w, e->h };
		SDL_SetTextureColorMod(e->tex, 255, 255, 255);
		SDL_RenderCopy(s->r, e->tex, NULL, &dst);
		h += line_h;
	}
	return h;
}

#define WALL_SLIDE_S	0.35	/* cards glide to their places with this time constant */
#define WALL_FADE_S	0.5	/* a new card fades in over this */

static uint32_t wall_key(const struct stage_text *t)
{
	uint32_t h = 2166136261u;

	for (const char *p = t->from; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	for (const char *p = t->text; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return h;
}

/*
 * Where card @i (@key, laid out at @y) is drawn this frame, and how opaque:
 * a new card slides down into the top place and fades in while the others
 * glide down to make room. With @dt 0 everything is at rest.
 */
static int wall_place(struct scene_view *s, struct wall_card *next, uint32_t i, uint32_t key, int y, double dt,
		      float *alpha)
{
	struct wall_card c = { .key = key, .y = (float)y - (float)s->h * 0.08f };

	for (uint32_t k = 0; k < s->wall_cards; k++)
		if (s->wall[k].key == key)
			c = s->wall[k];
	c.age += (float)dt;
	c.y = dt > 0 ? c.y + ((float)y - c.y) * (float)(1.0 - exp(-dt / WALL_SLIDE_S)) : (float)y;
	*alpha = dt > 0 ? fminf(1.0f, c.age / (float)WALL_FADE_S) : 1.0f;
	next[i] = c;
	return (int)lrintf(c.y);
}

static void draw_wall(struct scene_view *s, const struct stage_frame *f, const char *title, double dt_s)
{
	int y = s->h * 16 / 100, left = s->w / 20, width = s->w * 9 / 10, bottom = s->h * 96 / 100;
	struct wall_card next[CONFIG_WALL_MAX];
	uint32_t placed = 0;

	header(s, title);
	for (uint32_t i = 0; i < f->wall_count; i++) {
		int font = i == 0 ? FONT_MEDIUM : FONT_SMALL, bar = s->h / 120 + 1;
		char text[sizeof(f->wall[i].text)];
		FriBidiChar u[CONFIG_TEXT_CHARS_MAX * 2];
		FriBidiStrIndex n;
		struct text_entry *e;
		SDL_Rect dst;

		if (!s->fonts[font])
			return;
		drawable_only(s, font, f->wall[i].text, text, sizeof(text));
		n = fribidi_charset_to_unicode(FRIBIDI_CHAR_SET_UTF8, text, (FriBidiStrIndex)strlen(text), u);
		/* Hebrew or Arabic anywhere: the bidi algorithm orders it, or it would read backwards. */
		if (n > 0 && n <= CONFIG_TEXT_CHARS_MAX && has_rtl(u, n)) {
			float alpha;
			int shown = wall_place(s, next, placed, wall_key(&f->wall[i]), y, dt_s, &alpha);
			int h = draw_rtl_card(s, font, u, n, left, shown, width, bar, theme_color(s, i), bottom);

			if (h < 0)
				break;
			placed++;
			y += h + s->h / 30;
			continue;
		}
		e = text_get_wrapped(s, font, text, width - 3 * bar);
		if (!e)
			continue;	/* nothing drawable in it */
		if (y + e->h > bottom)
			break;		/* the older ones wait off screen until newer ones push them out */
		{
			float alpha;
			int shown = wall_place(s, next, placed++, wall_key(&f->wall[i]), y, dt_s, &alpha);

			set_color(s, theme_color(s, i), alpha);
			fill(s, left, shown, bar, e->h);
			dst = (SDL_Rect){ left + 3 * bar, shown, e->w, e->h };
			SDL_SetTextureColorMod(e->tex, 255, 255, 255);
			SDL_SetTextureAlphaMod(e->tex, (Uint8)lrintf(alpha * 255));
			SDL_RenderCopy(s->r, e->tex, NULL, &dst);
			SDL_SetTextureAlphaMod(e->tex, 255);
		}
		y += e->h + s->h / 30;
	}
	memcpy(s->wall, next, placed * sizeof(next[0]));
	s->wall_cards = placed;
}

static void draw_title(struct scene_view *s, const struct config_cue *cue)
{
	draw_text(s, FONT_BIG, cue->title[0] ? cue->title : cue->id, s->w / 2, s->h * 38 / 100,
		  s->w * 9 / 10, ALIGN_CENTER, s->theme->text);
	draw_text(s, FONT_MEDIUM, cue->prompt, s->w / 2, s->h * 55 / 100, s->w * 9 / 10,
		  ALIGN_CENTER, s->theme->accent);
}

/* ---- the scene of the frame's cue ---- */

/* The theme's logo as a texture (libpng reads it; SDL has no PNG reader of its own). */
static int load_logo(struct scene_view *s, const char *path, char *err, size_t err_size)
{
	png_image img = { .version = PNG_IMAGE_VERSION };
	void *px = NULL;
	SDL_Surface *surf = NULL;

	if (png_image_begin_read_from_file(&img, path)) {
		img.format = PNG_FORMAT_BGRA;	/* little-endian ARGB8888 words */
		px = malloc(PNG_IMAGE_SIZE(img));
		if (px && png_image_finish_read(&img, NULL, px, 0, NULL))
			surf = SDL_CreateRGBSurfaceWithFormatFrom(px, (int)img.width, (int)img.height, 32,
								  (int)PNG_IMAGE_ROW_STRIDE(img),
								  SDL_PIXELFORMAT_ARGB8888);
	}
	if (surf) {
		s->logo = SDL_CreateTextureFromSurface(s->r, surf);
		s->logo_w = surf->w;
		s->logo_h = surf->h;
		SDL_FreeSurface(surf);
	}
	if (!s->logo)
		snprintf(err, err_size, "cannot read the logo %s: %s", path,
			 img.warning_or_error ? img.message : SDL_GetError());
	png_image_free(&img);
	free(px);
	if (!s->logo)
		return -1;
	SDL_SetTextureBlendMode(s->logo, SDL_BLENDMODE_BLEND);
	return 0;
}

struct scene_view *scene_create(SDL_Renderer *r, const struct venue_config *cfg, const char *font_path,
			   char *err, size_t err_size)
{
	struct scene_view *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	if (!TTF_WasInit() && TTF_Init() != 0) {
		snprintf(err, err_size, "SDL_ttf: %s", TTF_GetError());
		free(s);
		return NULL;
	}
	s->r = r;
	s->cfg = cfg;
	s->theme = cfg->theme.palette_count ? &cfg->theme : &default_theme;
	s->bars_poll = -1;
	snprintf(s->font_path, sizeof(s->font_path), "%s", font_path);
	SDL_GetRendererOutputSize(r, &s->w, &s->h);
	if (open_fonts(s, s->h) != 0) {
		snprintf(err, err_size, "cannot load the stage font %s: %s", font_path, TTF_GetError());
		scene_destroy(s);
		return NULL;
	}
	/* The config checked the logo; one that cannot be read now (replaced mid-show) is left out, with why. */
	if (s->theme->logo[0] && load_logo(s, s->theme->logo, err, err_size) != 0)
		log_error("stage: %s; the screen goes on without the logo", err);
	return s;
}

void scene_destroy(struct scene_view *s)
{
	if (!s)
		return;
	close_fonts(s);
	if (s->qr)
		SDL_DestroyTexture(s->qr);
	if (s->logo)
		SDL_DestroyTexture(s->logo);
	free(s->sorted);
	free(s->shapes.particles);
	free(s);
}

void scene_draw(struct scene_view *s, const struct stage_frame *f, double dt_s)
{
	const struct config_cue *cue;
	const char *title;

	SDL_GetRendererOutputSize(s->r, &s->w, &s->h);
	open_fonts(s, s->h);
	SDL_SetRenderDrawBlendMode(s->r, SDL_BLENDMODE_NONE);
	set_color(s, s->theme->background, 1.0f);
	if (s->overlay)
		SDL_SetRenderDrawColor(s->r, 0, 0, 0, 0);	/* what the GPU drew shows through */
	SDL_RenderClear(s->r);
	s->shapes.scene = SCENE_COUNT;
	s->shapes.particle_count = s->shapes.bar_count = 0;
	s->shapes.poll_index = s->shapes.winner = -1;
	s->shapes.heat = NULL;
	s->shapes.background = s->theme->background;
	s->shapes.text = s->theme->text;
	s->shapes.accent = s->theme->accent;
	if (f->blackout) {
		SDL_SetRenderDrawColor(s->r, 0, 0, 0, 255);	/* the venue's blackout wins over every scene */
		SDL_RenderClear(s->r);
		return;
	}
	if (f->show.cue_index < 0 || (uint32_t)f->show.cue_index >= s->cfg->cue_count)
		return;
	cue = &s->cfg->cues[f->show.cue_index];
	title = cue->title[0] ? cue->title : cue->id;
	s->shapes.scene = cue->scene;
	/* The venue's mark in the corner of every scene but the join screen's (its own place) and a shader's. */
	if (s->logo && cue->scene != SCENE_JOIN && cue->scene != SCENE_ISF) {
		int lh = s->h * 9 / 100, lw = (int)((long)s->logo_w * lh / s->logo_h);

		SDL_RenderCopy(s->r, s->logo, NULL, &(SDL_Rect){ s->w - s->w / 40 - lw, s->h / 30, lw, lh });
	}
	switch (cue->scene) {
	case SCENE_JOIN:
		draw_join(s, f);
		break;
	case SCENE_CROWD_FIELD:
		draw_field(s, f, title);
		break;
	case SCENE_POLL:
		draw_poll(s, f, dt_s);
		break;
	case SCENE_CROWD_MAP:
		draw_map(s, f, title);
		break;
	case SCENE_AUDIO:
		draw_audio(s, f, title, dt_s);
		break;
	case SCENE_WALL:
		draw_wall(s, f, title, dt_s);
		break;
	case SCENE_ISF:
		/* The whole picture is the shader's; with no GPU the cue's title stands in for it. */
		if (!s->overlay)
			draw_title(s, cue);
		break;
	case SCENE_TITLE:
	default:
		draw_title(s, cue);
		break;
	}
}

void scene_set_overlay(struct scene_view *s, bool overlay)
{
	s->overlay = overlay;
}

const struct scene_shapes *scene_shapes_get(const struct scene_view *s)
{
	return &s->shapes;
}
