/*
 * check_osc.c - OSC to stage gear, received by a real liblo server on
 * loopback: values follow the crowd through each message's mapping, at
 * each message's rate; a cue change is announced on /tutti/cue and stops
 * the old cue's messages; the config refuses what would fail at a show.
 */
#include <check.h>
#include <jansson.h>
#include <lo/lo.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "osc_in.h"
#include "osc_out.h"
#include "test_util.h"

#define MAX_MSGS 512

static struct {
	pthread_mutex_t lock;
	int n;
	char path[MAX_MSGS][32];
	float value[MAX_MSGS];
	int cue[MAX_MSGS];
	char cue_id[MAX_MSGS][32];
} got = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int on_message(const char *path, const char *types, lo_arg **argv, int argc, lo_message m, void *user)
{
	(void)m;
	(void)user;
	pthread_mutex_lock(&got.lock);
	if (got.n < MAX_MSGS) {
		snprintf(got.path[got.n], sizeof(got.path[0]), "%s", path);
		/* Copied out: liblo's arguments may sit where an lo_arg member read is misaligned. */
		if (argc == 1 && types[0] == 'f')
			memcpy(&got.value[got.n], (const void *)argv[0], sizeof(float));
		if (argc == 2 && types[0] == 'i' && types[1] == 's') {
			memcpy(&got.cue[got.n], (const void *)argv[0], sizeof(int32_t));
			snprintf(got.cue_id[got.n], sizeof(got.cue_id[0]), "%s", (const char *)argv[1]);
		}
		got.n++;
	}
	pthread_mutex_unlock(&got.lock);
	return 0;
}

/* Waits until the server has taken everything sent so far (loopback UDP: milliseconds). */
static int settle(void)
{
	int n, last = -1;

	for (int i = 0; i < 50; i++) {
		usleep(20000);
		pthread_mutex_lock(&got.lock);
		n = got.n;
		pthread_mutex_unlock(&got.lock);
		if (n == last)
			break;
		last = n;
	}
	return n;
}

START_TEST(test_osc_values_follow_the_crowd_at_their_rate_and_cue)
{
	lo_server_thread server = lo_server_thread_new_with_proto(NULL, LO_UDP, NULL);
	char json[1024], err[256];
	struct venue_config *cfg;
	struct osc_out *o;
	struct show_frame f;
	int energy_first = 0, energy_second = 0, slider = 0, after_change = 0, n;
	double t = 0;

	ck_assert_ptr_nonnull(server);
	lo_server_thread_add_method(server, NULL, NULL, on_message, NULL);
	lo_server_thread_start(server);
	snprintf(json, sizeof(json),
		 "{'name':'V','capacity':10,'osc':{'targets':[{'id':'desk','host':'127.0.0.1','port':%d}]},"
		 "'cues':[{'id':'energy','scene':'crowd-field','controls':['tap','slider'],'osc':["
		 "{'target':'desk','address':'/tutti/energy','source':'taps_per_s','to':[0,1]},"
		 "{'target':'desk','address':'/lights/dimmer','source':'slider_mean','to':[0,255],'rate_hz':10}]},"
		 "{'id':'quiet','scene':'title'}]}", lo_server_thread_get_port(server));
	for (char *c = json; *c; c++)
		*c = *c == '\'' ? '"' : *c;
	cfg = test_config(json);
	o = osc_out_create(cfg, err, sizeof(err));
	ck_assert_msg(o != NULL, "%s", err);
	memset(&f, 0, sizeof(f));
	f.zone_count = 1;
	f.poll.index = -1;
	f.venue.slider_n = 3;
	f.venue.slider_mean = 0.5;
	/* One second tapping at 10 a second, one at 40, ticked at 60 Hz like the daemon. */
	for (int i = 0; i < 120; i++, t += 1.0 / 60) {
		f.venue.taps_per_s = i < 60 ? 10 : 40;
		osc_out_tick(o, &f, t);
	}
	f.cue_index = 1;
	for (int i = 0; i < 60; i++, t += 1.0 / 60)
		osc_out_tick(o, &f, t);
	n = settle();
	ck_assert_str_eq(got.path[0], "/tutti/cue");
	ck_assert_int_eq(got.cue[0], 0);
	ck_assert_str_eq(got.cue_id[0], "energy");
	for (int i = 1; i < n; i++) {
		if (strcmp(got.path[i], "/tutti/cue") == 0) {
			ck_assert_int_eq(got.cue[i], 1);
			ck_assert_str_eq(got.cue_id[i], "quiet");
			after_change = n - i - 1;
			break;
		}
		if (strcmp(got.path[i], "/tutti/energy") == 0) {
			/* taps_per_s 0..50 onto 0..1 */
			if (energy_first + energy_second < 20) {
				ck_assert_float_eq_tol(got.value[i], 0.2f, 1e-6f);
				energy_first++;
			} else {
				ck_assert_float_eq_tol(got.value[i], 0.8f, 1e-6f);
				energy_second++;
			}
		} else {
			ck_assert_str_eq(got.path[i], "/lights/dimmer");
			ck_assert_float_eq_tol(got.value[i], 127.5f, 1e-4f);
			slider++;
		}
	}
	ck_assert_int_eq(energy_first, 20);	/* 20 Hz by default */
	ck_assert_int_eq(energy_second, 20);
	ck_assert_int_eq(slider, 20);		/* 10 Hz */
	ck_assert_int_eq(after_change, 0);	/* "quiet" sends nothing */
	ck_assert_uint_eq(osc_out_sent(o), (uint64_t)n);
	ck_assert_uint_eq(osc_out_errors(o), 0);
	osc_out_destroy(o);
	config_destroy(cfg);
	lo_server_thread_free(server);
}
END_TEST

