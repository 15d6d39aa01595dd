/*
 * check_stage_isf.c - ISF scenes without GL: the shipped scenes load, every
 * file this daemon cannot draw is refused with its reason and its name, the
 * generated shader declares what the renderer sets, and bindings resolve
 * (or say why not) and give the values a frame implies.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stage_isf.h"
#include "test_util.h"

#define HEAD_OPEN "/*{ \"DESCRIPTION\": \"t\", "
#define BODY "*/\nvoid main() { gl_FragColor = vec4(1.0); }\n"

static char err[512];

static int parse(const char *text, struct isf_scene *s)
{
	return isf_parse(text, strlen(text), "t.fs", s, err, sizeof(err));
}

/* @text must be refused with a message naming the file and containing @why. */
static void refused(const char *text, const char *why)
{
	struct isf_scene s;

	ck_assert_int_eq(parse(text, &s), -1);
	ck_assert_msg(strncmp(err, "t.fs: ", 6) == 0, "no file name in: %s", err);
	ck_assert_msg(strstr(err, why) != NULL, "expected \"%s\" in: %s", why, err);
}

static void shipped_load(const char *name, struct isf_scene *s)
{
	const char *src = getenv("TUTTI_SOURCE_DIR");
	char path[600];

	snprintf(path, sizeof(path), "%s/assets/scenes/%s", src && *src ? src : "..", name);
	ck_assert_msg(isf_load(path, s, err, sizeof(err)) == 0, "%s", err);
}

START_TEST(test_isf_shipped_scenes_load_with_their_inputs)
{
	struct isf_scene s;

	shipped_load("crowd-aurora.fs", &s);
	ck_assert_uint_eq(s.input_count, 4);
	ck_assert_int_eq(s.inputs[isf_input_find(&s, "energy")].type, ISF_FLOAT);
	ck_assert_int_eq(s.inputs[isf_input_find(&s, "tint")].type, ISF_COLOR);
	ck_assert_ptr_nonnull(strstr(s.fragment, "void main()"));
	ck_assert_ptr_null(strstr(s.fragment, "DESCRIPTION"));	/* the header is gone */
	ck_assert_str_ne(s.description, "");
	isf_free(&s);
	shipped_load("tunnel-pulse.fs", &s);
	ck_assert_int_eq(s.inputs[isf_input_find(&s, "center")].type, ISF_POINT2D);
	ck_assert(s.inputs[isf_input_find(&s, "taps")].has_max);
	ck_assert(s.inputs[isf_input_find(&s, "center")].def[0] == 0.5f);
	isf_free(&s);
}
END_TEST

START_TEST(test_isf_shader_declares_every_input_with_its_type)
{
	static const char text[] = HEAD_OPEN "\"INPUTS\": ["
		"{\"NAME\":\"f\",\"TYPE\":\"float\"},{\"NAME\":\"b\",\"TYPE\":\"bool\"},"
		"{\"NAME\":\"l\",\"TYPE\":\"long\",\"VALUES\":[0,1],\"LABELS\":[\"a\",\"b\"]},"
		"{\"NAME\":\"e\",\"TYPE\":\"event\"},{\"NAME\":\"c\",\"TYPE\":\"color\",\"DEFAULT\":[1,0,0]},"
		"{\"NAME\":\"p\",\"TYPE\":\"point2D\"}] }"
		"*/\n#version 120\nvoid main() { gl_FragColor = vec4(isf_FragNormCoord, 0.0, 1.0); }\n";
	static const char *const want[] = {
		"uniform float f;", "uniform bool b;", "uniform int l;", "uniform bool e;",
		"uniform vec4 c;", "uniform vec2 p;", "uniform float TIME;", "uniform float TIMEDELTA;",
		"uniform vec2 RENDERSIZE;", "uniform int FRAMEINDEX;", "uniform vec4 DATE;",
		"varying vec2 isf_FragNormCoord;", "precision highp float;", "precision mediump float;",
		"#line 1\n",
	};
	struct isf_scene s;

	ck_assert_msg(parse(text, &s) == 0, "%s", err);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(strstr(s.fragment, want[i]) != NULL, "no \"%s\" in:\n%s", want[i], s.fragment);
	ck_assert_ptr_null(strstr(s.fragment, "#version"));
	ck_assert(s.inputs[4].def[0] == 1.0f && s.inputs[4].def[3] == 1.0f);	/* alpha filled in */
	ck_assert_ptr_nonnull(strstr(isf_vertex_shader(), "attribute vec2 isf_position;"));
	isf_free(&s);
}
END_TEST

