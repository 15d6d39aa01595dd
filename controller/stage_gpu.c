/*
 * stage_gpu.c - the stage picture with OpenGL ES 2 shaders. See stage_gpu.h.
 *
 * Each picture: the software scene draws its text into a transparent
 * overlay (and measures where dots and bars go); the current cue's scene
 * is drawn into its render target (background or ISF shader, then
 * particles, ripples, bars, heat); the overlay goes on top. While a
 * transition runs, a compose pass mixes in the previous cue's last
 * picture. The picture is read back and its rows flipped and channels
 * swapped on the CPU into the ARGB8888 rows, top first, that the safety
 * pass and the window take: far cheaper than another full-screen pass
 * on a software GL.
 *
 * Every brightness change here is gentle on purpose (a beat lifts the
 * background by a few per cent): the flash limiter would hold back more.
 */
#include "stage_gpu.h"

#include <SDL.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "stage_gl.h"
#include "stage_isf.h"
#include "stage_scene.h"
#include "stage_transition.h"

#define RIPPLES_MAX	1024	/* taps still rippling; the oldest gives way */
#define RIPPLE_LIFE_S	0.9
#define CONFETTI_MAX	400	/* pieces of the poll's reveal */
#define CONFETTI_LIFE_S	2.6
#define JOIN_SPARKS_MAX	1500	/* rising sparks on the join screen, one per person in */
#define BEAT_DECAY_S	0.25	/* the beat pulse falls with this time constant */
#define VERTEX_FLOATS	8	/* x, y, size, r, g, b, a, ring */

/* ---- shaders (GLSL ES 1.00) ---- */

#define GLSL_PRECISION "#ifdef GL_FRAGMENT_PRECISION_HIGH\nprecision highp float;\n#else\nprecision mediump float;\n#endif\n"

/* A full-screen pass: v_uv 0..1, GL's orientation (v = 0 at the bottom). */
static const char *vs_screen =
	"attribute vec2 a_pos; varying vec2 v_uv;\n"
	"void main() { v_uv = a_pos * 0.5 + 0.5; gl_Position = vec4(a_pos, 0.0, 1.0); }\n";

/* A texture over a rectangle (clip space), rows flipped for pictures stored top row first. */
static const char *vs_sprite =
	"attribute vec2 a_pos; uniform vec4 u_rect; varying vec2 v_uv;\n"
	"void main() { v_uv = a_pos * 0.5 + 0.5; gl_Position = vec4(mix(u_rect.xy, u_rect.zw, v_uv), 0.0, 1.0); }\n";
static const char *fs_sprite = GLSL_PRECISION
	"uniform sampler2D u_tex; uniform float u_bgra; varying vec2 v_uv;\n"
	"void main() {\n"
	"  vec4 c = texture2D(u_tex, vec2(v_uv.x, 1.0 - v_uv.y));\n"
	"  gl_FragColor = mix(c, c.bgra, u_bgra);\n"
	"}\n";

/* The venue's background: its colour, slow light drifting through it, lifted by the level and the beat. */
static const char *fs_background = GLSL_PRECISION
	"uniform vec2 u_res; uniform float u_time, u_level, u_beat; uniform vec3 u_bg, u_c0, u_c1, u_c2;\n"
	"varying vec2 v_uv;\n"
	"vec3 blob(vec2 p, vec2 c, vec3 col) { vec2 d = (p - c) * vec2(u_res.x / u_res.y, 1.0);\n"
	"  return col * exp(-dot(d, d) * 5.0); }\n"
	"void main() {\n"
	"  vec2 p = v_uv; float t = u_time * 0.07;\n"
	"  vec3 col = u_bg;\n"
	"  vec3 light = blob(p, vec2(0.5 + 0.38 * sin(t * 1.3), 0.5 + 0.30 * cos(t * 1.7)), u_c0)\n"
	"             + blob(p, vec2(0.5 + 0.36 * sin(t * 0.9 + 2.1), 0.5 + 0.32 * sin(t * 1.1 + 0.7)), u_c1)\n"
	"             + blob(p, vec2(0.5 + 0.33 * cos(t * 0.7 + 4.0), 0.5 + 0.28 * sin(t * 1.5 + 2.9)), u_c2);\n"
	"  col += light * (0.10 + 0.08 * u_level + 0.04 * u_beat);\n"
	"  col += u_c0 * 0.05 * u_beat * (1.0 - p.y);\n"
	/* A hash with no sin(): sin() of the large arguments pixel coordinates make is NaN on some GPUs. */
	"  vec3 q = fract(gl_FragCoord.xyx * 0.1031); q += dot(q, q.yzx + 33.33);\n"
	"  float grain = fract((q.x + q.y) * q.z);\n"
	"  col *= 1.0 - 0.45 * dot(p - 0.5, p - 0.5);\n"
	"  gl_FragColor = vec4(col + (grain - 0.5) / 255.0, 1.0);\n"
	"}\n";

