/*
 * osc_in.c - OSC input for the artist's controller. See osc_in.h.
 */
#include "osc_in.h"

#include <lo/lo.h>
#include <pthread.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUEUE 64		/* commands between two ticks; a controller sends a handful */

struct pending {
	char who[80];
	char command[192];
};

struct osc_in {
	const struct venue_config *cfg;
	lo_server_thread server;
	pthread_mutex_t lock;		/* liblo's thread and the net thread share only the queue */
	struct pending queue[QUEUE];
	uint32_t head, count;
	_Atomic uint64_t refused, dropped;
};

static bool allowed(const struct osc_in *o, const char *host)
{
	/* An IPv4 sender on a dual-stack socket shows up as ::ffff:a.b.c.d. */
	if (host && strncmp(host, "::ffff:", 7) == 0 && strchr(host, '.'))
		host += 7;
	for (uint32_t i = 0; host && i < o->cfg->osc_allowed_count; i++)
		if (strcmp(o->cfg->osc_allowed[i], host) == 0)
			return true;
	return false;
}

/* A JSON string for @s: ids and poll names are plain, but never trust a sender. */
static void json_quote(char *out, size_t size, const char *s)
{
	size_t n = 0;

	out[n++] = '"';
	for (; *s && n + 3 < size; s++)
		if ((unsigned char)*s >= 0x20 && *s != '"' && *s != '\\')
			out[n++] = *s;
	out[n++] = '"';
	out[n] = '\0';
}

/*
 * An OSC number argument as a double. liblo packs arguments on 4-byte
 * boundaries while its lo_arg union wants 8, so even reading a member
 * through the pointer is undefined behaviour (found by tests/fuzz/fuzz_osc.c
 * under UBSan): the bytes are copied out instead. @type is 'f', 'd' or 'i'.
 */
static double arg_number(const lo_arg *a, char type)
{
	float f;
	double d;
	int32_t i;

	switch (type) {
	case 'f':
		memcpy(&f, (const void *)a, sizeof(f));
		return f;
	case 'd':
		memcpy(&d, (const void *)a, sizeof(d));
		return d;
	default:
		memcpy(&i, (const void *)a, sizeof(i));
		return i;
	}
}

void osc_in_command(const char *path, const char *types, lo_arg **argv, int argc, char *out, size_t size)
{
	char q[96];

	out[0] = '\0';
	if (strcmp(path, "/tutti/go") == 0) {
		snprintf(out, size, "{\"cmd\":\"cue.go\"}");
	} else if (strcmp(path, "/tutti/back") == 0) {
		snprintf(out, size, "{\"cmd\":\"cue.back\"}");
	} else if (strcmp(path, "/tutti/cue") == 0 && argc == 1 && types[0] == 's') {
		json_quote(q, sizeof(q), (const char *)argv[0]);	/* lo_arg.s: the string itself */
		snprintf(out, size, "{\"cmd\":\"cue.jump\",\"cue\":%s}", q);
	} else if (strncmp(path, "/tutti/poll/", 12) == 0 &&
		   (strcmp(path + 12, "open") == 0 || strcmp(path + 12, "close") == 0 ||
		    strcmp(path + 12, "reveal") == 0 || strcmp(path + 12, "veto") == 0)) {
		if (argc == 1 && types[0] == 's') {
			json_quote(q, sizeof(q), (const char *)argv[0]);	/* lo_arg.s: the string itself */
			snprintf(out, size, "{\"cmd\":\"poll.%s\",\"poll\":%s}", path + 12, q);
		} else if (argc == 0) {
			snprintf(out, size, "{\"cmd\":\"poll.%s\"}", path + 12);
		}
	} else if (strcmp(path, "/tutti/control") == 0 && argc == 2 && types[0] == 's' &&
		   (types[1] == 'f' || types[1] == 'd' || types[1] == 'i')) {
		double v = arg_number(argv[1], types[1]);

		json_quote(q, sizeof(q), (const char *)argv[0]);	/* lo_arg.s: the string itself */
		if (isfinite(v))
			snprintf(out, size, "{\"cmd\":\"artist.control\",\"target\":%s,\"value\":%.9g}", q, v);
	} else if (strcmp(path, "/tutti/mix") == 0 && argc == 2 && types[0] == 'i' &&
		   (types[1] == 'f' || types[1] == 'd')) {
		double share = arg_number(argv[1], types[1]);

		/* NaN would print as nan: not JSON (found by tests/fuzz/fuzz_osc.c). */
		if (isfinite(share))
			snprintf(out, size, "{\"cmd\":\"mix.set\",\"mapping\":%d,\"crowd\":%.9g}",
				 (int)arg_number(argv[0], 'i'), share);
	}
}

