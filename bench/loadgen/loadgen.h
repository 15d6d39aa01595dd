/*
 * loadgen.h - the Tutti load generator: thousands of phones speaking the
 * audience protocol (tutti.audience.v2, or v1 with --protocol v1, to compare
 * with a server that speaks the old one) to a venue daemon over loopback,
 * through libwebsockets' client API, measured end to end.
 *
 * One process, one event loop (libuv), one struct lg_phone per phone.
 * Phones connect from source addresses 127.0.0.2 to 127.0.0.254 in turn
 * (only loopback is ever a target), say hello, sync their clock with
 * pings, and then play the scenario's phases: a join storm, steady inputs,
 * a vote burst, churn (disconnect and resume by token). Every run stops by
 * itself within its time bound.
 *
 * For crash tests (--reconnect, --vote-polls, --ledger): phones whose
 * daemon went away come back with their token, re-send a vote that was
 * never acknowledged, and the ledger records every fact the daemon
 * acknowledged, so that a test can hold the restarted daemon to it.
 *
 * For a cluster (tutti edge): --port takes several ports, the edges of
 * one core. Phone i connects to the i-th in turn; with --reconnect a phone
 * whose edge died tries another (the dead edge's phones spread over all
 * the others), resumes there with its token, and the
 * run reports how many lost phones came back as themselves and how fast
 * (the failover figures).
 *
 * Thread: everything runs on the one loop thread.
 */
#ifndef TUTTI_LOADGEN_H
#define TUTTI_LOADGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LG_SOURCES_MAX		253	/* 127.0.0.2 .. 127.0.0.254 */
#define LG_PHONES_MAX		19000	/* a process holds at most 20,000 files here */
#define LG_INFLIGHT		8	/* inputs a phone tracks until their state arrives */
#define LG_PORTS_MAX		16	/* --port: the edges of a cluster, all on --host */
#define LG_FAILOVER_LIMIT_S	10	/* a lost phone resumed within this counts as a good failover */

/* The audience protocol the phones speak: its subprotocol and what they read. */
enum lg_protocol {
	LG_V1,				/* tutti.audience.v1: "state" to everyone, "ack" {seq, tick} */
	LG_V2,				/* tutti.audience.v2: the "s" stream, "k" acknowledging inside it */
};

/* The phones' two kinds, for what each receives: indexes of lg_results' per-kind figures. */
enum lg_kind {
	LG_PASSIVE,			/* never sends an input */
	LG_ACTIVE,			/* one of the --active phones */
	LG_KINDS,
};

struct lg_options {
	char host[64];			/* the daemon: a loopback address */
	int ports[LG_PORTS_MAX];	/* --port: its port, or its edges' (a cluster) */
	uint32_t n_ports;		/* 1 .. LG_PORTS_MAX */
	int probe_port;			/* --probe-port: whose /metrics are read (the core's); default ports[0] */
	enum lg_protocol protocol;	/* --protocol, default v2 */
	uint32_t phones;		/* N: phones that join */
	double join_over_s;		/* the join storm: N phones start within this */
	uint32_t active;		/* M: phones that send inputs in the steady phase */
	double rate;			/* R: inputs per second per active phone */
	const char *control;		/* "tap" or "slider" */
	double duration_s;		/* the steady phase */
	double vote_at_s;		/* into the steady phase: everyone votes within 2 s; < 0 = no */
	double churn_share;		/* of the joined phones, per churn period; 0 = no churn */
	double churn_every_s;		/* the churn period, default 60 */
	double ping_every_s;		/* clock sync, as the phone app: every 3 s */
	double timeout_s;		/* the hard bound on the whole run */
	uint32_t sources;		/* source addresses to spread over, 1..253 */
	int daemon_pid;			/* for RSS and CPU from /proc; 0 = not measured */
	const char *json_path;		/* the full report; NULL = none */
	const char *label;		/* the scenario's name in the report */
	bool fail_on_errors;		/* exit 1 on lost connections, protocol errors, a dead daemon */
	bool reconnect;			/* a lost phone comes back with its token, with backoff */
	bool vote_polls;		/* every phone votes once in every poll it sees open */
	bool inputs_at_join;		/* active phones send inputs from their welcome, not the steady phase */
	const char *ledger_path;	/* one line per acknowledged fact; NULL = none */
	double silence_limit_s;		/* --silence-limit: heard nothing this long, a phone reconnects; 0 = never */
	uint64_t seed;			/* the run's randomness; the same seed plays the same choices */
};

/* A sample series for percentiles. */
struct lg_series {
	double *v;
	size_t n, cap;
};

