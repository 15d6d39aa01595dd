/*
 * main.c - the load generator's command line and report. See loadgen.h
 * and bench/README.md for the scenarios.
 *
 *   loadgen --port 8080 --phones 5000 --join-over 10 --active 5000 --rate 5 \
 *           --duration 60 --pid $(pidof tutti) --json run.json
 *   loadgen --port 8081,8082,8083 --phones 15000 --reconnect ...    (three edges)
 *
 * Prints one summary line and writes every figure as JSON. Exit status: 0,
 * 1 with --fail-on-errors when a phone was lost, could not connect, got a
 * protocol error, came back as a new participant although it held a
 * token, or the daemon died; 2 on bad arguments. With --reconnect a lost
 * connection is expected (the daemon was killed) and is no failure.
 */
#include "loadgen.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *to)
{
	fprintf(to,
		"usage: loadgen [options]\n"
		"  --host ADDR          the daemon, a loopback address (default 127.0.0.1)\n"
		"  --port N[,N...]      its port (default 8080); or the ports of a cluster's edges, up to %d:\n"
		"                       phone i connects to the (i mod n)-th, and with --reconnect every try\n"
		"                       after a loss moves on to the next\n"
		"  --probe-port N       the daemon whose /metrics the report reads, with --pid its process (default:\n"
		"                       the first --port; for edges, the core's port)\n"
		"  --protocol v1|v2     the audience protocol the phones speak (default v2; v1 for a server\n"
		"                       that speaks tutti.audience.v1)\n"
		"  --phones N           phones that join (default 100, at most %d)\n"
		"  --join-over S        the join storm: all N start within S seconds (default 0: at once)\n"
		"  --active M           phones sending inputs in the steady phase (default 0)\n"
		"  --rate R             inputs per second per active phone (default 5)\n"
		"  --control NAME       tap or slider (default tap)\n"
		"  --duration S         the steady phase (default 10)\n"
		"  --vote-at S          S seconds into it, every phone votes within 2 s (needs an open poll)\n"
		"  --churn SHARE        that share of phones leave and resume by token every period\n"
		"  --churn-every S      the churn period (default 60)\n"
		"  --ping-every S       clock sync pings per phone (default 3, as the phone app)\n"
		"  --sources N          spread over 127.0.0.2 .. 127.0.0.(N+1) (default 253)\n"
		"  --timeout S          the whole run's bound (default: join + duration + 60)\n"
		"  --pid PID            the daemon, for RSS and CPU from /proc\n"
		"  --json FILE          write every figure there\n"
		"  --label NAME         the scenario's name in the report\n"
		"  --fail-on-errors     exit 1 on lost or failed connections, protocol errors, failed resumes,\n"
		"                       a dead daemon\n"
		"  --inputs-at-join     the active phones send inputs from their welcome on (default: from\n"
		"                       the steady phase, once everyone joined)\n"
		"  --vote-polls         every phone votes once, at random, in every poll it sees open\n"
		"  --reconnect          a lost phone tries again 0.2-2 s later (backing off while the daemon is\n"
		"                       down), resumes with its token and re-sends a vote that was never acked;\n"
		"                       the report's failover line: joined phones lost, resumed, the share\n"
		"                       resumed within %d s, and the loss-to-welcome times\n"
		"  --silence-limit S    with --reconnect: a phone that heard nothing for S seconds (its link died\n"
		"                       in silence) drops the connection and comes back, as the phone app does\n"
		"  --ledger FILE        append a line per acknowledged fact as it arrives (bench/README.md):\n"
		"                         TIME welcome PHONE ID TOKEN new|resumed\n"
		"                         TIME vote PHONE ID POLL CHOICE SEQ\n"
		"                         TIME cue INDEX\n"
		"  --seed N             the run's randomness (default 0)\n",
		LG_PORTS_MAX, LG_PHONES_MAX, LG_FAILOVER_LIMIT_S);
}

