/*
 * cluster_link.c - a NATS connection with libnats: options from the
 * config, endless reconnects, and a bounded queue between libnats'
 * delivery thread and the owner's. See cluster_link.h.
 *
 * Thread: see cluster_link.h.
 */
#include "cluster_link.h"

#include <nats/nats.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define RETRY_S	2	/* a first connection refused (credentials, TLS, a server closing): tried again this often */

struct cluster_link {
	natsConnection *_Atomic nc;	/* NULL until the first connection succeeds */
	natsSubscription *sub;
	natsOptions *opts;		/* kept for the retries */
	char url[512], subject[160];
	pthread_t retry;		/* connects in the background after a refused first try */
	bool retrying;
	pthread_cond_t retry_wake;	/* under lock: closing */
	bool closing;			/* under lock: messages arriving now are dropped */
	pthread_cond_t closed_cond;	/* under lock: closed */
	bool closed;			/* libnats ran its last callback for this link: it may be freed */
	pthread_mutex_t lock;		/* the queue and the counts libnats' threads update */
	natsMsg *queue[CLUSTER_QUEUE_MAX];
	uint32_t head, count;
	struct cluster_link_stats stats;
	char name[96];
};

static void on_message(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
	struct cluster_link *l = closure;
	natsMsg *dropped = NULL;

	(void)nc;
	(void)sub;
	pthread_mutex_lock(&l->lock);
	if (l->closing) {
		pthread_mutex_unlock(&l->lock);
		natsMsg_Destroy(msg);
		return;
	}
	if (l->count == CLUSTER_QUEUE_MAX) {
		/* The owner fell behind by thousands of ticks: the oldest is the least use. */
		dropped = l->queue[l->head];
		l->head = (l->head + 1) % CLUSTER_QUEUE_MAX;
		l->count--;
		l->stats.dropped++;
	}
	l->queue[(l->head + l->count) % CLUSTER_QUEUE_MAX] = msg;
	l->count++;
	l->stats.received++;
	pthread_mutex_unlock(&l->lock);
	natsMsg_Destroy(dropped);
}

static void on_disconnected(natsConnection *nc, void *closure)
{
	struct cluster_link *l = closure;

	(void)nc;
	pthread_mutex_lock(&l->lock);
	l->stats.disconnects++;
	pthread_mutex_unlock(&l->lock);
	log_warn("cluster: %s lost its NATS server; reconnecting", l->name);
}

static void on_reconnected(natsConnection *nc, void *closure)
{
	struct cluster_link *l = closure;
	char url[256] = "";

	natsConnection_GetConnectedUrl(nc, url, sizeof(url));
	pthread_mutex_lock(&l->lock);
	l->stats.reconnects++;
	pthread_mutex_unlock(&l->lock);
	log_info("cluster: %s reconnected to %s", l->name, url);
}

/* libnats' last word on a connection, after its disconnected callback, on the same thread. */
static void on_closed(natsConnection *nc, void *closure)
{
	struct cluster_link *l = closure;

	(void)nc;
	pthread_mutex_lock(&l->lock);
	l->closed = true;
	pthread_cond_signal(&l->closed_cond);
	pthread_mutex_unlock(&l->lock);
}

static void on_connected(natsConnection *nc, void *closure)
{
	struct cluster_link *l = closure;
	char url[256] = "";

	natsConnection_GetConnectedUrl(nc, url, sizeof(url));
	log_info("cluster: %s connected to %s", l->name, url);
}

