/*
 * check_journal_recap.c - one participant's recap from a real journal
 * written through the journal API: their taps and busiest moment with its
 * cue, when their zone led, a won and a lost vote, their wall text, their
 * share of the crowd; nothing of another participant (id, token, text);
 * an unknown token, a forgotten one, and one purged by retention find
 * nothing.
 */
#include <check.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "journal_recap.h"
#include "test_util.h"

static const char config[] =
	"{\"name\":\"Club\",\"zones\":[{\"id\":\"left\",\"name\":\"Left side\"},{\"id\":\"right\",\"name\":\"Right side\"}],"
	"\"cues\":[{\"id\":\"welcome\",\"title\":\"Welcome\"},"
	"{\"id\":\"pulse\",\"title\":\"Pulse\"},"
	"{\"id\":\"vote\",\"title\":\"Your pick\",\"poll\":{\"id\":\"next\",\"question\":\"What next?\","
	"\"options\":[\"Anthem\",\"Ballad\"]}},"
	"{\"id\":\"vote2\",\"title\":\"Encore\",\"poll\":{\"id\":\"encore\",\"question\":\"One more?\","
	"\"options\":[\"Yes\",\"No\"]}}]}";
static const char token_mine[] = "mmmmmmmmmmmmmmmmmmmmmm";
static const char token_other[] = "oooooooooooooooooooooo";
static char path[64];

static void setup(void)
{
	char dir[] = "/tmp/tutti-recap-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/show.db", dir);
}

static struct journal *open_show(void)
{
	struct journal_options o = { .path = path, .mode = JOURNAL_CONTINUE,
				     .show = { .venue = "Club", .config = config, .config_len = strlen(config) } };
	char err[512] = "";
	bool resumed;
	struct journal *j = journal_open(&o, &resumed, err, sizeof(err));

	ck_assert_msg(j != NULL, "%s", err);
	ck_assert_int_eq(journal_start(j, NULL, NULL), 0);
	return j;
}

static uint64_t push(struct journal *j, enum journal_kind kind, double t, const char *who, int a, int b,
		     const char *text)
{
	struct journal_event e = { .kind = (uint8_t)kind, .t = t, .a = a, .b = b };

	snprintf(e.participant, sizeof(e.participant), "%s", who);
	snprintf(e.text, sizeof(e.text), "%s", text);
	return journal_push(j, &e);
}

static void wait_committed(struct journal *j, uint64_t seq)
{
	for (int i = 0; i < 500 && journal_committed(j) < seq; i++)
		usleep(10000);
	ck_assert_uint_ge(journal_committed(j), seq);
}

/* Poll @poll's cue goes at @t, the poll opens, a, b and c vote @choices, and it closes. */
static void a_poll(struct journal *j, int poll, double t, const int choices[3])
{
	static const char *const voters[3] = { "p-0000000a", "p-0000000b", "p-0000000c" };

	push(j, JOURNAL_CUE, t, "", 2 + poll, 0, "go");
	push(j, JOURNAL_POLL, t, "", poll, 1, "open");
	for (int i = 0; i < 3; i++)
		push(j, JOURNAL_VOTE, t + 1 + i, voters[i], poll, choices[i], "");
	push(j, JOURNAL_POLL, t + 10, "", poll, 0, "close");
}

/*
 * Mine (left) and another (right) join. Cue "Pulse" from 20 s: I tap 12
 * times at 25 s (the other 3), the other taps 9 times at 45 s. Poll 0
 * closes with me and a third on Anthem (won); poll 1 with me on No against
 * two Yes (lost). One wall text each.
 */
static void a_show(void)
{
	struct journal *j = open_show();
	uint64_t last;

	push(j, JOURNAL_JOIN, 0, "p-0000000a", 0, 0, token_mine);
	push(j, JOURNAL_JOIN, 0, "p-0000000b", 1, 0, token_other);
	push(j, JOURNAL_JOIN, 0, "p-0000000c", 1, 0, "cccccccccccccccccccccc");
	push(j, JOURNAL_CUE, 0, "", 0, 0, "go");
	push(j, JOURNAL_CUE, 20, "", 1, 0, "go");
	for (int i = 0; i < 12; i++)
		push(j, JOURNAL_INPUT, 25 + i * 0.1, "p-0000000a", CONTROL_TAP, 0, "");
	for (int i = 0; i < 3; i++)
		push(j, JOURNAL_INPUT, 26 + i * 0.1, "p-0000000b", CONTROL_TAP, 0, "");
	for (int i = 0; i < 9; i++)
		push(j, JOURNAL_INPUT, 45 + i * 0.1, "p-0000000b", CONTROL_TAP, 0, "");
	push(j, JOURNAL_INPUT, 46, "p-0000000a", CONTROL_SLIDER, 0, "");
	a_poll(j, 0, 60, (const int[]){ 0, 1, 0 });
	a_poll(j, 1, 80, (const int[]){ 1, 0, 0 });
	push(j, JOURNAL_WALL, 91, "p-0000000a", 1, 0, "Happy birthday Sam");
	last = push(j, JOURNAL_WALL, 92, "p-0000000b", 2, 0, "Secret words of another");
	wait_committed(j, last);
	journal_close(j);
}

