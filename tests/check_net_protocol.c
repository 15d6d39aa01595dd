/* check_net_protocol.c - decoding every phone message (and every malformed case), encoding replies. */
#include <check.h>
#include <jansson.h>
#include <string.h>

#include "net_protocol.h"
#include "test_util.h"

static enum reject_reason decode(const char *text, struct client_msg *m)
{
	return protocol_decode(text, strlen(text), m);
}

START_TEST(test_protocol_decodes_hello_with_and_without_token)
{
	struct client_msg m;

	ck_assert_int_eq(decode("{\"type\":\"hello\",\"token\":null,\"zone\":null}", &m), REJECT_NONE);
	ck_assert_int_eq(m.type, CLIENT_HELLO);
	ck_assert(!m.has_token && !m.has_zone);
	ck_assert_int_eq(decode("{\"type\":\"hello\",\"token\":\"abc\",\"zone\":\"left\"}", &m), REJECT_NONE);
	ck_assert(m.has_token && m.has_zone);
	ck_assert_str_eq(m.token, "abc");
	ck_assert_str_eq(m.zone, "left");
	ck_assert_int_eq(decode("{\"type\":\"hello\"}", &m), REJECT_NONE);
}
END_TEST

START_TEST(test_protocol_decodes_every_input_control)
{
	struct client_msg m;

	ck_assert_int_eq(decode("{\"type\":\"input\",\"seq\":1,\"control\":\"tap\"}", &m), REJECT_NONE);
	ck_assert_int_eq(m.control, CONTROL_TAP);
	ck_assert_uint_eq(m.seq, 1);
	ck_assert_int_eq(decode("{\"type\":\"input\",\"seq\":2,\"control\":\"xy\",\"x\":0.25,\"y\":1}", &m),
			 REJECT_NONE);
	ck_assert_int_eq(m.control, CONTROL_XY);
	ck_assert_double_eq(m.x, 0.25);
	ck_assert_double_eq(m.y, 1.0);
	ck_assert_int_eq(decode("{\"type\":\"input\",\"seq\":3,\"control\":\"slider\",\"value\":0}", &m),
			 REJECT_NONE);
	ck_assert_int_eq(m.control, CONTROL_SLIDER);
	ck_assert_int_eq(decode("{\"type\":\"input\",\"seq\":4,\"control\":\"shake\",\"energy\":0.9}", &m),
			 REJECT_NONE);
	ck_assert_int_eq(m.control, CONTROL_SHAKE);
	ck_assert_double_eq(m.value, 0.9);
}
END_TEST

START_TEST(test_protocol_decodes_vote_and_ping)
{
	struct client_msg m;

	ck_assert_int_eq(decode("{\"type\":\"vote\",\"seq\":9,\"poll\":\"song\",\"choice\":2}", &m), REJECT_NONE);
	ck_assert_int_eq(m.type, CLIENT_VOTE);
	ck_assert_str_eq(m.poll, "song");
	ck_assert_int_eq(m.choice, 2);
	ck_assert_int_eq(decode("{\"type\":\"ping\",\"t0\":1731.5}", &m), REJECT_NONE);
	ck_assert_int_eq(m.type, CLIENT_PING);
	ck_assert_double_eq(m.t0, 1731.5);
}
END_TEST

START_TEST(test_protocol_ignores_unknown_fields_for_newer_phones)
{
	struct client_msg m;

	ck_assert_int_eq(decode("{\"type\":\"input\",\"seq\":1,\"control\":\"tap\",\"force\":3}", &m),
			 REJECT_NONE);
}
END_TEST

