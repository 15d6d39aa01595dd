/*
 * config_venue.c - the venue's own keys: its size, where it listens, TLS,
 * timing, per-phone limits, zones, safety limits and privacy. See docs/config.md.
 *
 * Thread: whichever thread loads the config.
 */
#include "config_sections.h"
#include "journal_retention.h"
#include "utf8.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* ---- top-level keys read here ---- */

/* The venue capacity, and the socket cap it implies unless limits sets one. */
enum reader_got config_capacity_read(struct config_reader *r, struct reader_object *o,
				     const struct reader_key *k)
{
	struct venue_config *cfg = r->cfg;
	enum reader_got got = reader_key_read(r, o, k);
	uint32_t max_conn = cfg->capacity + cfg->capacity / 10 + 16;

	cfg->limits.max_connections = max_conn < CONFIG_MAX_CONNECTIONS ? max_conn :
				      CONFIG_MAX_CONNECTIONS;
	return got;
}

enum reader_got config_public_url_read(struct config_reader *r, struct reader_object *o,
				       const struct reader_key *k)
{
	struct venue_config *cfg = r->cfg;
	char kptr[READER_PTR_MAX];
	enum reader_got got = reader_key_read(r, o, k);

	if (got != GOT_OK || !cfg->public_url[0])
		return got;
	if (strncmp(cfg->public_url, "http://", 7) != 0 &&
	    strncmp(cfg->public_url, "https://", 8) != 0) {
		reader_key_ptr(o, k, kptr);
		reader_fail(r, kptr, "must start with http:// or https://, got \"%.*s\"",
			    utf8_fit(cfg->public_url, 100), cfg->public_url);
		cfg->public_url[0] = '\0';
		return GOT_BAD;
	}
	return GOT_OK;
}

/* ---- listen, tls, timing ---- */

static bool ip_is_valid(const char *s)
{
	unsigned char addr[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, addr) == 1 || inet_pton(AF_INET6, s, addr) == 1;
}

static enum reader_got listen_address_read(struct config_reader *r, struct reader_object *o,
					   const struct reader_key *k)
{
	const char *addr = reader_field(o, k);
	enum reader_got got = reader_key_read(r, o, k);

	if (got != GOT_OK || ip_is_valid(addr))
		return got;
	return reader_key_fail(r, o, k, "not an IPv4 or IPv6 address: \"%s\"", addr);
}

static const struct reader_key listen_keys[] = {
	KEY_TEXT("address", false, struct venue_config, listen_address, 1, "0.0.0.0",
		 listen_address_read, "Local address to listen on, IPv4 or IPv6."),
	KEY_WHOLE("port", false, struct venue_config, port, 0, 65535, 8080, NULL,
		  "TCP port for phones, the console, /healthz and /metrics; 0: the system picks."),
};
const struct reader_section config_listen_section =
	READER_SECTION("/listen", listen_keys, NULL);

enum reader_got config_file_read(struct config_reader *r, struct reader_object *o, const struct reader_key *k)
{
	char kptr[READER_PTR_MAX], file[CONFIG_PATH_MAX];
	char *out = reader_field(o, k);
	enum reader_got got = reader_key_read(r, o, k);

	if (got != GOT_OK || !out[0])
		return got;
	reader_key_ptr(o, k, kptr);
	snprintf(file, sizeof(file), "%s", out);
	return reader_file_check(r, file, kptr, out, k->size);
}

static const struct reader_key tls_keys[] = {
	KEY_TEXT("cert", true, struct venue_config, tls_cert, 1, NULL, config_file_read,
		 "The certificate chain (PEM)."),
	KEY_TEXT("key", true, struct venue_config, tls_key, 1, NULL, config_file_read,
		 "Its private key (PEM)."),
};
const struct reader_section config_tls_section = READER_SECTION("/tls", tls_keys, NULL);

static void timing_finish(struct config_reader *r, struct reader_object *o)
{
	const struct venue_config *cfg = r->cfg;

	/* Only compare values that are themselves valid (or defaults). */
	if (reader_got(o, "tick_hz") != GOT_BAD && reader_got(o, "broadcast_hz") != GOT_BAD &&
	    cfg->broadcast_hz > cfg->tick_hz)
		reader_fail(r, "/timing/broadcast_hz",
			    "must not be more than tick_hz (%.15g), got %.15g", cfg->tick_hz,
			    cfg->broadcast_hz);
	if (reader_got(o, "broadcast_hz") != GOT_BAD && reader_got(o, "calm_hz") != GOT_BAD &&
	    cfg->calm_hz > cfg->broadcast_hz)
		reader_fail(r, "/timing/calm_hz", "must not be more than broadcast_hz (%.15g), got %.15g",
			    cfg->broadcast_hz, cfg->calm_hz);
	if (reader_got(o, "calm_hz") != GOT_BAD && reader_got(o, "hidden_hz") != GOT_BAD &&
	    cfg->hidden_hz > cfg->calm_hz)
		reader_fail(r, "/timing/hidden_hz", "must not be more than calm_hz (%.15g), got %.15g",
			    cfg->calm_hz, cfg->hidden_hz);
}

