/*
 * check_state_stream.c - the phones' state stream (docs/protocol.md, "s"):
 * the show part goes with its version and changes version only when its
 * bytes do; the live numbers carry only what the cue shows; a phone's
 * message puts its acknowledgement and what it lacks around them; the
 * beat grid moves only when the music leaves it.
 */
#include <check.h>
#include <jansson.h>
#include <string.h>

#include "phone_beat.h"
#include "state_stream.h"
#include "test_util.h"

static struct state_stream st;

/* An empty frame at cue @cue, with the controls its config enables. */
static void frame_at_cue(struct show_frame *f, const struct venue_config *cfg, int cue)
{
	memset(f, 0, sizeof(*f));
	f->poll.index = -1;
	f->adhoc_poll.index = -1;
	f->zone_count = cfg->zone_count;
	f->cue_index = cue;
	f->cue_advance_at = -1;
	f->controls = cfg->cues[cue].controls;
}

/* The message a phone gets with @x, parsed. */
static json_t *message(const struct state_extras *x)
{
	char out[STATE_MESSAGE_MAX];
	size_t n = state_stream_message(&st, x, out, sizeof(out));
	json_t *j;

	ck_assert_uint_gt(n, 0);
	j = json_loadb(out, n, 0, NULL);
	ck_assert_msg(j != NULL, "not JSON: %.*s", (int)n, out);
	ck_assert_str_eq(json_string_value(json_object_get(j, "type")), "s");
	return j;
}

static json_t *whole(void)
{
	return message(&(struct state_extras){ .show = true, .beat = true });
}

static json_t *usual(void)
{
	return message(&(struct state_extras){ 0 });
}