static const struct {
	const char *text;
	enum reject_reason reason;
} malformed[] = {
	{ "", REJECT_MALFORMED_JSON },
	{ "{", REJECT_MALFORMED_JSON },
	{ "not json", REJECT_MALFORMED_JSON },
	{ "[1,2]", REJECT_MALFORMED_JSON },
	{ "\"hello\"", REJECT_MALFORMED_JSON },
	{ "{\"type\":\"hello\",\"type\":\"vote\"}", REJECT_MALFORMED_JSON },
	{ "{}", REJECT_UNKNOWN_TYPE },
	{ "{\"type\":7}", REJECT_UNKNOWN_TYPE },
	{ "{\"type\":\"launch\"}", REJECT_UNKNOWN_TYPE },
	{ "{\"type\":\"input\",\"control\":\"tap\"}", REJECT_INVALID_FIELD },
	{ "{\"type\":\"input\",\"seq\":\"1\",\"control\":\"tap\"}", REJECT_INVALID_FIELD },
	{ "{\"type\":\"input\",\"seq\":1.5,\"control\":\"tap\"}", REJECT_INVALID_FIELD },
	{ "{\"type\":\"input\",\"seq\":0,\"control\":\"tap\"}", REJECT_OUT_OF_RANGE },
	{ "{\"type\":\"input\",\"seq\":-4,\"control\":\"tap\"}", REJECT_OUT_OF_RANGE },
	{ "{\"type\":\"input\",\"seq\":9007199254740992,\"control\":\"tap\"}", REJECT_OUT_OF_RANGE },
	{ "{\"type\":\"input\",\"seq\":1}", REJECT_INVALID_FIELD },
	{ "{\"type\":\"input\",\"seq\":1,\"control\":\"laser\"}", REJECT_INVALID_FIELD },
	{ "{\"type\":\"input\",\"seq\":1,\"control\":\"vote\"}", REJECT_INVALID_FIELD },
	{ "{\"type\":\"input\",\"seq\":1,\"control\":\"xy\",\"x\":0.5}", REJECT_INVALID_FIELD },
	{ "{\"type\":\"input\",\"seq\":1,\"control\":\"xy\",\"x\":\"0.5\",\"y\":0.5}", REJECT_INVALID_FIELD },
	{ "{\"type\":\"input\",\"seq\":1,\"control\":\"xy\",\"x\":1.01,\"y\":0.5}", REJECT_OUT_OF_RANGE },
	{ "{\"type\":\"input\",\"seq\":1,\"control\":\"xy\",\"x\":0.5,\"y\":-0.1}", REJECT_OUT_OF_RANGE },
	{ "{\"type\":\"input\",\"seq\":1,\"control\":\"slider\"}", REJECT_INVALID_FIELD },
	{ "{\"type\":\"input\",\"seq\":1,\"control\":\"slider\",\"value\":2}", REJECT_OUT_OF_RANGE },
	{ "{\"type\":\"input\",\"seq\":1,\"control\":\"shake\",\"energy\":1e308}", REJECT_OUT_OF_RANGE },
	{ "{\"type\":\"input\",\"seq\":1,\"control\":\"shake\",\"energy\":null}", REJECT_INVALID_FIELD },
	{ "{\"type\":\"vote\",\"seq\":1,\"choice\":0}", REJECT_INVALID_FIELD },
	{ "{\"type\":\"vote\",\"seq\":1,\"poll\":\"\",\"choice\":0}", REJECT_INVALID_FIELD },
	{ "{\"type\":\"vote\",\"seq\":1,\"poll\":\"song\"}", REJECT_INVALID_FIELD },
	{ "{\"type\":\"vote\",\"seq\":1,\"poll\":\"song\",\"choice\":\"A\"}", REJECT_INVALID_FIELD },
	{ "{\"type\":\"vote\",\"seq\":1,\"poll\":\"song\",\"choice\":-1}", REJECT_OUT_OF_RANGE },
	{ "{\"type\":\"vote\",\"seq\":1,\"poll\":\"song\",\"choice\":99}", REJECT_OUT_OF_RANGE },
	{ "{\"type\":\"ping\"}", REJECT_INVALID_FIELD },
	{ "{\"type\":\"ping\",\"t0\":\"now\"}", REJECT_INVALID_FIELD },
	{ "{\"type\":\"hello\",\"token\":42}", REJECT_INVALID_FIELD },
	{ "{\"type\":\"hello\",\"zone\":[\"left\"]}", REJECT_INVALID_FIELD },
	{ "{\"type\":\"hello\",\"zone\":\"\"}", REJECT_OUT_OF_RANGE },
	{ "{\"type\":\"hello\",\"token\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
	  REJECT_OUT_OF_RANGE },
};

