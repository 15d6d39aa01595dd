/*
 * check_net_audience.c - what phone messages do: join, refusals with their
 * reasons, rate limiting and the 1008 close, venue full, resume without
 * double votes, the bounded outbox, forget-me, answers held until the
 * journal holds what they acknowledge, and after the show: no joins, a
 * recap and a forget by token.
 */
#include <check.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net_audience.h"
#include "test_util.h"

static struct venue_config *cfg;
static struct crowd *crowd;
static struct show *show;
static struct metrics metrics;
static struct audience aud;

static void setup(void)
{
	cfg = test_config(TEST_VENUE_JSON);
	crowd = crowd_create(cfg, 300);
	show = show_create(cfg, 0);
	memset(&metrics, 0, sizeof(metrics));
	audience_init(&aud, cfg, crowd, show, &metrics, NULL, NULL);
}

static void teardown(void)
{
	show_destroy(show);
	crowd_destroy(crowd);
	config_destroy(cfg);
}

static void say(struct audience_peer *peer, double now, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(struct audience_peer *peer, double now, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	audience_handle_text(&aud, peer, msg, strlen(msg), now);
}

/* Pops the next personal message as JSON (NULL when none). */
/*
 * The next message the phone reads: its personal messages first, then, as
 * the daemon's next state would carry it, its acknowledgement, shown here
 * as {"type":"ack","seq":S} (the state stream's "k").
 */
static json_t *next(struct audience_peer *peer, double now)
{
	char out[2048];
	size_t n = audience_peer_next_personal(&aud, peer, out, sizeof(out), now);

	if (!n && audience_peer_ack_ready(peer)) {
		audience_peer_ack_sent(peer);
		n = (size_t)snprintf(out, sizeof(out), "{\"type\":\"ack\",\"seq\":%llu}",
				     (unsigned long long)peer->ack_seq);
	}
	if (!n)
		return NULL;
	json_t *j = json_loadb(out, n, 0, NULL);
	ck_assert_msg(j != NULL, "not JSON: %.*s", (int)n, out);
	return j;
}

static const char *type_of(json_t *j)
{
	return json_string_value(json_object_get(j, "type"));
}

/* Expects the next message to be an error with @code. */
static void expect_error(struct audience_peer *peer, const char *code)
{
	json_t *j = next(peer, 0);

	ck_assert_msg(j != NULL, "no message; wanted error %s", code);
	ck_assert_str_eq(type_of(j), "error");
	ck_assert_str_eq(json_string_value(json_object_get(j, "code")), code);
	json_decref(j);
}

static void drain(struct audience_peer *peer)
{
	json_t *j;

	while ((j = next(peer, 0)))
		json_decref(j);
}

/* A joined peer; returns its token in @token (may be NULL). */
static void join(struct audience_peer *peer, char *token, const char *with_token)
{
	json_t *w;

	audience_peer_init(&aud, peer, NULL, 0);
	if (with_token)
		say(peer, 0, "{\"type\":\"hello\",\"token\":\"%s\",\"zone\":null}", with_token);
	else
		say(peer, 0, "{\"type\":\"hello\",\"token\":null,\"zone\":\"right\"}");
	w = next(peer, 0);
	ck_assert_ptr_nonnull(w);
	ck_assert_str_eq(type_of(w), "welcome");
	if (token)
		strcpy(token, json_string_value(json_object_get(w, "token")));
	json_decref(w);
	drain(peer);
}

START_TEST(test_audience_hello_gets_welcome_with_id_token_and_zone)
{
	struct audience_peer peer;
	json_t *w;

	audience_peer_init(&aud, &peer, NULL, 0);
	say(&peer, 0, "{\"type\":\"hello\",\"token\":null,\"zone\":\"right\"}");
	w = next(&peer, 0);
	ck_assert_str_eq(type_of(w), "welcome");
	ck_assert_str_eq(json_string_value(json_object_get(w, "zone")), "right");
	ck_assert(json_is_false(json_object_get(w, "resumed")));
	ck_assert_uint_eq(strlen(json_string_value(json_object_get(w, "token"))), CROWD_TOKEN_CHARS);
	ck_assert_ptr_eq(next(&peer, 0), NULL);
	json_decref(w);
	ck_assert_uint_eq(crowd_connected(crowd), 1);
}
END_TEST

START_TEST(test_audience_input_before_hello_is_refused_not_joined)
{
	struct audience_peer peer;

	audience_peer_init(&aud, &peer, NULL, 0);
	say(&peer, 0, "{\"type\":\"input\",\"seq\":1,\"control\":\"tap\"}");
	expect_error(&peer, "not_joined");
	ck_assert_uint_eq(metrics.rejected[REJECT_NOT_JOINED], 1);
	ck_assert_uint_eq(metrics.inputs_accepted[CONTROL_TAP], 0);
}
END_TEST

START_TEST(test_audience_unknown_zone_joins_first_zone_with_an_error)
{
	struct audience_peer peer;
	json_t *w;

	audience_peer_init(&aud, &peer, NULL, 0);
	say(&peer, 0, "{\"type\":\"hello\",\"token\":null,\"zone\":\"balcony\"}");
	w = next(&peer, 0);
	ck_assert_str_eq(type_of(w), "welcome");
	ck_assert_str_eq(json_string_value(json_object_get(w, "zone")), "left");
	json_decref(w);
	expect_error(&peer, "unknown_zone");
}
END_TEST

START_TEST(test_audience_second_hello_is_refused_already_joined)
{
	struct audience_peer peer;

	join(&peer, NULL, NULL);
	say(&peer, 0, "{\"type\":\"hello\",\"token\":null}");
	expect_error(&peer, "already_joined");
	ck_assert_uint_eq(crowd_connected(crowd), 1);
}
END_TEST

START_TEST(test_audience_accepted_inputs_are_acked_once_in_the_next_state)
{
	struct audience_peer peer;
	json_t *ack;

	join(&peer, NULL, NULL);
	say(&peer, 1, "{\"type\":\"input\",\"seq\":1,\"control\":\"xy\",\"x\":0.2,\"y\":0.4}");
	say(&peer, 1, "{\"type\":\"input\",\"seq\":2,\"control\":\"slider\",\"value\":0.7}");
	/* Not a message of its own: it waits for the phone's next state. */
	ck_assert(!audience_peer_has_personal(&peer));
	ck_assert(audience_peer_ack_ready(&peer));
	ack = next(&peer, 1);
	ck_assert_str_eq(type_of(ack), "ack");
	ck_assert_int_eq(json_integer_value(json_object_get(ack, "seq")), 2);	/* coalesced */
	ck_assert(!audience_peer_ack_ready(&peer));
	json_decref(ack);
	ck_assert_uint_eq(metrics.inputs_accepted[CONTROL_XY], 1);
	ck_assert_uint_eq(metrics.inputs_accepted[CONTROL_SLIDER], 1);
}
END_TEST

START_TEST(test_audience_sync_and_visibility_set_what_the_stream_sends)
{
	struct audience_peer peer;

	audience_peer_init(&aud, &peer, NULL, 0);
	say(&peer, 0, "{\"type\":\"sync\"}");
	expect_error(&peer, "not_joined");
	say(&peer, 0, "{\"type\":\"visibility\",\"hidden\":true}");
	expect_error(&peer, "not_joined");
	ck_assert(!peer.hidden && !peer.want_show);
	audience_peer_closed(&aud, &peer, 0);

	join(&peer, NULL, NULL);
	say(&peer, 1, "{\"type\":\"visibility\",\"hidden\":true}");
	ck_assert(peer.hidden);
	ck_assert(!peer.want_show);
	ck_assert(!audience_peer_has_personal(&peer));	/* no answer: the rate is the answer */
	say(&peer, 1, "{\"type\":\"visibility\",\"hidden\":false}");
	ck_assert(!peer.hidden);
	ck_assert(peer.want_show);	/* shown again: the whole show in the next state */
	peer.want_show = false;
	say(&peer, 1, "{\"type\":\"sync\"}");
	ck_assert(peer.want_show);
	say(&peer, 1, "{\"type\":\"visibility\",\"hidden\":\"yes\"}");
	expect_error(&peer, "invalid_field");
	ck_assert(!peer.hidden);	/* What earns an acknowledgement in the next state: an input or a vote, nothing else. */
	{
		const char *msgs[] = { "{\"type\":\"sync\"}", "{\"type\":\"ping\",\"t0\":1}",
				       "{\"type\":\"input\",\"seq\":1,\"control\":\"tap\"}",
				       "{\"type\":\"input\",\"seq\":1,\"control\":\"tap\"}" };
		const bool acked[] = { false, false, true, true };	/* the last a re-send: acked too */

		for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++)
			ck_assert_msg(audience_handle_text(&aud, &peer, msgs[i], strlen(msgs[i]), 2) == acked[i],
				      "%s", msgs[i]);
	}
}
END_TEST