static void expect_error(const char *sq, const char *pointer, const char *says)
{
	char json[1024];
	struct config_errors errors = { 0 };
	struct venue_config *cfg;
	bool found = false;

	snprintf(json, sizeof(json), "%s", sq);
	for (char *c = json; *c; c++)
		*c = *c == '\'' ? '"' : *c;
	cfg = config_parse(json, strlen(json), "test.json", &errors);
	ck_assert_ptr_null(cfg);
	for (size_t i = 0; i < errors.count; i++)
		if (strcmp(errors.items[i].pointer, pointer) == 0 && strstr(errors.items[i].message, says))
			found = true;
	ck_assert_msg(found, "no error at %s saying %s (first: %s: %s)", pointer, says,
		      errors.count ? errors.items[0].pointer : "", errors.count ? errors.items[0].message : "");
	config_errors_free(&errors);
}

#define OSC_TARGET "'osc':{'targets':[{'id':'desk','host':'127.0.0.1','port':7770}]},"
#define CUE_WITH(send) "'cues':[{'id':'a','scene':'title','osc':[" send "]}]}"

START_TEST(test_osc_config_refuses_what_would_fail_at_the_show)
{
	expect_error("{'name':'V','capacity':10,'osc':{'targets':[{'id':'desk','host':'desk.local','port':7770}]},"
		     CUE_WITH(""), "/osc/targets/0/host", "not an IP address");
	expect_error("{'name':'V','capacity':10," OSC_TARGET
		     CUE_WITH("{'target':'vj','address':'/x','source':'taps_per_s','to':[0,1]}"),
		     "/cues/0/osc/0/target", "unknown OSC target \"vj\"");
	expect_error("{'name':'V','capacity':10," OSC_TARGET
		     CUE_WITH("{'target':'desk','address':'energy','source':'taps_per_s','to':[0,1]}"),
		     "/cues/0/osc/0/address", "starts with /");
	expect_error("{'name':'V','capacity':10," OSC_TARGET
		     CUE_WITH("{'target':'desk','address':'/x','source':'taps','to':[0,1]}"),
		     "/cues/0/osc/0/source", "unknown source");
	expect_error("{'name':'V','capacity':10," OSC_TARGET
		     CUE_WITH("{'target':'desk','address':'/x','source':'taps_per_s','to':[0,1],'rate_hz':1000}"),
		     "/cues/0/osc/0/rate_hz", "");
}
END_TEST

struct heard {
	int n;
	char who[8][80];
	char command[8][192];
};

static void hear(void *user, const char *who, const char *command)
{
	struct heard *h = user;

	if (h->n < 8) {
		snprintf(h->who[h->n], sizeof(h->who[0]), "%s", who);
		snprintf(h->command[h->n], sizeof(h->command[0]), "%s", command);
		h->n++;
	}
}

/* Sends @m to 127.0.0.1:@port from the source address @from (any 127.0.0.0/8 address). */
static void send_from(const char *from, int port, const char *path, lo_message m)
{
	struct sockaddr_in src = { .sin_family = AF_INET }, dst = { .sin_family = AF_INET };
	char buf[512];
	size_t len = sizeof(buf);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	inet_pton(AF_INET, from, &src.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
	dst.sin_port = htons((uint16_t)port);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&src, sizeof(src)), 0);
	ck_assert_ptr_nonnull(lo_message_serialise(m, path, buf, &len));
	ck_assert_int_eq(sendto(fd, buf, len, 0, (struct sockaddr *)&dst, sizeof(dst)), (ssize_t)len);
	close(fd);
}

/* A free UDP port on loopback (liblo picks one; it is released for the code under test). */
static int free_port(void)
{
	lo_server s = lo_server_new_with_proto(NULL, LO_UDP, NULL);
	int port = lo_server_get_port(s);

	lo_server_free(s);
	return port;
}