static const struct reader_key timing_keys[] = {
	KEY_NUMBER("tick_hz", false, struct venue_config, tick_hz, 10, 240, 60, NULL,
		   "Show ticks per second."),
	KEY_NUMBER("broadcast_hz", false, struct venue_config, broadcast_hz, 1, 60, 20, NULL,
		   "States per second to a phone that acted in the last active_window_s; at most tick_hz."),
	KEY_NUMBER("calm_hz", false, struct venue_config, calm_hz, 0.5, 60, 4, NULL,
		   "States per second to a joined phone that is not acting; at most broadcast_hz."),
	/* Not below one state in 5 s: a phone takes 8 s of silence for a dead link. */
	KEY_NUMBER("hidden_hz", false, struct venue_config, hidden_hz, 0.2, 60, 0.5, NULL,
		   "States per second to a phone whose page is hidden; at most calm_hz."),
	/* Not below the 2 s a tap tempo or shake lasts, or "active" would undercount them. */
	KEY_NUMBER("active_window_s", false, struct venue_config, active_window_s, 2, 60, 5, NULL,
		   "A participant with an input this recent counts as active."),
	KEY_NUMBER("resume_window_s", false, struct venue_config, resume_window_s, 0, 86400, 600,
		   NULL, "A dropped phone back within this long resumes as the same participant."),
};
const struct reader_section config_timing_section =
	READER_SECTION("/timing", timing_keys, timing_finish);

/* ---- limits ---- */

/*
 * Whether @s is an exact origin "scheme://host[:port]". On a near miss that
 * has an obvious fix, writes the fix to @fix (else leaves it "").
 */
static bool origin_is_valid(const char *s, char *fix, size_t fix_size)
{
	const char *host, *end, *colon;
	size_t n = strlen(s);

	fix[0] = '\0';
	if (strncmp(s, "http://", 7) == 0)
		host = s + 7;
	else if (strncmp(s, "https://", 8) == 0)
		host = s + 8;
	else
		return false;
	if (n > 0 && s[n - 1] == '/') {
		char trimmed[CONFIG_ORIGIN_MAX + 1];

		snprintf(trimmed, sizeof(trimmed), "%.*s", (int)(n - 1), s);
		if (strchr(trimmed + (host - s), '/') == NULL &&
		    origin_is_valid(trimmed, fix, fix_size))
			snprintf(fix, fix_size, "%s", trimmed);
		return false;
	}
	end = host + strlen(host);
	if (*host == '[') {		/* [IPv6] */
		const char *close = strchr(host, ']');

		if (!close || close == host + 1)
			return false;
		colon = close[1] == ':' ? close + 1 : NULL;
		if (!colon && close[1])
			return false;
		for (const char *c = host + 1; c < close; c++)
			if (!isxdigit((unsigned char)*c) && *c != ':' && *c != '.')
				return false;
	} else {
		colon = strchr(host, ':');
		for (const char *c = host; c < (colon ? colon : end); c++)
			if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) &&
			    *c != '-' && *c != '.')
				return false;
		if ((colon ? colon : end) == host)
			return false;
	}
	if (colon) {
		long port = 0;

		if (!colon[1] || colon + 6 < end)
			return false;
		for (const char *c = colon + 1; *c; c++) {
			if (!isdigit((unsigned char)*c))
				return false;
			port = port * 10 + (*c - '0');
		}
		if (port < 1 || port > 65535)
			return false;
	}
	return true;
}

static void origin_fail(struct config_reader *r, const char *iptr, const char *slot,
			const char *fix)
{
	char low[CONFIG_ORIGIN_MAX + 1], unused[CONFIG_ORIGIN_MAX + 1];
	size_t k;

	for (k = 0; slot[k]; k++)
		low[k] = (char)tolower((unsigned char)slot[k]);
	low[k] = '\0';
	if (!fix[0] && origin_is_valid(low, unused, sizeof(unused)))
		reader_fail(r, iptr, "an origin is in lower case; did you mean \"%s\"?", low);
	else if (fix[0])
		reader_fail(r, iptr, "an origin has no trailing slash; did you mean \"%s\"?", fix);
	else
		reader_fail(r, iptr,
			    "expected an origin \"http(s)://host[:port]\" in lower case with no path, got \"%.*s\"",
			    utf8_fit(slot, 128), slot);
}