START_TEST(test_protocol_refuses_each_malformed_message_with_its_reason)
{
	struct client_msg m;
	enum reject_reason r = decode(malformed[_i].text, &m);

	ck_assert_msg(r == malformed[_i].reason, "%s: got %s, want %s", malformed[_i].text,
		      reject_reason_name(r), reject_reason_name(malformed[_i].reason));
	ck_assert_msg(m.detail[0], "%s: no detail for the error message", malformed[_i].text);
}
END_TEST

START_TEST(test_protocol_utf8_validation)
{
	const char *mixed = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xb8";

	ck_assert(protocol_utf8_valid("plain", 5));
	ck_assert(protocol_utf8_valid(mixed, strlen(mixed)));
	ck_assert(!protocol_utf8_valid("\xc3", 1));		/* truncated */
	ck_assert(!protocol_utf8_valid("\xc0\xaf", 2));		/* overlong */
	ck_assert(!protocol_utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	ck_assert(!protocol_utf8_valid("\xf4\x90\x80\x80", 4));	/* above U+10FFFF */
	ck_assert(!protocol_utf8_valid("\xff", 1));
	ck_assert(!protocol_utf8_valid("ok\x80", 3));
}
END_TEST

/* A name cut to fit the error's detail is cut between characters: the error stays valid UTF-8. */
START_TEST(test_protocol_error_detail_cuts_on_a_character_boundary)
{
	static const char *const msgs[] = {
		/* "x" then 2-byte characters: a cut at 32 bytes falls inside one */
		"{\"type\":\"x\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}",
		"{\"type\":\"input\",\"seq\":1,\"control\":\"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
		"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\"}",
	};

	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		struct client_msg m;
		char out[512];
		size_t n;

		ck_assert_int_ne(protocol_decode(msgs[i], strlen(msgs[i]), &m), REJECT_NONE);
		ck_assert_msg(protocol_utf8_valid(m.detail, strlen(m.detail)), "detail \"%s\" is not UTF-8", m.detail);
		n = protocol_encode_error(out, sizeof(out), REJECT_UNKNOWN_TYPE, m.detail, 0, -1);
		ck_assert_uint_gt(n, 0);
		ck_assert(protocol_utf8_valid(out, n));
	}
}
END_TEST

START_TEST(test_protocol_error_carries_code_message_seq_and_retry)
{
	char out[256];
	size_t n = protocol_encode_error(out, sizeof(out), REJECT_VENUE_FULL, NULL, 0, 5000);
	json_t *j = json_loadb(out, n, 0, NULL);

	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(json_object_get(j, "type")), "error");
	ck_assert_str_eq(json_string_value(json_object_get(j, "code")), "venue_full");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "retry_ms")), 5000);
	ck_assert_ptr_null(json_object_get(j, "seq"));
	json_decref(j);
	n = protocol_encode_error(out, sizeof(out), REJECT_OUT_OF_RANGE, "\"x\" must be \"0..1\"", 12, -1);
	j = json_loadb(out, n, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(json_object_get(j, "message")), "\"x\" must be \"0..1\"");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "seq")), 12);
	json_decref(j);
}
END_TEST

START_TEST(test_protocol_encoders_refuse_a_buffer_too_small)
{
	char out[16];

	ck_assert_uint_eq(protocol_encode_error(out, sizeof(out), REJECT_VENUE_FULL, NULL, 0, 5000), 0);
	ck_assert_uint_eq(protocol_encode_ack(out, 8, 1, 2), 0);
}
END_TEST

START_TEST(test_protocol_pong_reports_ms_and_echoes_t0)
{
	char out[128];
	size_t n = protocol_encode_pong(out, sizeof(out), 1731.5, 10.25, 10.2501);
	json_t *j = json_loadb(out, n, 0, NULL);

	ck_assert_ptr_nonnull(j);
	ck_assert_double_eq(json_number_value(json_object_get(j, "t0")), 1731.5);
	ck_assert_double_eq_tol(json_number_value(json_object_get(j, "t1")), 10250.0, 1e-6);
	ck_assert_double_eq_tol(json_number_value(json_object_get(j, "t2")), 10250.1, 1e-6);
	json_decref(j);
}
END_TEST