/* The audio scene: a disc that follows the level, four band rings around it, rays on the beat. */
static const char *fs_audio = GLSL_PRECISION
	"uniform vec2 u_res; uniform float u_time, u_level, u_beat; uniform vec4 u_bands;\n"
	"uniform vec3 u_bg, u_accent, u_b0, u_b1, u_b2, u_b3;\n"
	"varying vec2 v_uv;\n"
	"float ring(float r, float at, float w) { return exp(-pow((r - at) / w, 2.0)); }\n"
	"void main() {\n"
	"  vec2 p = (gl_FragCoord.xy - vec2(0.5, 0.55) * u_res) / u_res.y;\n"
	"  float r = length(p), a = atan(p.y, p.x);\n"
	"  float R = 0.08 + 0.22 * u_level;\n"
	"  vec3 col = u_bg;\n"
	"  col += u_accent * (0.55 + 0.35 * u_beat) * smoothstep(R, R - 0.006, r);\n"
	"  col += u_accent * 0.25 * exp(-max(r - R, 0.0) * 9.0);\n"
	"  float wob = 0.012 * sin(a * 6.0 + u_time * 1.7);\n"
	"  col += u_b0 * u_bands.x * ring(r, R + 0.05 + wob, 0.012);\n"
	"  col += u_b1 * u_bands.y * ring(r, R + 0.10 - wob, 0.010);\n"
	"  col += u_b2 * u_bands.z * ring(r, R + 0.15 + wob, 0.008);\n"
	"  col += u_b3 * u_bands.w * ring(r, R + 0.20 - wob, 0.006);\n"
	"  float rays = pow(abs(sin(a * 12.0 + u_time * 0.6)), 24.0) * smoothstep(R, R + 0.3, r) * exp(-r * 2.5);\n"
	"  col += u_accent * rays * (0.05 + 0.12 * u_beat);\n"
	"  gl_FragColor = vec4(col, 1.0);\n"
	"}\n";

/* Particles and rings as point sprites, added up (light on light). */
static const char *vs_points =
	"attribute vec2 a_pos; attribute float a_size; attribute vec4 a_color; attribute float a_ring;\n"
	"uniform vec2 u_res; varying vec4 v_color; varying float v_ring;\n"
	"void main() {\n"
	"  v_color = a_color; v_ring = a_ring;\n"
	"  gl_Position = vec4(a_pos.x / u_res.x * 2.0 - 1.0, 1.0 - a_pos.y / u_res.y * 2.0, 0.0, 1.0);\n"
	"  gl_PointSize = a_size;\n"
	"}\n";
static const char *fs_points = GLSL_PRECISION
	"varying vec4 v_color; varying float v_ring;\n"
	"void main() {\n"
	"  float r = length(gl_PointCoord * 2.0 - 1.0);\n"
	"  float dot_ = exp(-r * r * 5.0) * 0.8 + smoothstep(0.42, 0.30, r) * 0.6;\n"
	"  float ring = exp(-pow((r - 0.82) / 0.07, 2.0));\n"
	"  float a = mix(dot_, ring, v_ring) * smoothstep(1.0, 0.92, r);\n"
	"  gl_FragColor = v_color * a;\n"
	"}\n";

/* Poll bars: brighter toward the top, a lit edge, a soft glow round them. */
static const char *vs_bars =
	"attribute vec2 a_pos; attribute vec2 a_uv; attribute vec4 a_color; uniform vec2 u_res;\n"
	"varying vec2 v_uv; varying vec4 v_color;\n"
	"void main() { v_uv = a_uv; v_color = a_color;\n"
	"  gl_Position = vec4(a_pos.x / u_res.x * 2.0 - 1.0, 1.0 - a_pos.y / u_res.y * 2.0, 0.0, 1.0); }\n";
static const char *fs_bars = GLSL_PRECISION
	"varying vec2 v_uv; varying vec4 v_color;\n"
	"void main() {\n"
	"  vec2 e = min(v_uv, 1.0 - v_uv) * vec2(6.0, 60.0);\n"
	"  float inside = step(0.0, v_uv.x) * step(v_uv.x, 1.0) * step(0.0, v_uv.y) * step(v_uv.y, 1.0);\n"
	"  vec3 body = v_color.rgb * (0.55 + 0.45 * v_uv.y) + v_color.rgb * 0.35 * smoothstep(0.985, 1.0, v_uv.y);\n"
	"  gl_FragColor = vec4(body * inside * v_color.a, inside);\n"
	"}\n";

/* The compose pass: previous and current scene mixed by the transition. */
static const char *fs_compose = GLSL_PRECISION
	"uniform sampler2D u_from, u_to; uniform float u_mix, u_kind; varying vec2 v_uv;\n"
	"void main() {\n"
	"  vec2 uv = v_uv;\n"
	"  vec4 a = texture2D(u_from, uv), b = texture2D(u_to, uv); float m = u_mix;\n"
	"  if (u_kind > 1.5 && u_kind < 2.5) m = smoothstep(uv.x - 0.08, uv.x + 0.08, u_mix * 1.16 - 0.08);\n"
	"  if (u_kind > 2.5) { float s = 1.35 - 0.35 * u_mix;\n"
	"    b = texture2D(u_to, (uv - 0.5) / s + 0.5);\n"
	"    float r = length((uv - 0.5) * vec2(1.78, 1.0));\n"
	"    m = smoothstep(r, r + 0.12, u_mix * 1.2); }\n"
	"  vec4 c = mix(a, b, clamp(m, 0.0, 1.0));\n"
	"  gl_FragColor = vec4(c.rgb, 1.0);\n"
	"}\n";

/* ---- state ---- */

struct ripple {
	float x, y, size, age;
	uint32_t rgb;
};

struct confetto {
	float x, y, vx, vy, age;
	uint32_t rgb;
};

/* A participant's pulse last picture, to see a new tap (open addressing; key 0 = empty, ids stored +1). */
struct pulse_table {
	uint32_t *keys;
	float *pulse;
	uint32_t mask;
};

/* One cue's ISF shader, compiled, with its bindings resolved. */
struct isf_gpu {
	struct isf_scene scene;
	GLuint prog;
	struct isf_binding bindings[CONFIG_ISF_BINDINGS_MAX];
	uint32_t binding_count;
	GLint loc_input[ISF_INPUTS_MAX];
	GLint loc_time, loc_delta, loc_size, loc_frame, loc_date;
	uint32_t frames;
};