START_TEST(test_isf_refuses_what_it_cannot_draw_with_the_reason)
{
	char many[4096];
	size_t n;

	refused("void main() {}", "no ISF header");
	refused("/*{ \"INPUTS\": [ }*/ void main() {}", "not valid JSON");
	refused("/*{ \"a\": 1 ", "never closed");
	refused(HEAD_OPEN "\"PASSES\": [{}, {}] }" BODY, "only single-pass");
	refused(HEAD_OPEN "\"PASSES\": [{\"TARGET\": \"buf\"}] }" BODY, "TARGET");
	refused(HEAD_OPEN "\"PASSES\": [{\"PERSISTENT\": true}] }" BODY, "PERSISTENT");
	refused(HEAD_OPEN "\"IMPORTED\": {\"x\": {\"PATH\": \"x.png\"}} }" BODY, "IMPORTED");
	refused(HEAD_OPEN "\"INPUTS\": [{\"NAME\":\"img\",\"TYPE\":\"image\"}] }" BODY, "\"image\" are not supported");
	refused(HEAD_OPEN "\"INPUTS\": [{\"NAME\":\"a\",\"TYPE\":\"audioFFT\"}] }" BODY, "not supported");
	refused(HEAD_OPEN "\"INPUTS\": [{\"NAME\":\"a\",\"TYPE\":\"float\"},{\"NAME\":\"a\",\"TYPE\":\"bool\"}] }" BODY,
		"duplicate NAME \"a\"");
	refused(HEAD_OPEN "\"INPUTS\": [{\"NAME\":\"TIME\",\"TYPE\":\"float\"}] }" BODY, "reserved");
	refused(HEAD_OPEN "\"INPUTS\": [{\"NAME\":\"2x\",\"TYPE\":\"float\"}] }" BODY, "not a GLSL name");
	refused(HEAD_OPEN "\"INPUTS\": [{\"NAME\":\"gl_x\",\"TYPE\":\"float\"}] }" BODY, "reserved by GLSL");
	refused(HEAD_OPEN "\"INPUTS\": [{\"NAME\":\"x\",\"TYPE\":\"float\",\"DEFAULT\":\"a\"}] }" BODY,
		"DEFAULT must be a number");
	refused(HEAD_OPEN "\"INPUTS\": [] }*/\nvoid mainly() {}\n", "no \"void main()\"");
	refused(HEAD_OPEN "\"INPUTS\": [] }*/\nvoid main() { gl_FragColor = IMG_THIS_PIXEL(x); }\n",
		"IMG_THIS_PIXEL");
	n = (size_t)snprintf(many, sizeof(many), HEAD_OPEN "\"INPUTS\": [");
	for (int i = 0; i <= ISF_INPUTS_MAX; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "%s{\"NAME\":\"in%d\",\"TYPE\":\"float\"}",
				      i ? "," : "", i);
	snprintf(many + n, sizeof(many) - n, "] }" BODY);
	refused(many, "at most 16");
}
END_TEST

START_TEST(test_isf_image_macro_in_a_comment_is_not_refused)
{
	struct isf_scene s;

	ck_assert_msg(parse(HEAD_OPEN "\"INPUTS\": [] }*/\n// no IMG_PIXEL here\nvoid main() {}\n", &s) == 0,
		      "%s", err);
	isf_free(&s);
}
END_TEST

/* A scene with one input of each kind, in a venue with zones "front" and "back". */
static struct isf_scene scene;
static struct venue_config *cfg;