/* --port: one port or several, comma-separated ("8081,8082,8083"). 0, or -1 when one is not a port. */
static int parse_ports(const char *v, struct lg_options *o)
{
	char *end;

	o->n_ports = 0;
	for (const char *at = v;; at = end + 1) {
		long port = strtol(at, &end, 10);

		if (end == at || port < 1 || port > 65535 || o->n_ports == LG_PORTS_MAX || (*end && *end != ',')) {
			fprintf(stderr, "loadgen: --port takes 1 to %d ports (1..65535) separated by commas, got %s\n",
				LG_PORTS_MAX, v);
			return -1;
		}
		o->ports[o->n_ports++] = (int)port;
		if (!*end)
			return 0;
	}
}

static int parse_args(int argc, char **argv, struct lg_options *o)
{
	snprintf(o->host, sizeof(o->host), "127.0.0.1");
	o->ports[0] = 8080;
	o->n_ports = 1;
	o->protocol = LG_V2;
	o->phones = 100;
	o->rate = 5;
	o->control = "tap";
	o->duration_s = 10;
	o->vote_at_s = -1;
	o->churn_every_s = 60;
	o->ping_every_s = 3;
	o->sources = LG_SOURCES_MAX;
	o->timeout_s = -1;
	o->label = "run";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--fail-on-errors") == 0 || strcmp(a, "--reconnect") == 0 ||
		    strcmp(a, "--vote-polls") == 0 || strcmp(a, "--inputs-at-join") == 0) {
			o->fail_on_errors |= strcmp(a, "--fail-on-errors") == 0;
			o->reconnect |= strcmp(a, "--reconnect") == 0;
			o->vote_polls |= strcmp(a, "--vote-polls") == 0;
			o->inputs_at_join |= strcmp(a, "--inputs-at-join") == 0;
			continue;
		}
		if (strcmp(a, "--help") == 0) {
			usage(stdout);
			exit(0);
		}
		if (!v) {
			fprintf(stderr, "loadgen: %s needs a value\n", a);
			return -1;
		}
		i++;
		if (strcmp(a, "--host") == 0)
			snprintf(o->host, sizeof(o->host), "%s", v);
		else if (strcmp(a, "--port") == 0) {
			if (parse_ports(v, o) != 0)
				return -1;
		}
		else if (strcmp(a, "--protocol") == 0 && strcmp(v, "v1") == 0)
			o->protocol = LG_V1;
		else if (strcmp(a, "--protocol") == 0 && strcmp(v, "v2") == 0)
			o->protocol = LG_V2;
		else if (strcmp(a, "--protocol") == 0) {
			fprintf(stderr, "loadgen: --protocol is v1 or v2, got %s\n", v);
			return -1;
		}
		else if (strcmp(a, "--phones") == 0)
			o->phones = (uint32_t)strtoul(v, NULL, 10);
		else if (strcmp(a, "--join-over") == 0)
			o->join_over_s = atof(v);
		else if (strcmp(a, "--active") == 0)
			o->active = (uint32_t)strtoul(v, NULL, 10);
		else if (strcmp(a, "--rate") == 0)
			o->rate = atof(v);
		else if (strcmp(a, "--control") == 0)
			o->control = v;
		else if (strcmp(a, "--duration") == 0)
			o->duration_s = atof(v);
		else if (strcmp(a, "--vote-at") == 0)
			o->vote_at_s = atof(v);
		else if (strcmp(a, "--churn") == 0)
			o->churn_share = atof(v);
		else if (strcmp(a, "--churn-every") == 0)
			o->churn_every_s = atof(v);
		else if (strcmp(a, "--ping-every") == 0)
			o->ping_every_s = atof(v);
		else if (strcmp(a, "--sources") == 0)
			o->sources = (uint32_t)strtoul(v, NULL, 10);
		else if (strcmp(a, "--timeout") == 0)
			o->timeout_s = atof(v);
		else if (strcmp(a, "--pid") == 0)
			o->daemon_pid = atoi(v);
		else if (strcmp(a, "--json") == 0)
			o->json_path = v;
		else if (strcmp(a, "--label") == 0)
			o->label = v;
		else if (strcmp(a, "--probe-port") == 0)
			o->probe_port = atoi(v);
		else if (strcmp(a, "--ledger") == 0)
			o->ledger_path = v;
		else if (strcmp(a, "--silence-limit") == 0)
			o->silence_limit_s = atof(v);
		else if (strcmp(a, "--seed") == 0)
			o->seed = strtoull(v, NULL, 10);
		else {
			fprintf(stderr, "loadgen: unknown option %s\n", a);
			return -1;
		}
	}
	/* Only loopback is ever a target: this is a tool for one machine. */
	if (strncmp(o->host, "127.", 4) != 0) {
		fprintf(stderr, "loadgen: --host must be a loopback address (127.0.0.0/8), got %s\n", o->host);
		return -1;
	}
	if (!o->probe_port)
		o->probe_port = o->ports[0];
	if (o->phones < 1 || o->phones > LG_PHONES_MAX || o->probe_port < 1 || o->probe_port > 65535 ||
	    o->sources < 1 || o->sources > LG_SOURCES_MAX || o->active > o->phones || o->rate < 0 ||
	    o->rate > 100 || o->duration_s < 0 || o->join_over_s < 0 || o->churn_share < 0 ||
	    o->churn_share > 1 || o->churn_every_s <= 0 || o->ping_every_s <= 0 ||
	    o->silence_limit_s < 0 || (o->silence_limit_s > 0 && !o->reconnect) ||
	    (strcmp(o->control, "tap") != 0 && strcmp(o->control, "slider") != 0)) {
		fprintf(stderr, "loadgen: a value is out of range (see --help)\n");
		return -1;
	}
	if (o->timeout_s < 0)
		o->timeout_s = o->join_over_s + o->duration_s + 60;
	return 0;
}