START_TEST(test_audience_malformed_messages_get_errors_and_change_nothing)
{
	struct audience_peer peer;

	join(&peer, NULL, NULL);
	say(&peer, 1, "{\"type\":\"input\",\"seq\":1,\"control\":\"xy\",\"x\":7,\"y\":0}");
	expect_error(&peer, "out_of_range");
	say(&peer, 1, "{\"type\":\"dance\"}");
	expect_error(&peer, "unknown_type");
	say(&peer, 1, "{oops");
	expect_error(&peer, "malformed_json");
	ck_assert_uint_eq(metrics.rejected[REJECT_OUT_OF_RANGE], 1);
	ck_assert_uint_eq(metrics.rejected[REJECT_UNKNOWN_TYPE], 1);
	ck_assert_uint_eq(metrics.rejected[REJECT_MALFORMED_JSON], 1);
	ck_assert_uint_eq(metrics.inputs_accepted[CONTROL_XY], 0);
}
END_TEST

START_TEST(test_audience_a_venue_freeze_refuses_every_input_and_vote)
{
	struct audience_peer peer;
	json_t *e;

	join(&peer, NULL, NULL);
	aud.frozen = true;	/* the safety panel's freeze */
	say(&peer, 1, "{\"type\":\"input\",\"seq\":1,\"control\":\"slider\",\"value\":0.5}");
	e = next(&peer, 1);
	ck_assert_str_eq(json_string_value(json_object_get(e, "code")), "control_disabled");
	ck_assert_str_eq(json_string_value(json_object_get(e, "message")),
			 "the venue is listening: slider is paused");
	json_decref(e);
	say(&peer, 1, "{\"type\":\"vote\",\"seq\":2,\"poll\":\"song\",\"choice\":0}");
	expect_error(&peer, "poll_closed");
	ck_assert_uint_eq(metrics.inputs_accepted[CONTROL_SLIDER], 0);
	aud.frozen = false;
	say(&peer, 1, "{\"type\":\"input\",\"seq\":3,\"control\":\"slider\",\"value\":0.5}");
	ck_assert_uint_eq(metrics.inputs_accepted[CONTROL_SLIDER], 1);
}
END_TEST