static json_t *recap_of(const char *token, char **text)
{
	sqlite3 *db;
	json_t *r;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	*text = journal_recap_json(db, token, NULL);
	sqlite3_close(db);
	ck_assert_ptr_nonnull(*text);
	r = json_loads(*text, 0, NULL);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(json_string_value(json_object_get(r, "type")), "recap");
	return r;
}

START_TEST(test_a_recap_holds_what_they_did_and_nothing_of_anyone_else)
{
	char *text;
	json_t *r, *m, *v, *share;

	a_show();
	r = recap_of(token_mine, &text);
	ck_assert(json_is_true(json_object_get(r, "found")));
	ck_assert_str_eq(json_string_value(json_object_get(r, "venue")), "Club");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(r, "inputs"), "tap")), 12);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(r, "inputs"), "slider")), 1);
	/* The busiest moment: the window at 20 s, in "Pulse". */
	m = json_array_get(json_object_get(r, "moments"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(m, "cue")), "Pulse");
	ck_assert_int_eq(json_integer_value(json_object_get(m, "taps")), 12);
	ck_assert_double_eq(json_number_value(json_object_get(m, "t")), 20000.0);
	/* Left led the window at 20 s (12 against 3), right the one at 40 s. */
	v = json_object_get(r, "zone_led");
	ck_assert_str_eq(json_string_value(json_object_get(v, "zone")), "Left side");
	ck_assert_double_eq(json_number_value(json_object_get(v, "seconds")), RECAP_WINDOW_S);
	ck_assert_int_eq(json_array_size(json_object_get(v, "moments")), 1);
	/* A won and a lost vote. */
	v = json_object_get(r, "votes");
	ck_assert_int_eq(json_array_size(v), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(v, 0), "question")), "What next?");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(v, 0), "choice")), "Anthem");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(v, 0), "result")), "won");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(v, 1), "choice")), "No");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(v, 1), "result")), "lost");
	/* Their wall text, and only theirs. */
	v = json_object_get(r, "wall");
	ck_assert_int_eq(json_array_size(v), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(v, 0), "text")), "Happy birthday Sam");
	/* 13 of the 25 inputs, 2 of the 6 votes; the crowd as totals only. */
	share = json_object_get(r, "share");
	ck_assert_double_eq_tol(json_number_value(json_object_get(share, "inputs_pct")), 52.0, 0.01);
	ck_assert_double_eq_tol(json_number_value(json_object_get(share, "votes_pct")), 100.0 / 3, 0.01);
	ck_assert_int_eq(json_integer_value(json_object_get(share, "crowd_inputs")), 25);
	ck_assert_int_eq(json_integer_value(json_object_get(share, "crowd_participants")), 3);
	/* Nothing of another participant: no id (not even its own), token or text. */
	ck_assert_ptr_null(strstr(text, "p-0000000"));
	ck_assert_ptr_null(strstr(text, token_other));
	ck_assert_ptr_null(strstr(text, token_mine));
	ck_assert_ptr_null(strstr(text, "Secret"));
	/* The crowd's part read once and kept (the reader's way) gives the same recap. */
	{
		struct journal_recap_crowd crowd;
		sqlite3 *db;
		char *kept;

		ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
		ck_assert_int_eq(journal_recap_crowd_read(db, &crowd), 0);
		kept = journal_recap_json(db, token_mine, &crowd);
		ck_assert_str_eq(kept, text);
		free(kept);
		journal_recap_crowd_free(&crowd);
		sqlite3_close(db);
	}
	json_decref(r);
	free(text);
}
END_TEST

START_TEST(test_an_unknown_a_forgotten_and_a_purged_token_find_nothing)
{
	char *text;
	json_t *r;
	struct journal *j;
	struct journal_purge p;
	double days;
	char err[256];

	a_show();
	r = recap_of("nobodynobodynobodynobo", &text);
	ck_assert(json_is_false(json_object_get(r, "found")));
	json_decref(r);
	free(text);

	/* Forgotten by its token (a phone after the show): nothing left, the other's recap stays. */
	j = open_show();
	wait_committed(j, push(j, JOURNAL_FORGET, 100, "", 0, 0, token_mine));
	journal_close(j);
	r = recap_of(token_mine, &text);
	ck_assert(json_is_false(json_object_get(r, "found")));
	json_decref(r);
	free(text);
	r = recap_of(token_other, &text);
	ck_assert(json_is_true(json_object_get(r, "found")));
	ck_assert_ptr_nonnull(strstr(text, "Secret words"));	/* its own text, to itself */
	json_decref(r);
	free(text);

	/* Past the retention period, nobody's recap is kept. */
	{
		sqlite3 *db;

		ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
		ck_assert_int_eq(sqlite3_exec(db, "UPDATE show SET ended_unix = ended_unix - 31 * 86400.0", NULL, NULL,
					      NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	ck_assert_int_eq(journal_purge_file(path, &p, &days, err, sizeof(err)), 0);
	ck_assert(p.due);
	r = recap_of(token_other, &text);
	ck_assert(json_is_false(json_object_get(r, "found")));
	json_decref(r);
	free(text);
}
END_TEST

static Suite *journal_recap_suite(void)
{
	Suite *s = suite_create("journal_recap");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_a_recap_holds_what_they_did_and_nothing_of_anyone_else);
	tcase_add_test(tc, test_an_unknown_a_forgotten_and_a_purged_token_find_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(journal_recap_suite());
}