struct stage_gpu {
	struct stage_gl *gl;
	const struct venue_config *cfg;
	int w, h;

	SDL_Surface *overlay;		/* the software scene's text, over transparency */
	SDL_Renderer *overlay_draw;
	struct scene_view *scene;
	GLuint overlay_tex, heat_tex;

	struct gl_target targets[2];	/* the current cue's scene, and the previous one's last picture */
	int cur;
	struct gl_target out;		/* what is read back */

	GLuint p_sprite, p_background, p_audio, p_points, p_bars, p_compose;
	GLuint points_vbo, bars_vbo;
	float *verts;			/* point sprites of this picture */
	uint32_t verts_cap;
	float point_max;		/* the largest point sprite GL draws */

	struct stage_transition change;	/* the scene shown, and the transition into it */
	double time;			/* seconds of pictures drawn (the dt's sum) */
	double cue_time;		/* seconds since this cue's scene began */
	float beat;			/* 1 at a beat of the live input, decaying */
	uint32_t last_beats;

	struct pulse_table pulses[2];	/* last picture's and this one's */
	int pulses_cur;
	struct ripple ripples[RIPPLES_MAX];
	uint32_t ripple_next, ripple_count;
	struct confetto confetti[CONFETTI_MAX];
	uint32_t confetti_count;
	int reveal_poll, reveal_winner;	/* the poll result last seen, to burst once per reveal */

	struct isf_gpu **isf;		/* per cue; NULL when the cue has no shader or it failed */
};

/* ---- small helpers ---- */

/* @v clamped to 0..1; NaN (no data) reads as 0. */
static float unit(float v)
{
	return v > 0 ? (v < 1 ? v : 1) : 0;
}

static void rgb3(uint32_t rgb, float k, float out[3])
{
	out[0] = (float)((rgb >> 16) & 0xff) / 255.0f * k;
	out[1] = (float)((rgb >> 8) & 0xff) / 255.0f * k;
	out[2] = (float)(rgb & 0xff) / 255.0f * k;
}

static void uniform_rgb(GLuint prog, const char *name, uint32_t rgb)
{
	float c[3];

	rgb3(rgb, 1.0f, c);
	glUniform3fv(glGetUniformLocation(prog, name), 1, c);
}

static uint32_t palette_at(const struct venue_config *cfg, uint32_t i)
{
	static const uint32_t fallback[3] = { 0x22c8ff, 0xff5ac8, 0xffd23c };

	return cfg->theme.palette_count ? cfg->theme.palette[i % cfg->theme.palette_count] : fallback[i % 3];
}

/* A repeatable pseudo-random 0..1 from @n (sparks and confetti need variety, not chance). */
static float hash01(uint32_t n)
{
	n = (n ^ 61u) ^ (n >> 16);
	n *= 9u;
	n ^= n >> 4;
	n *= 0x27d4eb2du;
	n ^= n >> 15;
	return (float)(n & 0xffffff) / (float)0xffffff;
}

static int pulse_table_init(struct pulse_table *t, uint32_t capacity)
{
	uint32_t size = 64;

	while (size < capacity * 2)
		size <<= 1;
	t->keys = calloc(size, sizeof(*t->keys));
	t->pulse = calloc(size, sizeof(*t->pulse));
	t->mask = size - 1;
	return t->keys && t->pulse ? 0 : -1;
}

static float *pulse_slot(struct pulse_table *t, uint32_t id, bool insert)
{
	uint32_t key = id + 1, i = (id * 2654435761u) & t->mask;

	while (t->keys[i] && t->keys[i] != key)
		i = (i + 1) & t->mask;
	if (!t->keys[i]) {
		if (!insert)
			return NULL;
		t->keys[i] = key;
	}
	return &t->pulse[i];
}

static void push_point(struct stage_gpu *g, uint32_t *n, float x, float y, float size, uint32_t rgb, float k,
		       float ring)
{
	float *v;

	if (*n >= g->verts_cap)
		return;
	v = &g->verts[(size_t)*n * VERTEX_FLOATS];
	v[0] = x;
	v[1] = y;
	v[2] = size > g->point_max ? g->point_max : size;
	rgb3(rgb, k, v + 3);
	v[6] = k;
	v[7] = ring;
	(*n)++;
}

static void draw_points(struct stage_gpu *g, uint32_t n)
{
	GLuint p = g->p_points;

	if (!n)
		return;
	glUseProgram(p);
	glUniform2f(glGetUniformLocation(p, "u_res"), (float)g->w, (float)g->h);
	glBindBuffer(GL_ARRAY_BUFFER, g->points_vbo);
	glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)((size_t)n * VERTEX_FLOATS * sizeof(float)), g->verts,
		     GL_STREAM_DRAW);
	GLint a_size = glGetAttribLocation(p, "a_size"), a_color = glGetAttribLocation(p, "a_color"),
	      a_ring = glGetAttribLocation(p, "a_ring");
	GLsizei stride = VERTEX_FLOATS * sizeof(float);

	glEnableVertexAttribArray(0);
	glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, stride, (void *)0);
	glEnableVertexAttribArray((GLuint)a_size);
	glVertexAttribPointer((GLuint)a_size, 1, GL_FLOAT, GL_FALSE, stride, (void *)(2 * sizeof(float)));
	glEnableVertexAttribArray((GLuint)a_color);
	glVertexAttribPointer((GLuint)a_color, 4, GL_FLOAT, GL_FALSE, stride, (void *)(3 * sizeof(float)));
	glEnableVertexAttribArray((GLuint)a_ring);
	glVertexAttribPointer((GLuint)a_ring, 1, GL_FLOAT, GL_FALSE, stride, (void *)(7 * sizeof(float)));
	glEnable(GL_BLEND);
	glBlendFunc(GL_ONE, GL_ONE);	/* light adds up */
	glDrawArrays(GL_POINTS, 0, (GLsizei)n);
	glDisable(GL_BLEND);
	glDisableVertexAttribArray((GLuint)a_size);
	glDisableVertexAttribArray((GLuint)a_color);
	glDisableVertexAttribArray((GLuint)a_ring);
}