START_TEST(test_audience_control_not_in_this_cue_is_refused)
{
	struct audience_peer peer;
	json_t *e;

	join(&peer, NULL, NULL);
	show_cue_go(show, 1, 1);	/* "quiet": no controls */
	say(&peer, 1, "{\"type\":\"input\",\"seq\":1,\"control\":\"slider\",\"value\":0.5}");
	e = next(&peer, 1);
	ck_assert_str_eq(json_string_value(json_object_get(e, "code")), "control_disabled");
	ck_assert_str_eq(json_string_value(json_object_get(e, "message")), "slider is not enabled in this cue");
	ck_assert_int_eq(json_integer_value(json_object_get(e, "seq")), 1);
	json_decref(e);
	ck_assert_uint_eq(metrics.inputs_accepted[CONTROL_SLIDER], 0);
}
END_TEST

START_TEST(test_audience_votes_on_closed_or_unknown_polls_are_refused)
{
	struct audience_peer peer;
	uint32_t t[3];

	join(&peer, NULL, NULL);
	say(&peer, 1, "{\"type\":\"vote\",\"seq\":1,\"poll\":\"encore\",\"choice\":0}");
	expect_error(&peer, "unknown_poll");
	say(&peer, 1, "{\"type\":\"vote\",\"seq\":2,\"poll\":\"song\",\"choice\":3}");
	expect_error(&peer, "out_of_range");
	show_poll_close(show, 0, 1);
	say(&peer, 1, "{\"type\":\"vote\",\"seq\":3,\"poll\":\"song\",\"choice\":1}");
	expect_error(&peer, "poll_closed");
	crowd_poll_tallies(crowd, 0, t);
	ck_assert_uint_eq(t[0] + t[1] + t[2], 0);
}
END_TEST

START_TEST(test_audience_resend_after_reconnect_never_double_votes)
{
	struct audience_peer peer, again;
	char token[64];
	uint32_t t[3];
	json_t *ack;

	join(&peer, token, NULL);
	say(&peer, 1, "{\"type\":\"vote\",\"seq\":1,\"poll\":\"song\",\"choice\":2}");
	drain(&peer);
	audience_peer_closed(&aud, &peer, 2);
	/* The phone never saw the ack: it resumes and re-sends the same vote. */
	join(&again, NULL, token);
	say(&again, 3, "{\"type\":\"vote\",\"seq\":1,\"poll\":\"song\",\"choice\":2}");
	ack = next(&again, 3);
	ck_assert_str_eq(type_of(ack), "ack");
	ck_assert_int_eq(json_integer_value(json_object_get(ack, "seq")), 1);
	json_decref(ack);
	crowd_poll_tallies(crowd, 0, t);
	ck_assert_uint_eq(t[2], 1);
	ck_assert_uint_eq(metrics.rejected[REJECT_DUPLICATE], 1);
	/* A new vote from the resumed phone changes its vote. */
	say(&again, 4, "{\"type\":\"vote\",\"seq\":2,\"poll\":\"song\",\"choice\":0}");
	crowd_poll_tallies(crowd, 0, t);
	ck_assert_uint_eq(t[0], 1);
	ck_assert_uint_eq(t[2], 0);
}
END_TEST

START_TEST(test_audience_resumed_welcome_reports_votes_and_last_seq)
{
	struct audience_peer peer, again;
	char token[64];
	json_t *w;

	join(&peer, token, NULL);
	say(&peer, 1, "{\"type\":\"vote\",\"seq\":5,\"poll\":\"song\",\"choice\":1}");
	audience_peer_closed(&aud, &peer, 2);
	audience_peer_init(&aud, &again, NULL, 3);
	say(&again, 3, "{\"type\":\"hello\",\"token\":\"%s\",\"zone\":null}", token);
	w = next(&again, 3);
	ck_assert(json_is_true(json_object_get(w, "resumed")));
	ck_assert_int_eq(json_integer_value(json_object_get(w, "last_seq")), 5);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(w, "votes"), "song")), 1);
	json_decref(w);
}
END_TEST

START_TEST(test_audience_forget_me_ends_the_participant_and_keeps_its_vote_as_a_count)
{
	struct audience_peer peer, again, stranger;
	char token[64];
	uint32_t t[3];
	json_t *m;

	audience_peer_init(&aud, &stranger, NULL, 0);
	say(&stranger, 0, "{\"type\":\"forget\"}");
	expect_error(&stranger, "not_joined");
	join(&peer, token, NULL);
	say(&peer, 1, "{\"type\":\"vote\",\"seq\":1,\"poll\":\"song\",\"choice\":2}");
	drain(&peer);
	say(&peer, 2, "{\"type\":\"forget\"}");
	m = next(&peer, 2);
	ck_assert_str_eq(type_of(m), "forgotten");
	json_decref(m);
	ck_assert_int_eq(peer.close_code, AUDIENCE_CLOSE_FORGOTTEN);
	ck_assert_int_eq(peer.participant, -1);
	ck_assert_uint_eq(crowd_connected(crowd), 0);
	crowd_poll_tallies(crowd, 0, t);
	ck_assert_uint_eq(t[2], 1);	/* the vote still counts, no longer as anyone's */
	/* Its token is dead: the same phone comes back as a stranger. */
	audience_peer_init(&aud, &again, NULL, 3);
	say(&again, 3, "{\"type\":\"hello\",\"token\":\"%s\",\"zone\":null}", token);
	m = next(&again, 3);
	ck_assert(json_is_false(json_object_get(m, "resumed")));
	ck_assert_int_eq(json_integer_value(json_object_get(m, "last_seq")), 0);
	ck_assert_int_eq(json_object_size(json_object_get(m, "votes")), 0);
	json_decref(m);
}
END_TEST

