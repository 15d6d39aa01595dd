/*
 * config.c - venue configuration: the public entry points (load, parse,
 * free, format an error) and the document's top level, whose keys are read
 * by one file per section: config_venue.c, config_cues.c, config_audio.c,
 * config_osc.c, config_console.c, config_moderation.c, config_cluster.c and
 * config_theme.c, with the shared parse state, getters and key tables in
 * config_reader.c. See config.h and docs/config.md.
 *
 * Thread: whichever thread loads the config (main at start-up, the net
 * thread on a console "reload config"). Nothing here keeps global state.
 */
#include "config.h"
#include "config_sections.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FILE_MAX_BYTES	(4u << 20)

/* The top level; each object in it is read by its section's file. */
static const struct reader_key root_keys[] = {
	KEY_TEXT("name", true, struct venue_config, name, 1, NULL, NULL,
		 "The venue's name, on the join screen and the phones."),
	KEY_WHOLE("capacity", true, struct venue_config, capacity, 1, CONFIG_MAX_CAPACITY, 0,
		  config_capacity_read, "The most phones joined at once: the hard cap."),
	KEY_INLINE("listen", false, &config_listen_section, "Address and port to listen on."),
	KEY_TEXT("public_url", false, struct venue_config, public_url, 0, NULL,
		 config_public_url_read, "The join URL on the QR codes; \"\": derived at run time."),
	KEY_INLINE("tls", false, &config_tls_section, "Serve HTTPS and wss://."),
	KEY_INLINE("timing", false, &config_timing_section,
		   "Tick and broadcast rates, activity and resume windows."),
	KEY_OBJECT("limits", false, struct venue_config, limits, &config_limits_section,
		   "Per-phone rates, message size, connection caps, allowed origins."),
	KEY_ARRAY("zones", false, 1, CONFIG_MAX_ZONES, "zones", config_zones_read,
		  "Sections of the venue; none: one zone \"all\"."),
	{ .name = "cues", .kind = KEY_ARRAY, .required = true, .min = 1, .max = CONFIG_MAX_CUES,
	  .items = "cues", .handler = config_cues_read, .last = true,
	  .doc = "The show's cue list, in order." },	/* last: it names zones, targets, limits */
	KEY_OBJECT("audio", false, struct venue_config, audio, &config_audio_section,
		   "The venue's audio device."),
	KEY_OBJECT("safety", false, struct venue_config, safety, &config_safety_section,
		   "Limits on sound and light nobody can exceed."),
	KEY_INLINE("osc", false, &config_osc_section, "Stage gear over OSC, and the artist's controller."),
	KEY_OBJECT("console", false, struct venue_config, console, &config_console_section,
		   "Logins for the operator's and the artist's console."),
	KEY_OBJECT("moderation", false, struct venue_config, moderation,
		   &config_moderation_section, "Crowd messages: word filter, length, rate, queue, wall."),
	KEY_OBJECT("privacy", false, struct venue_config, privacy, &config_privacy_section,
		   "What the show's journal keeps about the crowd, and for how long."),
	KEY_OBJECT("cluster", false, struct venue_config, cluster, &config_cluster_section,
		   "The NATS link between a core and its edges."),
	KEY_OBJECT("theme", false, struct venue_config, theme, &config_theme_section,
		   "The stage screen's colours, fonts, logo, join words and cue transitions."),
};
const struct reader_section config_root_section = READER_SECTION("/", root_keys, NULL);

const struct reader_section *const config_sections[] = {
	&config_root_section, &config_listen_section, &config_tls_section,
	&config_timing_section, &config_limits_section, &config_zone_section,
	&config_cue_section, &config_poll_section, &config_audio_section,
	&config_safety_section, &config_cue_audio_section, &config_stem_section,
	&config_sample_section, &config_trigger_section, &config_mapping_section,
	&config_console_section, &config_secrets_section, &config_moderation_section,
	&config_osc_section, &config_osc_input_section, &config_osc_target_section,
	&config_osc_send_section, &config_privacy_section, &config_cluster_section,
	&config_theme_section, &config_transition_section,
	&config_isf_section, &config_isf_binding_section,
};
const size_t config_section_count = sizeof(config_sections) / sizeof(config_sections[0]);

static void config_defaults_set(struct venue_config *cfg, const char *path)
{
	snprintf(cfg->path, sizeof(cfg->path), "%s", path ? path : "");
	reader_defaults_apply(&config_root_section, cfg);
	for (int i = 0; i < CONFIG_MAX_CUES; i++)
		reader_defaults_apply(&config_cue_section, &cfg->cues[i]);
}

static void root_read(struct config_reader *r, json_t *root)
{
	struct reader_object o;

	reader_section_read(r, &o, root, "", &config_root_section, r->cfg, true);
}