START_TEST(test_protocol_state_is_valid_json_with_cue_crowd_zone_and_poll)
{
	struct venue_config *cfg = test_config(TEST_VENUE_JSON);
	struct show_frame f;
	char out[8192];
	size_t n;
	json_t *j, *poll, *crowd;

	memset(&f, 0, sizeof(f));
	f.tick = 42;
	f.t = 1.5;
	f.cue_index = 0;
	f.cue_advance_at = -1;
	f.controls = cfg->cues[0].controls;
	f.zone_count = cfg->zone_count;
	f.venue.participants = 3;
	f.venue.tempo_bpm = -1;
	f.venue.xy_n = 2;
	f.venue.x_mean = 0.25;
	f.venue.y_mean = 0.75;
	f.venue.x_median = 0.2;
	f.venue.y_median = 0.8;
	f.zones[1].participants = 3;
	f.poll.index = 0;
	f.poll.open = true;
	f.poll.closes_at = -1;
	f.poll.winner = -1;
	f.poll.tallies[2] = 2;
	f.poll.total = 2;
	n = protocol_encode_state(out, sizeof(out), cfg, &f, 1);
	ck_assert_uint_gt(n, 0);
	j = json_loadb(out, n, 0, NULL);
	ck_assert_msg(j != NULL, "not JSON: %s", out);
	ck_assert_str_eq(json_string_value(json_object_get(j, "type")), "state");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "tick")), 42);
	ck_assert_double_eq_tol(json_number_value(json_object_get(j, "t")), 1500.0, 1e-9);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "cue"), "id")), "play");
	ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(j, "cue"), "controls")), 5);
	ck_assert(json_is_null(json_object_get(json_object_get(j, "cue"), "advance_at")));
	crowd = json_object_get(j, "crowd");
	ck_assert(json_is_null(json_object_get(crowd, "tempo_bpm")));
	ck_assert_double_eq_tol(json_number_value(json_array_get(json_object_get(
		json_object_get(crowd, "xy"), "median"), 0)), 0.2, 1e-9);
	ck_assert(json_is_null(json_object_get(json_object_get(crowd, "slider"), "median")));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "zone"), "id")), "right");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "zone"), "participants")), 3);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "zones")), 2);
	ck_assert(json_is_null(json_object_get(json_object_get(j, "music"), "bpm")));
	ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(j, "music"), "bands")), 4);
	poll = json_object_get(j, "poll");
	ck_assert_str_eq(json_string_value(json_object_get(poll, "id")), "song");
	ck_assert(json_is_true(json_object_get(poll, "open")));
	ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(poll, "tallies"), 2)), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(poll, "total")), 2);
	ck_assert(json_is_false(json_object_get(poll, "hidden")));
	json_decref(j);
	/* Counts held back for the reveal go to phones as zeros. */
	f.poll.hidden = true;
	n = protocol_encode_state(out, sizeof(out), cfg, &f, 1);
	j = json_loadb(out, n, 0, NULL);
	poll = json_object_get(j, "poll");
	ck_assert(json_is_true(json_object_get(poll, "hidden")));
	ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(poll, "tallies"), 2)), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(poll, "total")), 0);
	json_decref(j);
	/* The console's ad-hoc poll, while it asks, is the poll phones see. */
	config_adhoc_poll_write(cfg, cfg->adhoc_first, "Encore?", (const char *const[]){ "Yes", "No" }, 2);
	f.adhoc_asking = true;
	f.adhoc_poll = (struct frame_poll){ .index = (int)cfg->adhoc_first, .open = true, .closes_at = -1,
					    .winner = -1, .round = 3 };
	n = protocol_encode_state(out, sizeof(out), cfg, &f, 1);
	j = json_loadb(out, n, 0, NULL);
	poll = json_object_get(j, "poll");
	ck_assert_str_eq(json_string_value(json_object_get(poll, "id")), "adhoc-1");
	ck_assert_str_eq(json_string_value(json_object_get(poll, "question")), "Encore?");
	ck_assert_uint_eq(json_array_size(json_object_get(poll, "options")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(poll, "round")), 3);
	json_decref(j);
	config_destroy(cfg);
}
END_TEST