/*
 * A hello and a forget read before the welcome went (one packet; on an edge,
 * one batch; with a journal, the welcome held for its commit): no welcome
 * for a participant that is gone (found by fuzz_cluster: it read the table
 * at index -1), only "forgotten" and the close.
 */
START_TEST(test_audience_forget_before_the_welcome_went_gets_no_welcome)
{
	struct audience_peer peer;
	json_t *m;

	audience_peer_init(&aud, &peer, NULL, 0);
	say(&peer, 0, "{\"type\":\"hello\",\"token\":null,\"zone\":null}");
	say(&peer, 0, "{\"type\":\"forget\"}");
	m = next(&peer, 0);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(type_of(m), "forgotten");
	json_decref(m);
	ck_assert_ptr_null(next(&peer, 0));
	ck_assert_int_eq(peer.close_code, AUDIENCE_CLOSE_FORGOTTEN);
	ck_assert_uint_eq(crowd_connected(crowd), 0);
}
END_TEST

/* A journal file whose writer has not started: nothing it is given is held yet. */
static struct journal *unstarted_journal(char *dir)
{
	static const char text[] = "{\"name\":\"Club\"}";
	struct journal_options o = { .mode = JOURNAL_FRESH,
				     .show = { .venue = "Club", .config = text, .config_len = sizeof(text) - 1 } };
	char path[64], err[256];
	struct journal *j;
	bool resumed;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/show.db", dir);
	o.path = path;
	j = journal_open(&o, &resumed, err, sizeof(err));
	ck_assert_msg(j != NULL, "%s", err);
	return j;
}

static void wait_settled(struct journal *j)
{
	struct journal_status st;

	for (int i = 0; i < 500; i++) {
		journal_status_get(j, &st);
		if (st.committed == st.pushed)
			return;
		usleep(10000);
	}
	ck_abort_msg("the journal never committed");
}

/*
 * After show_end(): phones have no controls, a hello is refused with
 * show_over (nobody joins), a recap without a journal says nothing is
 * kept, and a forget by token from an unjoined phone forgets the
 * participant the show still holds, and is answered forgotten.
 */
START_TEST(test_audience_after_the_show_nobody_joins_and_a_phone_asks_by_token)
{
	struct audience_peer peer, late;
	char token[64];
	json_t *j;

	join(&peer, token, NULL);
	ck_assert(show_end(show, 5));
	ck_assert(!show_end(show, 6));
	ck_assert_uint_eq(show_controls(show), 0);
	say(&peer, 6, "{\"type\":\"input\",\"seq\":1,\"control\":\"tap\"}");
	expect_error(&peer, "control_disabled");

	audience_peer_init(&aud, &late, NULL, 7);
	say(&late, 7, "{\"type\":\"hello\",\"token\":\"%s\",\"zone\":null}", token);
	expect_error(&late, "show_over");
	ck_assert_int_lt(late.participant, 0);
	say(&late, 7, "{\"type\":\"recap\"}");
	expect_error(&late, "invalid_field");
	say(&late, 7, "{\"type\":\"recap\",\"token\":\"%s\"}", token);
	j = next(&late, 7);
	ck_assert_str_eq(type_of(j), "recap");
	ck_assert(json_is_false(json_object_get(j, "found")));	/* no journal: nothing was kept */
	json_decref(j);

	ck_assert(crowd_token_known(crowd, token));
	say(&late, 8, "{\"type\":\"forget\",\"token\":\"%s\"}", token);
	j = next(&late, 8);
	ck_assert_str_eq(type_of(j), "forgotten");
	json_decref(j);
	ck_assert_int_eq(late.close_code, AUDIENCE_CLOSE_FORGOTTEN);
	ck_assert(!crowd_token_known(crowd, token));
	ck_assert_int_eq(peer.close_code, AUDIENCE_CLOSE_FORGOTTEN);	/* its other connection closes too */
}
END_TEST

START_TEST(test_audience_welcome_vote_ack_and_forgotten_wait_for_the_journal)
{
	char dir[] = "/tmp/tutti-audience-XXXXXX";
	struct journal *j = unstarted_journal(dir);
	struct audience_peer a, b;
	json_t *m;

	audience_init(&aud, cfg, crowd, show, &metrics, NULL, j);
	audience_peer_init(&aud, &a, NULL, 0);
	audience_peer_init(&aud, &b, NULL, 0);
	a.on_socket = b.on_socket = true;
	say(&a, 0, "{\"type\":\"hello\",\"token\":null,\"zone\":null}");
	say(&a, 0, "{\"type\":\"ping\",\"t0\":1}");
	/* Not on disk yet: no welcome, and nothing goes before it. */
	ck_assert(!audience_peer_has_personal(&a));
	ck_assert_ptr_null(next(&a, 0));
	ck_assert_ptr_null(audience_next_released(&aud));
	ck_assert_int_eq(journal_start(j, NULL, NULL), 0);
	wait_settled(j);
	ck_assert_ptr_eq(audience_next_released(&aud), &a);
	ck_assert_ptr_null(audience_next_released(&aud));
	m = next(&a, 0);
	ck_assert_str_eq(type_of(m), "welcome");
	json_decref(m);
	drain(&a);
	/* A vote's ack and "forgotten" wait too, in the order of their events. */
	say(&b, 1, "{\"type\":\"hello\",\"token\":null,\"zone\":null}");
	wait_settled(j);
	ck_assert_ptr_eq(audience_next_released(&aud), &b);
	drain(&b);
	say(&a, 1, "{\"type\":\"vote\",\"seq\":1,\"poll\":\"song\",\"choice\":1}");
	say(&b, 1, "{\"type\":\"forget\"}");
	wait_settled(j);
	ck_assert_ptr_eq(audience_next_released(&aud), &a);
	ck_assert_ptr_eq(audience_next_released(&aud), &b);
	m = next(&a, 1);
	ck_assert_str_eq(type_of(m), "ack");
	json_decref(m);
	m = next(&b, 1);
	ck_assert_str_eq(type_of(m), "forgotten");
	json_decref(m);
	journal_close(j);
}
END_TEST