static void fixture_up(void)
{
	static const char text[] = HEAD_OPEN "\"INPUTS\": ["
		"{\"NAME\":\"f\",\"TYPE\":\"float\",\"MIN\":0,\"MAX\":10},{\"NAME\":\"g\",\"TYPE\":\"float\"},"
		"{\"NAME\":\"b\",\"TYPE\":\"bool\"},{\"NAME\":\"l\",\"TYPE\":\"long\",\"MIN\":0,\"MAX\":4},"
		"{\"NAME\":\"c\",\"TYPE\":\"color\"},{\"NAME\":\"p\",\"TYPE\":\"point2D\"}] }" BODY;

	ck_assert_msg(parse(text, &scene) == 0, "%s", err);
	cfg = test_config("{\"name\":\"v\",\"capacity\":100,\"zones\":[{\"id\":\"front\",\"capacity\":50},"
			  "{\"id\":\"back\",\"capacity\":50}],\"cues\":[{\"id\":\"a\",\"scene\":\"title\"}]}");
	cfg->theme.palette[0] = 0xff0000;
	cfg->theme.palette[1] = 0x0080ff;
	cfg->theme.palette_count = 2;
}

static void fixture_down(void)
{
	isf_free(&scene);
	config_destroy(cfg);
}

static int resolve(const char *input, const char *source, struct isf_binding *out)
{
	struct config_isf_binding b = { 0 };

	snprintf(b.input, sizeof(b.input), "%s", input);
	snprintf(b.source, sizeof(b.source), "%s", source);
	return isf_binding_resolve(&scene, cfg, &b, out, err, sizeof(err));
}

static void resolve_fails(const char *input, const char *source, const char *why)
{
	struct isf_binding out;

	ck_assert_int_eq(resolve(input, source, &out), -1);
	ck_assert_msg(strstr(err, why) != NULL, "expected \"%s\" in: %s", why, err);
}

START_TEST(test_isf_binding_errors_say_what_is_wrong)
{
	resolve_fails("speed", "music.level", "no input \"speed\"");
	resolve_fails("f", "music.levle", "did you mean \"music.level\"");
	resolve_fails("f", "zone.middle.active", "unknown zone \"middle\"");
	resolve_fails("f", "zone.front.activ", "did you mean \"zone.front.active\"");
	resolve_fails("f", "theme.accent", "is a colour");
	resolve_fails("c", "music.level", "takes a colour");
	resolve_fails("p", "crowd.x", "takes a point");
	resolve_fails("f", "poll.share.9", "option number 0 to 7");
}
END_TEST

/* The value of @input bound to @source, with [lo, hi] as its range when lo != hi. */
static void value(const char *input, const char *source, float lo, float hi, const struct stage_frame *f,
		  float beat, float out[4])
{
	struct config_isf_binding b = { .has_range = lo != hi, .range_lo = lo, .range_hi = hi };
	struct isf_binding r;

	snprintf(b.input, sizeof(b.input), "%s", input);
	snprintf(b.source, sizeof(b.source), "%s", source);
	ck_assert_msg(isf_binding_resolve(&scene, cfg, &b, &r, err, sizeof(err)) == 0, "%s", err);
	isf_binding_value(&r, &scene, cfg, f, beat, out);
}

static float scalar(const char *input, const char *source, float lo, float hi, const struct stage_frame *f)
{
	float out[4];

	value(input, source, lo, hi, f, 0.25f, out);
	return out[0];
}

