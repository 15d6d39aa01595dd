/*
 * net_listen.h - the server's listening socket, accepted a batch at a
 * time; net.c hands each socket to lws.
 *
 * Why not lws' own listener: libwebsockets 4.1 accepts everything that
 * is waiting in one go and gives each new socket its handshake timeouts
 * in one list sorted by deadline, every insert walking all the sockets
 * accepted before it and not yet read. When 15,000 phones came back
 * after a restart, the loop spent most of its time in that walk and
 * /healthz answered after 8 to 12 s (bench/RESULTS.md). Here one pass of
 * the loop accepts at most NET_LISTEN_BATCH sockets, lws reads and
 * upgrades them in the next pass, and the rest wait in the kernel's
 * queue, which is long: no connection is refused, and no phone waits
 * for a dropped SYN to be sent again.
 *
 * Thread: the net thread.
 */
#ifndef TUTTI_NET_LISTEN_H
#define TUTTI_NET_LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define NET_LISTEN_BATCH 64

/* A socket just accepted (non-blocking, close-on-exec, no Nagle): the callee owns @fd. */
typedef void (*net_accept_fn)(void *user, int fd, const struct sockaddr *from);

/*
 * A listening socket on @address (NULL: every interface, IPv6 and IPv4)
 * and @port (0: the system picks one; *@bound_port says which). Returns
 * the socket, or -1 with the reason in @why.
 */
int net_listen_open(const char *address, int port, int *bound_port, char *why, size_t why_cap);
/*
 * Accepts up to NET_LISTEN_BATCH sockets waiting on @fd, each to
 * @on_accept. Returns false when the process is out of files: the
 * caller stops watching @fd for a while, or the loop would spin on it.
 */
bool net_listen_accept_batch(int fd, net_accept_fn on_accept, void *user);

#endif