/* A texture over the pixel rectangle @r of the target (NULL: all of it). */
static void draw_sprite(struct stage_gpu *g, GLuint tex, const SDL_Rect *r, bool bgra)
{
	SDL_Rect all = { 0, 0, g->w, g->h };

	if (!r)
		r = &all;
	glUseProgram(g->p_sprite);
	/* Pixels (y down) to clip space (y up): the rectangle's bottom left, then its top right. */
	glUniform4f(glGetUniformLocation(g->p_sprite, "u_rect"), (float)r->x / (float)g->w * 2 - 1,
		    1 - (float)(r->y + r->h) / (float)g->h * 2, (float)(r->x + r->w) / (float)g->w * 2 - 1,
		    1 - (float)r->y / (float)g->h * 2);
	glUniform1f(glGetUniformLocation(g->p_sprite, "u_bgra"), bgra ? 1.0f : 0.0f);
	glUniform1i(glGetUniformLocation(g->p_sprite, "u_tex"), 0);
	glActiveTexture(GL_TEXTURE0);
	glBindTexture(GL_TEXTURE_2D, tex);
	gl_quad_draw(g->gl);
}

static GLuint texture_new(GLint filter)
{
	GLuint t;

	glGenTextures(1, &t);
	glBindTexture(GL_TEXTURE_2D, t);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
	return t;
}

/* ---- scenes ---- */

static void draw_background(struct stage_gpu *g, const struct frame_music *m)
{
	GLuint p = g->p_background;

	glUseProgram(p);
	glUniform2f(glGetUniformLocation(p, "u_res"), (float)g->w, (float)g->h);
	glUniform1f(glGetUniformLocation(p, "u_time"), (float)g->time);
	glUniform1f(glGetUniformLocation(p, "u_level"), unit(m->level));
	glUniform1f(glGetUniformLocation(p, "u_beat"), g->beat);
	uniform_rgb(p, "u_bg", scene_shapes_get(g->scene)->background);
	uniform_rgb(p, "u_c0", palette_at(g->cfg, 0));
	uniform_rgb(p, "u_c1", palette_at(g->cfg, 1));
	uniform_rgb(p, "u_c2", palette_at(g->cfg, 5));
	gl_quad_draw(g->gl);
}

static void draw_audio(struct stage_gpu *g, const struct frame_music *m)
{
	GLuint p = g->p_audio;
	float b[4];

	for (int i = 0; i < 4; i++)
		b[i] = unit(m->bands[i]);
	glUseProgram(p);
	glUniform2f(glGetUniformLocation(p, "u_res"), (float)g->w, (float)g->h);
	glUniform1f(glGetUniformLocation(p, "u_time"), (float)g->time);
	glUniform1f(glGetUniformLocation(p, "u_level"), unit(m->level));
	glUniform1f(glGetUniformLocation(p, "u_beat"), g->beat);
	glUniform4fv(glGetUniformLocation(p, "u_bands"), 1, b);
	uniform_rgb(p, "u_bg", scene_shapes_get(g->scene)->background);
	uniform_rgb(p, "u_accent", scene_shapes_get(g->scene)->accent);
	uniform_rgb(p, "u_b0", palette_at(g->cfg, 2));
	uniform_rgb(p, "u_b1", palette_at(g->cfg, 3));
	uniform_rgb(p, "u_b2", palette_at(g->cfg, 4));
	uniform_rgb(p, "u_b3", palette_at(g->cfg, 5));
	gl_quad_draw(g->gl);
}

static void ripple_add(struct stage_gpu *g, float x, float y, float size, uint32_t rgb)
{
	g->ripples[g->ripple_next] = (struct ripple){ .x = x, .y = y, .size = size, .rgb = rgb };
	g->ripple_next = (g->ripple_next + 1) % RIPPLES_MAX;
	if (g->ripple_count < RIPPLES_MAX)
		g->ripple_count++;
}

/* Ripples age with the pictures; each is a ring that widens and fades. */
static uint32_t ripples_points(struct stage_gpu *g, uint32_t n, double dt)
{
	for (uint32_t i = 0; i < g->ripple_count; i++) {
		struct ripple *r = &g->ripples[i];
		float u;

		r->age += (float)dt;
		if (r->age >= RIPPLE_LIFE_S)
			continue;
		u = r->age / (float)RIPPLE_LIFE_S;
		push_point(g, &n, r->x, r->y, r->size * (0.25f + 0.75f * sqrtf(u)), r->rgb, 0.75f * (1 - u), 1.0f);
	}
	return n;
}

/*
 * The crowd field: each participant a glowing particle drifting round its
 * place, swelling and brightening when it taps (with a ripple), all of
 * them breathing with the beat and the bass, and drifting further with
 * the treble.
 */
