/*
 * check_config.c - venue config: every kind of mistake is reported at its
 * JSON pointer with a message an operator can act on, all of them at once,
 * defaults fill what is left out, and every shipped venue config loads.
 *
 * Documents are written with single quotes for readability; q() turns them
 * into JSON double quotes before parsing.
 */
#include <check.h>
#include <jansson.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_sections.h"
#include "console_auth.h"

#define CUE_TAP "{'id':'a','scene':'join','controls':['tap']}"

/* Returns a static copy of @sq with every ' turned into ". */
static const char *q(const char *sq)
{
	static char buf[8192];
	size_t i;

	ck_assert_uint_lt(strlen(sq), sizeof(buf));
	for (i = 0; sq[i]; i++)
		buf[i] = sq[i] == '\'' ? '"' : sq[i];
	buf[i] = '\0';
	return buf;
}

static struct venue_config *parse_ok(const char *sq)
{
	struct config_errors errors = { 0 };
	const char *json = q(sq);
	struct venue_config *cfg = config_parse(json, strlen(json), "test.json", &errors);

	for (size_t i = 0; i < errors.count; i++)
		fprintf(stderr, "unexpected: %s: %s\n", errors.items[i].pointer,
			errors.items[i].message);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(errors.count, 0);
	config_errors_free(&errors);
	return cfg;
}

/* Parses @sq, which must fail, and returns its errors (free them). */
static struct config_errors parse_bad(const char *sq)
{
	struct config_errors errors = { 0 };
	const char *json = q(sq);
	struct venue_config *cfg = config_parse(json, strlen(json), "test.json", &errors);

	ck_assert_ptr_null(cfg);
	ck_assert_uint_gt(errors.count, 0);
	return errors;
}

/* Asserts the document has exactly one problem, at @ptr with message @msg. */
static void expect_one(const char *sq, const char *ptr, const char *msg)
{
	struct config_errors errors = parse_bad(sq);

	for (size_t i = 0; errors.count != 1 && i < errors.count; i++)
		fprintf(stderr, "%s: %s\n", errors.items[i].pointer, errors.items[i].message);
	ck_assert_uint_eq(errors.count, 1);
	ck_assert_str_eq(errors.items[0].pointer, ptr);
	ck_assert_str_eq(errors.items[0].message, q(msg));
	config_errors_free(&errors);
}

START_TEST(test_config_minimal_document_gets_every_default)
{
	struct venue_config *cfg = parse_ok("{'name':'Cellar','capacity':300,'cues':[" CUE_TAP "]}");

	ck_assert_str_eq(cfg->path, "test.json");
	ck_assert_str_eq(cfg->name, "Cellar");
	ck_assert_uint_eq(cfg->capacity, 300);
	ck_assert_str_eq(cfg->listen_address, "0.0.0.0");
	ck_assert_uint_eq(cfg->port, 8080);
	ck_assert_str_eq(cfg->public_url, "");
	ck_assert_str_eq(cfg->tls_cert, "");
	ck_assert_str_eq(cfg->tls_key, "");
	ck_assert_double_eq(cfg->tick_hz, 60);
	ck_assert_double_eq(cfg->broadcast_hz, 20);
	ck_assert_double_eq(cfg->calm_hz, 4);
	ck_assert_double_eq(cfg->hidden_hz, 0.5);
	ck_assert_double_eq(cfg->active_window_s, 5);
	ck_assert_double_eq(cfg->resume_window_s, 600);
	ck_assert_double_eq(cfg->limits.inputs_per_second, 10);
	ck_assert_double_eq(cfg->limits.input_burst, 20);
	ck_assert_double_eq(cfg->limits.throttle_close_s, 10);
	ck_assert_uint_eq(cfg->limits.max_message_bytes, 1024);
	ck_assert_uint_eq(cfg->limits.max_connections_per_address, 16);
	ck_assert_uint_eq(cfg->limits.ipv6_prefix, 128);
	ck_assert_double_eq(cfg->limits.idle_ping_s, 20);
	ck_assert_double_eq(cfg->limits.idle_hangup_s, 45);
	ck_assert_uint_eq(cfg->limits.max_connections, 300 + 30 + 16);
	ck_assert_uint_eq(cfg->limits.allowed_origin_count, 0);
	ck_assert_uint_eq(cfg->cue_count, 1);
	ck_assert_str_eq(cfg->cues[0].title, "a");
	ck_assert_str_eq(cfg->cues[0].prompt, "");
	ck_assert_int_eq(cfg->cues[0].scene, SCENE_JOIN);
	ck_assert_uint_eq(cfg->cues[0].controls, 1u << CONTROL_TAP);
	ck_assert_ptr_null(cfg->cues[0].poll);
	ck_assert_double_eq(cfg->cues[0].advance_after_s, 0);
	ck_assert_int_eq(cfg->cues[0].advance_to, -1);
	ck_assert_uint_eq(cfg->adhoc_first, 0);		/* no poll of its own, */
	ck_assert_uint_eq(cfg->poll_count, CONFIG_ADHOC_POLLS);	/* the console's slots only */
	ck_assert_str_eq(cfg->polls[0].id, "adhoc-1");
	ck_assert(cfg->polls[0].adhoc);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_config_input_burst_defaults_to_twice_the_rate)
{
	struct venue_config *cfg = parse_ok("{'name':'X','capacity':10,"
					    "'limits':{'inputs_per_second':4},'cues':[" CUE_TAP "]}");

	ck_assert_double_eq(cfg->limits.input_burst, 8);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_config_idle_hangup_follows_the_ping_unless_set)
{
	struct venue_config *cfg = parse_ok("{'name':'X','capacity':10,"
					    "'limits':{'idle_ping_s':60},'cues':[" CUE_TAP "]}");

	ck_assert_double_eq(cfg->limits.idle_hangup_s, 85);	/* 25 s to answer the ping */
	config_destroy(cfg);
}
END_TEST

START_TEST(test_config_ipv6_prefix_groups_from_48_to_128_bits)
{
	struct venue_config *cfg = parse_ok("{'name':'X','capacity':10,"
					    "'limits':{'ipv6_prefix':64},'cues':[" CUE_TAP "]}");

	ck_assert_uint_eq(cfg->limits.ipv6_prefix, 64);
	config_destroy(cfg);
	expect_one("{'name':'X','capacity':10,'limits':{'ipv6_prefix':32},'cues':[" CUE_TAP "]}",
		   "/limits/ipv6_prefix", "must be between 48 and 128, got 32");
}
END_TEST

START_TEST(test_config_max_connections_default_stays_under_the_hard_cap)
{
	struct venue_config *cfg = parse_ok("{'name':'X','capacity':19000,'cues':[" CUE_TAP "]}");

	ck_assert_uint_eq(cfg->limits.max_connections, CONFIG_MAX_CONNECTIONS);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_config_without_zones_has_one_zone_all_for_the_whole_venue)
{
	struct venue_config *cfg = parse_ok("{'name':'Cellar','capacity':300,'cues':[" CUE_TAP "]}");

	ck_assert_uint_eq(cfg->zone_count, 1);
	ck_assert_str_eq(cfg->zones[0].id, "all");
	ck_assert_str_eq(cfg->zones[0].name, "Cellar");
	ck_assert_uint_eq(cfg->zones[0].capacity, 300);
	ck_assert_int_eq(config_zone_index(cfg, "all"), 0);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_config_zones_cues_and_polls_are_found_by_id)
{
	struct venue_config *cfg = parse_ok(
		"{'name':'X','capacity':100,"
		"'zones':[{'id':'left','capacity':50},{'id':'right','name':'Right side','capacity':50}],"
		"'cues':[{'id':'a','scene':'poll','controls':['vote'],"
		"  'poll':{'id':'p1','question':'Q1','options':['x','y']}},"
		" {'id':'b','scene':'title'},"
		" {'id':'c','scene':'poll','controls':['vote','tap'],"
		"  'poll':{'id':'p2','question':'Q2','options':['x','y','z'],"
		"   'open_with_cue':false,'duration_s':30}}]}");

	ck_assert_uint_eq(cfg->zone_count, 2);
	ck_assert_str_eq(cfg->zones[0].name, "left");
	ck_assert_str_eq(cfg->zones[1].name, "Right side");
	ck_assert_int_eq(config_zone_index(cfg, "right"), 1);
	ck_assert_int_eq(config_zone_index(cfg, "middle"), -1);
	ck_assert_int_eq(config_cue_index(cfg, "c"), 2);
	ck_assert_int_eq(config_cue_index(cfg, "d"), -1);
	ck_assert_uint_eq(cfg->adhoc_first, 2);
	ck_assert_uint_eq(cfg->poll_count, 2 + CONFIG_ADHOC_POLLS);
	ck_assert(!cfg->polls[1].adhoc && cfg->polls[2].adhoc);
	ck_assert_ptr_eq(cfg->cues[0].poll, &cfg->polls[0]);
	ck_assert_ptr_eq(cfg->cues[2].poll, &cfg->polls[1]);
	ck_assert_ptr_eq(config_poll_find(cfg, "p2"), &cfg->polls[1]);
	ck_assert_ptr_null(config_poll_find(cfg, "p3"));
	ck_assert_uint_eq(cfg->polls[1].index, 1);
	ck_assert_uint_eq(cfg->polls[1].option_count, 3);
	ck_assert_str_eq(cfg->polls[1].options[2], "z");
	ck_assert(cfg->polls[0].open_with_cue);
	ck_assert(!cfg->polls[1].open_with_cue);
	ck_assert_double_eq(cfg->polls[0].duration_s, 0);
	ck_assert_double_eq(cfg->polls[1].duration_s, 30);
	ck_assert_uint_eq(cfg->cues[2].controls, (1u << CONTROL_VOTE) | (1u << CONTROL_TAP));
	config_destroy(cfg);
}
END_TEST

START_TEST(test_config_controls_keep_the_order_the_config_lists_them_in)
{
	struct venue_config *cfg = parse_ok(
		"{'name':'X','capacity':10,'cues':["
		"{'id':'a','scene':'poll','controls':['text','vote','tap'],"
		" 'poll':{'id':'p','question':'Q','options':['x','y']}},"
		"{'id':'b','scene':'crowd-map','controls':['slider','xy']},"
		"{'id':'c','scene':'title'}]}");
	enum control out[CONTROL_COUNT];

	/* The bitmask says which; the order is the config's, not the enum's. */
	ck_assert_uint_eq(cfg->cues[0].controls,
			  (1u << CONTROL_TEXT) | (1u << CONTROL_VOTE) | (1u << CONTROL_TAP));
	ck_assert_uint_eq(cfg->cues[0].control_count, 3);
	ck_assert_int_eq(cfg->cues[0].control_order[0], CONTROL_TEXT);
	ck_assert_int_eq(cfg->cues[0].control_order[1], CONTROL_VOTE);
	ck_assert_int_eq(cfg->cues[0].control_order[2], CONTROL_TAP);
	ck_assert_uint_eq(cfg->cues[2].control_count, 0);

	/* What phones get: the enabled ones, in that order. */
	ck_assert_uint_eq(config_cue_controls_ordered(&cfg->cues[0], cfg->cues[0].controls, out), 3);
	ck_assert_int_eq(out[0], CONTROL_TEXT);
	ck_assert_int_eq(out[1], CONTROL_VOTE);
	ck_assert_int_eq(out[2], CONTROL_TAP);
	ck_assert_uint_eq(config_cue_controls_ordered(&cfg->cues[1], cfg->cues[1].controls, out), 2);
	ck_assert_int_eq(out[0], CONTROL_SLIDER);
	ck_assert_int_eq(out[1], CONTROL_XY);
	/* Frozen: nothing enabled, nothing listed. */
	ck_assert_uint_eq(config_cue_controls_ordered(&cfg->cues[0], 0, out), 0);
	/* The console's ad-hoc poll adds a vote the cue does not list: it goes on top. */
	ck_assert_uint_eq(config_cue_controls_ordered(&cfg->cues[1],
						      cfg->cues[1].controls | (1u << CONTROL_VOTE), out), 3);
	ck_assert_int_eq(out[0], CONTROL_VOTE);
	ck_assert_int_eq(out[1], CONTROL_SLIDER);
	ck_assert_int_eq(out[2], CONTROL_XY);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_config_final_cue_is_the_last_that_does_not_loop)
{
	struct venue_config *ends = parse_ok(
		"{'name':'X','capacity':10,'cues':["
		"{'id':'a','scene':'join','advance_after_s':10},{'id':'b','scene':'title'}]}");
	struct venue_config *loops = parse_ok(
		"{'name':'X','capacity':10,'cues':["
		"{'id':'a','scene':'join'},{'id':'b','scene':'title','advance_after_s':5,'advance_to':'a'}]}");

	ck_assert(!config_cue_is_final(ends, 0));
	ck_assert(config_cue_is_final(ends, 1));
	ck_assert(!config_cue_is_final(ends, 2));
	ck_assert(!config_cue_is_final(ends, -1));
	/* A last cue that goes back to the first by itself is no end of the show. */
	ck_assert(!config_cue_is_final(loops, 1));
	config_destroy(ends);
	config_destroy(loops);
}
END_TEST