/* ---- the report ---- */

static double series_mean(const struct lg_series *s)
{
	double sum = 0;

	for (size_t i = 0; i < s->n; i++)
		sum += s->v[i];
	return s->n ? sum / (double)s->n : NAN;
}

static json_t *ms_stats(struct lg_series *s)
{
	return json_pack("{s:I, s:f, s:f, s:f, s:f, s:f}", "n", (json_int_t)s->n,
			 "p50_ms", s->n ? lg_series_pct(s, 50) * 1e3 : -1.0,
			 "p95_ms", s->n ? lg_series_pct(s, 95) * 1e3 : -1.0,
			 "p99_ms", s->n ? lg_series_pct(s, 99) * 1e3 : -1.0,
			 "max_ms", s->n ? lg_series_max(s) * 1e3 : -1.0,
			 "mean_ms", s->n ? series_mean(s) * 1e3 : -1.0);
}

static json_t *daemon_json(const struct lg_daemon_sample *d)
{
	return json_pack("{s:b, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "alive", d->alive,
			 "rss_kb", (json_int_t)d->rss_kb, "cpu_s", d->cpu_s, "rejected_inputs", d->rejected_inputs,
			 "rate_limited", d->rate_limited, "tick_overruns", d->tick_overruns,
			 "audio_xruns", d->audio_xruns, "states_skipped", d->states_skipped,
			 "tick_max_s", d->tick_max_s, "connections", d->connections);
}

static double delta(double after, double before)
{
	return after >= 0 && before >= 0 ? after - before : -1;
}

/* What one phone of kind @k received per second of the steady phase; NAN when no such phone was joined. */
static double per_phone_s(const struct lg_results *r, const uint64_t *count, enum lg_kind k)
{
	return r->phone_s[k] > 0 ? (double)count[k] / r->phone_s[k] : NAN;
}