static double num(json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

static double at(json_t *arr, size_t i)
{
	return json_number_value(json_array_get(arr, i));
}

START_TEST(test_state_the_whole_show_then_only_the_live_numbers)
{
	struct venue_config *cfg = test_config(TEST_VENUE_JSON);
	struct show_frame f;
	json_t *j, *show, *poll;

	state_stream_init(&st);
	frame_at_cue(&f, cfg, 0);
	f.tick = 42;
	f.venue.participants = 3;
	f.venue.active = 2;
	f.venue.taps_per_s = 31.54;
	f.venue.tempo_bpm = -1;
	f.venue.xy_n = 2;
	f.venue.x_mean = 0.25;
	f.venue.y_mean = 0.75;
	f.venue.x_median = 0.2;
	f.venue.y_median = 0.8;
	f.venue.shake_n = 1;
	f.venue.shake_energy = 0.04;
	f.poll = (struct frame_poll){ .index = 0, .open = true, .closes_at = -1, .winner = -1, .total = 2 };
	f.poll.tallies[2] = 2;
	ck_assert_int_eq(state_stream_update(&st, cfg, &f), 0);

	j = whole();
	show = json_object_get(j, "show");
	ck_assert_int_eq(json_integer_value(json_object_get(show, "v")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(show, "cue"), "id")), "play");
	ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(show, "cue"), "controls")), 5);
	ck_assert(json_is_null(json_object_get(json_object_get(show, "cue"), "advance_at")));
	poll = json_object_get(show, "poll");
	ck_assert_str_eq(json_string_value(json_object_get(poll, "id")), "song");
	ck_assert_uint_eq(json_array_size(json_object_get(poll, "options")), 3);
	ck_assert_ptr_null(json_object_get(poll, "tallies"));	/* live, in "t" */
	ck_assert(json_is_null(json_object_get(j, "beat")));
	/* The live numbers: fixed decimals, and no tempo while nobody taps steadily. */
	ck_assert_int_eq(json_integer_value(json_object_get(j, "n")), 42);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "v")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "p")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "a")), 2);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "tap")), 1);
	ck_assert_double_eq_tol(at(json_object_get(j, "tap"), 0), 31.5, 1e-9);
	ck_assert_double_eq_tol(at(json_object_get(j, "xy"), 2), 0.2, 1e-9);
	ck_assert_double_eq_tol(at(json_object_get(j, "xy"), 3), 0.8, 1e-9);
	ck_assert_ptr_null(json_object_get(j, "sl"));	/* nobody moved a slider */
	ck_assert_double_eq_tol(at(json_object_get(j, "sh"), 1), 0.04, 1e-9);
	ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(j, "t"), 2)), 2);
	ck_assert_ptr_null(json_object_get(j, "k"));
	json_decref(j);

	/* The usual message: the numbers alone, a few dozen bytes. */
	j = usual();
	ck_assert_ptr_null(json_object_get(j, "show"));
	ck_assert_ptr_null(json_object_get(j, "beat"));
	json_decref(j);
	ck_assert_uint_lt(state_stream_usual_len(&st), 120);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_state_show_version_moves_only_when_the_show_changes)
{
	struct venue_config *cfg = test_config(TEST_VENUE_JSON);
	struct show_frame f;
	json_t *j;

	state_stream_init(&st);
	frame_at_cue(&f, cfg, 0);
	state_stream_update(&st, cfg, &f);
	ck_assert_uint_eq(st.show_v, 1);
	/* Numbers move every tick: the show stays. */
	for (int i = 0; i < 100; i++) {
		f.tick++;
		f.venue.participants = (uint32_t)i;
		f.venue.taps_per_s = i * 0.7;
		state_stream_update(&st, cfg, &f);
	}
	ck_assert_uint_eq(st.show_v, 1);
	/* A poll opens: a new version, and the live message says so. */
	f.poll = (struct frame_poll){ .index = 0, .open = true, .closes_at = -1, .winner = -1 };
	state_stream_update(&st, cfg, &f);
	ck_assert_uint_eq(st.show_v, 2);
	j = usual();
	ck_assert_int_eq(json_integer_value(json_object_get(j, "v")), 2);
	json_decref(j);
	/* Votes come in: the tallies are live, not the show. */
	f.poll.tallies[1] = 5;
	f.poll.total = 5;
	state_stream_update(&st, cfg, &f);
	ck_assert_uint_eq(st.show_v, 2);
	/* Frozen, the next cue, the poll closed: each a new version. */
	f.frozen = true;
	f.controls = 0;
	state_stream_update(&st, cfg, &f);
	ck_assert_uint_eq(st.show_v, 3);
	j = whole();
	ck_assert(json_is_true(json_object_get(json_object_get(j, "show"), "frozen")));
	ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(json_object_get(j, "show"), "cue"),
							    "controls")), 0);
	ck_assert_ptr_null(json_object_get(j, "tap"));	/* no control, no number */
	json_decref(j);
	f.cue_index = 1;
	state_stream_update(&st, cfg, &f);
	ck_assert_uint_eq(st.show_v, 4);
	j = whole();
	ck_assert(json_is_true(json_object_get(json_object_get(json_object_get(j, "show"), "cue"), "final")));
	json_decref(j);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_state_hidden_counts_are_not_on_the_wire)
{
	struct venue_config *cfg = test_config(TEST_VENUE_JSON);
	struct show_frame f;
	json_t *j;

	state_stream_init(&st);
	frame_at_cue(&f, cfg, 0);
	f.poll = (struct frame_poll){ .index = 0, .open = true, .closes_at = -1, .winner = -1, .hidden = true,
				      .total = 9 };
	f.poll.tallies[0] = 9;
	state_stream_update(&st, cfg, &f);
	j = whole();
	ck_assert(json_is_true(json_object_get(json_object_get(json_object_get(j, "show"), "poll"), "hidden")));
	ck_assert_ptr_null(json_object_get(j, "t"));
	json_decref(j);
	/* The console's ad-hoc poll, while it asks, is the poll phones see. */
	config_adhoc_poll_write(cfg, cfg->adhoc_first, "Encore?", (const char *const[]){ "Yes", "No" }, 2);
	f.adhoc_asking = true;
	f.adhoc_poll = (struct frame_poll){ .index = (int)cfg->adhoc_first, .open = true, .closes_at = -1,
					    .winner = -1, .round = 3 };
	f.adhoc_poll.tallies[1] = 4;
	state_stream_update(&st, cfg, &f);
	j = whole();
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(j, "show"), "poll"),
							   "question")), "Encore?");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(json_object_get(j, "show"), "poll"),
							    "round")), 3);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "t")), 2);
	ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(j, "t"), 1)), 4);
	json_decref(j);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_state_lists_controls_in_the_config_order_and_escapes_text)
{
	struct venue_config *cfg = test_config(
		"{\"name\":\"Q\",\"capacity\":10,\"cues\":["
		"{\"id\":\"a\",\"title\":\"Say \\\"hi\\\" \\\\ o/\",\"scene\":\"poll\","
		"\"controls\":[\"text\",\"vote\",\"tap\"],"
		"\"poll\":{\"id\":\"p\",\"question\":\"Q\",\"options\":[\"x\",\"y\"]}},"
		"{\"id\":\"b\",\"scene\":\"crowd-map\",\"controls\":[\"slider\",\"xy\"]}]}");
	struct show_frame f;
	json_t *j, *c;

	state_stream_init(&st);
	frame_at_cue(&f, cfg, 0);
	state_stream_update(&st, cfg, &f);
	j = whole();
	c = json_object_get(json_object_get(j, "show"), "cue");
	ck_assert_str_eq(json_string_value(json_object_get(c, "title")), "Say \"hi\" \\ o/");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(c, "controls"), 0)), "text");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(c, "controls"), 2)), "tap");
	json_decref(j);
	/* The console's ad-hoc poll: its vote comes first. */
	frame_at_cue(&f, cfg, 1);
	f.controls |= 1u << CONTROL_VOTE;
	f.venue.slider_n = 1;
	f.venue.slider_mean = f.venue.slider_median = 0.6;
	state_stream_update(&st, cfg, &f);
	j = whole();
	c = json_object_get(json_object_get(j, "show"), "cue");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(c, "controls"), 0)), "vote");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(c, "controls"), 1)), "slider");
	ck_assert_double_eq_tol(at(json_object_get(j, "sl"), 1), 0.6, 1e-9);
	json_decref(j);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_state_message_carries_the_ack_and_what_the_phone_lacks)
{
	struct venue_config *cfg = test_config(TEST_VENUE_JSON);
	struct show_frame f;
	json_t *j;
	char tiny[24];

	state_stream_init(&st);
	frame_at_cue(&f, cfg, 0);
	f.beat = (struct frame_beat){ .on = true, .at = 12.5, .period = 0.5, .flash_every = 2 };
	state_stream_update(&st, cfg, &f);
	j = message(&(struct state_extras){ .ack_seq = 21, .beat = true });
	ck_assert_int_eq(json_integer_value(json_object_get(j, "k")), 21);
	ck_assert_ptr_null(json_object_get(j, "show"));
	ck_assert_double_eq_tol(num(json_object_get(j, "beat"), "at"), 12500.0, 1e-9);
	ck_assert_double_eq_tol(num(json_object_get(j, "beat"), "ms"), 500.0, 1e-9);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "beat"), "flash")), 2);
	json_decref(j);
	/* A beat version moves only when the grid does. */
	ck_assert_uint_eq(st.beat_v, 2);
	f.tick++;
	state_stream_update(&st, cfg, &f);
	ck_assert_uint_eq(st.beat_v, 2);
	f.beat.on = false;
	state_stream_update(&st, cfg, &f);
	ck_assert_uint_eq(st.beat_v, 3);
	/* A buffer too small gets nothing, never half a message. */
	ck_assert_uint_eq(state_stream_message(&st, &(struct state_extras){ 0 }, tiny, sizeof(tiny)), 0);
	config_destroy(cfg);
}
END_TEST