START_TEST(test_config_auto_advance_goes_to_the_next_cue_or_advance_to)
{
	struct venue_config *cfg = parse_ok(
		"{'name':'X','capacity':10,'cues':["
		"{'id':'a','scene':'join','advance_after_s':10},"
		"{'id':'b','scene':'title'},"
		"{'id':'c','scene':'title','advance_after_s':2.5,'advance_to':'a'}]}");

	ck_assert_int_eq(cfg->cues[0].advance_to, 1);
	ck_assert_double_eq(cfg->cues[0].advance_after_s, 10);
	ck_assert_int_eq(cfg->cues[1].advance_to, 2);
	ck_assert_int_eq(cfg->cues[2].advance_to, 0);
	ck_assert_double_eq(cfg->cues[2].advance_after_s, 2.5);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_config_comment_is_allowed_in_every_object)
{
	struct venue_config *cfg = parse_ok(
		"{'comment':'top','name':'X','capacity':10,"
		"'listen':{'comment':'c','port':0},'timing':{'comment':'c'},"
		"'limits':{'comment':'c'},'zones':[{'comment':'c','id':'z','capacity':5}],"
		"'cues':[{'comment':'c','id':'a','scene':'poll','controls':['vote'],"
		"'poll':{'comment':'c','id':'p','question':'Q','options':['x','y']}}]}");

	ck_assert_uint_eq(cfg->port, 0);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_config_comment_must_be_a_string)
{
	expect_one("{'name':'X','capacity':10,'timing':{'comment':5},'cues':[" CUE_TAP "]}",
		   "/timing/comment", "expected a string, got number");
}
END_TEST

START_TEST(test_config_syntax_error_gives_line_and_column)
{
	struct config_errors errors = { 0 };
	const char *json = "{\n  \"name\": \"X\",\n  \"capacity\": 10,,\n}";
	struct venue_config *cfg = config_parse(json, strlen(json), "v.json", &errors);

	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(errors.count, 1);
	ck_assert_str_eq(errors.items[0].pointer, "");
	ck_assert_int_eq(errors.items[0].line, 3);
	ck_assert_int_gt(errors.items[0].column, 0);
	ck_assert_str_ne(errors.items[0].message, "");
	config_errors_free(&errors);
}
END_TEST

START_TEST(test_config_duplicate_key_is_a_syntax_error)
{
	struct config_errors errors = parse_bad("{'name':'X',\n'name':'Y','capacity':1,'cues':[" CUE_TAP "]}");

	ck_assert_uint_eq(errors.count, 1);
	ck_assert_int_eq(errors.items[0].line, 2);
	ck_assert_ptr_nonnull(strstr(errors.items[0].message, "duplicate"));
	config_errors_free(&errors);
}
END_TEST

/* A name quoted back in an error is cut between characters: the message stays valid UTF-8. */
START_TEST(test_config_errors_quote_long_non_ascii_names_on_a_character_boundary)
{
	struct config_errors errors = parse_bad("{'name':'X','capacity':10,'cues':[{'id':'a','scene':"
		"'x\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
		"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9'}]}");
	json_t *as_json;

	ck_assert_uint_ge(errors.count, 1);
	ck_assert_ptr_nonnull(strstr(errors.items[0].message, "unknown scene"));
	/* jansson refuses invalid UTF-8: the console's reload would have dropped this message */
	as_json = json_string(errors.items[0].message);
	ck_assert_msg(as_json != NULL, "\"%s\" is not valid UTF-8", errors.items[0].message);
	json_decref(as_json);
	config_errors_free(&errors);
}
END_TEST

START_TEST(test_config_unknown_key_names_pointer_and_did_you_mean)
{
	expect_one("{'name':'X','capacity':10,'limits':{'inputs_per_secnd':5},'cues':[" CUE_TAP "]}",
		   "/limits/inputs_per_secnd",
		   "unknown key; did you mean 'inputs_per_second'?");
	expect_one("{'name':'X','capacity':10,'timing':{'Tick_Hz':30},'cues':[" CUE_TAP "]}",
		   "/timing/Tick_Hz", "unknown key; did you mean 'tick_hz'?");
	expect_one("{'name':'X','capacity':10,'timing':{'broadcast':30},'cues':[" CUE_TAP "]}",
		   "/timing/broadcast", "unknown key; did you mean 'broadcast_hz'?");
}
END_TEST

START_TEST(test_config_unknown_key_far_from_any_has_no_hint)
{
	expect_one("{'name':'X','capacity':10,'fireworks':true,'cues':[" CUE_TAP "]}",
		   "/fireworks", "unknown key");
}
END_TEST

START_TEST(test_config_wrong_type_says_what_was_expected_and_got)
{
	expect_one("{'name':'X','capacity':10,'timing':{'tick_hz':'60'},'cues':[" CUE_TAP "]}",
		   "/timing/tick_hz", "expected a number, got string");
	expect_one("{'name':42,'capacity':10,'cues':[" CUE_TAP "]}",
		   "/name", "expected a string, got number");
	expect_one("{'name':'X','capacity':10,'cues':{}}", "/cues", "expected an array, got object");
	expect_one("{'name':'X','capacity':10,'listen':[],'cues':[" CUE_TAP "]}",
		   "/listen", "expected an object, got array");
	expect_one("{'name':'X','capacity':null,'cues':[" CUE_TAP "]}",
		   "/capacity", "expected a whole number, got null");
	expect_one("{'name':'X','capacity':10,'cues':[{'id':'a','scene':'poll','controls':['vote'],"
		   "'poll':{'id':'p','question':'Q','options':['x','y'],'open_with_cue':1}}]}",
		   "/cues/0/poll/open_with_cue", "expected a boolean, got number");
}
END_TEST

START_TEST(test_config_document_must_be_an_object)
{
	expect_one("[1,2]", "", "expected an object, got array");
}
END_TEST

START_TEST(test_config_out_of_range_names_the_bounds)
{
	expect_one("{'name':'X','capacity':200001,'cues':[" CUE_TAP "]}",
		   "/capacity", "must be between 1 and 200000, got 200001");
	expect_one("{'name':'X','capacity':10,'timing':{'tick_hz':5},'cues':[" CUE_TAP "]}",
		   "/timing/tick_hz", "must be between 10 and 240, got 5");
	expect_one("{'name':'X','capacity':10,'listen':{'port':70000},'cues':[" CUE_TAP "]}",
		   "/listen/port", "must be between 0 and 65535, got 70000");
	expect_one("{'name':'X','capacity':10,'cues':[{'id':'a','scene':'join','advance_after_s':-1}]}",
		   "/cues/0/advance_after_s", "must be between 0 and 86400, got -1");
}
END_TEST

START_TEST(test_config_whole_number_field_rejects_a_fraction)
{
	expect_one("{'name':'X','capacity':2.5,'cues':[" CUE_TAP "]}",
		   "/capacity", "expected a whole number, got 2.5");
	expect_one("{'name':'X','capacity':10,'limits':{'max_message_bytes':1024.5},'cues':[" CUE_TAP "]}",
		   "/limits/max_message_bytes", "expected a whole number, got 1024.5");
}
END_TEST

START_TEST(test_config_whole_number_field_accepts_a_point_zero)
{
	struct venue_config *cfg = parse_ok("{'name':'X','capacity':10.0,'cues':[" CUE_TAP "]}");

	ck_assert_uint_eq(cfg->capacity, 10);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_config_missing_required_keys_are_reported_at_their_pointers)
{
	expect_one("{'name':'X','capacity':10,'cues':[{'id':'a','scene':'join'},"
		   "{'id':'b','scene':'join'},{'id':'c'}]}",
		   "/cues/2/scene", "missing required key");
	expect_one("{'capacity':10,'cues':[" CUE_TAP "]}", "/name", "missing required key");
	expect_one("{'name':'X','capacity':10}", "/cues", "missing required key");
	expect_one("{'name':'X','capacity':10,'zones':[{'id':'z'}],'cues':[" CUE_TAP "]}",
		   "/zones/0/capacity", "missing required key");
}
END_TEST

START_TEST(test_config_bad_id_says_what_an_id_may_contain)
{
	expect_one("{'name':'X','capacity':10,'cues':[{'id':'Intro Song','scene':'join'}]}",
		   "/cues/0/id", "must be 1 to 32 of a-z, 0-9, _ and -, got 'Intro Song'");
}
END_TEST

START_TEST(test_config_duplicate_zone_id_is_reported_at_the_second)
{
	expect_one("{'name':'X','capacity':10,'zones':[{'id':'a','capacity':5},"
		   "{'id':'b','capacity':5},{'id':'a','capacity':5}],'cues':[" CUE_TAP "]}",
		   "/zones/2/id", "duplicate zone id 'a' (also /zones/0)");
}
END_TEST

START_TEST(test_config_duplicate_cue_id_is_reported_at_the_second)
{
	expect_one("{'name':'X','capacity':10,'cues':[{'id':'a','scene':'join'},"
		   "{'id':'a','scene':'title'}]}",
		   "/cues/1/id", "duplicate cue id 'a' (also /cues/0)");
}
END_TEST

START_TEST(test_config_duplicate_poll_id_across_cues_is_reported)
{
	expect_one("{'name':'X','capacity':10,'cues':["
		   "{'id':'a','scene':'poll','controls':['vote'],"
		   " 'poll':{'id':'p','question':'Q','options':['x','y']}},"
		   "{'id':'b','scene':'poll','controls':['vote'],"
		   " 'poll':{'id':'p','question':'Q','options':['x','y']}}]}",
		   "/cues/1/poll/id", "duplicate poll id 'p' (also in another cue)");
}
END_TEST

START_TEST(test_config_zone_capacity_cannot_exceed_the_venue)
{
	expect_one("{'name':'X','capacity':10,'zones':[{'id':'a','capacity':11}],'cues':[" CUE_TAP "]}",
		   "/zones/0/capacity", "must not be more than the venue capacity (10), got 11");
}
END_TEST

START_TEST(test_config_unknown_or_repeated_control_is_reported_at_its_index)
{
	expect_one("{'name':'X','capacity':10,'cues':[{'id':'a','scene':'join','controls':['tap','wave']}]}",
		   "/cues/0/controls/1", "unknown control 'wave' (one of: tap, xy, slider, shake, vote, text)");
	expect_one("{'name':'X','capacity':10,'cues':[{'id':'a','scene':'join','controls':['tap','xy','tap']}]}",
		   "/cues/0/controls/2", "duplicate control 'tap'");
}
END_TEST

