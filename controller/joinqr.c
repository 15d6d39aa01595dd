/*
 * joinqr.c - join URL and terminal QR code (libqrencode). See joinqr.h.
 * Thread: start-up only.
 */
#include "joinqr.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <qrencode.h>
#include <string.h>
#include <unistd.h>

#define QUIET_ZONE 2	/* modules of light border; 4 is the standard, 2 reads fine on screens */

static void first_lan_ipv4(char *out, size_t cap)
{
	struct ifaddrs *ifs, *i;

	snprintf(out, cap, "127.0.0.1");
	if (getifaddrs(&ifs) != 0)
		return;
	for (i = ifs; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
		    (i->ifa_flags & IFF_LOOPBACK) || !(i->ifa_flags & IFF_UP))
			continue;
		inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, out, (socklen_t)cap);
		break;
	}
	freeifaddrs(ifs);
}

void joinqr_url(char *out, size_t cap, const struct venue_config *cfg, const char *scheme,
		const char *listen, int port)
{
	char host[64];

	if (cfg->public_url[0]) {
		snprintf(out, cap, "%s", cfg->public_url);
		return;
	}
	if (!listen || !*listen || strcmp(listen, "0.0.0.0") == 0 || strcmp(listen, "::") == 0)
		first_lan_ipv4(host, sizeof(host));
	else
		snprintf(host, sizeof(host), "%s", listen);
	if (strchr(host, ':'))
		snprintf(out, cap, "%s://[%s]:%d/", scheme, host, port);
	else
		snprintf(out, cap, "%s://%s:%d/", scheme, host, port);
}

static int module_dark(const QRcode *qr, int x, int y)
{
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return 0;
	return qr->data[y * qr->width + x] & 1;
}

int joinqr_print(FILE *out, const char *url)
{
	/*
	 * Indexed by top * 2 + bottom, 1 = dark module. Light is drawn as the
	 * block (a lit cell on a dark terminal): full, upper half, lower half, none.
	 */
	static const char *const cells[4] = { "\xe2\x96\x88", "\xe2\x96\x80", "\xe2\x96\x84", " " };
	QRcode *qr = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);

	if (!qr)
		return -1;
	for (int y = -QUIET_ZONE; y < qr->width + QUIET_ZONE; y += 2) {
		fputs("  ", out);
		for (int x = -QUIET_ZONE; x < qr->width + QUIET_ZONE; x++) {
			int top = module_dark(qr, x, y), bottom = module_dark(qr, x, y + 1);

			fputs(cells[top * 2 + bottom], out);
		}
		fputc('\n', out);
	}
	QRcode_free(qr);
	return 0;
}

void joinqr_announce(FILE *out, const struct venue_config *cfg, const char *scheme, const char *listen, int port,
		     bool simulated, char *join_url, size_t join_url_cap)
{
	char url[300];

	joinqr_url(url, sizeof(url), cfg, scheme, listen, port);
	snprintf(join_url, join_url_cap, "%s", url);
	fprintf(out, "tutti: listening on %s://%s:%d/\n", scheme, strcmp(listen, "0.0.0.0") == 0 ? "127.0.0.1" : listen,
		port);
	fprintf(out, "tutti: venue \"%s\", capacity %u, %u zone(s), %u cue(s)%s\n", cfg->name, cfg->capacity,
		cfg->zone_count, cfg->cue_count, simulated ? ", simulated crowd" : "");
	fprintf(out, "tutti: phones join at %s\n", url);
	if (cfg->zone_count > 1)
		for (uint32_t z = 0; z < cfg->zone_count; z++)
			fprintf(out, "tutti:   zone %-12s %s%szone=%s\n", cfg->zones[z].id, url,
				strchr(url, '?') ? "&" : "?", cfg->zones[z].id);
	if (isatty(fileno(out)))
		joinqr_print(out, url);
	fflush(out);
}