static json_t *json_num_or_null(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

/* {"passive": .., "active": ..}: per phone per second, null for a kind that had no phone. */
static json_t *per_kind_json(const struct lg_results *r, const uint64_t *count)
{
	return json_pack("{s:o, s:o}", "passive", json_num_or_null(per_phone_s(r, count, LG_PASSIVE)),
			 "active", json_num_or_null(per_phone_s(r, count, LG_ACTIVE)));
}

/* The share of the lost phones resumed within LG_FAILOVER_LIMIT_S; NAN when none was lost. */
static double failover_share(const struct lg_results *r)
{
	return r->failover_lost ? (double)lg_series_count_upto(&r->failover_s, LG_FAILOVER_LIMIT_S) /
				  (double)r->failover_lost : NAN;
}

/* Lost phones that never came back as themselves: a new participant, or not back by the end. */
static uint64_t failover_not_resumed(const struct lg_results *r)
{
	return r->failover_lost - r->failover_resumed;
}

static void failover_print(const char *label, struct lg_results *r)
{
	printf("loadgen %s: failover: joined phones lost %llu, resumed %llu, not resumed %llu (%llu as new "
	       "participants), resumed within %d s %.1f %%, loss to welcome p50 %.2f p99 %.2f max %.2f s\n", label,
	       (unsigned long long)r->failover_lost, (unsigned long long)r->failover_resumed,
	       (unsigned long long)failover_not_resumed(r), (unsigned long long)r->failover_new,
	       LG_FAILOVER_LIMIT_S, failover_share(r) * 100, lg_series_pct(&r->failover_s, 50),
	       lg_series_pct(&r->failover_s, 99), lg_series_max(&r->failover_s));
}

/* The failover figures: counts, and seconds from loss to welcome (null when no phone resumed). */
static json_t *failover_json(struct lg_results *r)
{
	struct lg_series *s = &r->failover_s;

	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:i, s:o, s:o, s:o, s:o}",
			 "lost", (json_int_t)r->failover_lost, "resumed", (json_int_t)r->failover_resumed,
			 "not_resumed", (json_int_t)failover_not_resumed(r), "new_participants", (json_int_t)r->failover_new,
			 "resumed_within_limit", (json_int_t)lg_series_count_upto(s, LG_FAILOVER_LIMIT_S),
			 "limit_s", LG_FAILOVER_LIMIT_S, "resumed_within_limit_share", json_num_or_null(failover_share(r)),
			 "p50_s", json_num_or_null(lg_series_pct(s, 50)), "p99_s", json_num_or_null(lg_series_pct(s, 99)),
			 "max_s", json_num_or_null(lg_series_max(s)));
}

/* --port as the report names it: every port, in order. */
static json_t *ports_json(const struct lg_options *o)
{
	json_t *a = json_array();

	for (uint32_t i = 0; i < o->n_ports; i++)
		json_array_append_new(a, json_integer(o->ports[i]));
	return a;
}