START_TEST(test_config_vote_without_poll_is_reported_at_controls)
{
	expect_one("{'name':'X','capacity':10,'cues':[{'id':'a','scene':'poll','controls':['vote']}]}",
		   "/cues/0/controls", "'vote' needs a 'poll'");
}
END_TEST

START_TEST(test_config_poll_without_vote_is_reported_at_poll)
{
	expect_one("{'name':'X','capacity':10,'cues':[{'id':'a','scene':'poll','controls':['tap'],"
		   "'poll':{'id':'p','question':'Q','options':['x','y']}}]}",
		   "/cues/0/poll", "a poll needs 'vote' in 'controls'");
}
END_TEST

START_TEST(test_config_poll_with_one_option_needs_two_to_eight)
{
	expect_one("{'name':'X','capacity':10,'cues':[" CUE_TAP ",{'id':'b','scene':'poll','controls':['vote'],"
		   "'poll':{'id':'p','question':'Q','options':['only']}}]}",
		   "/cues/1/poll/options", "need 2 to 8 options, got 1");
}
END_TEST

START_TEST(test_config_duplicate_poll_options_are_reported)
{
	expect_one("{'name':'X','capacity':10,'cues':[{'id':'a','scene':'poll','controls':['vote'],"
		   "'poll':{'id':'p','question':'Q','options':['x','y','x']}}]}",
		   "/cues/0/poll/options/2", "duplicate option 'x' (also /cues/0/poll/options/0)");
	expect_one("{'name':'X','capacity':10,'cues':[{'id':'a','scene':'poll','controls':['vote'],"
		   "'poll':{'id':'p','question':'Q','options':['x','']}}]}",
		   "/cues/0/poll/options/1", "must not be empty");
}
END_TEST

START_TEST(test_config_advance_to_needs_advance_after_s)
{
	expect_one("{'name':'X','capacity':10,'cues':[{'id':'a','scene':'join','advance_to':'a'}]}",
		   "/cues/0/advance_to", "advance_to needs advance_after_s");
}
END_TEST

START_TEST(test_config_last_cue_cannot_advance_with_nowhere_to_go)
{
	expect_one("{'name':'X','capacity':10,'cues':[" CUE_TAP ",{'id':'b','scene':'title','advance_after_s':5}]}",
		   "/cues/1/advance_after_s", "the last cue has no next cue; set advance_to");
}
END_TEST

START_TEST(test_config_broadcast_faster_than_tick_is_reported)
{
	expect_one("{'name':'X','capacity':10,'timing':{'tick_hz':15,'broadcast_hz':30},'cues':[" CUE_TAP "]}",
		   "/timing/broadcast_hz", "must not be more than tick_hz (15), got 30");
	/* The default broadcast_hz (20) against a low tick_hz is caught too. */
	expect_one("{'name':'X','capacity':10,'timing':{'tick_hz':10},'cues':[" CUE_TAP "]}",
		   "/timing/broadcast_hz", "must not be more than tick_hz (10), got 20");
	/* The phones' state rates: calm at most the full rate, hidden at most calm. */
	expect_one("{'name':'X','capacity':10,'timing':{'broadcast_hz':10,'calm_hz':12},'cues':[" CUE_TAP "]}",
		   "/timing/calm_hz", "must not be more than broadcast_hz (10), got 12");
	expect_one("{'name':'X','capacity':10,'timing':{'hidden_hz':5},'cues':[" CUE_TAP "]}",
		   "/timing/hidden_hz", "must not be more than calm_hz (4), got 5");
	expect_one("{'name':'X','capacity':10,'timing':{'hidden_hz':0.1},'cues':[" CUE_TAP "]}",
		   "/timing/hidden_hz", "must be between 0.2 and 60, got 0.1");
}
END_TEST

START_TEST(test_config_max_connections_below_capacity_is_reported)
{
	expect_one("{'name':'X','capacity':500,'limits':{'max_connections':400},'cues':[" CUE_TAP "]}",
		   "/limits/max_connections", "must be at least the venue capacity (500), got 400");
}
END_TEST

static const char *warnings_of(const char *sq);

/* A stadium: more phones than one process holds is valid, with a socket cap per process and a warning. */
START_TEST(test_config_a_capacity_past_one_process_needs_edges)
{
	struct venue_config *cfg = parse_ok("{'name':'X','capacity':40000,'cues':[" CUE_TAP "]}");

	ck_assert_uint_eq(cfg->capacity, 40000);
	ck_assert_uint_eq(cfg->limits.max_connections, CONFIG_MAX_CONNECTIONS);
	config_destroy(cfg);
	ck_assert_str_eq(warnings_of("{'name':'X','capacity':40000,'cues':[{'id':'a','scene':'crowd-field','controls':['tap']}]}"),
			 "/capacity: one process holds at most 19000 phones: a venue of 40000 needs edges "
			 "(`tutti edge`, docs/scale.md)");
	expect_one("{'name':'X','capacity':40000,'limits':{'max_connections':5000},'cues':[" CUE_TAP "]}",
		   "/limits/max_connections", "must be at least the venue capacity (19000), got 5000");
}
END_TEST

START_TEST(test_config_origin_with_trailing_slash_suggests_the_fix)
{
	expect_one("{'name':'X','capacity':10,'limits':{'allowed_origins':"
		   "['https://tutti.example','http://x:8080/']},'cues':[" CUE_TAP "]}",
		   "/limits/allowed_origins/1",
		   "an origin has no trailing slash; did you mean 'http://x:8080'?");
}
END_TEST

START_TEST(test_config_origin_with_path_other_scheme_or_capitals_is_rejected)
{
	expect_one("{'name':'X','capacity':10,'limits':{'allowed_origins':['ftp://x']},'cues':[" CUE_TAP "]}",
		   "/limits/allowed_origins/0",
		   "expected an origin 'http(s)://host[:port]' in lower case with no path, got 'ftp://x'");
	expect_one("{'name':'X','capacity':10,'limits':{'allowed_origins':['https://x/join']},'cues':[" CUE_TAP "]}",
		   "/limits/allowed_origins/0",
		   "expected an origin 'http(s)://host[:port]' in lower case with no path, got 'https://x/join'");
	expect_one("{'name':'X','capacity':10,'limits':{'allowed_origins':['https://Tutti.Example']},'cues':[" CUE_TAP "]}",
		   "/limits/allowed_origins/0",
		   "an origin is in lower case; did you mean 'https://tutti.example'?");
}
END_TEST

START_TEST(test_config_exact_origins_are_kept)
{
	struct venue_config *cfg = parse_ok(
		"{'name':'X','capacity':10,'limits':{'allowed_origins':"
		"['https://tutti.arena.example','http://192.168.1.5:8080','http://[::1]:8080']},"
		"'cues':[" CUE_TAP "]}");

	ck_assert_uint_eq(cfg->limits.allowed_origin_count, 3);
	ck_assert_str_eq(cfg->limits.allowed_origins[0], "https://tutti.arena.example");
	ck_assert_str_eq(cfg->limits.allowed_origins[2], "http://[::1]:8080");
	config_destroy(cfg);
}
END_TEST

START_TEST(test_config_listen_address_must_be_an_ip_address)
{
	struct venue_config *cfg = parse_ok("{'name':'X','capacity':10,"
					    "'listen':{'address':'::1','port':9000},'cues':[" CUE_TAP "]}");

	ck_assert_str_eq(cfg->listen_address, "::1");
	ck_assert_uint_eq(cfg->port, 9000);
	config_destroy(cfg);
	expect_one("{'name':'X','capacity':10,'listen':{'address':'localhost'},'cues':[" CUE_TAP "]}",
		   "/listen/address", "not an IPv4 or IPv6 address: 'localhost'");
}
END_TEST

START_TEST(test_config_public_url_must_be_http_or_https)
{
	expect_one("{'name':'X','capacity':10,'public_url':'tutti.example','cues':[" CUE_TAP "]}",
		   "/public_url", "must start with http:// or https://, got 'tutti.example'");
}
END_TEST

START_TEST(test_config_tls_missing_files_are_each_reported_with_path_and_reason)
{
	struct config_errors errors = parse_bad(
		"{'name':'X','capacity':10,'tls':{'cert':'/nonexistent/cert.pem',"
		"'key':'/nonexistent/key.pem'},'cues':[" CUE_TAP "]}");

	ck_assert_uint_eq(errors.count, 2);
	ck_assert_str_eq(errors.items[0].pointer, "/tls/cert");
	ck_assert_str_eq(errors.items[0].message,
			 "cannot read \"/nonexistent/cert.pem\": No such file or directory");
	ck_assert_str_eq(errors.items[1].pointer, "/tls/key");
	config_errors_free(&errors);
	errors = parse_bad("{'name':'X','capacity':10,'tls':{},'cues':[" CUE_TAP "]}");
	ck_assert_uint_eq(errors.count, 2);
	ck_assert_str_eq(errors.items[0].pointer, "/tls/cert");
	ck_assert_str_eq(errors.items[0].message, "missing required key");
	ck_assert_str_eq(errors.items[1].pointer, "/tls/key");
	config_errors_free(&errors);
}
END_TEST

START_TEST(test_config_tls_relative_paths_resolve_against_the_config_folder)
{
	char dir[] = "/tmp/tutti-config-XXXXXX";
	char path[600], cert[600], key[600];
	struct config_errors errors = { 0 };
	struct venue_config *cfg;
	const char *json;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	snprintf(path, sizeof(path), "%s/venue.json", dir);
	ck_assert_ptr_nonnull(f = fopen(cert, "w"));
	fclose(f);
	ck_assert_ptr_nonnull(f = fopen(key, "w"));
	fclose(f);
	json = q("{'name':'X','capacity':10,'tls':{'cert':'cert.pem','key':'key.pem'},"
		 "'cues':[" CUE_TAP "]}");
	cfg = config_parse(json, strlen(json), path, &errors);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(cfg->tls_cert, cert);
	ck_assert_str_eq(cfg->tls_key, key);
	config_destroy(cfg);
	unlink(cert);
	unlink(key);
	rmdir(dir);
}
END_TEST

