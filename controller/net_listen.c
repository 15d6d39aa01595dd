/*
 * net_listen.c - the listening socket, accepted in batches. See
 * net_listen.h.
 *
 * Thread: the net thread.
 */
#include "net_listen.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static int listen_on(const struct sockaddr *sa, socklen_t len, char *why, size_t why_cap)
{
	int one = 1, zero = 0;
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		snprintf(why, why_cap, "%s", strerror(errno));
		return -1;
	}
	/* A restart takes its port back at once, whatever sockets of the last run linger. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* "Every interface" on IPv6 takes IPv4 phones too. */
	if (sa->sa_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, sa, len) != 0 || listen(fd, SOMAXCONN) != 0) {
		snprintf(why, why_cap, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int port_of(int fd)
{
	struct sockaddr_storage bound;
	socklen_t len = sizeof(bound);

	if (getsockname(fd, (struct sockaddr *)&bound, &len) != 0)
		return -1;
	return ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
						 : ((struct sockaddr_in *)&bound)->sin_port);
}

int net_listen_open(const char *address, int port, int *bound_port, char *why, size_t why_cap)
{
	int fd = -1;

	if (!address) {
		struct sockaddr_in6 any6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port),
					     .sin6_addr = IN6ADDR_ANY_INIT };
		struct sockaddr_in any4 = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
					    .sin_addr.s_addr = htonl(INADDR_ANY) };

		fd = listen_on((struct sockaddr *)&any6, sizeof(any6), why, why_cap);
		if (fd < 0)	/* a machine without IPv6 */
			fd = listen_on((struct sockaddr *)&any4, sizeof(any4), why, why_cap);
	} else {
		struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
		struct addrinfo *found = NULL;
		char service[16];
		int err;

		snprintf(service, sizeof(service), "%d", port);
		err = getaddrinfo(address, service, &hints, &found);
		if (err)
			snprintf(why, why_cap, "%s", gai_strerror(err));
		for (struct addrinfo *a = found; a && fd < 0; a = a->ai_next)
			fd = listen_on(a->ai_addr, a->ai_addrlen, why, why_cap);
		if (found)
			freeaddrinfo(found);
	}
	if (fd >= 0)
		*bound_port = port_of(fd);
	return fd;
}

bool net_listen_accept_batch(int fd, net_accept_fn on_accept, void *user)
{
	for (int k = 0; k < NET_LISTEN_BATCH; k++) {
		struct sockaddr_storage from;
		socklen_t len = sizeof(from);
		int one = 1;
		int s = accept4(fd, (struct sockaddr *)&from, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (s < 0) {
			if (errno == EMFILE || errno == ENFILE) {
				log_error("accept: %s; accepting again at the next tick", strerror(errno));
				return false;
			}
			if (errno == ECONNABORTED || errno == EINTR)
				continue;
			return true;	/* EAGAIN: none left (or an error the next pass will see again) */
		}
		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));	/* states go out as written */
		on_accept(user, s, (const struct sockaddr *)&from);
	}
	return true;
}