/* Controls, as a string "a,b,c", from a state @out. */
static const char *state_controls(const char *out, size_t n, char *buf, size_t cap)
{
	json_t *j = json_loadb(out, n, 0, NULL), *c;
	size_t i;

	ck_assert_msg(j != NULL, "not JSON: %s", out);
	buf[0] = '\0';
	json_array_foreach(json_object_get(json_object_get(j, "cue"), "controls"), i, c) {
		if (i)
			strncat(buf, ",", cap - strlen(buf) - 1);
		strncat(buf, json_string_value(c), cap - strlen(buf) - 1);
	}
	json_decref(j);
	return buf;
}

/* An empty frame at cue @cue, with the controls its config enables. */
static void frame_at_cue(struct show_frame *f, const struct venue_config *cfg, int cue)
{
	memset(f, 0, sizeof(*f));
	f->poll.index = -1;
	f->adhoc_poll.index = -1;
	f->zone_count = cfg->zone_count;
	f->cue_index = cue;
	f->controls = cfg->cues[cue].controls;
}

START_TEST(test_protocol_state_lists_controls_in_the_config_order)
{
	struct venue_config *cfg = test_config(
		"{\"name\":\"Q\",\"capacity\":10,\"cues\":["
		"{\"id\":\"a\",\"scene\":\"poll\",\"controls\":[\"text\",\"vote\",\"tap\"],"
		"\"poll\":{\"id\":\"p\",\"question\":\"Q\",\"options\":[\"x\",\"y\"]}},"
		"{\"id\":\"b\",\"scene\":\"crowd-map\",\"controls\":[\"slider\",\"xy\"]}]}");
	struct show_frame f;
	char out[8192], got[128];
	size_t n;

	frame_at_cue(&f, cfg, 0);
	n = protocol_encode_state(out, sizeof(out), cfg, &f, 0);
	ck_assert_str_eq(state_controls(out, n, got, sizeof(got)), "text,vote,tap");
	frame_at_cue(&f, cfg, 1);
	n = protocol_encode_state(out, sizeof(out), cfg, &f, 0);
	ck_assert_str_eq(state_controls(out, n, got, sizeof(got)), "slider,xy");
	/* The console's ad-hoc poll: its vote comes first. */
	f.controls |= 1u << CONTROL_VOTE;
	n = protocol_encode_state(out, sizeof(out), cfg, &f, 0);
	ck_assert_str_eq(state_controls(out, n, got, sizeof(got)), "vote,slider,xy");
	config_destroy(cfg);
}
END_TEST