START_TEST(test_config_broken_document_reports_every_error_in_document_order)
{
	struct config_errors errors = parse_bad(
		"{'name':'','capacity':100,"
		"'timing':{'tick_hz':30,'broadcast_hz':45},"
		"'limits':{'inputs_per_secnd':5,'max_connections':50},"
		"'zones':[{'id':'a','capacity':60},{'id':'a','capacity':40}],"
		"'cues':[{'id':'one','scene':'crowd_field','controls':['vote']},"
		"        {'id':'two','scene':'poll','controls':['vote'],"
		"         'poll':{'id':'p','question':'Q','options':['x']}},"
		"        {'id':'three','scene':'title','advance_after_s':5,'advance_to':'tree'}]}");
	static const char *const want[] = {
		"/name", "/timing/broadcast_hz", "/limits/inputs_per_secnd",
		"/limits/max_connections", "/zones/1/id", "/cues/0/scene", "/cues/0/controls",
		"/cues/1/poll/options", "/cues/2/advance_to",
	};
	size_t n = sizeof(want) / sizeof(want[0]);

	for (size_t i = 0; errors.count != n && i < errors.count; i++)
		fprintf(stderr, "%s: %s\n", errors.items[i].pointer, errors.items[i].message);
	ck_assert_uint_eq(errors.count, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(errors.items[i].pointer, want[i]);
	config_errors_free(&errors);
}
END_TEST

START_TEST(test_config_advance_to_is_skipped_when_cue_ids_are_broken)
{
	struct config_errors errors = parse_bad(
		"{'name':'X','capacity':10,'cues':[{'id':'A','scene':'join'},"
		"{'id':'b','scene':'title','advance_after_s':5,'advance_to':'a'}]}");

	ck_assert_uint_eq(errors.count, 1);
	ck_assert_str_eq(errors.items[0].pointer, "/cues/0/id");
	config_errors_free(&errors);
}
END_TEST

START_TEST(test_config_error_format_shows_pointer_or_line_and_column)
{
	struct config_error e = { .pointer = "/cues/3/poll/options",
				  .message = "need 2 to 8 options, got 1" };
	struct config_error syn = { .line = 12, .column = 5, .message = "'}' expected" };
	struct config_error doc = { .message = "cannot read: No such file or directory" };
	char out[600];
	int n;

	n = config_error_format(&e, "venue-configs/arena.json", out, sizeof(out));
	ck_assert_str_eq(out, "venue-configs/arena.json: /cues/3/poll/options: need 2 to 8 options, got 1");
	ck_assert_int_eq(n, (int)strlen(out));
	config_error_format(&syn, "v.json", out, sizeof(out));
	ck_assert_str_eq(out, "v.json:12:5: '}' expected");
	config_error_format(&doc, "v.json", out, sizeof(out));
	ck_assert_str_eq(out, "v.json: cannot read: No such file or directory");
}
END_TEST

START_TEST(test_config_pointer_escapes_slash_and_tilde_in_keys)
{
	expect_one("{'name':'X','capacity':10,'limits':{'a/b~c':1},'cues':[" CUE_TAP "]}",
		   "/limits/a~1b~0c", "unknown key");
}
END_TEST

START_TEST(test_config_load_of_a_missing_file_says_cannot_read)
{
	struct config_errors errors = { 0 };
	char out[600];

	ck_assert_ptr_null(config_load("/nonexistent/venue.json", &errors));
	ck_assert_uint_eq(errors.count, 1);
	config_error_format(&errors.items[0], "/nonexistent/venue.json", out, sizeof(out));
	ck_assert_str_eq(out, "/nonexistent/venue.json: cannot read: No such file or directory");
	config_errors_free(&errors);
}
END_TEST

/* An "isf" cue: the shader file resolved from the config's folder, its bindings kept; each problem at its pointer. */
START_TEST(test_config_isf_cue_loads_and_its_errors_name_their_pointer)
{
	const char *src = getenv("TUTTI_SOURCE_DIR");
	char path[700], doc[2048];
	struct config_errors errors = { 0 };
	struct venue_config *cfg;
	static const char *const bad[][2] = {
		{ "'isf':{'file':'assets/scenes/crowd-aurora.fs','inputs':{'speed':'music.level'}}",
		  "/cues/0/isf/inputs/speed" },
		{ "'isf':{'file':'assets/scenes/crowd-aurora.fs','inputs':{'energy':'crowd.activ_share'}}",
		  "/cues/0/isf/inputs/energy" },
		{ "'isf':{'file':'assets/scenes/crowd-aurora.fs','inputs':{'energy':{'source':'music.level','range':[2,2]}}}",
		  "/cues/0/isf/inputs/energy/range" },
		{ "'isf':{'file':'assets/scenes/crowd-aurora.fs','inputs':{'tint':{'source':'music.level'}}}",
		  "/cues/0/isf/inputs/tint/source" },
		{ "'isf':{'file':'assets/scenes/nothing.fs'}", "/cues/0/isf/file" },
		{ "'isf':{'file':'venue-configs/arena.json'}", "/cues/0/isf/file" },
		{ "'comment':'no isf'", "/cues/0/isf" },
	};

	snprintf(path, sizeof(path), "%s/venue.json", src && *src ? src : "..");
	snprintf(doc, sizeof(doc), "%s", q("{'name':'v','capacity':10,'cues':[{'id':'a','scene':'isf','controls':['tap'],"
					   "'isf':{'file':'assets/scenes/crowd-aurora.fs','inputs':{'energy':"
					   "'crowd.active_share','tint':'zone.all.color','bass':{'source':'music.bass',"
					   "'range':[0,0.5]}}}}]}"));
	cfg = config_parse(doc, strlen(doc), path, &errors);
	ck_assert_msg(cfg != NULL, "%s", errors.count ? errors.items[0].message : "");
	ck_assert_int_eq(cfg->cues[0].scene, SCENE_ISF);
	ck_assert_ptr_nonnull(strstr(cfg->cues[0].isf.file, "/assets/scenes/crowd-aurora.fs"));
	ck_assert_uint_eq(cfg->cues[0].isf.binding_count, 3);
	config_destroy(cfg);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char cue[700];

		snprintf(cue, sizeof(cue), "{'name':'v','capacity':10,'cues':[{'id':'a','scene':'isf',%s}]}", bad[i][0]);
		snprintf(doc, sizeof(doc), "%s", q(cue));
		cfg = config_parse(doc, strlen(doc), path, &errors);
		ck_assert_ptr_null(cfg);
		ck_assert_uint_ge(errors.count, 1);
		ck_assert_msg(strcmp(errors.items[0].pointer, bad[i][1]) == 0, "%zu: %s: %s", i,
			      errors.items[0].pointer, errors.items[0].message);
		config_errors_free(&errors);
	}
	snprintf(doc, sizeof(doc), "%s", q("{'name':'v','capacity':10,'cues':[{'id':'a','scene':'title',"
					   "'isf':{'file':'assets/scenes/crowd-aurora.fs'}}]}"));
	ck_assert_ptr_null(config_parse(doc, strlen(doc), path, &errors));
	ck_assert_str_eq(errors.items[0].pointer, "/cues/0/isf");
	config_errors_free(&errors);
}
END_TEST

START_TEST(test_config_every_shipped_venue_config_loads_cleanly)
{
	const char *src = getenv("TUTTI_SOURCE_DIR");
	char dirpath[600], path[900], out[900];
	struct dirent *de;
	size_t loaded = 0;
	DIR *d;

	snprintf(dirpath, sizeof(dirpath), "%s/venue-configs", src && *src ? src : ".");
	d = opendir(dirpath);
	ck_assert_msg(d != NULL, "cannot open %s (set TUTTI_SOURCE_DIR)", dirpath);
	while ((de = readdir(d))) {
		struct config_errors errors = { 0 };
		struct venue_config *cfg;
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dirpath, de->d_name);
		cfg = config_load(path, &errors);
		for (size_t i = 0; i < errors.count; i++) {
			config_error_format(&errors.items[i], path, out, sizeof(out));
			fprintf(stderr, "%s\n", out);
		}
		ck_assert_msg(cfg != NULL, "%s does not load", path);
		ck_assert_uint_eq(errors.count, 0);
		ck_assert_str_eq(cfg->path, path);
		/* Nor does it warn: a shipped show has no control that goes nowhere. */
		config_warnings(cfg, &errors);
		for (size_t i = 0; i < errors.count; i++)
			fprintf(stderr, "%s: warning: %s: %s\n", path, errors.items[i].pointer, errors.items[i].message);
		ck_assert_uint_eq(errors.count, 0);
		config_errors_free(&errors);
		config_destroy(cfg);
		loaded++;
	}
	closedir(d);
	ck_assert_uint_ge(loaded, 3);
}
END_TEST

START_TEST(test_config_names_round_trip)
{
	for (int c = 0; c < CONTROL_COUNT; c++)
		ck_assert_int_eq(control_from_name(control_name((enum control)c)), c);
	for (int s = 0; s < SCENE_COUNT; s++)
		ck_assert_int_eq(scene_from_name(scene_name((enum scene)s)), s);
	ck_assert_str_eq(scene_name(SCENE_CROWD_FIELD), "crowd-field");
	ck_assert_ptr_null(control_name(CONTROL_COUNT));
	ck_assert_ptr_null(scene_name(SCENE_COUNT));
	ck_assert_int_eq(control_from_name("wave"), -1);
	ck_assert_int_eq(scene_from_name("laser"), -1);
}
END_TEST

START_TEST(test_config_destroy_null_and_free_empty_errors_do_nothing)
{
	struct config_errors errors = { 0 };

	config_destroy(NULL);
	config_errors_free(&errors);
	ck_assert_ptr_null(errors.items);
	ck_assert_uint_eq(errors.count, 0);
}
END_TEST

/* Any readable file will do: the config checks audio files exist; the engine decodes them. */
#define WAV "/etc/passwd"
#define AUDIO_CUE(audio) "{'name':'V','capacity':10,'zones':[{'id':'left','capacity':5},{'id':'right','capacity':5}]," \
	"'cues':[{'id':'a','scene':'poll','controls':['vote','tap'],'poll':{'id':'p','question':'Q','options':['x','y']}," \
	"'audio':" audio "}]}"

START_TEST(test_config_audio_and_safety_defaults)
{
	struct venue_config *cfg = parse_ok("{'name':'V','capacity':10,'cues':[" CUE_TAP "]}");

	ck_assert_str_eq(cfg->audio.device, "default");
	ck_assert_uint_eq(cfg->audio.sample_rate, 48000);
	ck_assert_uint_eq(cfg->audio.frames_per_buffer, 128);
	ck_assert_uint_eq(cfg->audio.input_channels, 1);
	ck_assert_uint_eq(cfg->audio.output_channels, 2);
	ck_assert_double_eq(cfg->safety.ceiling_dbfs, -1);
	ck_assert_double_eq(cfg->safety.max_gain_rate_db_s, 6);
	ck_assert_double_eq(cfg->cues[0].audio.crossfade_s, 2);
	ck_assert_double_eq(cfg->cues[0].audio.filter_cutoff_hz, 20000);
	ck_assert_double_eq(cfg->cues[0].audio.playback_rate, 1);
	ck_assert_uint_eq(cfg->clip_count, 0);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_config_flash_limits_default_to_wcag_and_may_only_be_stricter)
{
	struct venue_config *cfg = parse_ok("{'name':'V','capacity':10,'cues':[" CUE_TAP "]}");
	struct config_errors errors;

	ck_assert_uint_eq(cfg->safety.max_flashes_per_s, 3);
	ck_assert_uint_eq(cfg->safety.max_red_flashes_per_s, 3);
	config_destroy(cfg);
	cfg = parse_ok("{'name':'V','capacity':10,'safety':{'max_flashes_per_s':1,"
		       "'max_red_flashes_per_s':0},'cues':[" CUE_TAP "]}");
	ck_assert_uint_eq(cfg->safety.max_flashes_per_s, 1);
	ck_assert_uint_eq(cfg->safety.max_red_flashes_per_s, 0);
	config_destroy(cfg);
	/* More than WCAG's three is refused, not clamped: the operator must know. */
	errors = parse_bad("{'name':'V','capacity':10,'safety':{'max_flashes_per_s':4},'cues':[" CUE_TAP "]}");
	ck_assert_uint_eq(errors.count, 1);
	ck_assert_str_eq(errors.items[0].pointer, "/safety/max_flashes_per_s");
	config_errors_free(&errors);
}
END_TEST