/* The options from the config: who we are, credentials, TLS, and reconnecting for ever. */
static natsStatus options_set(natsOptions *o, struct cluster_link *l, const struct config_cluster *cfg,
			      const char *url)
{
	natsStatus s = natsOptions_SetURL(o, url);
	bool tls = cfg->ca_file[0] || cfg->cert_file[0] || strstr(url, "tls://");

	if (s == NATS_OK)
		s = natsOptions_SetName(o, l->name);
	if (s == NATS_OK && cfg->user[0])
		s = natsOptions_SetUserInfo(o, cfg->user, cfg->password);
	if (s == NATS_OK && cfg->token[0])
		s = natsOptions_SetToken(o, cfg->token);
	if (s == NATS_OK && tls)
		s = natsOptions_SetSecure(o, true);
	if (s == NATS_OK && cfg->ca_file[0])
		s = natsOptions_LoadCATrustedCertificates(o, cfg->ca_file);
	if (s == NATS_OK && cfg->cert_file[0])
		s = natsOptions_LoadCertificatesChain(o, cfg->cert_file, cfg->key_file);
	/* A show outlasts any outage: retry for ever, quickly, and notice a dead server within seconds. */
	if (s == NATS_OK)
		s = natsOptions_SetMaxReconnect(o, -1);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectWait(o, 250);
	if (s == NATS_OK)
		s = natsOptions_SetPingInterval(o, 1000);
	if (s == NATS_OK)
		s = natsOptions_SetMaxPingsOut(o, 2);
	/* What phones send while NATS is away waits here (32 MB: minutes of a busy edge). */
	if (s == NATS_OK)
		s = natsOptions_SetReconnectBufSize(o, 32 * 1024 * 1024);
	/* One message a tick each way: send it now rather than on the flusher's next round. */
	if (s == NATS_OK)
		s = natsOptions_SetSendAsap(o, true);
	if (s == NATS_OK)
		s = natsOptions_SetRetryOnFailedConnect(o, true, on_connected, l);
	if (s == NATS_OK)
		s = natsOptions_SetDisconnectedCB(o, on_disconnected, l);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectedCB(o, on_reconnected, l);
	if (s == NATS_OK)
		s = natsOptions_SetClosedCB(o, on_closed, l);
	return s;
}

/* Connects and subscribes: the link's connection once both worked. */
static natsStatus connect_now(struct cluster_link *l, natsConnection **out)
{
	natsConnection *nc = NULL;
	natsStatus s = natsConnection_Connect(&nc, l->opts);

	if (s == NATS_NOT_YET_CONNECTED) {
		log_warn("cluster: no NATS server at %s yet; %s keeps trying", l->url, l->name);
		s = NATS_OK;
	}
	if (s == NATS_OK)
		s = natsConnection_Subscribe(&l->sub, nc, l->subject, on_message, l);
	/* The queue bounds what waits; libnats' own limit only has to be above it. */
	if (s == NATS_OK)
		s = natsSubscription_SetPendingLimits(l->sub, 4 * CLUSTER_QUEUE_MAX, 512 * 1024 * 1024);
	if (s != NATS_OK) {
		natsSubscription_Destroy(l->sub);
		l->sub = NULL;
		natsConnection_Destroy(nc);
		return s;
	}
	*out = nc;
	return NATS_OK;
}

/*
 * A first connection the server refused (a wrong password, a certificate
 * it does not take, a server still starting) is no reason to stop a show:
 * libnats retries only servers that do not answer, so this thread tries
 * again every RETRY_S until it works or the link closes.
 */
static void *retry_main(void *arg)
{
	struct cluster_link *l = arg;
	natsConnection *nc;
	struct timespec until;

	pthread_mutex_lock(&l->lock);
	while (!l->closing) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += RETRY_S;
		pthread_cond_timedwait(&l->retry_wake, &l->lock, &until);
		if (l->closing)
			break;
		pthread_mutex_unlock(&l->lock);
		if (connect_now(l, &nc) == NATS_OK) {
			log_info("cluster: %s connected to NATS at %s", l->name, l->url);
			atomic_store(&l->nc, nc);
			return NULL;
		}
		pthread_mutex_lock(&l->lock);
	}
	pthread_mutex_unlock(&l->lock);
	return NULL;
}