START_TEST(test_isf_binding_values_follow_the_frame)
{
	struct stage_frame *f = calloc(1, stage_frame_size(0));
	float out[4];

	f->show.venue.participants = 40;
	f->show.venue.active = 10;
	f->show.venue.taps_per_s = 30.0;
	f->show.venue.tempo_bpm = -1.0;
	f->show.zone_count = 2;
	f->show.zones[1].taps_per_s = 2.0;
	f->show.zones[1].xy_n = 3;
	f->show.zones[1].x_mean = 0.2;
	f->show.zones[1].y_mean = 0.9;
	f->show.music.level = 0.5f;
	f->show.music.bands[0] = NAN;
	f->show.poll.index = 0;
	f->show.poll.open = true;
	f->show.poll.tallies[1] = 3;
	f->show.poll.total = 4;

	ck_assert_float_eq_tol(scalar("g", "crowd.active_share", 0, 0, f), 0.25f, 1e-6f);
	ck_assert_float_eq(scalar("g", "crowd.tempo_bpm", 0, 0, f), 0.0f);
	ck_assert_float_eq(scalar("g", "music.bass", 0, 0, f), 0.0f);		/* NaN reads as 0 */
	ck_assert_float_eq_tol(scalar("f", "music.level", 0, 0, f), 0.5f, 1e-6f);
	/* A range maps onto MIN..MAX, and clamps there: 30 taps/s of [0, 20] is 10. */
	ck_assert_float_eq_tol(scalar("f", "crowd.taps_per_s", 0, 20, f), 10.0f, 1e-5f);
	ck_assert_float_eq_tol(scalar("f", "zone.back.taps_per_s", 0, 20, f), 1.0f, 1e-5f);
	/* Without MIN and MAX a range maps onto 0..1. */
	ck_assert_float_eq_tol(scalar("g", "zone.back.taps_per_s", 0, 4, f), 0.5f, 1e-6f);
	ck_assert_float_eq(scalar("l", "crowd.taps_per_s", 0, 40, f), 3.0f);	/* 3.0 of 0..4, rounded */
	ck_assert_float_eq(scalar("b", "music.level", 0, 0, f), 0.0f);	/* not above 0.5 */
	ck_assert_float_eq(scalar("b", "music.beat", 0, 0.4f, f), 1.0f);	/* 0.25 of [0, 0.4] */
	ck_assert_float_eq_tol(scalar("g", "poll.share.1", 0, 0, f), 0.75f, 1e-6f);
	ck_assert_float_eq(scalar("g", "poll.open", 0, 0, f), 1.0f);
	f->show.poll.hidden = true;
	ck_assert_float_eq(scalar("g", "poll.share.1", 0, 0, f), 0.0f);
	f->show.adhoc_asking = true;	/* the ad-hoc poll, with no index, is shown now */
	f->show.adhoc_poll.index = -1;
	ck_assert_float_eq(scalar("g", "poll.open", 0, 0, f), 0.0f);

	value("p", "zone.back.xy", 0, 0, f, 0, out);
	ck_assert_float_eq_tol(out[0], 0.2f, 1e-6f);
	ck_assert_float_eq_tol(out[1], 0.9f, 1e-6f);
	value("p", "crowd.xy", 0, 0, f, 0, out);	/* nobody points: the centre */
	ck_assert(out[0] == 0.5f && out[1] == 0.5f);
	value("c", "zone.back.color", 0, 0, f, 0, out);
	ck_assert_float_eq(out[0], 0.0f);
	ck_assert_float_eq_tol(out[1], 128.0f / 255.0f, 1e-6f);
	ck_assert(out[2] == 1.0f && out[3] == 1.0f);
	free(f);
}
END_TEST

START_TEST(test_isf_source_reads_name_the_controls)
{
	ck_assert_uint_eq(isf_source_reads("crowd.xy"), 1u << CONTROL_XY);
	ck_assert_uint_eq(isf_source_reads("zone.front.taps_per_s"), 1u << CONTROL_TAP);
	ck_assert_uint_eq(isf_source_reads("poll.share.2"), 1u << CONTROL_VOTE);
	ck_assert_uint_eq(isf_source_reads("music.level"), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stage_isf");
	TCase *parse_tc = tcase_create("parse");
	TCase *bind_tc = tcase_create("bindings");

	tcase_add_test(parse_tc, test_isf_shipped_scenes_load_with_their_inputs);
	tcase_add_test(parse_tc, test_isf_shader_declares_every_input_with_its_type);
	tcase_add_test(parse_tc, test_isf_refuses_what_it_cannot_draw_with_the_reason);
	tcase_add_test(parse_tc, test_isf_image_macro_in_a_comment_is_not_refused);
	tcase_add_checked_fixture(bind_tc, fixture_up, fixture_down);
	tcase_add_test(bind_tc, test_isf_binding_errors_say_what_is_wrong);
	tcase_add_test(bind_tc, test_isf_binding_values_follow_the_frame);
	tcase_add_test(bind_tc, test_isf_source_reads_name_the_controls);
	suite_add_tcase(s, parse_tc);
	suite_add_tcase(s, bind_tc);
	return test_run_suite(s);
}