START_TEST(test_config_console_takes_password_hashes_inline_or_from_a_secrets_file)
{
	char hash[CONSOLE_HASH_MAX], doc[1024], path[] = "/tmp/tutti-secrets-XXXXXX";
	struct venue_config *cfg;
	struct config_errors errors;
	FILE *f;
	int fd;

	ck_assert_int_eq(console_password_hash("front of house", hash), 0);
	cfg = parse_ok("{'name':'V','capacity':10,'cues':[" CUE_TAP "]}");
	ck_assert(!cfg->console.enabled);
	config_destroy(cfg);
	snprintf(doc, sizeof(doc), "{'name':'V','capacity':10,'console':{'operator_password_hash':'%s',"
		 "'session_ttl_s':600},'cues':[" CUE_TAP "]}", hash);
	cfg = parse_ok(doc);
	ck_assert(cfg->console.enabled);
	ck_assert_str_eq(cfg->console.operator_hash, hash);
	ck_assert_str_eq(cfg->console.artist_hash, "");
	ck_assert_double_eq(cfg->console.session_ttl_s, 600);
	config_destroy(cfg);
	/* A password where a hash belongs is refused, and the message says why. */
	errors = parse_bad("{'name':'V','capacity':10,'console':{'operator_password_hash':'letmein123'},"
			   "'cues':[" CUE_TAP "]}");
	ck_assert_str_eq(errors.items[0].pointer, "/console/operator_password_hash");
	ck_assert(strstr(errors.items[0].message, "never a password") != NULL);
	config_errors_free(&errors);
	errors = parse_bad("{'name':'V','capacity':10,'console':{},'cues':[" CUE_TAP "]}");
	ck_assert_str_eq(errors.items[0].pointer, "/console/operator_password_hash");
	config_errors_free(&errors);
	/* From a secrets file beside the config. */
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fprintf(f, "{\"operator\": \"%s\", \"artist\": \"%s\"}\n", hash, hash);
	fclose(f);
	snprintf(doc, sizeof(doc), "{'name':'V','capacity':10,'console':{'secrets_file':'%s'},'cues':[" CUE_TAP "]}",
		 path);
	cfg = parse_ok(doc);
	ck_assert_str_eq(cfg->console.operator_hash, hash);
	ck_assert_str_eq(cfg->console.artist_hash, hash);
	ck_assert(console_password_check(cfg->console.artist_hash, "front of house"));
	config_destroy(cfg);
	unlink(path);
}
END_TEST

START_TEST(test_config_moderation_takes_banned_words_inline_and_from_a_file)
{
	char doc[1024], path[] = "/tmp/tutti-words-XXXXXX";
	struct venue_config *cfg;
	struct config_errors errors;
	FILE *f;
	int fd;

	cfg = parse_ok("{'name':'V','capacity':10,'cues':[{'id':'a','scene':'wall','controls':['text']}]}");
	ck_assert_uint_eq(cfg->cues[0].controls, 1u << CONTROL_TEXT);
	ck_assert_int_eq(cfg->cues[0].scene, SCENE_WALL);
	ck_assert_uint_eq(cfg->moderation.banned_count, 0);
	ck_assert_uint_eq(cfg->moderation.text_max_chars, 80);
	ck_assert_double_eq(cfg->moderation.text_interval_s, 30);
	ck_assert_uint_eq(cfg->moderation.queue_max, 100);
	ck_assert_uint_eq(cfg->moderation.wall_size, 6);
	config_destroy(cfg);

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs("# the venue's list\n  hiss  \n\ngo home # a phrase\r\n", f);
	fclose(f);
	snprintf(doc, sizeof(doc), "{'name':'V','capacity':10,'moderation':{'banned_words':['boo',''],"
		 "'banned_words_file':'%s','text_max_chars':140,'text_interval_s':0,'queue_max':5,"
		 "'wall_size':3},'cues':[" CUE_TAP "]}", path);
	cfg = parse_ok(doc);
	ck_assert_uint_eq(cfg->moderation.banned_count, 3);
	ck_assert_str_eq(cfg->moderation.banned[0], "boo");
	ck_assert_str_eq(cfg->moderation.banned[1], "hiss");
	ck_assert_str_eq(cfg->moderation.banned[2], "go home");
	ck_assert_uint_eq(cfg->moderation.text_max_chars, 140);
	ck_assert_uint_eq(cfg->moderation.queue_max, 5);
	ck_assert_uint_eq(cfg->moderation.wall_size, 3);
	config_destroy(cfg);

	/* A broken line in the file is named by its number. */
	f = fopen(path, "w");
	fputs("fine\nbad \xff byte\n", f);
	fclose(f);
	snprintf(doc, sizeof(doc), "{'name':'V','capacity':10,'moderation':{'banned_words_file':'%s'},"
		 "'cues':[" CUE_TAP "]}", path);
	errors = parse_bad(doc);
	ck_assert_str_eq(errors.items[0].pointer, "/moderation/banned_words_file");
	ck_assert_str_eq(errors.items[0].message, "line 2: not valid UTF-8 text");
	config_errors_free(&errors);
	unlink(path);

	errors = parse_bad("{'name':'V','capacity':10,'moderation':{'text_max_chars':141,'wall_size':7,"
			   "'banned_words':[3,'an entry that is far too long to be one banned word or phrase']},"
			   "'cues':[" CUE_TAP "]}");
	ck_assert_uint_eq(errors.count, 4);
	ck_assert_str_eq(errors.items[0].pointer, "/moderation/text_max_chars");
	ck_assert_str_eq(errors.items[1].pointer, "/moderation/wall_size");
	ck_assert_str_eq(errors.items[2].pointer, "/moderation/banned_words/0");
	ck_assert_str_eq(errors.items[3].pointer, "/moderation/banned_words/1");
	config_errors_free(&errors);
	errors = parse_bad("{'name':'V','capacity':10,'moderation':{'banned_words_file':'/nonexistent/words'},"
			   "'cues':[" CUE_TAP "]}");
	ck_assert(strstr(errors.items[0].message, "cannot read") != NULL);
	config_errors_free(&errors);
}
END_TEST

START_TEST(test_config_cue_audio_parses_into_exact_structs)
{
	struct venue_config *cfg = parse_ok(AUDIO_CUE(
		"{'crossfade_s':0.5,'stems':[{'id':'x','file':'" WAV "','gain_db':-3,'choice':0},"
		"{'id':'y','file':'" WAV "','choice':1}],"
		"'samples':[{'id':'clap','file':'" WAV "','trigger':{'on':'rise','source':'taps_per_s','above':20}},"
		"{'id':'st','file':'" WAV "','trigger':{'on':'zone_loudest','zone':'right'},'cooldown_s':4}],"
		"'mappings':[{'source':'poll_share:1','target':'stem_gain:y','to':[-30,0],'crowd':0.5},"
		"{'source':'zone_taps:left','target':'filter_cutoff','to':[200,8000],'curve':'exp'}]}"));
	const struct config_cue_audio *a = &cfg->cues[0].audio;

	ck_assert_uint_eq(cfg->clip_count, 1);	/* one file, stored once */
	ck_assert_uint_eq(a->stem_count, 2);
	ck_assert_int_eq(a->stems[0].choice, 0);
	ck_assert_double_eq(a->stems[0].gain_db, -3);
	ck_assert_uint_eq(a->sample_count, 2);
	ck_assert_int_eq(a->samples[0].trigger, TRIGGER_RISE);
	ck_assert_int_eq(a->samples[0].source, SOURCE_TAPS_PER_S);
	ck_assert_double_eq(a->samples[0].above, 20);
	ck_assert_int_eq(a->samples[1].trigger, TRIGGER_ZONE_LOUDEST);
	ck_assert_int_eq(a->samples[1].zone, 1);
	ck_assert_uint_eq(a->mapping_count, 2);
	ck_assert_int_eq(a->mappings[0].source, SOURCE_POLL_SHARE);
	ck_assert_int_eq(a->mappings[0].source_arg, 1);
	ck_assert_int_eq(a->mappings[0].target, TARGET_STEM_GAIN);
	ck_assert_int_eq(a->mappings[0].target_arg, 1);
	ck_assert_double_eq(a->mappings[0].crowd, 0.5);
	ck_assert_int_eq(a->mappings[1].source_arg, 0);
	ck_assert_double_eq(a->mappings[1].in_max, 20);	/* zone_taps' default range */
	ck_assert_int_eq(a->mappings[1].curve, CURVE_EXP);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_config_audio_errors_name_their_pointer)
{
	expect_one("{'name':'V','capacity':10,'audio':{'sample_rate':22050},'cues':[" CUE_TAP "]}",
		   "/audio/sample_rate", "must be 44100, 48000 or 96000, got 22050");
	expect_one("{'name':'V','capacity':10,'safety':{'ceiling_dbfs':3},'cues':[" CUE_TAP "]}",
		   "/safety/ceiling_dbfs", "must be between -30 and 0, got 3");
	expect_one(AUDIO_CUE("{'mappings':[{'source':'x_median','target':'stem_gain:drums','to':[-6,0]}]}"),
		   "/cues/0/audio/mappings/0/target", "stem_gain needs a stem of this cue, and it has no 'stems'");
	expect_one(AUDIO_CUE("{'mappings':[{'source':'poll_share:5','target':'delay_mix','to':[0,1]}]}"),
		   "/cues/0/audio/mappings/0/source", "poll_share:5 needs a poll in this cue with an option 5");
	expect_one(AUDIO_CUE("{'mappings':[{'source':'x_median','target':'filter_cutoff','to':[0,1000],'curve':'exp'}]}"),
		   "/cues/0/audio/mappings/0/to/0", "must be between 20 and 20000, got 0");
	expect_one(AUDIO_CUE("{'mappings':[{'source':'x_median','target':'delay_mix','to':[0,1],'curve':'exp'}]}"),
		   "/cues/0/audio/mappings/0/curve", "'exp' needs both ends of 'to' above 0");
	expect_one(AUDIO_CUE("{'mappings':[{'source':'x_median','target':'playback_rate','to':[1,1.5]}]}"),
		   "/cues/0/audio/mappings/0/to/1", "must be between 0.9 and 1.1, got 1.5");
	expect_one(AUDIO_CUE("{'stems':[{'id':'x','file':'/nonexistent/x.flac'}]}"),
		   "/cues/0/audio/stems/0/file", "cannot read '/nonexistent/x.flac': No such file or directory");
	expect_one(AUDIO_CUE("{'stems':[{'id':'x','file':'" WAV "','choice':2}]}"),
		   "/cues/0/audio/stems/0/choice", "the poll has 2 options, got choice 2");
	expect_one(AUDIO_CUE("{'samples':[{'id':'s','file':'" WAV "','trigger':{'on':'zone_loudest','zone':'rigth'}}]}"),
		   "/cues/0/audio/samples/0/trigger/zone",
		   "unknown zone 'rigth'; did you mean 'right'? (one of: left, right)");
	expect_one("{'name':'V','capacity':10,'cues':[{'id':'a','scene':'title','audio':{'mappings':"
		   "[{'source':'poll_leader','target':'delay_mix','to':[0,1]}]}}]}",
		   "/cues/0/audio/mappings/0/source", "poll_leader needs this cue to have a poll");
}
END_TEST

/* ---- the theme and cue transitions ---- */

#define FONT TUTTI_SOURCE_DIR "/assets/fonts/DejaVuSans-Bold.ttf"
#define THEME(theme) "{'name':'X','capacity':10,'theme':" theme ",'cues':[" CUE_TAP "]}"