void lg_series_add(struct lg_series *s, double v);
/* The @p percentile (0..100) by nearest rank; NAN when empty. Sorts in place. */
double lg_series_pct(struct lg_series *s, double p);
double lg_series_max(const struct lg_series *s);
/* How many samples are at most @limit. */
size_t lg_series_count_upto(const struct lg_series *s, double limit);
void lg_series_free(struct lg_series *s);

/* ---- the daemon's side (daemon_probe.c) ---- */

struct lg_daemon_sample {
	bool alive;
	uint64_t rss_kb;
	double cpu_s;			/* user + system since it started */
	/* from /metrics; < 0 when it could not be read */
	double rejected_inputs;		/* every refused message, all reasons */
	double rate_limited;
	double tick_overruns;
	double audio_xruns;
	double states_skipped;
	double tick_max_s;
	double connections;
};

/* Counters and samples of a run. */
struct lg_results {
	uint64_t attempted, opened, failed, joined, lost;	/* lost: closed by the daemon or the network */
	uint64_t welcome_resumed, resume_attempted, resume_failed;
	uint32_t joined_peak;		/* the most phones joined at once */
	uint64_t silent_dropped;	/* --silence-limit: connections a phone gave up on as dead */
	uint64_t inputs_sent, votes_sent, votes_acked, pings_sent, pongs;
	uint64_t votes_resent;		/* sent again with the same seq: never acked on an earlier connection */
	uint64_t votes_refused;		/* poll_closed: the poll closed before the vote reached it */
	uint64_t ledger_lines, ledger_failed;
	uint64_t states, state_bytes;	/* states received; payload bytes of every message received */
	uint64_t syncs_sent;		/* v2: a state's v was not the show version the phone held */
	uint64_t errors;		/* error messages received */
	uint64_t error_codes[16];	/* by code, see lg_error_code_names */
	uint64_t unparsed;		/* messages the loadgen could not read */
	struct lg_series join_s;	/* connect to welcome */
	struct lg_series latency_s;	/* input sent to the first state that includes it */
	struct lg_series vote_s;	/* vote sent to its ack */
	struct lg_series resume_s;	/* reconnect to welcome with resumed:true */
	struct lg_series spread_s;	/* first to last phone receiving the same tick */
	/*
	 * Failover: a joined phone whose connection was lost (not churn), from
	 * the loss to its next welcome, however many tries and ports it took.
	 * A phone lost again before that welcome is still the same loss.
	 */
	uint64_t failover_lost;		/* losses of a joined phone */
	uint64_t failover_resumed;	/* ... that ended in a welcome with resumed:true */
	uint64_t failover_new;		/* ... that ended as a new participant (resumed:false): not resumed */
	struct lg_series failover_s;	/* loss to the resumed welcome, of each failover_resumed */
	double measure_started, measure_ended;	/* the steady phase, loop clock */
	uint64_t states_in_measure;
	uint32_t phones_in_measure;
	/* The steady phase's traffic by kind of phone: payload bytes and messages received, and
	 * the seconds the phones of that kind were joined, added up (so per phone per second). */
	uint64_t rx_bytes[LG_KINDS], rx_msgs[LG_KINDS];
	double phone_s[LG_KINDS];
	struct lg_daemon_sample d_start;	/* before any phone */
	struct lg_daemon_sample d_joined;	/* everyone joined, before the steady phase */
	struct lg_daemon_sample d_end;		/* the end of the steady phase, phones still on */
};

extern const char *const lg_error_code_names[16];
int lg_error_code_index(const char *code);

/* The loop clock: monotonic seconds. */
double lg_now(void);

/* ---- the phones (phones.c) ---- */

struct lg_fleet;

struct lg_fleet *lg_fleet_create(const struct lg_options *o, struct lg_results *r);
void lg_fleet_destroy(struct lg_fleet *f);
/* Runs the scenario to its end (or the timeout). 0, or -1 when the loop could not start. */
int lg_fleet_run(struct lg_fleet *f);

/* ---- the ledger (ledger.c) ---- */

/* Opens @path for appending; the descriptor, or -1. */
int lg_ledger_open(const char *path);
/*
 * One line, "UNIX_TIME WHAT...", in one write(2) at once: @fmt is printf's,
 * without the time and the newline. Counted in @r (ledger_lines, or
 * ledger_failed when it could not be written). Nothing when @fd < 0.
 */
void lg_ledger_line(struct lg_results *r, int fd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- the daemon's side (daemon_probe.c) ---- */

/* Reads /proc/@pid and http://@host:@port/metrics (bounded: about 2 s at most). */
void lg_daemon_sample(const char *host, int port, int pid, struct lg_daemon_sample *s);

#endif
