/*
 * net_origin.c - the Origin rules of the venue server. See net_origin.h.
 *
 * Thread: any.
 */
#include "net_origin.h"

#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

/* Whether the Host header names this daemon: an IP address, localhost, or the host of public_url. */
static bool host_is_ours(const struct venue_config *cfg, const char *host_header)
{
	char host[256];
	unsigned char buf[16];
	const char *pub = cfg->public_url, *start, *end;

	snprintf(host, sizeof(host), "%s", host_header);
	if (host[0] == '[') {
		char *close = strchr(host, ']');

		if (close)
			*close = '\0';
		return inet_pton(AF_INET6, host + 1, buf) == 1;
	}
	if (strchr(host, ':'))
		*strchr(host, ':') = '\0';
	if (inet_pton(AF_INET, host, buf) == 1 || strcmp(host, "localhost") == 0)
		return true;
	start = strstr(pub, "://");
	if (!start)
		return false;
	start += 3;
	end = start + strcspn(start, ":/");
	return (size_t)(end - start) == strlen(host) && strncmp(start, host, strlen(host)) == 0;
}

bool net_origin_check(const struct venue_config *cfg, bool tls, const char *origin, const char *host)
{
	const struct config_limits *lim = &cfg->limits;
	char own[300];

	if (!origin[0])
		return true;
	if (lim->allowed_origin_count) {
		for (uint32_t i = 0; i < lim->allowed_origin_count; i++)
			if (strcmp(origin, lim->allowed_origins[i]) == 0)
				return true;
		return false;
	}
	if (!host[0] || !host_is_ours(cfg, host))
		return false;
	snprintf(own, sizeof(own), "%s://%s", tls ? "https" : "http", host);
	return strcmp(origin, own) == 0;
}