START_TEST(test_config_without_a_theme_the_stage_keeps_its_look)
{
	static const uint32_t palette[CONFIG_PALETTE_MAX] = {
		0x22c8ff, 0xff5ac8, 0xffd23c, 0x50e678, 0xff8c28, 0xa06eff, 0x28dcc8, 0xff7896,
	};
	struct venue_config *cfg = parse_ok("{'name':'X','capacity':10,'cues':[" CUE_TAP "]}");
	const struct config_theme *t = &cfg->theme;

	ck_assert_uint_eq(t->background, 0x0a0c18);
	ck_assert_uint_eq(t->text, 0xffffff);
	ck_assert_uint_eq(t->accent, 0x22c8ff);
	ck_assert_uint_eq(t->palette_count, CONFIG_PALETTE_MAX);
	for (int i = 0; i < CONFIG_PALETTE_MAX; i++)
		ck_assert_uint_eq(t->palette[i], palette[i]);
	ck_assert_str_eq(t->title_font, "");
	ck_assert_str_eq(t->body_font, "");
	ck_assert_str_eq(t->logo, "");
	ck_assert_str_eq(t->join_title, "Join in");
	ck_assert_str_eq(t->join_prompt, "");
	ck_assert_int_eq(t->transition.type, TRANSITION_FADE);
	ck_assert_double_eq(t->transition.seconds, 0.8);
	ck_assert_int_eq(cfg->cues[0].transition.type, TRANSITION_FADE);
	ck_assert_double_eq(cfg->cues[0].transition.seconds, 0.8);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_config_theme_reads_every_key_and_resolves_files_beside_the_config)
{
	char dir[] = "/tmp/tutti-theme-XXXXXX";
	char path[600], logo[600], doc[2048];
	struct config_errors errors = { 0 };
	struct venue_config *cfg;
	const char *json;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/venue.json", dir);
	snprintf(logo, sizeof(logo), "%s/logo.png", dir);
	ck_assert_ptr_nonnull(f = fopen(logo, "wb"));
	fwrite("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 1, 16, f);	/* a PNG's signature and first chunk's start */
	fclose(f);
	snprintf(doc, sizeof(doc), "{'name':'X','capacity':10,'theme':{'background':'#102030','text':'#FfE','accent':"
		 "'#ff8800','palette':['#abc','#00ff7f'],'title_font':'%s','body_font':'%s','logo':'logo.png',"
		 "'join_title':'Mach mit','join_prompt':'Scan the code','transition':{'type':'wipe','seconds':1.5}},"
		 "'cues':[" CUE_TAP "]}", FONT, FONT);
	json = q(doc);
	cfg = config_parse(json, strlen(json), path, &errors);
	ck_assert_uint_eq(errors.count, 0);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->theme.background, 0x102030);
	ck_assert_uint_eq(cfg->theme.text, 0xffffee);
	ck_assert_uint_eq(cfg->theme.accent, 0xff8800);
	ck_assert_uint_eq(cfg->theme.palette_count, 2);
	ck_assert_uint_eq(cfg->theme.palette[0], 0xaabbcc);
	ck_assert_uint_eq(cfg->theme.palette[1], 0x00ff7f);
	ck_assert_str_eq(cfg->theme.title_font, FONT);
	ck_assert_str_eq(cfg->theme.body_font, FONT);
	ck_assert_str_eq(cfg->theme.logo, logo);
	ck_assert_str_eq(cfg->theme.join_title, "Mach mit");
	ck_assert_str_eq(cfg->theme.join_prompt, "Scan the code");
	ck_assert_int_eq(cfg->theme.transition.type, TRANSITION_WIPE);
	ck_assert_double_eq(cfg->theme.transition.seconds, 1.5);
	config_destroy(cfg);
	unlink(logo);
	rmdir(dir);
}
END_TEST

START_TEST(test_config_cue_transition_overrides_the_themes)
{
	struct venue_config *cfg = parse_ok(
		"{'name':'X','capacity':10,'cues':[{'id':'a','scene':'title'},"
		"{'id':'b','scene':'title','transition':'zoom'},"
		"{'id':'c','scene':'title','transition':{'seconds':3}},"
		"{'id':'d','scene':'title','transition':'cut'},"
		"{'id':'e','scene':'title','transition':{'type':'fade','seconds':0.25}}],"
		"'theme':{'transition':{'type':'wipe','seconds':1.5}}}");	/* after the cues: read first all the same */
	const struct config_cue *c = cfg->cues;

	ck_assert_int_eq(c[0].transition.type, TRANSITION_WIPE);	/* none: the theme's */
	ck_assert_double_eq(c[0].transition.seconds, 1.5);
	ck_assert_int_eq(c[1].transition.type, TRANSITION_ZOOM);	/* a type: the theme's length */
	ck_assert_double_eq(c[1].transition.seconds, 1.5);
	ck_assert_int_eq(c[2].transition.type, TRANSITION_WIPE);	/* a length: the theme's type */
	ck_assert_double_eq(c[2].transition.seconds, 3);
	ck_assert_int_eq(c[3].transition.type, TRANSITION_CUT);
	ck_assert_double_eq(c[3].transition.seconds, 0);
	ck_assert_int_eq(c[4].transition.type, TRANSITION_FADE);
	ck_assert_double_eq(c[4].transition.seconds, 0.25);
	config_destroy(cfg);
	/* After a theme of cuts, a cue's fade takes the default length, not the cut's 0 s. */
	cfg = parse_ok("{'name':'X','capacity':10,'theme':{'transition':'cut'},"
		       "'cues':[{'id':'a','scene':'title'},{'id':'b','scene':'title','transition':'fade'}]}");
	ck_assert_int_eq(cfg->cues[0].transition.type, TRANSITION_CUT);
	ck_assert_double_eq(cfg->cues[0].transition.seconds, 0);
	ck_assert_int_eq(cfg->cues[1].transition.type, TRANSITION_FADE);
	ck_assert_double_eq(cfg->cues[1].transition.seconds, 0.8);
	config_destroy(cfg);
}
END_TEST

static const struct {
	const char *doc;		/* a document with this one problem */
	const char *ptr, *msg;
} theme_errors[] = {
	{ THEME("{'accent':'#12345'}"), "/theme/accent", "'#12345' is not a colour like '#ff8800'" },
	{ THEME("{'background':'red'}"), "/theme/background", "'red' is not a colour like '#ff8800'" },
	{ THEME("{'text':'#ggg'}"), "/theme/text", "'#ggg' is not a colour like '#ff8800'" },
	{ THEME("{'text':16777215}"), "/theme/text", "expected a string, got number" },
	{ THEME("{'palette':['#fff','#000','#12345']}"), "/theme/palette/2", "'#12345' is not a colour like '#ff8800'" },
	{ THEME("{'palette':[]}"), "/theme/palette", "need 1 to 8 colours, got 0" },
	{ THEME("{'palette':['#000','#111','#222','#333','#444','#555','#666','#777','#888']}"), "/theme/palette",
	  "need 1 to 8 colours, got 9" },
	{ THEME("{'pallete':['#000']}"), "/theme/pallete", "unknown key; did you mean 'palette'?" },
	{ THEME("{'title_font':'/nonexistent/title.ttf'}"), "/theme/title_font",
	  "cannot read '/nonexistent/title.ttf': No such file or directory" },
	{ THEME("{'body_font':'/etc/passwd'}"), "/theme/body_font",
	  "'/etc/passwd' is not a TrueType or OpenType font (.ttf, .otf, .ttc)" },
	{ THEME("{'logo':'" FONT "'}"), "/theme/logo", "'" FONT "' is not a PNG image" },
	{ THEME("{'join_title':''}"), "/theme/join_title", "must not be empty" },
	{ THEME("{'join_prompt':'" "0123456789012345678901234567890123456789012345678901234567890123456789"
		"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890'}"),
	  "/theme/join_prompt", "too long: at most 160 bytes, got 161" },
	{ THEME("{'transition':{'type':'fdae'}}"), "/theme/transition/type",
	  "unknown transition 'fdae'; did you mean 'fade'? (one of: cut, fade, wipe, zoom)" },
	{ THEME("{'transition':{'type':'fade','seconds':12}}"), "/theme/transition/seconds",
	  "must be between 0 and 10, got 12" },
	{ THEME("{'transition':{'type':'cut','seconds':1}}"), "/theme/transition/seconds",
	  "a cut takes no time; drop 'seconds', or choose fade, wipe or zoom" },
	{ THEME("{'transition':{'type':'wipe','second':1}}"), "/theme/transition/second",
	  "unknown key; did you mean 'seconds'?" },
	{ THEME("{'transition':2}"), "/theme/transition",
	  "expected a transition ('fade', or {'type': 'fade', 'seconds': 0.8}), got number" },
	{ "{'name':'X','capacity':10,'cues':[{'id':'a','scene':'title','transition':'wype'}]}", "/cues/0/transition",
	  "unknown transition 'wype'; did you mean 'wipe'? (one of: cut, fade, wipe, zoom)" },
	{ "{'name':'X','capacity':10,'cues':[{'id':'a','scene':'title','transition':{'type':'zoom','seconds':-1}}]}",
	  "/cues/0/transition/seconds", "must be between 0 and 10, got -1" },
};

START_TEST(test_config_theme_and_transition_errors_name_their_pointer)
{
	expect_one(theme_errors[_i].doc, theme_errors[_i].ptr, theme_errors[_i].msg);
}
END_TEST

START_TEST(test_config_transition_names_round_trip)
{
	for (int t = 0; t < TRANSITION_COUNT; t++)
		ck_assert_int_eq(transition_from_name(transition_name((enum transition)t)), t);
	ck_assert_ptr_null(transition_name(TRANSITION_COUNT));
	ck_assert_int_eq(transition_from_name("dissolve"), -1);
}
END_TEST

/* ---- docs/config.md and the key tables ---- */

#define DOC_KEYS_MAX	400

/* One key documented in docs/config.md: a row of the table after "Keys of `WHERE`". */
struct doc_key {
	char where[64];
	char key[64];
	bool read;			/* a table row of the parser has it */
};

struct doc_keys {
	struct doc_key keys[DOC_KEYS_MAX];
	size_t count;
	char problems[4096];		/* one line per disagreement */
	size_t problem_count;
};

__attribute__((format(printf, 2, 3)))
static void doc_problem(struct doc_keys *d, const char *fmt, ...)
{
	size_t n = strlen(d->problems);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->problems + n, sizeof(d->problems) - n, fmt, ap);
	va_end(ap);
	n = strlen(d->problems);
	snprintf(d->problems + n, sizeof(d->problems) - n, "\n");
	d->problem_count++;
}

/*
 * The documented keys of @text: every table whose header starts "| key |"
 * must follow a line "Keys of `WHERE`..." naming the object it describes;
 * each row's first cell is the key, in backquotes.
 */
static void doc_keys_read(struct doc_keys *d, char *text)
{
	char where[64] = "";
	bool in_table = false;

	for (char *line = text, *next; line; line = next) {
		char key[64];

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (sscanf(line, "Keys of `%63[^`]`", where) == 1) {
			in_table = false;
			continue;
		}
		if (strncmp(line, "| key |", 7) == 0) {
			if (!where[0])
				doc_problem(d, "docs/config.md: a key table with no \"Keys of `...`\" line before it, near \"%.60s\"",
					    line);
			in_table = where[0] != '\0';
			continue;
		}
		if (line[0] != '|') {
			if (in_table)
				where[0] = '\0';	/* one caption, one table */
			in_table = false;
			continue;
		}
		if (!in_table || strncmp(line, "| ---", 5) == 0)
			continue;
		if (sscanf(line, "| `%63[^`]` |", key) != 1) {
			doc_problem(d, "docs/config.md: %s: a row whose key is not in backquotes: \"%.60s\"",
				    where, line);
			continue;
		}
		ck_assert_uint_lt(d->count, DOC_KEYS_MAX);
		snprintf(d->keys[d->count].where, sizeof(d->keys[0].where), "%s", where);
		snprintf(d->keys[d->count].key, sizeof(d->keys[0].key), "%s", key);
		d->count++;
	}
}