struct cluster_link *cluster_link_open(const struct config_cluster *cfg, const char *url, const char *name,
				       const char *subject, char *err, size_t err_cap)
{
	struct cluster_link *l = calloc(1, sizeof(*l));
	natsConnection *nc = NULL;
	natsStatus s;

	err[0] = '\0';
	if (!l) {
		snprintf(err, err_cap, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->retry_wake, NULL);
	pthread_cond_init(&l->closed_cond, NULL);
	snprintf(l->name, sizeof(l->name), "%s", name);
	snprintf(l->url, sizeof(l->url), "%s", url);
	snprintf(l->subject, sizeof(l->subject), "%s", subject);
	s = natsOptions_Create(&l->opts);
	if (s == NATS_OK)
		s = options_set(l->opts, l, cfg, url);
	if (s != NATS_OK) {
		/* A malformed URL, a TLS file that does not load: the config's fault, said at once. */
		snprintf(err, err_cap, "NATS options for %s: %s", url, nats_GetLastError(NULL) ? nats_GetLastError(NULL)
											: natsStatus_GetText(s));
		cluster_link_close(l);
		return NULL;
	}
	s = connect_now(l, &nc);
	if (s == NATS_OK) {
		atomic_store(&l->nc, nc);
	} else {
		log_error("cluster: NATS at %s refused %s: %s (%s); trying again every %d s", url, name,
			  natsStatus_GetText(s), nats_GetLastError(NULL) ? nats_GetLastError(NULL) : "no detail",
			  RETRY_S);
		l->retrying = pthread_create(&l->retry, NULL, retry_main, l) == 0;
	}
	return l;
}

void cluster_link_close(struct cluster_link *l)
{
	natsConnection *nc;

	if (!l)
		return;
	pthread_mutex_lock(&l->lock);
	l->closing = true;
	pthread_cond_signal(&l->retry_wake);
	pthread_mutex_unlock(&l->lock);
	if (l->retrying)
		pthread_join(l->retry, NULL);
	nc = atomic_load(&l->nc);
	if (l->sub && nc)
		natsSubscription_Unsubscribe(l->sub);
	if (nc) {
		struct timespec until;

		natsConnection_FlushTimeout(nc, 500);
		natsConnection_Close(nc);
		/* libnats calls back on threads of its own, later: wait for its last call before freeing @l. */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 3;
		pthread_mutex_lock(&l->lock);
		while (!l->closed && pthread_cond_timedwait(&l->closed_cond, &l->lock, &until) == 0)
			;
		pthread_mutex_unlock(&l->lock);
	}
	natsSubscription_Destroy(l->sub);
	natsConnection_Destroy(nc);
	natsOptions_Destroy(l->opts);
	/* No delivery thread touches the queue once the connection is destroyed. */
	while (l->count) {
		natsMsg_Destroy(l->queue[l->head]);
		l->head = (l->head + 1) % CLUSTER_QUEUE_MAX;
		l->count--;
	}
	pthread_cond_destroy(&l->retry_wake);
	pthread_cond_destroy(&l->closed_cond);
	pthread_mutex_destroy(&l->lock);
	free(l);
}

int cluster_link_publish(struct cluster_link *l, const char *subject, const void *data, size_t len)
{
	natsConnection *nc = atomic_load(&l->nc);
	natsStatus s = nc ? natsConnection_Publish(nc, subject, data, (int)len) : NATS_CONNECTION_CLOSED;

	pthread_mutex_lock(&l->lock);
	if (s == NATS_OK)
		l->stats.published++;
	else
		l->stats.publish_failed++;
	pthread_mutex_unlock(&l->lock);
	return s == NATS_OK ? 0 : -1;
}

bool cluster_link_take(struct cluster_link *l, struct cluster_msg *m)
{
	natsMsg *msg = NULL;

	pthread_mutex_lock(&l->lock);
	if (l->count) {
		msg = l->queue[l->head];
		l->head = (l->head + 1) % CLUSTER_QUEUE_MAX;
		l->count--;
	}
	pthread_mutex_unlock(&l->lock);
	if (!msg)
		return false;
	*m = (struct cluster_msg){ .data = natsMsg_GetData(msg), .len = (size_t)natsMsg_GetDataLength(msg),
				   .impl = msg };
	return true;
}

void cluster_link_release(struct cluster_msg *m)
{
	natsMsg_Destroy(m->impl);
	m->impl = NULL;
}

bool cluster_link_connected(const struct cluster_link *l)
{
	natsConnection *nc = atomic_load(&((struct cluster_link *)l)->nc);

	return nc && natsConnection_Status(nc) == NATS_CONN_STATUS_CONNECTED;
}

void cluster_link_stats_get(struct cluster_link *l, struct cluster_link_stats *s)
{
	pthread_mutex_lock(&l->lock);
	*s = l->stats;
	s->queued = l->count;
	pthread_mutex_unlock(&l->lock);
}