START_TEST(test_audience_a_closed_phone_leaves_the_held_list)
{
	char dir[] = "/tmp/tutti-audience-XXXXXX";
	struct journal *j = unstarted_journal(dir);
	struct audience_peer a;

	audience_init(&aud, cfg, crowd, show, &metrics, NULL, j);
	audience_peer_init(&aud, &a, NULL, 0);
	a.on_socket = true;
	say(&a, 0, "{\"type\":\"hello\",\"token\":null,\"zone\":null}");
	audience_peer_closed(&aud, &a, 1);
	ck_assert_int_eq(journal_start(j, NULL, NULL), 0);
	wait_settled(j);
	ck_assert_ptr_null(audience_next_released(&aud));	/* never a peer that is gone */
	journal_close(j);
}
END_TEST

START_TEST(test_audience_flood_is_throttled_then_closed_1008)
{
	struct audience_peer peer;
	uint64_t seq = 0;
	int errors = 0;
	json_t *j;

	join(&peer, NULL, NULL);
	/* 100 inputs a second against a limit of 10/s, burst 20. */
	for (double t = 0; t < 2.0; t += 0.01)
		say(&peer, t, "{\"type\":\"input\",\"seq\":%llu,\"control\":\"tap\"}",
		    (unsigned long long)++seq);
	ck_assert_uint_le(metrics.inputs_accepted[CONTROL_TAP], 20 + 2 * 10 + 1);
	ck_assert_uint_ge(metrics.inputs_accepted[CONTROL_TAP], 20 + 2 * 10 - 2);
	ck_assert_uint_gt(metrics.rejected[REJECT_RATE_LIMITED], 100);
	while ((j = next(&peer, 2))) {
		if (strcmp(type_of(j), "error") == 0) {
			ck_assert_str_eq(json_string_value(json_object_get(j, "code")), "rate_limited");
			errors++;
		}
		json_decref(j);
	}
	ck_assert_int_le(errors, 3);	/* at most one a second, not one per input */
	ck_assert_int_eq(peer.close_code, 0);
	/* Keeping it up past throttle_close_s (3 s) closes the socket. */
	for (double t = 2.0; t < 4.0; t += 0.01)
		say(&peer, t, "{\"type\":\"input\",\"seq\":%llu,\"control\":\"tap\"}",
		    (unsigned long long)++seq);
	ck_assert_int_eq(peer.close_code, 1008);
}
END_TEST

/* The close goes into the journal once, with the participant, for the post-show report. */
START_TEST(test_audience_a_flooding_phone_closed_is_in_the_journal_once)
{
	char dir[] = "/tmp/tutti-audience-XXXXXX", path[64];
	struct journal *j = unstarted_journal(dir);
	struct audience_peer peer;
	uint64_t seq = 0;
	sqlite3 *db;
	sqlite3_stmt *st;
	json_t *w;

	ck_assert_int_eq(journal_start(j, NULL, NULL), 0);
	audience_init(&aud, cfg, crowd, show, &metrics, NULL, j);
	audience_peer_init(&aud, &peer, NULL, 0);
	say(&peer, 0, "{\"type\":\"hello\",\"token\":null,\"zone\":null}");
	wait_settled(j);
	w = next(&peer, 0);
	ck_assert_msg(w && strcmp(type_of(w), "welcome") == 0, "welcomed once the join is on disk");
	json_decref(w);
	for (double t = 0; t < 5.0; t += 0.01)
		say(&peer, t, "{\"type\":\"input\",\"seq\":%llu,\"control\":\"tap\"}", (unsigned long long)++seq);
	ck_assert_int_eq(peer.close_code, 1008);
	wait_settled(j);
	journal_close(j);
	snprintf(path, sizeof(path), "%s/show.db", dir);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT participant, text FROM event WHERE kind = 'moderation'", -1,
					    &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), crowd_participant_id(crowd, peer.participant));
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 1), "closed: over the input rate for 3 s");
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(test_audience_binary_flood_is_throttled_then_closed_1008)
{
	struct audience_peer peer;
	int errors = 0;
	json_t *j;

	join(&peer, NULL, NULL);
	audience_handle_binary(&aud, &peer, 7, 0);
	expect_error(&peer, "binary_frame");
	/* 1,000 binary frames a second, the way a script floods: counted, answered once a second. */
	for (double t = 0.001; t < 2.0; t += 0.001)
		audience_handle_binary(&aud, &peer, 7, t);
	while ((j = next(&peer, 2))) {
		ck_assert_str_eq(json_string_value(json_object_get(j, "code")), "binary_frame");
		errors++;
		json_decref(j);
	}
	ck_assert_int_le(errors, 2);
	ck_assert_uint_gt(metrics.rejected[REJECT_RATE_LIMITED], 1900);
	ck_assert_uint_ge(metrics.messages_received, 2000);
	ck_assert_int_eq(peer.close_code, 0);
	/* Like any frame: kept up past throttle_close_s (3 s), the socket closes. */
	for (double t = 2.0; t < 4.0 && !peer.close_code; t += 0.001)
		audience_handle_binary(&aud, &peer, 7, t);
	ck_assert_int_eq(peer.close_code, 1008);
}
END_TEST