/* Every row of every table against @d; disagreements go to d->problems. */
static void doc_keys_compare(struct doc_keys *d)
{
	for (size_t s = 0; s < config_section_count; s++) {
		const struct reader_section *sec = config_sections[s];

		ck_assert_uint_le(sec->count, READER_KEYS_MAX);
		for (size_t k = 0; k < sec->count; k++) {
			bool found = false;

			for (size_t i = 0; i < d->count; i++) {
				if (strcmp(d->keys[i].where, sec->where) == 0 &&
				    strcmp(d->keys[i].key, sec->keys[k].name) == 0) {
					d->keys[i].read = true;
					found = true;
				}
			}
			if (!found)
				doc_problem(d, "%s: key \"%s\" is read but not in docs/config.md",
					    sec->where, sec->keys[k].name);
		}
	}
	for (size_t i = 0; i < d->count; i++)
		if (!d->keys[i].read)
			doc_problem(d, "%s: key \"%s\" is in docs/config.md but no table reads it",
				    d->keys[i].where, d->keys[i].key);
}

/* docs/config.md, with @drop (a whole line) removed and @add appended when not NULL. */
static char *doc_text(const char *drop, const char *add)
{
	const char *src = getenv("TUTTI_SOURCE_DIR");
	char path[600], *text, *at;
	long size;
	FILE *f;

	snprintf(path, sizeof(path), "%s/docs/config.md", src && *src ? src : ".");
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s (set TUTTI_SOURCE_DIR)", path);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)size + (add ? strlen(add) : 0) + 2);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(fread(text, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	if (drop) {
		at = strstr(text, drop);
		ck_assert_msg(at != NULL, "docs/config.md has no line \"%s\"", drop);
		memmove(at, at + strlen(drop), strlen(at + strlen(drop)) + 1);
	}
	if (add)
		strcat(text, add);
	return text;
}

START_TEST(test_config_every_key_is_documented_and_every_documented_key_is_read)
{
	struct doc_keys *d = calloc(1, sizeof(*d));
	char *text = doc_text(NULL, NULL);
	size_t rows = 0;

	for (size_t s = 0; s < config_section_count; s++)
		rows += config_sections[s]->count;
	doc_keys_read(d, text);
	doc_keys_compare(d);
	ck_assert_msg(d->problem_count == 0, "docs/config.md and the key tables disagree:\n%s",
		      d->problems);
	/* Not vacuous: every section has its table, every row its line. */
	ck_assert_uint_ge(config_section_count, 22);
	ck_assert_uint_eq(d->count, rows);
	free(text);
	free(d);
}
END_TEST

START_TEST(test_config_docs_check_catches_a_missing_and_an_extra_key)
{
	struct doc_keys *d = calloc(1, sizeof(*d));
	char *text = doc_text("| `crowd` | number 0–1 | `1` |",
			      "\nKeys of `/timing`:\n\n| key | type |\n| --- | --- |\n| `tick_rate` | number |\n"
			      "\n| key | type |\n| --- | --- |\n| `orphan` | number |\n");

	doc_keys_read(d, text);
	doc_keys_compare(d);
	ck_assert_uint_eq(d->problem_count, 3);
	ck_assert_ptr_nonnull(strstr(d->problems, "a key table with no \"Keys of `...`\" line"));
	ck_assert_ptr_nonnull(strstr(d->problems,
		"/cues/N/audio/mappings/N: key \"crowd\" is read but not in docs/config.md"));
	ck_assert_ptr_nonnull(strstr(d->problems,
		"/timing: key \"tick_rate\" is in docs/config.md but no table reads it"));
	free(text);
	free(d);
}
END_TEST

/* ---- names from a fixed set: the allowed ones, and the nearest ---- */

#define OSC_CUE(send) "{'name':'V','capacity':10,'osc':{'targets':[{'id':'desk','host':'10.0.0.2','port':7770}," \
	"{'id':'vj','host':'10.0.0.3','port':7000}]},'cues':[{'id':'a','scene':'join','osc':[" send "]}]}"
#define STEMS "'stems':[{'id':'drums','file':'" WAV "'},{'id':'bass','file':'" WAV "'}]"

/*
 * Every refused name says which ones are allowed, and for a near miss which
 * one was meant. Each line is in docs/config.md word for word ("POINTER:
 * MESSAGE"), so the page shows what the parser says.
 */
static const struct {
	const char *doc;		/* a document with this one problem */
	const char *said;		/* "POINTER: MESSAGE" */
} documented_names[] = {
	{ "{'name':'X','capacity':10,'cues':[{'id':'a','scene':'crowd_field'}]}",
	  "/cues/0/scene: unknown scene 'crowd_field'; did you mean 'crowd-field'? "
	  "(one of: join, crowd-field, poll, crowd-map, audio, title, wall, isf)" },
	{ "{'name':'X','capacity':10,'cues':[{'id':'a','scene':'laser'}]}",
	  "/cues/0/scene: unknown scene 'laser' (one of: join, crowd-field, poll, crowd-map, audio, title, wall, isf)" },
	{ "{'name':'X','capacity':10,'cues':[{'id':'a','scene':'join','controls':['tap','shak']}]}",
	  "/cues/0/controls/1: unknown control 'shak'; did you mean 'shake'? "
	  "(one of: tap, xy, slider, shake, vote, text)" },
	{ "{'name':'X','capacity':10,'cues':[{'id':'encore','scene':'join'},"
	  "{'id':'outro','scene':'title','advance_after_s':5,'advance_to':'encroe'}]}",
	  "/cues/1/advance_to: unknown cue 'encroe'; did you mean 'encore'? (one of: encore, outro)" },
	{ AUDIO_CUE("{'mappings':[{'source':'shake_energie','target':'delay_mix','to':[0,1]}]}"),
	  "/cues/0/audio/mappings/0/source: unknown source 'shake_energie'; did you mean 'shake_energy'? "
	  "(one of: taps_per_s, tempo_bpm, active_share, shake_energy, x_median, y_median, slider_median, "
	  "x_mean, y_mean, slider_mean, poll_share, poll_leader, zone_activity, zone_taps, input_level)" },
	{ AUDIO_CUE("{'mappings':[{'source':'zone_activity:lefty','target':'delay_mix','to':[0,1]}]}"),
	  "/cues/0/audio/mappings/0/source: unknown zone 'lefty'; did you mean 'left'? (one of: left, right)" },
	{ AUDIO_CUE("{" STEMS ",'mappings':[{'source':'x_median','target':'filter_cutof','to':[200,8000]}]}"),
	  "/cues/0/audio/mappings/0/target: unknown target 'filter_cutof'; did you mean 'filter_cutoff'? "
	  "(one of: master_gain, stem_gain:drums, stem_gain:bass, filter_cutoff, filter_resonance, delay_mix, "
	  "delay_feedback, delay_time, playback_rate)" },
	{ AUDIO_CUE("{" STEMS ",'mappings':[{'source':'x_median','target':'stem_gain:drum','to':[-6,0]}]}"),
	  "/cues/0/audio/mappings/0/target: stem_gain needs a stem of this cue; did you mean 'stem_gain:drums'? "
	  "(one of: stem_gain:drums, stem_gain:bass)" },
	{ AUDIO_CUE("{'mappings':[{'source':'x_median','target':'filter_cutoff','to':[200,8000],'curve':'expo'}]}"),
	  "/cues/0/audio/mappings/0/curve: unknown curve 'expo'; did you mean 'exp'? (one of: linear, exp, smooth)" },
	{ AUDIO_CUE("{'samples':[{'id':'clap','file':'" WAV "','trigger':{'on':'raise','source':'taps_per_s','above':15}}]}"),
	  "/cues/0/audio/samples/0/trigger/on: unknown trigger 'raise'; did you mean 'rise'? (one of: rise, zone_loudest)" },
	{ "{'name':'V','capacity':10,'audio':{'sample_rate':4800},'cues':[" CUE_TAP "]}",
	  "/audio/sample_rate: must be 44100, 48000 or 96000, got 4800; did you mean 48000?" },
	{ OSC_CUE("{'target':'dsk','address':'/x','source':'taps_per_s','to':[0,1]}"),
	  "/cues/0/osc/0/target: unknown OSC target 'dsk'; did you mean 'desk'? (one of: desk, vj)" },
	{ "{'name':'X','capacity':10,'theme':{'transition':'fdae'},'cues':[" CUE_TAP "]}",
	  "/theme/transition: unknown transition 'fdae'; did you mean 'fade'? (one of: cut, fade, wipe, zoom)" },
};

START_TEST(test_config_refused_name_lists_the_allowed_ones_as_documented)
{
	struct config_errors errors = parse_bad(documented_names[_i].doc);
	char said[sizeof(errors.items[0].pointer) + sizeof(errors.items[0].message) + 2];
	char *docs = doc_text(NULL, NULL);
	char *want = strdup(q(documented_names[_i].said));

	for (size_t i = 0; errors.count != 1 && i < errors.count; i++)
		fprintf(stderr, "%s: %s\n", errors.items[i].pointer, errors.items[i].message);
	ck_assert_uint_eq(errors.count, 1);
	snprintf(said, sizeof(said), "%s: %s", errors.items[0].pointer, errors.items[0].message);
	ck_assert_str_eq(said, want);
	ck_assert_msg(strstr(docs, want) != NULL, "docs/config.md does not show \"%s\"", want);
	free(want);
	free(docs);
	config_errors_free(&errors);
}
END_TEST

START_TEST(test_config_long_list_of_names_is_cut_with_how_many_more)
{
	char doc[8192] = "{'name':'X','capacity':10,'cues':[";
	struct config_errors errors;
	const char *msg;

	for (int i = 0; i < 60; i++)
		snprintf(doc + strlen(doc), sizeof(doc) - strlen(doc), "{'id':'cue-number-%02d','scene':'title'},", i);
	strcat(doc, "{'id':'last','scene':'title','advance_after_s':5,'advance_to':'cue-number-7'}]}");
	errors = parse_bad(doc);
	ck_assert_uint_eq(errors.count, 1);
	msg = errors.items[0].message;
	ck_assert_msg(strncmp(msg, "unknown cue \"cue-number-7\"; did you mean \"cue-number-07\"? "
			      "(one of: cue-number-00, cue-number-01, ", 95) == 0, "%s", msg);
	ck_assert_msg(strstr(msg, " more)") != NULL, "%s", msg);	/* "… N more)", not a name cut short */
	ck_assert_msg(strstr(msg, "last") == NULL, "%s", msg);
	config_errors_free(&errors);
}
END_TEST

/* ---- warnings: a control whose input nothing in its cue reads ---- */

/* The warnings of @sq, a valid document, as "POINTER: MESSAGE" lines; "" for none. */
static const char *warnings_of(const char *sq)
{
	static char out[4096];
	struct config_errors warnings = { 0 };
	struct venue_config *cfg = parse_ok(sq);

	out[0] = '\0';
	config_warnings(cfg, &warnings);
	for (size_t i = 0; i < warnings.count; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s: %s", i ? "\n" : "",
			 warnings.items[i].pointer, warnings.items[i].message);
	config_errors_free(&warnings);
	config_destroy(cfg);
	return out;
}

#define VENUE(cues) "{'name':'X','capacity':10,'cues':[" cues "]}"

/* What docs/config.md shows under "Warnings", each as config_warnings() says it. */
static const struct {
	const char *doc;		/* a valid document with this one warning */
	const char *said;		/* "POINTER: MESSAGE" */
} documented_warnings[] = {
	{ VENUE("{'id':'doors','scene':'join','controls':['tap']}"),
	  "/cues/0/controls: 'tap' goes nowhere in this cue: its 'join' scene does not show it, and no mapping, "
	  "sample trigger or OSC message reads it; give one a source that does (taps_per_s, tempo_bpm, "
	  "active_share, zone_activity, zone_taps), or drop the control" },
	{ VENUE("{'id':'intro','scene':'join'},{'id':'ask','scene':'title','controls':['text']},"
		"{'id':'messages','scene':'wall'}"),
	  "/cues/1/controls: 'text' in a 'title' cue: crowd messages are shown only by the 'wall' scene, "
	  "so approved ones wait for cue 'messages'" },
	{ VENUE("{'id':'ask','scene':'crowd-field','controls':['tap','text']}"),
	  "/cues/0/controls: 'text' goes nowhere: crowd messages are shown only by the 'wall' scene, "
	  "and no cue of this show has it" },
	{ "{'name':'X','capacity':10,'theme':{'palette':['#22c8ff','#e01010']},'cues':[{'id':'a','scene':'title'}]}",
	  "/theme/palette/1: '#e01010' is a saturated red: the flash limiter holds red flashes to max_red_flashes_per_s, "
	  "so it dims the zones and poll bars of this colour as they change; an orange or a pink keeps full strength" },
};