START_TEST(test_osc_input_is_taken_only_from_allowed_addresses)
{
	char json[512], err[256];
	struct venue_config *cfg;
	struct osc_in *in;
	struct heard h = { 0 };
	int port = free_port();
	lo_message go = lo_message_new(), jump = lo_message_new(), mix = lo_message_new(),
		   poll = lo_message_new(), odd = lo_message_new(), control = lo_message_new();

	snprintf(json, sizeof(json),
		 "{'name':'V','capacity':10,'osc':{'input':{'port':%d,'allow_from':['127.0.0.1']}},"
		 "'cues':[{'id':'a','scene':'title'},{'id':'b','scene':'title'}]}", port);
	for (char *c = json; *c; c++)
		*c = *c == '\'' ? '"' : *c;
	cfg = test_config(json);
	in = osc_in_create(cfg, err, sizeof(err));
	ck_assert_msg(in != NULL, "%s", err);
	lo_message_add_string(jump, "encore\"}");	/* a quote cannot break out of the command */
	lo_message_add_int32(mix, 2);
	lo_message_add_float(mix, 0.25f);
	lo_message_add_string(poll, "song");
	lo_message_add_int32(odd, 5);
	lo_message_add_string(control, "filter_cutoff");
	lo_message_add_float(control, 2400.0f);
	send_from("127.0.0.1", port, "/tutti/go", go);
	send_from("127.0.0.2", port, "/tutti/go", go);		/* not the artist's controller */
	send_from("127.0.0.1", port, "/tutti/cue", jump);
	send_from("127.0.0.1", port, "/tutti/mix", mix);
	send_from("127.0.0.1", port, "/tutti/poll/reveal", poll);
	send_from("127.0.0.1", port, "/tutti/self-destruct", odd);	/* not a command */
	send_from("127.0.0.1", port, "/tutti/control", control);
	for (int i = 0; i < 50 && osc_in_refused(in) + (uint64_t)h.n < 7; i++) {
		usleep(20000);
		osc_in_drain(in, hear, &h);
	}
	ck_assert_int_eq(h.n, 5);
	ck_assert_str_eq(h.who[0], "osc 127.0.0.1");
	ck_assert_str_eq(h.command[0], "{\"cmd\":\"cue.go\"}");
	ck_assert_str_eq(h.command[1], "{\"cmd\":\"cue.jump\",\"cue\":\"encore}\"}");
	ck_assert_str_eq(h.command[2], "{\"cmd\":\"mix.set\",\"mapping\":2,\"crowd\":0.25}");
	ck_assert_str_eq(h.command[3], "{\"cmd\":\"poll.reveal\",\"poll\":\"song\"}");
	ck_assert_str_eq(h.command[4], "{\"cmd\":\"artist.control\",\"target\":\"filter_cutoff\",\"value\":2400}");
	ck_assert_uint_eq(osc_in_refused(in), 2);
	lo_message_free(go);
	lo_message_free(jump);
	lo_message_free(mix);
	lo_message_free(poll);
	lo_message_free(odd);
	lo_message_free(control);
	osc_in_destroy(in);
	config_destroy(cfg);
}
END_TEST

/* A mix share that is not a number is no command; a huge one still makes JSON (found by fuzzing). */
START_TEST(test_osc_mix_share_must_be_a_number)
{
	lo_message m = lo_message_new();
	char out[192];
	json_t *j;

	lo_message_add_int32(m, 0);
	lo_message_add_double(m, NAN);
	osc_in_command("/tutti/mix", lo_message_get_types(m), lo_message_get_argv(m), lo_message_get_argc(m), out,
		       sizeof(out));
	ck_assert_str_eq(out, "");
	lo_message_free(m);

	m = lo_message_new();
	lo_message_add_int32(m, 0);
	lo_message_add_double(m, 1e300);
	osc_in_command("/tutti/mix", lo_message_get_types(m), lo_message_get_argv(m), lo_message_get_argc(m), out,
		       sizeof(out));
	j = json_loads(out, 0, NULL);
	ck_assert_msg(j != NULL, "not JSON: %s", out);
	ck_assert_double_eq(json_number_value(json_object_get(j, "crowd")), 1e300);
	json_decref(j);
	lo_message_free(m);
}
END_TEST

static Suite *osc_suite(void)
{
	Suite *s = suite_create("osc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_osc_values_follow_the_crowd_at_their_rate_and_cue);
	tcase_add_test(tc, test_osc_config_refuses_what_would_fail_at_the_show);
	tcase_add_test(tc, test_osc_input_is_taken_only_from_allowed_addresses);
	tcase_add_test(tc, test_osc_mix_share_must_be_a_number);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(osc_suite());
}
