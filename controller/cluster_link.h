/*
 * cluster_link.h - one NATS connection (libnats) for a core or an edge:
 * connect with the config's credentials and TLS, keep reconnecting for as
 * long as the show runs, publish, and hand the messages of one subscription
 * to the caller's thread.
 *
 * libnats delivers on threads of its own; messages wait in a bounded queue
 * the owner drains at its tick, so nothing of the show is touched off the
 * net thread. A NATS server down is a state, not an error: publishing then
 * fills libnats' reconnect buffer, and cluster_link_connected() is false
 * (the console's alarm, /healthz).
 *
 * Thread: open, close, publish and take from the owner's thread (the net
 * thread); the queue is filled from libnats' delivery thread.
 */
#ifndef TUTTI_CLUSTER_LINK_H
#define TUTTI_CLUSTER_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define CLUSTER_QUEUE_MAX	8192	/* messages waiting for the owner; beyond, the oldest go */
#define CLUSTER_MESSAGE_MAX	(512u * 1024)	/* a batch is split before it grows past this (NATS' max_payload is 1 MB) */

struct cluster_link;

/* One received message, until cluster_link_release(). */
struct cluster_msg {
	const void *data;
	size_t len;
	void *impl;
};

/*
 * Connects to @url (nats://HOST:PORT, several separated by commas) as
 * @name, with @cfg's credentials and TLS, and subscribes to @subject.
 * A server that does not answer yet, or that refuses the first connection
 * (a wrong password, a certificate it does not take: logged), is tried
 * again in the background: the link is returned anyway, not connected.
 * NULL (with @err) when the options are refused (a TLS file that does not
 * load, a malformed URL).
 */
struct cluster_link *cluster_link_open(const struct config_cluster *cfg, const char *url, const char *name,
				       const char *subject, char *err, size_t err_cap);
void cluster_link_close(struct cluster_link *l);

/* Publishes @len bytes on @subject. 0, or -1 (counted; the link may be closing). */
int cluster_link_publish(struct cluster_link *l, const char *subject, const void *data, size_t len);
/* The oldest message waiting, or false. Release each one taken. */
bool cluster_link_take(struct cluster_link *l, struct cluster_msg *m);
void cluster_link_release(struct cluster_msg *m);

/* True while connected to a NATS server. */
bool cluster_link_connected(const struct cluster_link *l);
struct cluster_link_stats {
	uint64_t published, publish_failed, received, dropped;	/* dropped: the queue was full */
	uint64_t disconnects, reconnects;
	uint32_t queued;
};
void cluster_link_stats_get(struct cluster_link *l, struct cluster_link_stats *s);

#endif
