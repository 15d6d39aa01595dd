/* check_net_protocol.c - decoding every phone message (and every malformed case), encoding replies
 * (the state stream has check_state_stream.c). */
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

START_TEST(test_protocol_decodes_sync_and_visibility)
{
	struct client_msg m;

	ck_assert_int_eq(decode("{\"type\":\"sync\"}", &m), REJECT_NONE);
	ck_assert_int_eq(m.type, CLIENT_SYNC);
	ck_assert_int_eq(decode("{\"type\":\"visibility\",\"hidden\":true}", &m), REJECT_NONE);
	ck_assert_int_eq(m.type, CLIENT_VISIBILITY);
	ck_assert(m.hidden);
	ck_assert_int_eq(decode("{\"type\":\"visibility\",\"hidden\":false}", &m), REJECT_NONE);
	ck_assert(!m.hidden);
	ck_assert_int_eq(decode("{\"type\":\"visibility\"}", &m), REJECT_INVALID_FIELD);
	ck_assert_int_eq(decode("{\"type\":\"visibility\",\"hidden\":1}", &m), REJECT_INVALID_FIELD);
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
	ck_assert_uint_eq(protocol_encode_pong(out, sizeof(out), 1, 2, 3), 0);
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
	ck_assert_str_eq(json_string_value(json_object_get(j, "protocol")), "tutti.audience.v2");
	ck_assert_double_eq(json_number_value(json_object_get(json_object_get(j, "rates"), "active_hz")), 20);
	ck_assert_double_eq(json_number_value(json_object_get(json_object_get(j, "rates"), "calm_hz")), 4);
	ck_assert_double_eq(json_number_value(json_object_get(json_object_get(j, "rates"), "hidden_hz")), 0.5);
	ck_assert_double_eq(json_number_value(json_object_get(json_object_get(j, "rates"), "active_s")), 5);
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
	tcase_add_test(tc, test_protocol_decodes_sync_and_visibility);
	tcase_add_test(tc, test_protocol_ignores_unknown_fields_for_newer_phones);
	tcase_add_loop_test(tc, test_protocol_refuses_each_malformed_message_with_its_reason, 0,
			    sizeof(malformed) / sizeof(malformed[0]));
	tcase_add_test(tc, test_protocol_utf8_validation);
	tcase_add_test(tc, test_protocol_error_detail_cuts_on_a_character_boundary);
	tcase_add_test(tc, test_protocol_error_carries_code_message_seq_and_retry);
	tcase_add_test(tc, test_protocol_encoders_refuse_a_buffer_too_small);
	tcase_add_test(tc, test_protocol_pong_reports_ms_and_echoes_t0);
	tcase_add_test(tc, test_protocol_welcome_lists_votes_zones_and_limits);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(protocol_suite());
}