START_TEST(test_config_warns_of_a_control_that_goes_nowhere_as_documented)
{
	char *docs = doc_text(NULL, NULL);
	char *want = strdup(q(documented_warnings[_i].said));

	ck_assert_str_eq(warnings_of(documented_warnings[_i].doc), want);
	ck_assert_msg(strstr(docs, want) != NULL, "docs/config.md does not show \"%s\"", want);
	free(want);
	free(docs);
}
END_TEST

START_TEST(test_config_no_warning_where_the_scene_or_the_sound_reads_the_input)
{
	/* Each scene's own input. */
	ck_assert_str_eq(warnings_of(VENUE("{'id':'a','scene':'crowd-field','controls':['tap','xy','slider','shake']},"
					   "{'id':'b','scene':'crowd-map','controls':['xy']},"
					   "{'id':'c','scene':'wall','controls':['text']}")), "");
	/* A vote always counts, whatever the scene: the poll's result stands. */
	ck_assert_str_eq(warnings_of(VENUE("{'id':'a','scene':'title','controls':['vote'],"
					   "'poll':{'id':'p','question':'Q','options':['x','y']}}")), "");
	/* A mapping, a one-shot's trigger or an OSC message that reads it. */
	ck_assert_str_eq(warnings_of(VENUE("{'id':'a','scene':'audio','controls':['slider','xy'],'audio':{'mappings':"
					   "[{'source':'slider_mean','target':'delay_mix','to':[0,1]},"
					   "{'source':'y_median','target':'delay_mix','to':[0,1]}]}}")), "");
	ck_assert_str_eq(warnings_of(VENUE("{'id':'a','scene':'join','controls':['tap','shake'],'audio':{'samples':"
					   "[{'id':'s','file':'" WAV "','trigger':{'on':'zone_loudest','zone':'all'}},"
					   "{'id':'t','file':'" WAV "','trigger':{'on':'rise','source':'shake_energy','above':1}}]}}")),
			 "");
	ck_assert_str_eq(warnings_of("{'name':'X','capacity':10,'osc':{'targets':[{'id':'d','host':'10.0.0.2','port':1}]},"
				     "'cues':[{'id':'a','scene':'title','controls':['slider'],"
				     "'osc':[{'target':'d','address':'/x','source':'active_share','to':[0,1]}]}]}"), "");
}
END_TEST

START_TEST(test_config_warns_of_a_saturated_red_accent_and_palette_colour_only)
{
	/* Red as the limiter measures it, in linear light: #ff4040 is 91 % red there; orange #ff8c28 is 78 %. */
	ck_assert_str_eq(warnings_of("{'name':'X','capacity':10,'theme':{'accent':'#f44','background':'#e00000',"
				     "'text':'#ff0000','palette':['#ff8c28','#ff4040','#ff7896']},"
				     "'cues':[{'id':'a','scene':'title'}]}"),
			 q("/theme/accent: '#ff4444' is a saturated red: the flash limiter holds red flashes to "
			   "max_red_flashes_per_s, so it dims highlights as they change; an orange or a pink keeps full "
			   "strength\n"
			   "/theme/palette/1: '#ff4040' is a saturated red: the flash limiter holds red flashes to "
			   "max_red_flashes_per_s, so it dims the zones and poll bars of this colour as they change; an "
			   "orange or a pink keeps full strength"));
}
END_TEST

START_TEST(test_config_warns_of_each_control_nothing_reads)
{
	/* The map shows the pad only; the sound reads neither the slider nor the shaking. */
	ck_assert_str_eq(warnings_of(VENUE("{'id':'a','scene':'crowd-map','controls':['xy','slider','shake'],"
					   "'audio':{'mappings':[{'source':'input_level','target':'delay_mix','to':[0,1]}]}}")),
			 q("/cues/0/controls: 'slider' goes nowhere in this cue: its 'crowd-map' scene does not show it, and "
			   "no mapping, sample trigger or OSC message reads it; give one a source that does (active_share, "
			   "slider_median, slider_mean, zone_activity), or drop the control\n"
			   "/cues/0/controls: 'shake' goes nowhere in this cue: its 'crowd-map' scene does not show it, and "
			   "no mapping, sample trigger or OSC message reads it; give one a source that does (active_share, "
			   "shake_energy, zone_activity), or drop the control"));
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_config_minimal_document_gets_every_default);
	tcase_add_test(tc, test_config_input_burst_defaults_to_twice_the_rate);
	tcase_add_test(tc, test_config_idle_hangup_follows_the_ping_unless_set);
	tcase_add_test(tc, test_config_ipv6_prefix_groups_from_48_to_128_bits);
	tcase_add_test(tc, test_config_max_connections_default_stays_under_the_hard_cap);
	tcase_add_test(tc, test_config_without_zones_has_one_zone_all_for_the_whole_venue);
	tcase_add_test(tc, test_config_zones_cues_and_polls_are_found_by_id);
	tcase_add_test(tc, test_config_auto_advance_goes_to_the_next_cue_or_advance_to);
	tcase_add_test(tc, test_config_comment_is_allowed_in_every_object);
	tcase_add_test(tc, test_config_comment_must_be_a_string);
	tcase_add_test(tc, test_config_syntax_error_gives_line_and_column);
	tcase_add_test(tc, test_config_duplicate_key_is_a_syntax_error);
	tcase_add_test(tc, test_config_unknown_key_names_pointer_and_did_you_mean);
	tcase_add_test(tc, test_config_errors_quote_long_non_ascii_names_on_a_character_boundary);
	tcase_add_test(tc, test_config_unknown_key_far_from_any_has_no_hint);
	tcase_add_test(tc, test_config_wrong_type_says_what_was_expected_and_got);
	tcase_add_test(tc, test_config_document_must_be_an_object);
	tcase_add_test(tc, test_config_out_of_range_names_the_bounds);
	tcase_add_test(tc, test_config_whole_number_field_rejects_a_fraction);
	tcase_add_test(tc, test_config_whole_number_field_accepts_a_point_zero);
	tcase_add_test(tc, test_config_missing_required_keys_are_reported_at_their_pointers);
	tcase_add_test(tc, test_config_bad_id_says_what_an_id_may_contain);
	tcase_add_test(tc, test_config_duplicate_zone_id_is_reported_at_the_second);
	tcase_add_test(tc, test_config_duplicate_cue_id_is_reported_at_the_second);
	tcase_add_test(tc, test_config_duplicate_poll_id_across_cues_is_reported);
	tcase_add_test(tc, test_config_zone_capacity_cannot_exceed_the_venue);
	tcase_add_test(tc, test_config_unknown_or_repeated_control_is_reported_at_its_index);
	tcase_add_test(tc, test_config_vote_without_poll_is_reported_at_controls);
	tcase_add_test(tc, test_config_poll_without_vote_is_reported_at_poll);
	tcase_add_test(tc, test_config_poll_with_one_option_needs_two_to_eight);
	tcase_add_test(tc, test_config_duplicate_poll_options_are_reported);
	tcase_add_test(tc, test_config_advance_to_needs_advance_after_s);
	tcase_add_test(tc, test_config_last_cue_cannot_advance_with_nowhere_to_go);
	tcase_add_test(tc, test_config_broadcast_faster_than_tick_is_reported);
	tcase_add_test(tc, test_config_max_connections_below_capacity_is_reported);
	tcase_add_test(tc, test_config_a_capacity_past_one_process_needs_edges);
	tcase_add_test(tc, test_config_origin_with_trailing_slash_suggests_the_fix);
	tcase_add_test(tc, test_config_origin_with_path_other_scheme_or_capitals_is_rejected);
	tcase_add_test(tc, test_config_exact_origins_are_kept);
	tcase_add_test(tc, test_config_listen_address_must_be_an_ip_address);
	tcase_add_test(tc, test_config_public_url_must_be_http_or_https);
	tcase_add_test(tc, test_config_tls_missing_files_are_each_reported_with_path_and_reason);
	tcase_add_test(tc, test_config_tls_relative_paths_resolve_against_the_config_folder);
	tcase_add_test(tc, test_config_broken_document_reports_every_error_in_document_order);
	tcase_add_test(tc, test_config_advance_to_is_skipped_when_cue_ids_are_broken);
	tcase_add_test(tc, test_config_error_format_shows_pointer_or_line_and_column);
	tcase_add_test(tc, test_config_pointer_escapes_slash_and_tilde_in_keys);
	tcase_add_test(tc, test_config_load_of_a_missing_file_says_cannot_read);
	tcase_add_test(tc, test_config_every_shipped_venue_config_loads_cleanly);
	tcase_add_test(tc, test_config_isf_cue_loads_and_its_errors_name_their_pointer);
	tcase_add_test(tc, test_config_names_round_trip);
	tcase_add_test(tc, test_config_controls_keep_the_order_the_config_lists_them_in);
	tcase_add_test(tc, test_config_final_cue_is_the_last_that_does_not_loop);
	tcase_add_test(tc, test_config_destroy_null_and_free_empty_errors_do_nothing);
	tcase_add_test(tc, test_config_audio_and_safety_defaults);
	tcase_add_test(tc, test_config_flash_limits_default_to_wcag_and_may_only_be_stricter);
	tcase_add_test(tc, test_config_console_takes_password_hashes_inline_or_from_a_secrets_file);
	tcase_add_test(tc, test_config_moderation_takes_banned_words_inline_and_from_a_file);
	tcase_add_test(tc, test_config_cue_audio_parses_into_exact_structs);
	tcase_add_test(tc, test_config_audio_errors_name_their_pointer);
	tcase_add_test(tc, test_config_every_key_is_documented_and_every_documented_key_is_read);
	tcase_add_test(tc, test_config_docs_check_catches_a_missing_and_an_extra_key);
	tcase_add_loop_test(tc, test_config_refused_name_lists_the_allowed_ones_as_documented, 0,
			    sizeof(documented_names) / sizeof(documented_names[0]));
	tcase_add_test(tc, test_config_long_list_of_names_is_cut_with_how_many_more);
	tcase_add_loop_test(tc, test_config_warns_of_a_control_that_goes_nowhere_as_documented, 0,
			    sizeof(documented_warnings) / sizeof(documented_warnings[0]));
	tcase_add_test(tc, test_config_no_warning_where_the_scene_or_the_sound_reads_the_input);
	tcase_add_test(tc, test_config_warns_of_each_control_nothing_reads);
	tcase_add_test(tc, test_config_warns_of_a_saturated_red_accent_and_palette_colour_only);
	tcase_add_test(tc, test_config_without_a_theme_the_stage_keeps_its_look);
	tcase_add_test(tc, test_config_theme_reads_every_key_and_resolves_files_beside_the_config);
	tcase_add_test(tc, test_config_cue_transition_overrides_the_themes);
	tcase_add_loop_test(tc, test_config_theme_and_transition_errors_name_their_pointer, 0,
			    sizeof(theme_errors) / sizeof(theme_errors[0]));
	tcase_add_test(tc, test_config_transition_names_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