START_TEST(test_audience_a_phone_back_within_its_rate_is_forgiven)
{
	struct audience_peer peer;
	uint64_t seq = 0;

	join(&peer, NULL, NULL);
	for (double t = 0; t < 1.0; t += 0.01)
		say(&peer, t, "{\"type\":\"input\",\"seq\":%llu,\"control\":\"tap\"}",
		    (unsigned long long)++seq);
	for (double t = 1.0; t < 8.0; t += 0.2)
		say(&peer, t, "{\"type\":\"input\",\"seq\":%llu,\"control\":\"tap\"}",
		    (unsigned long long)++seq);
	ck_assert_int_eq(peer.close_code, 0);
	ck_assert(crowd_participant_throttle(crowd, peer.participant)->throttled_since < 0);
}
END_TEST

START_TEST(test_audience_venue_full_says_so_and_closes_1013)
{
	struct audience_peer peers[101];
	json_t *e;

	for (int i = 0; i < 100; i++)
		join(&peers[i], NULL, NULL);
	audience_peer_init(&aud, &peers[100], NULL, 0);
	say(&peers[100], 0, "{\"type\":\"hello\",\"token\":null}");
	e = next(&peers[100], 0);
	ck_assert_str_eq(json_string_value(json_object_get(e, "code")), "venue_full");
	ck_assert_int_gt(json_integer_value(json_object_get(e, "retry_ms")), 0);
	json_decref(e);
	ck_assert_int_eq(peers[100].close_code, 1013);
	ck_assert_int_lt(peers[100].participant, 0);
	ck_assert_uint_eq(crowd_connected(crowd), 100);
}
END_TEST

START_TEST(test_audience_outbox_stays_bounded_under_an_error_flood)
{
	struct audience_peer peer;
	int count = 0;
	json_t *j;

	audience_peer_init(&aud, &peer, NULL, 0);
	for (int i = 0; i < 1000; i++)
		say(&peer, 0, "{\"type\":\"input\",\"seq\":1,\"control\":\"tap\"}");
	while ((j = next(&peer, 0))) {
		count++;
		json_decref(j);
	}
	ck_assert_int_eq(count, AUDIENCE_ERRORS_MAX);
	/* Every frame is accounted for: refused as not joined, or dropped by the message rate. */
	ck_assert_uint_eq(metrics.rejected[REJECT_NOT_JOINED] + metrics.rejected[REJECT_RATE_LIMITED], 1000);
	ck_assert_uint_gt(metrics.rejected[REJECT_RATE_LIMITED], 900);
}
END_TEST

START_TEST(test_audience_ping_gets_pong_with_receive_and_send_times)
{
	struct audience_peer peer;
	json_t *p;

	join(&peer, NULL, NULL);
	say(&peer, 10.0, "{\"type\":\"ping\",\"t0\":555.5}");
	p = next(&peer, 10.002);
	ck_assert_str_eq(type_of(p), "pong");
	ck_assert_double_eq(json_number_value(json_object_get(p, "t0")), 555.5);
	ck_assert_double_eq_tol(json_number_value(json_object_get(p, "t1")), 10000.0, 1e-6);
	ck_assert_double_eq_tol(json_number_value(json_object_get(p, "t2")), 10002.0, 1e-6);
	json_decref(p);
}
END_TEST

START_TEST(test_audience_phones_behind_one_address_share_its_bucket)
{
	struct addrtable addrs;
	struct audience_peer a, b;
	struct addr_entry *ea, *eb;
	uint64_t seq = 0;

	/* Two sockets from one address: together they get the address's rate, not twice it. */
	ck_assert_int_eq(addrtable_init(&addrs, 8, 16), 0);
	ea = addrtable_acquire(&addrs, "10.0.0.7", 40, 0);
	eb = addrtable_acquire(&addrs, "10.0.0.7", 40, 0);
	ck_assert_ptr_eq(ea, eb);
	ck_assert_uint_eq(ea->connections, 2);
	join(&a, NULL, NULL);
	join(&b, NULL, NULL);
	a.addr = ea;
	b.addr = eb;
	cfg->limits.max_connections_per_address = 1;	/* address rate = one phone's */
	for (double t = 0; t < 1.0; t += 0.01) {
		say(&a, t, "{\"type\":\"input\",\"seq\":%llu,\"control\":\"tap\"}", (unsigned long long)++seq);
		say(&b, t, "{\"type\":\"input\",\"seq\":%llu,\"control\":\"tap\"}", (unsigned long long)seq);
	}
	ck_assert_uint_le(metrics.inputs_accepted[CONTROL_TAP], 20 + 10 + 1);
	addrtable_release(&addrs, ea);
	addrtable_release(&addrs, eb);
	addrtable_free(&addrs);
}
END_TEST

START_TEST(test_audience_address_connection_cap_refuses_the_extra_socket)
{
	struct addrtable addrs;

	ck_assert_int_eq(addrtable_init(&addrs, 8, 2), 0);
	ck_assert_ptr_nonnull(addrtable_acquire(&addrs, "10.0.0.7", 1, 0));
	ck_assert_ptr_nonnull(addrtable_acquire(&addrs, "10.0.0.7", 1, 0));
	ck_assert_ptr_null(addrtable_acquire(&addrs, "10.0.0.7", 1, 0));
	ck_assert_ptr_nonnull(addrtable_acquire(&addrs, "10.0.0.8", 1, 0));
	addrtable_free(&addrs);
}
END_TEST