/* "adhoc-N" names the console's own polls: a config's poll may not take it. */
static void adhoc_ids_refuse(struct config_reader *r)
{
	char ptr[READER_PTR_MAX];

	for (uint32_t c = 0; c < r->cfg->cue_count; c++) {
		const struct config_poll *p = r->cfg->cues[c].poll;

		if (p && strncmp(p->id, "adhoc-", 6) == 0) {
			snprintf(ptr, sizeof(ptr), "/cues/%u/poll/id", c);
			reader_fail(r, ptr, "\"adhoc-...\" is kept for the polls the console makes up mid-show; "
				    "choose another id");
		}
	}
}

/* The console's ad-hoc poll slots, after the config's polls: closed, empty, never a cue's. */
static void adhoc_slots_add(struct venue_config *cfg)
{
	cfg->adhoc_first = cfg->poll_count;
	for (uint32_t i = 0; i < CONFIG_ADHOC_POLLS; i++) {
		struct config_poll *p = &cfg->polls[cfg->poll_count];

		memset(p, 0, sizeof(*p));
		snprintf(p->id, sizeof(p->id), "adhoc-%u", i + 1);
		p->adhoc = true;
		p->option_count = CONFIG_POLL_OPTIONS_MIN;	/* until the console writes it: "" and "" */
		p->index = cfg->poll_count++;
	}
}

/* ---- public ------------------------------------------------------------ */

struct venue_config *config_parse(const char *text, size_t len, const char *path,
				  struct config_errors *errors)
{
	struct config_reader r = { .errors = errors, .path = path ? path : "" };
	size_t first = errors->count;
	json_error_t jerr;
	json_t *root;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		/* jansson says column 0 at the very end of a line or file; editors count from 1. */
		reader_fail_at(&r, jerr.line > 0 ? jerr.line : 0, jerr.column > 0 ? jerr.column : 1,
			       "%s", jerr.text);
		return NULL;
	}
	r.cfg = calloc(1, sizeof(*r.cfg));
	if (!r.cfg) {
		reader_fail(&r, "", "out of memory");
		json_decref(root);
		return NULL;
	}
	config_defaults_set(r.cfg, path);
	if (json_is_object(root))
		root_read(&r, root);
	else
		reader_fail(&r, "", "expected an object, got %s", reader_type_name(root));
	adhoc_ids_refuse(&r);
	reader_errors_sort(errors, first, root);
	json_decref(root);
	if (r.failed) {
		free(r.cfg);
		return NULL;
	}
	adhoc_slots_add(r.cfg);
	return r.cfg;
}

int config_adhoc_poll_write(const struct venue_config *cfg, uint32_t poll, const char *question,
			    const char *const *options, uint32_t option_count)
{
	/* The config is read-only everywhere but here: these slots are the show's scratch space. */
	struct config_poll *p = (struct config_poll *)&cfg->polls[poll];

	if (poll < cfg->adhoc_first || poll >= cfg->poll_count || option_count < CONFIG_POLL_OPTIONS_MIN ||
	    option_count > CONFIG_POLL_OPTIONS_MAX)
		return -1;
	snprintf(p->question, sizeof(p->question), "%s", question);
	for (uint32_t o = 0; o < option_count; o++)
		snprintf(p->options[o], sizeof(p->options[o]), "%s", options[o]);
	p->option_count = option_count;
	return 0;
}

struct venue_config *config_load(const char *path, struct config_errors *errors)
{
	struct config_reader r = { .errors = errors, .path = path };
	struct venue_config *cfg;
	struct stat st;
	char *text;
	size_t len;
	FILE *f;

	f = fopen(path, "rb");
	if (!f) {
		reader_fail(&r, "", "cannot read: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || S_ISDIR(st.st_mode)) {
		int err = S_ISDIR(st.st_mode) ? EISDIR : errno;

		reader_fail(&r, "", "cannot read: %s", strerror(err));
		fclose(f);
		return NULL;
	}
	if (st.st_size > (off_t)FILE_MAX_BYTES) {
		reader_fail(&r, "", "cannot read: larger than %u bytes", FILE_MAX_BYTES);
		fclose(f);
		return NULL;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		reader_fail(&r, "", "cannot read: %s", strerror(ENOMEM));
		fclose(f);
		return NULL;
	}
	len = fread(text, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		reader_fail(&r, "", "cannot read: %s", strerror(errno));
		free(text);
		fclose(f);
		return NULL;
	}
	fclose(f);
	cfg = config_parse(text, len, path, errors);
	free(text);
	return cfg;
}

void config_destroy(struct venue_config *cfg)
{
	free(cfg);
}

void config_errors_free(struct config_errors *errors)
{
	if (!errors)
		return;
	free(errors->items);
	errors->items = NULL;
	errors->count = 0;
	errors->capacity = 0;
}

int config_error_format(const struct config_error *e, const char *file, char *out, size_t size)
{
	if (e->line > 0)
		return snprintf(out, size, "%s:%d:%d: %s", file, e->line, e->column, e->message);
	if (e->pointer[0])
		return snprintf(out, size, "%s: %s: %s", file, e->pointer, e->message);
	return snprintf(out, size, "%s: %s", file, e->message);
}
