/*
 * config_osc.c - stage gear over OSC: the targets, the artist's controller
 * (OSC input), and the messages each cue sends. See docs/config.md, "osc".
 *
 * Thread: whichever thread loads the config.
 */
#include "config_sections.h"
#include "utf8.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

_Static_assert(offsetof(struct config_osc_send, in_max) ==
	       offsetof(struct config_osc_send, in_min) + sizeof(double), "from: in_min, in_max");
_Static_assert(offsetof(struct config_osc_send, out_max) ==
	       offsetof(struct config_osc_send, out_min) + sizeof(double), "to: out_min, out_max");

static bool ip_is_valid(const char *s)
{
	unsigned char addr[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, addr) == 1 || inet_pton(AF_INET6, s, addr) == 1;
}

/* ---- input: the artist's controller ---- */

static bool allow_from_item(struct config_reader *r, struct reader_object *o, json_t *item,
			    const char *iptr, size_t i, const char *aptr)
{
	struct venue_config *cfg = r->cfg;
	const char *s = json_string_value(item);

	if (!s || !ip_is_valid(s) || strlen(s) >= sizeof(cfg->osc_allowed[0])) {
		reader_fail(r, iptr, "expected an IP address");
		return false;
	}
	snprintf(cfg->osc_allowed[cfg->osc_allowed_count++], sizeof(cfg->osc_allowed[0]), "%s", s);
	return true;
}

static enum reader_got allow_from_read(struct config_reader *r, struct reader_object *o,
				       const struct reader_key *k)
{
	return reader_key_items(r, o, k, allow_from_item);
}

static const struct reader_key input_keys[] = {
	KEY_WHOLE("port", true, struct venue_config, osc_input_port, 1, 65535, 0, NULL,
		  "UDP port for the artist's controller."),
	KEY_ARRAY("allow_from", true, 1, CONFIG_MAX_OSC_ALLOWED, "addresses", allow_from_read,
		  "The only IP addresses messages are taken from."),
};
const struct reader_section config_osc_input_section =
	READER_SECTION("/osc/input", input_keys, NULL);

/* ---- targets ---- */

/* Each earlier target with the same id is reported. */
static enum reader_got target_id_read(struct config_reader *r, struct reader_object *o,
				      const struct reader_key *k)
{
	const struct config_osc_target *first = r->cfg->osc_targets;
	const char *id = reader_field(o, k);
	char kptr[READER_PTR_MAX];
	enum reader_got got = reader_key_read(r, o, k);

	reader_key_ptr(o, k, kptr);
	for (size_t j = 0; got == GOT_OK && (j = reader_same_id(o, k, first, sizeof(*first), j)) != SIZE_MAX; j++)
		reader_fail(r, kptr, "duplicate OSC target id \"%s\"", id);
	return got;
}

static enum reader_got target_host_read(struct config_reader *r, struct reader_object *o,
					const struct reader_key *k)
{
	const struct config_osc_target *t = o->base;
	enum reader_got got = reader_key_read(r, o, k);

	if (got != GOT_OK || ip_is_valid(t->host))
		return got;
	return reader_key_fail(r, o, k, "\"%.*s\" is not an IP address (names are not looked up during a show)",
				           utf8_fit(t->host, 40), t->host);
}

static const struct reader_key target_keys[] = {
	/* Any text: ids were never held to [a-z0-9_-] here. */
	KEY_TEXT("id", true, struct config_osc_target, id, 1, NULL, target_id_read,
		 "Unique; the name cues send to."),
	KEY_TEXT("host", true, struct config_osc_target, host, 1, NULL, target_host_read,
		 "An IPv4 or IPv6 address: nothing is looked up during a show."),
	KEY_WHOLE("port", true, struct config_osc_target, port, 1, 65535, 0, NULL,
		  "Its UDP port."),
};
const struct reader_section config_osc_target_section =
	READER_SECTION("/osc/targets/N", target_keys, NULL);

static const struct reader_key osc_keys[] = {
	KEY_OBJECTS("targets", false, struct venue_config, osc_targets, osc_target_count, 1,
		    CONFIG_MAX_OSC_TARGETS, "targets", &config_osc_target_section,
		    "Desks, VJ software or DAWs listening for OSC over UDP."),
	KEY_INLINE("input", false, &config_osc_input_section,
		   "OSC from the artist's controller, as console commands."),
};
const struct reader_section config_osc_section = READER_SECTION("/osc", osc_keys, NULL);

/* ---- what a cue sends ---- */

static enum reader_got send_target_read(struct config_reader *r, struct reader_object *o,
					const struct reader_key *k)
{
	const struct venue_config *cfg = r->cfg;
	struct config_osc_send *s = o->base;
	char target[CONFIG_ID_MAX + 1], kptr[READER_PTR_MAX];
	const char *ids[CONFIG_MAX_OSC_TARGETS];
	enum reader_got got = reader_string(r, o->json, o->ptr, k->name, k->required, 1,
					    CONFIG_ID_MAX, target);

	if (got != GOT_OK)
		return got;
	for (uint32_t t = 0; t < cfg->osc_target_count; t++) {
		ids[t] = cfg->osc_targets[t].id;
		if (strcmp(ids[t], target) == 0) {
			s->target = t;
			return GOT_OK;
		}
	}
	if (!cfg->osc_target_count)
		return reader_key_fail(r, o, k, "unknown OSC target \"%.*s\" (there is no \"osc\" section with targets)",
				       utf8_fit(target, 40), target);
	reader_key_ptr(o, k, kptr);
	reader_fail_unknown(r, kptr, "OSC target", target, ids, (int)cfg->osc_target_count);
	return GOT_BAD;
}

static enum reader_got send_address_read(struct config_reader *r, struct reader_object *o,
					 const struct reader_key *k)
{
	const struct config_osc_send *s = o->base;
	enum reader_got got = reader_key_read(r, o, k);

	if (got != GOT_OK || (s->address[0] == '/' && !strpbrk(s->address, " #*,?[]{}")))
		return got;
	return reader_key_fail(r, o, k, "an OSC address starts with / and has no spaces or # * , ? [ ] { }");
}

static enum reader_got send_source_read(struct config_reader *r, struct reader_object *o,
					const struct reader_key *k)
{
	struct config_osc_send *s = o->base;
	enum reader_got got = config_source_read(r, o->json, o->ptr, k->name, &s->source,
						 &s->source_arg);

	if (got == GOT_OK)
		config_source_range(r->cue, s->source, &s->in_min, &s->in_max);
	return got;
}

static const struct reader_key send_keys[] = {
	KEY_CUSTOM("target", true, send_target_read, "The id of an OSC target."),
	KEY_TEXT("address", true, struct config_osc_send, address, 2, NULL, send_address_read,
		 "The OSC address: starts with /, no spaces or # * , ? [ ] { }."),
	KEY_CUSTOM("source", true, send_source_read, "The show value sent, as for mappings."),
	KEY_RANGE("from", false, struct config_osc_send, in_min, -1e6, 1e6, 0, 1, NULL,
		  "The source's range, mapped to 0..1 and clamped; default: by source."),
	KEY_RANGE("to", true, struct config_osc_send, out_min, -1e9, 1e9, 0, 0, NULL,
		  "Sent as one float in this range."),
	KEY_NUMBER("rate_hz", false, struct config_osc_send, rate_hz, 0.1, 100, 20, NULL,
		   "At most this often."),
};
const struct reader_section config_osc_send_section =
	READER_SECTION("/cues/N/osc/N", send_keys, NULL);