START_TEST(test_protocol_state_says_frozen_and_the_final_cue)
{
	struct venue_config *cfg = test_config(TEST_VENUE_JSON);
	struct show_frame f;
	char out[8192], got[128];
	size_t n;
	json_t *j;

	frame_at_cue(&f, cfg, 0);
	n = protocol_encode_state(out, sizeof(out), cfg, &f, 0);
	j = json_loadb(out, n, 0, NULL);
	ck_assert(json_is_false(json_object_get(j, "frozen")));
	ck_assert(json_is_false(json_object_get(json_object_get(j, "cue"), "final")));
	json_decref(j);

	/* The venue froze the phones: no controls, and the phone can say why. */
	f.frozen = true;
	f.controls = 0;
	n = protocol_encode_state(out, sizeof(out), cfg, &f, 0);
	ck_assert_str_eq(state_controls(out, n, got, sizeof(got)), "");
	j = json_loadb(out, n, 0, NULL);
	ck_assert(json_is_true(json_object_get(j, "frozen")));
	json_decref(j);

	/* "quiet" is the last cue and does not advance: the end of the show. */
	frame_at_cue(&f, cfg, 1);
	n = protocol_encode_state(out, sizeof(out), cfg, &f, 0);
	j = json_loadb(out, n, 0, NULL);
	ck_assert(json_is_true(json_object_get(json_object_get(j, "cue"), "final")));
	json_decref(j);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_protocol_state_escapes_config_text)
{
	struct venue_config *cfg = test_config(
		"{\"name\":\"Q\",\"capacity\":10,\"cues\":[{\"id\":\"a\",\"title\":\"Say \\\"hi\\\" \\\\ o/\","
		"\"scene\":\"title\"}]}");
	struct show_frame f;
	char out[4096];
	size_t n;
	json_t *j;

	memset(&f, 0, sizeof(f));
	f.zone_count = 1;
	f.poll.index = -1;
	n = protocol_encode_state(out, sizeof(out), cfg, &f, 0);
	j = json_loadb(out, n, 0, NULL);
	ck_assert_msg(j != NULL, "not JSON: %s", out);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "cue"), "title")),
			 "Say \"hi\" \\ o/");
	ck_assert(json_is_null(json_object_get(j, "poll")));
	json_decref(j);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_protocol_welcome_lists_votes_zones_and_limits)
{
	struct venue_config *cfg = test_config(TEST_VENUE_JSON);
	int8_t votes[CONFIG_MAX_POLLS + CONFIG_ADHOC_POLLS];
	struct welcome_info w = { .id = "p-0000abcd", .token = "tok", .resumed = true,
				  .zone_id = "left", .last_seq = 7, .votes = votes, .t_s = 2 };
	char out[2048];
	size_t n;
	json_t *j;

	/* One vote per poll the config has, its console's slots included (found by ASan: one was read past). */
	memset(votes, -1, sizeof(votes));
	votes[0] = 2;
	n = protocol_encode_welcome(out, sizeof(out), cfg, &w);
	j = json_loadb(out, n, 0, NULL);
	ck_assert_msg(j != NULL, "not JSON: %s", out);
	ck_assert_str_eq(json_string_value(json_object_get(j, "protocol")), PROTOCOL_NAME);
	ck_assert(json_is_true(json_object_get(j, "resumed")));
	ck_assert_int_eq(json_integer_value(json_object_get(j, "last_seq")), 7);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "votes"), "song")), 2);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "zones")), 2);
	ck_assert_double_eq(json_number_value(json_object_get(json_object_get(j, "limits"),
							      "inputs_per_second")), 10);
	ck_assert_double_eq(json_number_value(json_object_get(json_object_get(j, "limits"),
							      "input_burst")), 20);
	json_decref(j);
	config_destroy(cfg);
}
END_TEST

static Suite *protocol_suite(void)
{
	Suite *s = suite_create("net_protocol");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_protocol_decodes_hello_with_and_without_token);
	tcase_add_test(tc, test_protocol_decodes_every_input_control);
	tcase_add_test(tc, test_protocol_decodes_vote_and_ping);
	tcase_add_test(tc, test_protocol_ignores_unknown_fields_for_newer_phones);
	tcase_add_loop_test(tc, test_protocol_refuses_each_malformed_message_with_its_reason, 0,
			    sizeof(malformed) / sizeof(malformed[0]));
	tcase_add_test(tc, test_protocol_utf8_validation);
	tcase_add_test(tc, test_protocol_error_detail_cuts_on_a_character_boundary);
	tcase_add_test(tc, test_protocol_error_carries_code_message_seq_and_retry);
	tcase_add_test(tc, test_protocol_encoders_refuse_a_buffer_too_small);
	tcase_add_test(tc, test_protocol_pong_reports_ms_and_echoes_t0);
	tcase_add_test(tc, test_protocol_state_is_valid_json_with_cue_crowd_zone_and_poll);
	tcase_add_test(tc, test_protocol_state_escapes_config_text);
	tcase_add_test(tc, test_protocol_state_lists_controls_in_the_config_order);
	tcase_add_test(tc, test_protocol_state_says_frozen_and_the_final_cue);
	tcase_add_test(tc, test_protocol_welcome_lists_votes_zones_and_limits);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(protocol_suite());
}