static void draw_field(struct stage_gpu *g, const struct scene_shapes *sh, const struct frame_music *m, double dt)
{
	struct pulse_table *now = &g->pulses[g->pulses_cur], *before = &g->pulses[!g->pulses_cur];
	float t = (float)g->time, swell = 0.12f * g->beat + 0.25f * unit(m->bands[0]);
	float drift = 0.16f + 0.12f * unit(m->bands[3]);
	uint32_t n = 0;

	memset(now->keys, 0, (size_t)(now->mask + 1) * sizeof(*now->keys));
	for (uint32_t i = 0; i < sh->particle_count; i++) {
		const struct scene_particle *p = &sh->particles[i];
		float *was = pulse_slot(before, p->id, false), wobble = p->size * drift;
		float x = p->x + wobble * sinf(t * 0.8f + (float)(p->id % 997) * 0.37f);
		float y = p->y + wobble * cosf(t * 0.9f + (float)(p->id % 991) * 0.61f);

		*pulse_slot(now, p->id, true) = p->pulse;
		/* A tap: the pulse jumped since the last picture. */
		if (p->pulse > 0.6f && (!was || p->pulse > *was + 0.2f))
			ripple_add(g, x, y, fmaxf(p->size * 4.0f, 48.0f), p->rgb);
		push_point(g, &n, x, y, p->size * (1.1f + 0.7f * p->pulse + swell), p->rgb,
			   0.45f + 0.55f * p->pulse, 0.0f);
	}
	g->pulses_cur = !g->pulses_cur;
	n = ripples_points(g, n, dt);
	draw_points(g, n);
}

/* The join screen: a spark rising for every person in, in the venue's colours, brighter with the music. */
static void draw_join(struct stage_gpu *g, const struct stage_frame *f)
{
	uint32_t count = f->participants < JOIN_SPARKS_MAX ? f->participants : JOIN_SPARKS_MAX, n = 0;
	float t = (float)g->time, lift = 1.0f + 0.6f * unit(f->show.music.level) + 0.4f * g->beat;

	for (uint32_t i = 0; i < count; i++) {
		float speed = 0.03f + 0.05f * hash01(i * 3 + 1), phase = hash01(i * 3 + 2);
		float u = fmodf(phase + t * speed, 1.0f);
		float x = hash01(i * 3 + 3) * (float)g->w + 12.0f * sinf(t + (float)i);
		float y = (float)g->h * (1.05f - 1.1f * u);

		push_point(g, &n, x, y, (float)g->h * (0.008f + 0.01f * hash01(i)), palette_at(g->cfg, i),
			   0.5f * lift * sinf(3.14159f * u), 0.0f);
	}
	draw_points(g, n);
}

/* Poll bars with depth and light, and confetti from the winner's bar at the reveal. */
static void draw_poll(struct stage_gpu *g, const struct scene_shapes *sh, double dt)
{
	float v[CONFIG_POLL_OPTIONS_MAX * 6 * 8];
	uint32_t nv = 0, n = 0;
	GLuint p = g->p_bars;

	for (uint32_t i = 0; i < sh->bar_count; i++) {
		const SDL_Rect *r = &sh->bars[i];
		float c[3], k = sh->bar_dim[i] ? 0.4f : 1.0f;
		float xs[2] = { (float)r->x, (float)(r->x + r->w) }, ys[2] = { (float)(r->y + r->h), (float)r->y };
		static const int corner[6][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 0, 1 }, { 1, 0 }, { 1, 1 } };

		if (r->h <= 0)
			continue;
		rgb3(sh->bar_rgb[i], k, c);
		for (int j = 0; j < 6; j++) {
			float *o = &v[nv++ * 8];

			o[0] = xs[corner[j][0]];
			o[1] = ys[corner[j][1]];
			o[2] = (float)corner[j][0];
			o[3] = (float)corner[j][1];
			o[4] = c[0];
			o[5] = c[1];
			o[6] = c[2];
			o[7] = 1.0f;
		}
	}
	/* The reveal: once per result, a burst from the top of the winning bar. */
	if (sh->winner >= 0 && (sh->poll_index != g->reveal_poll || sh->winner != g->reveal_winner) &&
	    (uint32_t)sh->winner < sh->bar_count) {
		const SDL_Rect *r = &sh->bars[sh->winner];

		for (uint32_t i = 0; i < CONFETTI_MAX; i++) {
			float a = 3.14159f * (0.15f + 0.7f * hash01(i * 5 + 7)), speed = (float)g->h * (0.4f + 0.9f * hash01(i * 5 + 8));

			g->confetti[i] = (struct confetto){
				.x = (float)r->x + (float)r->w * hash01(i * 5 + 9), .y = (float)r->y,
				.vx = cosf(a) * speed * 0.6f, .vy = -sinf(a) * speed, .rgb = palette_at(g->cfg, i) };
		}
		g->confetti_count = CONFETTI_MAX;
	}
	g->reveal_poll = sh->poll_index;
	g->reveal_winner = sh->winner;
	if (nv) {
		glUseProgram(p);
		glUniform2f(glGetUniformLocation(p, "u_res"), (float)g->w, (float)g->h);
		glBindBuffer(GL_ARRAY_BUFFER, g->bars_vbo);
		glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(nv * 8 * sizeof(float)), v, GL_STREAM_DRAW);
		GLint a_uv = glGetAttribLocation(p, "a_uv"), a_color = glGetAttribLocation(p, "a_color");

		glEnableVertexAttribArray(0);
		glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 8 * sizeof(float), (void *)0);
		glEnableVertexAttribArray((GLuint)a_uv);
		glVertexAttribPointer((GLuint)a_uv, 2, GL_FLOAT, GL_FALSE, 8 * sizeof(float), (void *)(2 * sizeof(float)));
		glEnableVertexAttribArray((GLuint)a_color);
		glVertexAttribPointer((GLuint)a_color, 4, GL_FLOAT, GL_FALSE, 8 * sizeof(float),
				      (void *)(4 * sizeof(float)));
		glDrawArrays(GL_TRIANGLES, 0, (GLsizei)nv);
		glDisableVertexAttribArray((GLuint)a_uv);
		glDisableVertexAttribArray((GLuint)a_color);
	}
	for (uint32_t i = 0; i < g->confetti_count; i++) {
		struct confetto *c = &g->confetti[i];

		c->age += (float)dt;
		c->vy += (float)g->h * 0.9f * (float)dt;	/* gravity */
		c->x += c->vx * (float)dt;
		c->y += c->vy * (float)dt;
		if (c->age < CONFETTI_LIFE_S)
			push_point(g, &n, c->x, c->y, (float)g->h * 0.014f, c->rgb,
				   0.9f * (1.0f - c->age / (float)CONFETTI_LIFE_S), 0.0f);
	}
	draw_points(g, n);
}