/* Beats of a steady @bpm fed tick by tick (60 Hz) from @from for @seconds; returns the grid changes. */
static int feed_beats(struct phone_beat *b, double from, double seconds, double bpm, uint32_t *beats,
		      uint32_t max_flashes)
{
	double period = 60.0 / bpm, next_beat = from;
	int changes = 0;

	for (double t = from; t < from + seconds; t += 1.0 / 60) {
		if (t >= next_beat) {
			(*beats)++;
			next_beat += period;
		}
		changes += phone_beat_update(b, t, (float)bpm, *beats, max_flashes);
	}
	return changes;
}

START_TEST(test_beat_grid_moves_only_when_the_music_leaves_it)
{
	struct phone_beat b;
	uint32_t beats = 0;

	phone_beat_init(&b);
	/* A steady 120 BPM for a minute: one grid, sent once. */
	ck_assert_int_eq(feed_beats(&b, 0, 60, 120, &beats, 3), 1);
	ck_assert(b.grid.on);
	ck_assert_double_eq_tol(b.grid.period, 0.5, 1e-6);
	ck_assert_uint_eq(b.grid.flash_every, 1);	/* 2 beats a second, within 3 flashes a second */
	/* The tempo moves by 5 %: a new grid, and only a few while it settles. */
	ck_assert_int_le(feed_beats(&b, 60, 30, 126, &beats, 3), 3);
	ck_assert_double_eq_tol(b.grid.period, 60.0 / 126, 1e-6);
	/* A stricter flash policy: 1 a second at 126 BPM means every third beat... */
	ck_assert(phone_beat_update(&b, 90.01, 126, beats, 1));
	ck_assert_uint_eq(b.grid.flash_every, 3);
	ck_assert_double_ge(1.0 / (b.grid.flash_every * b.grid.period), 0.0);
	ck_assert_double_le(1.0 / (b.grid.flash_every * b.grid.period), 1.0);
	/* ... and not an audio cue: no flashes at all, the beat goes on. */
	ck_assert(phone_beat_update(&b, 90.02, 126, beats, 0));
	ck_assert_uint_eq(b.grid.flash_every, 0);
	ck_assert(b.grid.on);
	/* The beat stops (no tempo): the grid goes. */
	ck_assert(phone_beat_update(&b, 90.03, 0, beats, 3));
	ck_assert(!b.grid.on);
}
END_TEST