static bool origin_item(struct config_reader *r, struct reader_object *o, json_t *v,
			const char *iptr, size_t i, const char *aptr)
{
	struct config_limits *lim = o->base;
	char *slot = lim->allowed_origins[lim->allowed_origin_count];
	char fix[CONFIG_ORIGIN_MAX + 1];

	if (!reader_item_is_string(r, v, iptr) ||
	    reader_text_item(r, v, iptr, 1, CONFIG_ORIGIN_MAX, slot) != GOT_OK)
		return false;
	if (!origin_is_valid(slot, fix, sizeof(fix))) {
		origin_fail(r, iptr, slot, fix);
		return false;
	}
	lim->allowed_origin_count++;
	return true;
}

static enum reader_got origins_read(struct config_reader *r, struct reader_object *o,
				    const struct reader_key *k)
{
	return reader_key_items(r, o, k, origin_item);
}

/* Unless set, the burst is two seconds' worth of inputs. */
static enum reader_got input_burst_read(struct config_reader *r, struct reader_object *o,
					const struct reader_key *k)
{
	struct config_limits *lim = o->base;
	enum reader_got got = reader_key_read(r, o, k);

	if (got != GOT_OK)
		lim->input_burst = 2 * lim->inputs_per_second;
	return got;
}

/* Unless set, a pinged phone has 25 s to answer; set, it must leave time for the ping. */
static enum reader_got idle_hangup_read(struct config_reader *r, struct reader_object *o,
					const struct reader_key *k)
{
	struct config_limits *lim = o->base;
	enum reader_got got = reader_key_read(r, o, k);

	if (got != GOT_OK) {
		lim->idle_hangup_s = lim->idle_ping_s + 25;
		return got;
	}
	if (lim->idle_hangup_s <= lim->idle_ping_s) {
		reader_fail(r, "/limits/idle_hangup_s", "must be longer than idle_ping_s (%g), got %g",
			    lim->idle_ping_s, lim->idle_hangup_s);
		return GOT_BAD;
	}
	return got;
}

static enum reader_got max_connections_read(struct config_reader *r, struct reader_object *o,
					    const struct reader_key *k)
{
	const struct venue_config *cfg = r->cfg;
	enum reader_got got = reader_key_read(r, o, k);

	/* A capacity of 0 is one that was itself wrong (and reported). Past one process's files, edges hold the rest. */
	uint32_t least = cfg->capacity < CONFIG_MAX_CONNECTIONS ? cfg->capacity : CONFIG_MAX_CONNECTIONS;

	if (got == GOT_OK && cfg->capacity && cfg->limits.max_connections < least) {
		reader_fail(r, "/limits/max_connections",
			    "must be at least the venue capacity (%u), got %u", least, cfg->limits.max_connections);
		return GOT_BAD;
	}
	return got;
}

static const struct reader_key limits_keys[] = {
	KEY_NUMBER("inputs_per_second", false, struct config_limits, inputs_per_second, 1, 100, 10,
		   NULL, "Inputs one phone may send per second, sustained."),
	KEY_NUMBER("input_burst", false, struct config_limits, input_burst, 1, 1000, 20,
		   input_burst_read, "Inputs at once after a pause; default 2 x inputs_per_second."),
	KEY_NUMBER("throttle_close_s", false, struct config_limits, throttle_close_s, 1, 600, 10,
		   NULL, "Over its rate this long, a phone is closed with 1008."),
	KEY_WHOLE("max_message_bytes", false, struct config_limits, max_message_bytes, 128, 65536,
		  1024, NULL, "A larger message from a phone closes it with 1009."),
	KEY_WHOLE("max_connections_per_address", false, struct config_limits,
		  max_connections_per_address, 1, CONFIG_MAX_CONNECTIONS, 16, NULL,
		  "Open sockets from one IP address."),
	KEY_WHOLE("ipv6_prefix", false, struct config_limits, ipv6_prefix, 48, 128, 128, NULL,
		  "IPv6 addresses alike in this many leading bits count as one address."),
	/* Its default, capacity + capacity/10 + 16, is set by config_capacity_read(). */
	KEY_WHOLE("max_connections", false, struct config_limits, max_connections, 1,
		  CONFIG_MAX_CONNECTIONS, 0, max_connections_read,
		  "Hard cap on open sockets, at least the capacity."),
	KEY_NUMBER("idle_ping_s", false, struct config_limits, idle_ping_s, 1, 300, 20, NULL,
		   "A phone silent this long gets a WebSocket ping."),
	KEY_NUMBER("idle_hangup_s", false, struct config_limits, idle_hangup_s, 2, 600, 45,
		   idle_hangup_read, "Silent this long, pong included: the phone is gone and closed."),
	KEY_ARRAY("allowed_origins", false, 0, CONFIG_MAX_ORIGINS, "origins", origins_read,
		  "Pages allowed to open the phone WebSocket; none: same origin only."),
};
const struct reader_section config_limits_section =
	READER_SECTION("/limits", limits_keys, NULL);

/* ---- zones ---- */