int main(int argc, char **argv)
{
	struct lg_options o = { 0 };
	struct lg_results r = { 0 };
	struct lg_fleet *f;
	double measured, rss_per_conn, cpu_share, states_per_phone_s;
	uint64_t protocol_errors;
	bool failed;
	json_t *errors, *j;

	if (parse_args(argc, argv, &o) != 0) {
		usage(stderr);
		return 2;
	}
	lg_daemon_sample(o.host, o.probe_port, o.daemon_pid, &r.d_start);
	if (!r.d_start.alive) {
		fprintf(stderr, "loadgen: no daemon answers /metrics at %s:%d\n", o.host, o.probe_port);
		return 1;
	}
	f = lg_fleet_create(&o, &r);
	if (!f) {
		fprintf(stderr, "loadgen: cannot start libwebsockets (libuv event loop)\n");
		return 1;
	}
	lg_fleet_run(f);
	lg_fleet_destroy(f);

	measured = r.measure_ended - r.measure_started;
	rss_per_conn = r.d_joined.rss_kb && r.d_start.rss_kb && r.opened ?
		       ((double)r.d_joined.rss_kb - (double)r.d_start.rss_kb) * 1024.0 / (double)r.opened : -1;
	cpu_share = measured > 0 && o.daemon_pid ? (r.d_end.cpu_s - r.d_joined.cpu_s) / measured : -1;
	states_per_phone_s = measured > 0 && r.phones_in_measure ?
			     (double)r.states_in_measure / measured / r.phones_in_measure : 0;
	/* Errors a correct phone never gets; rate limiting counts too, since the loadgen keeps to its rate. */
	protocol_errors = r.errors + r.unparsed;
	/* With --reconnect a lost phone comes back: what fails is coming back as someone else. */
	failed = r.failed || (r.lost && !o.reconnect) || protocol_errors || !r.d_end.alive || r.resume_failed ||
		 r.ledger_failed;

	printf("loadgen %s: phones %u attempted %llu open %llu failed %llu lost %llu | join p50 %.1f p99 %.1f ms | "
	       "input->state p50 %.1f p95 %.1f p99 %.1f max %.1f ms (%zu) | spread p50 %.1f p99 %.1f ms | "
	       "states/phone/s %.2f | rx/phone/s passive %.0f B %.2f msgs, active %.0f B %.2f msgs | daemon rss %.0f MB, %.0f B/conn, cpu %.0f %% | errors %llu | "
	       "daemon: rejected %.0f, tick overruns %.0f, xruns %.0f\n",
	       o.label, o.phones, (unsigned long long)r.attempted, (unsigned long long)r.opened,
	       (unsigned long long)r.failed, (unsigned long long)r.lost,
	       lg_series_pct(&r.join_s, 50) * 1e3, lg_series_pct(&r.join_s, 99) * 1e3,
	       lg_series_pct(&r.latency_s, 50) * 1e3, lg_series_pct(&r.latency_s, 95) * 1e3,
	       lg_series_pct(&r.latency_s, 99) * 1e3, lg_series_max(&r.latency_s) * 1e3, r.latency_s.n,
	       lg_series_pct(&r.spread_s, 50) * 1e3, lg_series_pct(&r.spread_s, 99) * 1e3,
	       states_per_phone_s, per_phone_s(&r, r.rx_bytes, LG_PASSIVE), per_phone_s(&r, r.rx_msgs, LG_PASSIVE),
	       per_phone_s(&r, r.rx_bytes, LG_ACTIVE), per_phone_s(&r, r.rx_msgs, LG_ACTIVE),
	       (double)r.d_end.rss_kb / 1024.0, rss_per_conn, cpu_share * 100,
	       (unsigned long long)protocol_errors,
	       delta(r.d_end.rejected_inputs, r.d_start.rejected_inputs),
	       delta(r.d_end.tick_overruns, r.d_joined.tick_overruns),
	       delta(r.d_end.audio_xruns, r.d_joined.audio_xruns));
	if (o.vote_at_s >= 0 || o.vote_polls)
		printf("loadgen %s: votes sent %llu acked %llu re-sent %llu refused (poll closed) %llu, "
		       "ack p50 %.1f p99 %.1f ms\n", o.label,
		       (unsigned long long)r.votes_sent, (unsigned long long)r.votes_acked,
		       (unsigned long long)r.votes_resent, (unsigned long long)r.votes_refused,
		       lg_series_pct(&r.vote_s, 50) * 1e3, lg_series_pct(&r.vote_s, 99) * 1e3);
	if (o.churn_share > 0 || o.reconnect)
		printf("loadgen %s: resumes attempted %llu resumed %llu failed %llu, p50 %.1f p99 %.1f ms; "
		       "silent links dropped %llu\n", o.label,
		       (unsigned long long)r.resume_attempted, (unsigned long long)r.welcome_resumed,
		       (unsigned long long)r.resume_failed, lg_series_pct(&r.resume_s, 50) * 1e3,
		       lg_series_pct(&r.resume_s, 99) * 1e3, (unsigned long long)r.silent_dropped);
	if (o.reconnect || r.failover_lost)
		failover_print(o.label, &r);

	if (o.json_path) {
		errors = json_object();
		for (int i = 0; i < 16; i++)
			if (r.error_codes[i])
				json_object_set_new(errors, lg_error_code_names[i], json_integer((json_int_t)r.error_codes[i]));
		j = json_pack("{s:s, s:{s:s, s:I, s:f, s:I, s:f, s:s, s:f, s:f, s:f, s:I},"
			      " s:{s:I, s:I, s:I, s:I, s:I}, s:o, s:o, s:o, s:o, s:o,"
			      " s:{s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o},"
			      " s:o, s:o, s:{s:f, s:f},"
			      " s:{s:f, s:f, s:o, s:o, s:o}}",
			      "label", o.label,
			      "options", "protocol", o.protocol == LG_V1 ? "v1" : "v2", "phones", (json_int_t)o.phones, "join_over_s", o.join_over_s,
			      "active", (json_int_t)o.active, "rate", o.rate, "control", o.control,
			      "duration_s", o.duration_s, "vote_at_s", o.vote_at_s, "churn_share", o.churn_share,
			      "sources", (json_int_t)o.sources,
			      "connections", "attempted", (json_int_t)r.attempted, "open", (json_int_t)r.opened,
			      "failed", (json_int_t)r.failed, "joined", (json_int_t)r.joined, "lost", (json_int_t)r.lost,
			      "join", ms_stats(&r.join_s), "input_to_state", ms_stats(&r.latency_s),
			      "broadcast_spread", ms_stats(&r.spread_s), "vote_ack", ms_stats(&r.vote_s),
			      "resume", ms_stats(&r.resume_s),
			      "phones", "states_per_phone_per_s", states_per_phone_s,
			      "states", (json_int_t)r.states, "bytes_received", (json_int_t)r.state_bytes,
			      "inputs_sent", (json_int_t)r.inputs_sent, "votes_sent", (json_int_t)r.votes_sent,
			      "votes_acked", (json_int_t)r.votes_acked, "votes_resent", (json_int_t)r.votes_resent,
			      "votes_refused", (json_int_t)r.votes_refused, "pings", (json_int_t)r.pings_sent,
			      "pongs", (json_int_t)r.pongs, "resumes_attempted", (json_int_t)r.resume_attempted,
			      "resumed", (json_int_t)r.welcome_resumed, "resumes_failed", (json_int_t)r.resume_failed,
			      "unparsed", (json_int_t)r.unparsed, "syncs_sent", (json_int_t)r.syncs_sent,
			      "errors", errors,
			      "rx_bytes_per_s", per_kind_json(&r, r.rx_bytes), "rx_msgs_per_s", per_kind_json(&r, r.rx_msgs),
			      "phone_seconds", "passive", r.phone_s[LG_PASSIVE], "active", r.phone_s[LG_ACTIVE],
			      "daemon", "rss_per_connection_bytes", rss_per_conn, "cpu_share", cpu_share,
			      "start", daemon_json(&r.d_start), "joined", daemon_json(&r.d_joined),
			      "end", daemon_json(&r.d_end));
		if (j) {
			json_object_set_new(j, "failover", failover_json(&r));
			json_object_set_new(json_object_get(j, "options"), "ports", ports_json(&o));
			json_object_set_new(json_object_get(j, "connections"), "joined_peak", json_integer(r.joined_peak));
		}
		if (!j || json_dump_file(j, o.json_path, JSON_INDENT(2) | JSON_REAL_PRECISION(6)) != 0)
			fprintf(stderr, "loadgen: cannot write %s\n", o.json_path);
		json_decref(j);
	}
	lg_series_free(&r.join_s);
	lg_series_free(&r.latency_s);
	lg_series_free(&r.vote_s);
	lg_series_free(&r.resume_s);
	lg_series_free(&r.spread_s);
	lg_series_free(&r.failover_s);
	if (o.ledger_path)
		printf("loadgen %s: ledger %s: %llu lines, %llu could not be written\n", o.label, o.ledger_path,
		       (unsigned long long)r.ledger_lines, (unsigned long long)r.ledger_failed);
	if (failed && o.fail_on_errors) {
		fprintf(stderr, "loadgen %s: FAILED: %llu failed, %llu lost, %llu protocol errors, %llu resumes failed%s\n",
			o.label, (unsigned long long)r.failed, (unsigned long long)r.lost,
			(unsigned long long)protocol_errors, (unsigned long long)r.resume_failed,
			r.d_end.alive ? "" : ", the daemon is gone");
		return 1;
	}
	return 0;
}