START_TEST(test_audience_one_address_cannot_create_participants_without_end)
{
	struct addrtable addrs;
	struct audience_peer peers[40];
	struct addr_entry *e;
	int joined = 0, refused = 0;

	/* Connect, hello, vote, close, again: the loop that would stuff a poll. */
	ck_assert_int_eq(addrtable_init(&addrs, 8, 4), 0);
	for (int i = 0; i < 40; i++) {
		e = addrtable_acquire(&addrs, "10.0.0.9", 40, i * 0.01);
		ck_assert_ptr_nonnull(e);
		audience_peer_init(&aud, &peers[i], e, i * 0.01);
		say(&peers[i], i * 0.01, "{\"type\":\"hello\",\"token\":null}");
		if (peers[i].participant >= 0)
			joined++;
		else if (peers[i].close_code == 1008)
			refused++;
		audience_peer_closed(&aud, &peers[i], i * 0.01);
		addrtable_release(&addrs, e);
	}
	ck_assert_int_eq(joined, 4);	/* its connection cap, once; more only as minutes pass */
	ck_assert_int_eq(refused, 36);
	ck_assert_uint_eq(metrics.rejected[REJECT_TOO_MANY_JOINS], 36);
	addrtable_free(&addrs);
}
END_TEST

START_TEST(test_audience_reconnecting_does_not_refill_the_rate)
{
	struct audience_peer peer;
	char token[64];
	uint64_t seq = 0;

	join(&peer, token, NULL);
	/* Burst, reconnect, burst again: the bucket belongs to the participant, not the socket. */
	for (int round = 0; round < 5; round++) {
		for (int k = 0; k < 20; k++)
			say(&peer, round * 0.01, "{\"type\":\"input\",\"seq\":%llu,\"control\":\"tap\"}",
			    (unsigned long long)++seq);
		audience_peer_closed(&aud, &peer, round * 0.01);
		join(&peer, NULL, token);
	}
	ck_assert_uint_le(metrics.inputs_accepted[CONTROL_TAP], 20 + 1);
}
END_TEST

START_TEST(test_audience_a_resume_moves_the_participant_to_the_new_connection)
{
	struct audience_peer old, fresh;
	char token[64];
	uint32_t t[3];

	join(&old, token, NULL);
	old.on_socket = true;	/* a phone's socket, which net is asked to close (a simulated one reads its close) */
	say(&old, 1, "{\"type\":\"vote\",\"seq\":1,\"poll\":\"song\",\"choice\":0}");
	/* The phone switched from Wi-Fi to cellular; its old socket is not dead yet. */
	join(&fresh, NULL, token);
	ck_assert(fresh.resumed);
	ck_assert_int_eq(fresh.participant, 0);
	ck_assert_int_lt(old.participant, 0);
	ck_assert_int_eq(old.close_code, AUDIENCE_CLOSE_RESUMED_ELSEWHERE);
	ck_assert_ptr_eq(aud.displaced, &old);
	say(&fresh, 2, "{\"type\":\"vote\",\"seq\":2,\"poll\":\"song\",\"choice\":0}");
	crowd_poll_tallies(crowd, 0, t);
	ck_assert_uint_eq(t[0], 1);	/* one phone, one vote */
	audience_peer_closed(&aud, &old, 3);	/* the old socket finally closes */
	ck_assert_uint_eq(crowd_connected(crowd), 1);
}
END_TEST

/* A full venue still takes a phone back on its new network: a takeover adds nobody. */
START_TEST(test_audience_a_takeover_at_full_capacity_keeps_the_phones_place)
{
	struct audience_peer peers[100], fresh, stranger;
	char token[64];
	json_t *e;

	join(&peers[0], token, NULL);
	for (int i = 1; i < 100; i++)
		join(&peers[i], NULL, NULL);
	ck_assert_uint_eq(crowd_connected(crowd), 100);
	join(&fresh, NULL, token);
	ck_assert(fresh.resumed);
	ck_assert_int_eq(peers[0].close_code, AUDIENCE_CLOSE_RESUMED_ELSEWHERE);
	ck_assert_uint_eq(crowd_connected(crowd), 100);
	/* A new phone is still refused: the venue is as full as before. */
	audience_peer_init(&aud, &stranger, NULL, 0);
	say(&stranger, 0, "{\"type\":\"hello\",\"token\":null}");
	e = next(&stranger, 0);
	ck_assert_str_eq(json_string_value(json_object_get(e, "code")), "venue_full");
	json_decref(e);
}
END_TEST

/* A hello from @address without a token; the peer as the daemon left it. */
static void hello_from(struct addrtable *addrs, struct audience_peer *peer, const char *address, double now)
{
	audience_peer_init(&aud, peer, addrtable_acquire(addrs, address, 40, now), now);
	say(peer, now, "{\"type\":\"hello\",\"token\":null}");
}