static enum reader_got zone_id_read(struct config_reader *r, struct reader_object *o,
				    const struct reader_key *k)
{
	const struct config_zone *zones = r->cfg->zones;

	return reader_id_unique(r, o, k, zones, sizeof(zones[0]), "zone", "/zones");
}

static enum reader_got zone_capacity_read(struct config_reader *r, struct reader_object *o,
					  const struct reader_key *k)
{
	const struct venue_config *cfg = r->cfg;
	const struct config_zone *zone = o->base;
	enum reader_got got = reader_key_read(r, o, k);

	if (got == GOT_OK && cfg->capacity && zone->capacity > cfg->capacity) {
		return reader_key_fail(r, o, k, "must not be more than the venue capacity (%u), got %u",
					           cfg->capacity, zone->capacity);
	}
	return got;
}

static const struct reader_key zone_keys[] = {
	KEY_ID("id", true, struct config_zone, id, zone_id_read,
	       "Unique among zones; phones join it with ?zone=ID."),
	KEY_TEXT("name", false, struct config_zone, name, 1, NULL, reader_text_or_id,
		 "Shown to people; default: the id."),
	KEY_WHOLE("capacity", true, struct config_zone, capacity, 1, CONFIG_MAX_CAPACITY, 0,
		  zone_capacity_read, "Places in the zone, at most the venue's; soft."),
};
const struct reader_section config_zone_section = READER_SECTION("/zones/N", zone_keys, NULL);

enum reader_got config_zones_read(struct config_reader *r, struct reader_object *o,
				  const struct reader_key *k)
{
	struct venue_config *cfg = r->cfg;
	char aptr[READER_PTR_MAX], zptr[READER_PTR_MAX];
	json_t *a = reader_key_array(r, o, k, aptr);
	struct reader_object zo;
	json_t *z;
	size_t i;

	if (!a) {
		if (json_object_get(o->json, k->name))
			return GOT_BAD;
		snprintf(cfg->zones[0].id, sizeof(cfg->zones[0].id), "all");
		memcpy(cfg->zones[0].name, cfg->name, sizeof(cfg->name));
		cfg->zones[0].capacity = cfg->capacity;
		cfg->zone_count = 1;
		return GOT_NONE;
	}
	json_array_foreach(a, i, z) {
		reader_ptr_index(zptr, aptr, i);
		if (!json_is_object(z)) {
			reader_fail(r, zptr, "expected an object, got %s", reader_type_name(z));
			continue;
		}
		reader_defaults_apply(&config_zone_section, &cfg->zones[i]);
		reader_section_read(r, &zo, z, zptr, &config_zone_section, &cfg->zones[i], true);
	}
	cfg->zone_count = (uint32_t)json_array_size(a);
	return GOT_OK;
}

int config_zone_index(const struct venue_config *cfg, const char *id)
{
	for (uint32_t i = 0; id && i < cfg->zone_count; i++)
		if (strcmp(cfg->zones[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* ---- safety ---- */

static const struct reader_key safety_keys[] = {
	KEY_NUMBER("ceiling_dbfs", false, struct config_safety, ceiling_dbfs, -30, 0, -1, NULL,
		   "No sample sent to the PA is above this."),
	KEY_NUMBER("max_gain_rate_db_s", false, struct config_safety, max_gain_rate_db_s, 0.5, 60,
		   6, NULL, "No gain moves faster than this many dB per second."),
	KEY_NUMBER("min_playback_rate", false, struct config_safety, min_playback_rate, 0.5, 1, 0.9,
		   NULL, "Slowest the stems may play."),
	KEY_NUMBER("max_playback_rate", false, struct config_safety, max_playback_rate, 1, 2, 1.1,
		   NULL, "Fastest the stems may play."),
	/* WCAG 2.3.1 allows three; a venue may only be stricter. */
	KEY_WHOLE("max_flashes_per_s", false, struct config_safety, max_flashes_per_s, 0, 3, 3,
		  NULL, "Flashes in any one second, on the stage screen and on phones."),
	KEY_WHOLE("max_red_flashes_per_s", false, struct config_safety, max_red_flashes_per_s, 0,
		  3, 3, NULL, "Saturated-red flashes in any one second."),
};
const struct reader_section config_safety_section =
	READER_SECTION("/safety", safety_keys, NULL);

/* ---- privacy ---- */

/* journal_retention.c reads this key from a stored show's config text: keep the two in step. */
static const struct reader_key privacy_keys[] = {
	KEY_NUMBER("retention_days", false, struct config_privacy, retention_days, 0, 3650,
		   JOURNAL_RETENTION_DEFAULT_DAYS, NULL,
		   "After the show, who did what is kept this long, then only the aggregates."),
};
const struct reader_section config_privacy_section =
	READER_SECTION("/privacy", privacy_keys, NULL);