/*
 * The crowd map: the heat bins as a texture, smoothed by the GPU's
 * filtering, laid over the moving background as light: where nobody
 * points the background shows through, where the crowd gathers it glows.
 */
static void draw_heat(struct stage_gpu *g, const struct scene_shapes *sh)
{
	uint8_t px[64 * 64 * 4];
	int count = sh->heat_w * sh->heat_h;

	if (!sh->heat || count > 64 * 64)
		return;
	for (int i = 0; i < count; i++) {
		float t = sh->heat_peak > 0 ? sh->heat[i] / sh->heat_peak : 0, a = fminf(1.0f, 0.25f + 1.5f * t);
		uint32_t c = scene_heat_color(t);

		/* Premultiplied: a cool spot is a faint tint, a hot one opaque. */
		px[i * 4] = (uint8_t)lrintf((float)((c >> 16) & 0xff) * a);
		px[i * 4 + 1] = (uint8_t)lrintf((float)((c >> 8) & 0xff) * a);
		px[i * 4 + 2] = (uint8_t)lrintf((float)(c & 0xff) * a);
		px[i * 4 + 3] = (uint8_t)lrintf(255 * a);
	}
	glBindTexture(GL_TEXTURE_2D, g->heat_tex);
	glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
	glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, sh->heat_w, sh->heat_h, 0, GL_RGBA, GL_UNSIGNED_BYTE, px);
	glEnable(GL_BLEND);
	glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
	draw_sprite(g, g->heat_tex, &sh->heat_area, false);
	glDisable(GL_BLEND);
}

/* ---- ISF ---- */

static void isf_gpu_free(struct isf_gpu *s)
{
	if (!s)
		return;
	if (s->prog)
		glDeleteProgram(s->prog);
	isf_free(&s->scene);
	free(s);
}

/* Loads and compiles cue @cue's shader; NULL (logged) when it cannot: the cue then shows its title. */
static struct isf_gpu *isf_gpu_load(struct stage_gpu *g, const struct config_cue *cue)
{
	struct isf_gpu *s = calloc(1, sizeof(*s));
	char err[512];

	if (!s || isf_load(cue->isf.file, &s->scene, err, sizeof(err)) != 0) {
		log_error("stage: cue %s: %s", cue->id, s ? err : "out of memory");
		free(s);
		return NULL;
	}
	s->prog = gl_program_build(isf_vertex_shader(), s->scene.fragment, "isf_position", err, sizeof(err));
	if (!s->prog) {
		log_error("stage: cue %s: the shader %s does not compile here: %s", cue->id, cue->isf.file, err);
		isf_gpu_free(s);
		return NULL;
	}
	for (uint32_t i = 0; i < cue->isf.binding_count; i++) {
		if (isf_binding_resolve(&s->scene, g->cfg, &cue->isf.bindings[i], &s->bindings[s->binding_count], err,
					sizeof(err)) == 0)
			s->binding_count++;
		else
			log_error("stage: cue %s: %s", cue->id, err);
	}
	for (uint32_t i = 0; i < s->scene.input_count; i++)
		s->loc_input[i] = glGetUniformLocation(s->prog, s->scene.inputs[i].name);
	s->loc_time = glGetUniformLocation(s->prog, "TIME");
	s->loc_delta = glGetUniformLocation(s->prog, "TIMEDELTA");
	s->loc_size = glGetUniformLocation(s->prog, "RENDERSIZE");
	s->loc_frame = glGetUniformLocation(s->prog, "FRAMEINDEX");
	s->loc_date = glGetUniformLocation(s->prog, "DATE");
	return s;
}

static void isf_set_input(GLint loc, enum isf_type type, const float v[4])
{
	switch (type) {
	case ISF_FLOAT:
		glUniform1f(loc, v[0]);
		break;
	case ISF_BOOL:
	case ISF_EVENT:
		glUniform1i(loc, v[0] > 0.5f);
		break;
	case ISF_LONG:
		glUniform1i(loc, (GLint)lrintf(v[0]));
		break;
	case ISF_POINT2D:
		glUniform2f(loc, v[0], v[1]);
		break;
	case ISF_COLOR:
		glUniform4f(loc, v[0], v[1], v[2], v[3]);
		break;
	}
}

static void draw_isf(struct stage_gpu *g, struct isf_gpu *s, const struct stage_frame *f, double dt)
{
	float v[4];

	glUseProgram(s->prog);
	glUniform1f(s->loc_time, (float)g->cue_time);
	glUniform1f(s->loc_delta, (float)dt);
	glUniform2f(s->loc_size, (float)g->w, (float)g->h);
	glUniform1i(s->loc_frame, (GLint)s->frames++);
	glUniform4f(s->loc_date, 2026, 1, 1, (float)fmod(f->show.t, 86400.0));
	/* Defaults first, then what the venue bound: an unbound input keeps its DEFAULT. */
	for (uint32_t i = 0; i < s->scene.input_count; i++)
		isf_set_input(s->loc_input[i], s->scene.inputs[i].type, s->scene.inputs[i].def);
	for (uint32_t i = 0; i < s->binding_count; i++) {
		const struct isf_binding *b = &s->bindings[i];

		isf_binding_value(b, &s->scene, g->cfg, f, g->beat, v);
		isf_set_input(s->loc_input[b->input], s->scene.inputs[b->input].type, v);
	}
	gl_quad_draw(g->gl);
}