/* Reload, cleared storage, a new participant: a mute stays on the phone until the operator lifts it. */
START_TEST(test_audience_a_mute_outlives_a_reconnect_without_a_token)
{
	struct addrtable addrs;
	struct audience_peer first, again, other, after;
	char id[16];

	ck_assert_int_eq(addrtable_init(&addrs, 8, 4), 0);
	hello_from(&addrs, &first, "10.0.0.7", 0);
	strcpy(id, crowd_participant_id(crowd, first.participant));
	ck_assert_int_eq(audience_mute(&aud, id, true), 0);
	audience_peer_closed(&aud, &first, 1);
	hello_from(&addrs, &again, "10.0.0.7", 2);
	ck_assert_int_ge(again.participant, 0);
	ck_assert_str_ne(crowd_participant_id(crowd, again.participant), id);	/* a new participant... */
	ck_assert(crowd_participant_muted(crowd, again.participant));		/* ...still muted */
	hello_from(&addrs, &other, "10.0.0.8", 2);
	ck_assert(!crowd_participant_muted(crowd, other.participant));	/* another phone is not */
	/* The operator lifts it by the id they muted: the phone's new participant is heard again. */
	ck_assert_int_eq(audience_mute(&aud, id, false), 0);
	audience_peer_closed(&aud, &again, 3);
	hello_from(&addrs, &after, "10.0.0.7", 4);
	ck_assert(!crowd_participant_muted(crowd, after.participant));
	addrtable_free(&addrs);
}
END_TEST

START_TEST(test_audience_a_removal_outlives_a_reconnect_until_the_operator_readmits)
{
	struct addrtable addrs;
	struct audience_peer first, again, other, after;
	char id[16];
	json_t *e;

	ck_assert_int_eq(addrtable_init(&addrs, 8, 4), 0);
	hello_from(&addrs, &first, "10.0.0.7", 0);
	strcpy(id, crowd_participant_id(crowd, first.participant));
	ck_assert_int_eq(audience_kick(&aud, id, 1), 0);
	ck_assert_int_eq(first.close_code, AUDIENCE_CLOSE_REMOVED);
	audience_peer_closed(&aud, &first, 1);
	hello_from(&addrs, &again, "10.0.0.7", 2);
	ck_assert_int_lt(again.participant, 0);
	ck_assert_int_eq(again.close_code, AUDIENCE_CLOSE_REMOVED);
	e = next(&again, 2);
	ck_assert_str_eq(json_string_value(json_object_get(e, "code")), "removed");
	json_decref(e);
	hello_from(&addrs, &other, "10.0.0.8", 2);
	ck_assert_int_ge(other.participant, 0);
	ck_assert_int_eq(audience_readmit(&aud, "p-00000000"), -1);	/* nobody removed by that id */
	ck_assert_int_eq(audience_readmit(&aud, id), 0);
	hello_from(&addrs, &after, "10.0.0.7", 3);
	ck_assert_int_ge(after.participant, 0);
	addrtable_free(&addrs);
}
END_TEST

static Suite *audience_suite(void)
{
	Suite *s = suite_create("net_audience");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_audience_hello_gets_welcome_with_id_token_and_zone);
	tcase_add_test(tc, test_audience_input_before_hello_is_refused_not_joined);
	tcase_add_test(tc, test_audience_unknown_zone_joins_first_zone_with_an_error);
	tcase_add_test(tc, test_audience_second_hello_is_refused_already_joined);
	tcase_add_test(tc, test_audience_accepted_inputs_are_acked_once_in_the_next_state);
	tcase_add_test(tc, test_audience_sync_and_visibility_set_what_the_stream_sends);
	tcase_add_test(tc, test_audience_malformed_messages_get_errors_and_change_nothing);
	tcase_add_test(tc, test_audience_control_not_in_this_cue_is_refused);
	tcase_add_test(tc, test_audience_a_venue_freeze_refuses_every_input_and_vote);
	tcase_add_test(tc, test_audience_votes_on_closed_or_unknown_polls_are_refused);
	tcase_add_test(tc, test_audience_resend_after_reconnect_never_double_votes);
	tcase_add_test(tc, test_audience_resumed_welcome_reports_votes_and_last_seq);
	tcase_add_test(tc, test_audience_flood_is_throttled_then_closed_1008);
	tcase_add_test(tc, test_audience_binary_flood_is_throttled_then_closed_1008);
	tcase_add_test(tc, test_audience_a_flooding_phone_closed_is_in_the_journal_once);
	tcase_add_test(tc, test_audience_a_phone_back_within_its_rate_is_forgiven);
	tcase_add_test(tc, test_audience_venue_full_says_so_and_closes_1013);
	tcase_add_test(tc, test_audience_outbox_stays_bounded_under_an_error_flood);
	tcase_add_test(tc, test_audience_ping_gets_pong_with_receive_and_send_times);
	tcase_add_test(tc, test_audience_phones_behind_one_address_share_its_bucket);
	tcase_add_test(tc, test_audience_address_connection_cap_refuses_the_extra_socket);
	tcase_add_test(tc, test_audience_one_address_cannot_create_participants_without_end);
	tcase_add_test(tc, test_audience_reconnecting_does_not_refill_the_rate);
	tcase_add_test(tc, test_audience_a_resume_moves_the_participant_to_the_new_connection);
	tcase_add_test(tc, test_audience_a_takeover_at_full_capacity_keeps_the_phones_place);
	tcase_add_test(tc, test_audience_a_mute_outlives_a_reconnect_without_a_token);
	tcase_add_test(tc, test_audience_a_removal_outlives_a_reconnect_until_the_operator_readmits);
	tcase_add_test(tc, test_audience_forget_me_ends_the_participant_and_keeps_its_vote_as_a_count);
	tcase_add_test(tc, test_audience_forget_before_the_welcome_went_gets_no_welcome);
	tcase_add_test(tc, test_audience_after_the_show_nobody_joins_and_a_phone_asks_by_token);
	tcase_add_test(tc, test_audience_welcome_vote_ack_and_forgotten_wait_for_the_journal);
	tcase_add_test(tc, test_audience_a_closed_phone_leaves_the_held_list);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(audience_suite());
}