START_TEST(test_beat_grid_stops_when_no_beat_comes)
{
	struct phone_beat b;
	uint32_t beats = 0;

	phone_beat_init(&b);
	feed_beats(&b, 0, 10, 100, &beats, 3);
	ck_assert(b.grid.on);
	/* The tempo is still reported, but no beat for 3 periods (and 2 s): the beat stopped. */
	for (double t = 10; t < 12.5; t += 1.0 / 60)
		phone_beat_update(&b, t, 100, beats, 3);
	ck_assert(!b.grid.on);
	/* A fast tempo is flashed on every so many beats, never over the limit. */
	beats = 0;
	phone_beat_init(&b);
	feed_beats(&b, 20, 10, 200, &beats, 3);
	ck_assert(b.grid.on);
	ck_assert_uint_eq(b.grid.flash_every, 2);	/* 3.33 beats a second: every second beat */
}
END_TEST

/*
 * The flashes a phone plays from the grid (every flash_every-th beat from
 * at), over @seconds, counted in every one-second window (t, t + 1): the
 * most in any.
 */
static int worst_flash_window(const struct frame_beat *g, double seconds)
{
	double step = g->flash_every * g->period;
	int worst = 0;

	if (!g->on || !g->flash_every)
		return 0;
	for (double from = g->at; from < g->at + seconds; from += step) {
		int n = 0;

		for (double t = from; t < from + 1.0 - 1e-9; t += step)
			n++;
		worst = n > worst ? n : worst;
	}
	return worst;
}

START_TEST(test_beat_flashes_keep_the_limit_and_no_more)
{
	/* Five beats a second, far more than any limit: each limit is reached and never passed. */
	for (uint32_t max = 0; max <= 3; max++) {
		struct phone_beat b;
		uint32_t beats = 0;

		phone_beat_init(&b);
		feed_beats(&b, 0, 10, 300, &beats, max);
		ck_assert(b.grid.on);
		ck_assert_int_eq(worst_flash_window(&b.grid, 10), (int)max);
	}
}
END_TEST

static Suite *state_stream_suite(void)
{
	Suite *s = suite_create("state_stream");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_state_the_whole_show_then_only_the_live_numbers);
	tcase_add_test(tc, test_state_show_version_moves_only_when_the_show_changes);
	tcase_add_test(tc, test_state_hidden_counts_are_not_on_the_wire);
	tcase_add_test(tc, test_state_lists_controls_in_the_config_order_and_escapes_text);
	tcase_add_test(tc, test_state_message_carries_the_ack_and_what_the_phone_lacks);
	tcase_add_test(tc, test_beat_grid_moves_only_when_the_music_leaves_it);
	tcase_add_test(tc, test_beat_grid_stops_when_no_beat_comes);
	tcase_add_test(tc, test_beat_flashes_keep_the_limit_and_no_more);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(state_stream_suite());
}