/* ---- the picture ---- */

/* A new scene: drawn into the other target, so the old one keeps the last picture to leave from. */
static void begin_cue(struct stage_gpu *g, int cue)
{
	g->cur = !g->cur;
	g->cue_time = 0;
	g->ripple_count = g->ripple_next = g->confetti_count = 0;	/* no ripple of the last scene comes back */
	if (cue >= 0 && g->cfg->cues[cue].scene == SCENE_ISF && g->isf[cue])
		g->isf[cue]->frames = 0;
}

static void upload_overlay(struct stage_gpu *g)
{
	glBindTexture(GL_TEXTURE_2D, g->overlay_tex);
	glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
	/* ARGB8888 words are B, G, R, A bytes: uploaded as they are, swapped back when drawn. */
	glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, g->w, g->h, GL_RGBA, GL_UNSIGNED_BYTE, g->overlay->pixels);
}

static void draw_scene(struct stage_gpu *g, const struct stage_frame *f, double dt)
{
	const struct scene_shapes *sh = scene_shapes_get(g->scene);
	const struct frame_music *m = &f->show.music;
	int cue = g->change.cue;
	enum scene scene = cue >= 0 ? g->cfg->cues[cue].scene : SCENE_COUNT;

	gl_target_bind(&g->targets[g->cur]);
	if (cue == STAGE_CUE_BLACKOUT) {
		glClearColor(0, 0, 0, 1);
		glClear(GL_COLOR_BUFFER_BIT);
		return;		/* a blackout is black: no overlay, nothing */
	}
	if (scene == SCENE_ISF && g->isf[cue])
		draw_isf(g, g->isf[cue], f, dt);
	else if (scene == SCENE_AUDIO)
		draw_audio(g, m);
	else
		draw_background(g, m);
	if (scene == SCENE_CROWD_FIELD)
		draw_field(g, sh, m, dt);
	else if (scene == SCENE_JOIN)
		draw_join(g, f);
	else if (scene == SCENE_POLL)
		draw_poll(g, sh, dt);
	else if (scene == SCENE_CROWD_MAP)
		draw_heat(g, sh);
	glEnable(GL_BLEND);
	glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);	/* the overlay is premultiplied (drawn over transparency) */
	draw_sprite(g, g->overlay_tex, NULL, true);
	glDisable(GL_BLEND);
}

static void compose(struct stage_gpu *g, float mix)
{
	GLuint p = g->p_compose;
	float kind = (float)g->change.kind.type;

	gl_target_bind(&g->out);
	glUseProgram(p);
	glActiveTexture(GL_TEXTURE0);
	glBindTexture(GL_TEXTURE_2D, g->targets[!g->cur].tex);
	glActiveTexture(GL_TEXTURE1);
	glBindTexture(GL_TEXTURE_2D, g->targets[g->cur].tex);
	glUniform1i(glGetUniformLocation(p, "u_from"), 0);
	glUniform1i(glGetUniformLocation(p, "u_to"), 1);
	glUniform1f(glGetUniformLocation(p, "u_mix"), mix);
	glUniform1f(glGetUniformLocation(p, "u_kind"), kind);
	gl_quad_draw(g->gl);
	glActiveTexture(GL_TEXTURE0);
}

/*
 * Reads @t into ARGB8888 rows, top first: GL's rows come bottom first and
 * its bytes are R, G, B, A. Opaque, whatever alpha a shader wrote (an ISF
 * scene made for layering may write less than 1): a still is a picture.
 */
static void read_scene(struct stage_gpu *g, const struct gl_target *t, uint32_t *pixels, int pitch)
{
	glBindFramebuffer(GL_FRAMEBUFFER, t->fbo);
	for (int y = 0; y < g->h; y++) {
		uint32_t *row = (uint32_t *)((uint8_t *)pixels + (size_t)(g->h - 1 - y) * (size_t)pitch);

		glReadPixels(0, y, g->w, 1, GL_RGBA, GL_UNSIGNED_BYTE, row);
		for (int x = 0; x < g->w; x++) {
			uint32_t p = row[x];	/* little-endian: 0xAABBGGRR */

			row[x] = 0xff000000u | (p & 0x0000ff00u) | (p & 0xffu) << 16 | (p >> 16 & 0xffu);
		}
	}
}

void stage_gpu_draw(struct stage_gpu *g, const struct stage_frame *f, double dt_s, uint32_t *pixels, int pitch)
{
	int cue = stage_transition_cue(g->cfg, f);
	float mix;

	stage_gl_use(g->gl);
	g->time += dt_s;
	g->cue_time += dt_s;
	if (f->show.music.beats != g->last_beats) {
		g->beat = 1.0f;
		g->last_beats = f->show.music.beats;
	} else {
		g->beat *= (float)exp(-dt_s / BEAT_DECAY_S);
	}
	if (stage_transition_step(&g->change, g->cfg, cue, dt_s))
		begin_cue(g, cue);
	/* A shader that would not compile: the software scene's own picture stands in, opaque. */
	scene_set_overlay(g->scene, !(cue >= 0 && g->cfg->cues[cue].scene == SCENE_ISF && !g->isf[cue]));
	scene_draw(g->scene, f, dt_s);
	SDL_RenderFlush(g->overlay_draw);
	upload_overlay(g);
	draw_scene(g, f, dt_s);
	glPixelStorei(GL_PACK_ALIGNMENT, 4);
	mix = stage_transition_mix(&g->change);
	if (mix >= 0)
		compose(g, mix);
	read_scene(g, mix >= 0 ? &g->out : &g->targets[g->cur], pixels, pitch);
}