static int on_message(const char *path, const char *types, lo_arg **argv, int argc, lo_message m,
		      void *user)
{
	struct osc_in *o = user;
	lo_address from = lo_message_get_source(m);
	const char *host = from ? lo_address_get_hostname(from) : NULL;
	char command[192];

	if (!allowed(o, host)) {
		atomic_fetch_add(&o->refused, 1);	/* not the artist's controller: ignored */
		return 0;
	}
	osc_in_command(path, types, argv, argc, command, sizeof(command));
	if (!command[0]) {
		atomic_fetch_add(&o->refused, 1);
		return 0;
	}
	pthread_mutex_lock(&o->lock);
	if (o->count == QUEUE) {
		atomic_fetch_add(&o->dropped, 1);
	} else {
		struct pending *p = &o->queue[(o->head + o->count++) % QUEUE];

		snprintf(p->who, sizeof(p->who), "osc %s", host);
		snprintf(p->command, sizeof(p->command), "%s", command);
	}
	pthread_mutex_unlock(&o->lock);
	return 0;
}

static void on_error(int num, const char *msg, const char *where)
{
	(void)num;
	(void)msg;
	(void)where;	/* malformed packets are dropped by liblo; nothing to add to the show's log */
}

struct osc_in *osc_in_create(const struct venue_config *cfg, char *err, size_t err_size)
{
	struct osc_in *o;
	char port[8];

	err[0] = '\0';
	if (!cfg->osc_input_port)
		return NULL;
	o = calloc(1, sizeof(*o));
	if (!o) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	o->cfg = cfg;
	pthread_mutex_init(&o->lock, NULL);
	snprintf(port, sizeof(port), "%u", cfg->osc_input_port);
	o->server = lo_server_thread_new_with_proto(port, LO_UDP, on_error);
	if (!o->server) {
		snprintf(err, err_size, "cannot listen for OSC on UDP port %s (in use?)", port);
		pthread_mutex_destroy(&o->lock);
		free(o);
		return NULL;
	}
	lo_server_thread_add_method(o->server, NULL, NULL, on_message, o);
	lo_server_thread_start(o->server);
	return o;
}

void osc_in_destroy(struct osc_in *o)
{
	if (!o)
		return;
	lo_server_thread_stop(o->server);
	lo_server_thread_free(o->server);
	pthread_mutex_destroy(&o->lock);
	free(o);
}

void osc_in_drain(struct osc_in *o, osc_in_run_fn *run, void *user)
{
	struct pending batch[QUEUE];
	uint32_t n;

	if (!o)
		return;
	/* Copy out under the lock, run without it: liblo's thread never waits on the console. */
	pthread_mutex_lock(&o->lock);
	n = o->count;
	for (uint32_t i = 0; i < n; i++)
		batch[i] = o->queue[(o->head + i) % QUEUE];
	o->head = (o->head + n) % QUEUE;
	o->count = 0;
	pthread_mutex_unlock(&o->lock);
	for (uint32_t i = 0; i < n; i++)
		run(user, batch[i].who, batch[i].command);
}

uint64_t osc_in_refused(const struct osc_in *o)
{
	return o ? atomic_load(&o->refused) : 0;
}

uint64_t osc_in_dropped(const struct osc_in *o)
{
	return o ? atomic_load(&o->dropped) : 0;
}

int osc_in_port(const struct osc_in *o)
{
	return o ? lo_server_thread_get_port(o->server) : 0;
}