/* ---- life ---- */

static int build_programs(struct stage_gpu *g, char *err, size_t err_size)
{
	struct {
		GLuint *prog;
		const char *vs, *fs, *name;
	} all[] = {
		{ &g->p_sprite, vs_sprite, fs_sprite, "sprite" },
		{ &g->p_background, vs_screen, fs_background, "background" },
		{ &g->p_audio, vs_screen, fs_audio, "audio" },
		{ &g->p_points, vs_points, fs_points, "particles" },
		{ &g->p_bars, vs_bars, fs_bars, "bars" },
		{ &g->p_compose, vs_screen, fs_compose, "compose" },
	};
	char why[400];

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		*all[i].prog = gl_program_build(all[i].vs, all[i].fs, "a_pos", why, sizeof(why));
		if (!*all[i].prog) {
			snprintf(err, err_size, "the %s shader: %s", all[i].name, why);
			return -1;
		}
	}
	return 0;
}

struct stage_gpu *stage_gpu_create(const struct venue_config *cfg, int width, int height, const char *font_path,
				   char *err, size_t err_size)
{
	struct stage_gpu *g = calloc(1, sizeof(*g));
	GLfloat range[2] = { 1, 64 };

	if (!g) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	g->cfg = cfg;
	g->w = width;
	g->h = height;
	stage_transition_init(&g->change);
	g->reveal_poll = g->reveal_winner = -1;
	g->gl = stage_gl_create(width, height, err, err_size);
	if (!g->gl)
		goto fail;
	if (build_programs(g, err, err_size) != 0 ||
	    gl_target_create(&g->targets[0], width, height, err, err_size) != 0 ||
	    gl_target_create(&g->targets[1], width, height, err, err_size) != 0 ||
	    gl_target_create(&g->out, width, height, err, err_size) != 0)
		goto fail;
	g->overlay = SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ARGB8888);
	if (g->overlay)
		g->overlay_draw = SDL_CreateSoftwareRenderer(g->overlay);
	if (!g->overlay_draw) {
		snprintf(err, err_size, "cannot create the overlay: %s", SDL_GetError());
		goto fail;
	}
	g->scene = scene_create(g->overlay_draw, cfg, font_path, err, err_size);
	if (!g->scene)
		goto fail;
	scene_set_overlay(g->scene, true);
	g->overlay_tex = texture_new(GL_NEAREST);
	glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
	g->heat_tex = texture_new(GL_LINEAR);
	glGenBuffers(1, &g->points_vbo);
	glGenBuffers(1, &g->bars_vbo);
	glGetFloatv(GL_ALIASED_POINT_SIZE_RANGE, range);
	g->point_max = range[1];
	/* Room for every participant, their ripples, and the join screen's sparks or the confetti. */
	g->verts_cap = cfg->capacity + RIPPLES_MAX + JOIN_SPARKS_MAX + CONFETTI_MAX;
	g->verts = malloc((size_t)g->verts_cap * VERTEX_FLOATS * sizeof(float));
	g->isf = calloc(cfg->cue_count ? cfg->cue_count : 1, sizeof(*g->isf));
	if (!g->verts || !g->isf || pulse_table_init(&g->pulses[0], cfg->capacity) != 0 ||
	    pulse_table_init(&g->pulses[1], cfg->capacity) != 0) {
		snprintf(err, err_size, "out of memory");
		goto fail;
	}
	for (uint32_t i = 0; i < cfg->cue_count; i++)
		if (cfg->cues[i].scene == SCENE_ISF)
			g->isf[i] = isf_gpu_load(g, &cfg->cues[i]);
	return g;
fail:
	stage_gpu_destroy(g);
	return NULL;
}

void stage_gpu_destroy(struct stage_gpu *g)
{
	if (!g)
		return;
	if (g->gl) {
		stage_gl_use(g->gl);
		for (uint32_t i = 0; g->isf && i < g->cfg->cue_count; i++)
			isf_gpu_free(g->isf[i]);
		for (int i = 0; i < 2; i++)
			gl_target_free(&g->targets[i]);
		gl_target_free(&g->out);
		GLuint progs[] = { g->p_sprite, g->p_background, g->p_audio, g->p_points, g->p_bars, g->p_compose };

		for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
			if (progs[i])
				glDeleteProgram(progs[i]);
		if (g->overlay_tex)
			glDeleteTextures(1, &g->overlay_tex);
		if (g->heat_tex)
			glDeleteTextures(1, &g->heat_tex);
		if (g->points_vbo)
			glDeleteBuffers(1, &g->points_vbo);
		if (g->bars_vbo)
			glDeleteBuffers(1, &g->bars_vbo);
	}
	scene_destroy(g->scene);
	if (g->overlay_draw)
		SDL_DestroyRenderer(g->overlay_draw);
	if (g->overlay)
		SDL_FreeSurface(g->overlay);
	stage_gl_destroy(g->gl);
	for (int i = 0; i < 2; i++) {
		free(g->pulses[i].keys);
		free(g->pulses[i].pulse);
	}
	free(g->verts);
	free(g->isf);
	free(g);
}

const char *stage_gpu_name(const struct stage_gpu *g)
{
	return stage_gl_name(g->gl);
}

bool stage_gpu_on_cpu(const struct stage_gpu *g)
{
	const char *name = stage_gl_name(g->gl);

	return strstr(name, "llvmpipe") || strstr(name, "softpipe") || strstr(name, "swrast");
}
