/*
 * config_cues.c - the cue list and the polls that belong to cues: scenes,
 * controls, auto-advance, an "isf" scene's shader and its bindings, and
 * the names of scenes and controls. See docs/config.md, "cues", "poll"
 * and "ISF scenes".
 *
 * Thread: whichever thread loads the config.
 */
#include "config_sections.h"
#include "stage_isf.h"
#include "suggest.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>

static const char *const control_names[CONTROL_COUNT] = {
	[CONTROL_TAP] = "tap",
	[CONTROL_XY] = "xy",
	[CONTROL_SLIDER] = "slider",
	[CONTROL_SHAKE] = "shake",
	[CONTROL_VOTE] = "vote",
	[CONTROL_TEXT] = "text",
};

static const char *const scene_names[SCENE_COUNT] = {
	[SCENE_JOIN] = "join",
	[SCENE_CROWD_FIELD] = "crowd-field",
	[SCENE_POLL] = "poll",
	[SCENE_CROWD_MAP] = "crowd-map",
	[SCENE_AUDIO] = "audio",
	[SCENE_TITLE] = "title",
	[SCENE_WALL] = "wall",
	[SCENE_ISF] = "isf",
};

/* ---- poll ---- */

static enum reader_got poll_id_read(struct config_reader *r, struct reader_object *o,
				    const struct reader_key *k)
{
	const struct config_poll *polls = r->cfg->polls;
	const char *id = reader_field(o, k);
	enum reader_got got = reader_key_read(r, o, k);

	if (got != GOT_OK || reader_same_id(o, k, polls, sizeof(polls[0]), 0) == SIZE_MAX)
		return got;
	return reader_key_fail(r, o, k, "duplicate poll id \"%s\" (also in another cue)", id);
}

/* Options of a poll: non-empty strings, no two the same. */
static bool poll_option_item(struct config_reader *r, struct reader_object *o, json_t *v,
			     const char *iptr, size_t i, const char *aptr)
{
	struct config_poll *poll = o->base;

	poll->option_count = (uint32_t)i + 1;	/* every option counts, good or not */
	if (!reader_item_is_string(r, v, iptr) ||
	    reader_text_item(r, v, iptr, 1, CONFIG_TEXT_MAX, poll->options[i]) != GOT_OK)
		return false;
	for (size_t j = 0; j < i; j++) {
		if (strcmp(poll->options[j], poll->options[i]) == 0) {
			reader_fail(r, iptr, "duplicate option \"%.*s\" (also %s/%zu)",
				    utf8_fit(poll->options[i], 80), poll->options[i], aptr, j);
			return false;
		}
	}
	return true;
}

static enum reader_got poll_options_read(struct config_reader *r, struct reader_object *o,
					 const struct reader_key *k)
{
	return reader_key_items(r, o, k, poll_option_item);
}

static const struct reader_key poll_keys[] = {
	KEY_ID("id", true, struct config_poll, id, poll_id_read,
	       "Unique among all polls of the show."),
	KEY_TEXT("question", true, struct config_poll, question, 1, NULL, NULL,
		 "Shown on phones and on stage."),
	KEY_ARRAY("options", true, CONFIG_POLL_OPTIONS_MIN, CONFIG_POLL_OPTIONS_MAX, "options",
		  poll_options_read, "The choices, in the order shown; no two the same."),
	KEY_BOOL("open_with_cue", struct config_poll, open_with_cue, true,
		 "Opens when its cue starts; false: the operator opens it."),
	KEY_NUMBER("duration_s", false, struct config_poll, duration_s, 0, 3600, 0, NULL,
		   "Closes by itself this long after opening; 0: stays open."),
	KEY_BOOL("hide_results", struct config_poll, hide_results, false,
		 "Phones and the stage see no counts until the operator reveals the result."),
};
const struct reader_section config_poll_section =
	READER_SECTION("/cues/N/poll", poll_keys, NULL);

/* ---- isf ---- */

/*
 * What the rows of an "isf" object share while it is read: the cue's
 * config_isf, and the shader once "file" loaded it (the inputs resolve
 * against it).
 */
struct isf_read {
	struct config_isf *isf;
	struct isf_scene scene;
	bool loaded;
};

/* "file": resolved against the config's folder, then read as ISF; every refusal at this key. */
static enum reader_got isf_file_read(struct config_reader *r, struct reader_object *o,
				     const struct reader_key *k)
{
	struct isf_read *ir = o->base;
	char kptr[READER_PTR_MAX], err[READER_MSG_MAX];
	json_t *v = reader_value(r, o->json, o->ptr, k->name, k->required, JSON_STRING, kptr);

	if (!v)
		return reader_missing(o->json, k->name);
	if (reader_file_check(r, json_string_value(v), kptr, ir->isf->file, sizeof(ir->isf->file)) != GOT_OK)
		return GOT_BAD;
	if (isf_load(ir->isf->file, &ir->scene, err, sizeof(err)) < 0) {
		reader_fail(r, kptr, "%s", err);
		return GOT_BAD;
	}
	ir->loaded = true;
	return GOT_OK;
}

/* "range" of a binding object: two different numbers, into the binding's floats. */
static enum reader_got isf_range_read(struct config_reader *r, struct reader_object *o,
				      const struct reader_key *k)
{
	struct config_isf_binding *b = o->base;
	char kptr[READER_PTR_MAX];
	double lo, hi;
	enum reader_got got = reader_range(r, o->json, o->ptr, k->name, false, -1e9, 1e9, &lo, &hi);

	if (got != GOT_OK)
		return got;
	if (lo == hi) {
		reader_key_ptr(o, k, kptr);
		reader_fail(r, kptr, "needs two different numbers, got [%g, %g]", lo, hi);
		return GOT_BAD;
	}
	b->has_range = true;
	b->range_lo = (float)lo;
	b->range_hi = (float)hi;
	return GOT_OK;
}

static const struct reader_key isf_binding_keys[] = {
	KEY_TEXT("source", true, struct config_isf_binding, source, 1, NULL, NULL,
		 "What feeds the input: a source name (docs/config.md lists them)."),
	KEY_CUSTOM("range", false, isf_range_read,
		   "The source's [lo, hi], mapped onto the input's MIN..MAX."),
};
const struct reader_section config_isf_binding_section =
	READER_SECTION("/cues/N/isf/inputs/NAME", isf_binding_keys, NULL);

/* "no input "sped" in FILE; did you mean "speed"? (it has: speed, beat)" */
static void isf_input_unknown(struct config_reader *r, const char *iptr, const char *name,
			      const struct isf_read *ir)
{
	const char *names[ISF_INPUTS_MAX];
	const char *near;
	char list[READER_MSG_MAX / 2];

	for (uint32_t i = 0; i < ir->scene.input_count; i++)
		names[i] = ir->scene.inputs[i].name;
	near = suggest_nearest(name, names, ir->scene.input_count);
	suggest_list(list, sizeof(list), names, ir->scene.input_count);
	reader_fail(r, iptr, "no input \"%.*s\" in %s%s%s%s (%s%s)", utf8_fit(name, 40), name, ir->isf->file,
		    near ? "; did you mean \"" : "", near ? near : "", near ? "\"?" : "",
		    ir->scene.input_count ? "it has: " : "it has no inputs", ir->scene.input_count ? list : "");
}

/* One input's binding: a source name, or { "source": NAME, "range": [lo, hi] }. */
static bool isf_binding_item(struct config_reader *r, struct isf_read *ir, const char *name, json_t *v,
			     const char *iptr)
{
	struct config_isf *isf = ir->isf;
	struct config_isf_binding *b = &isf->bindings[isf->binding_count];
	struct isf_binding resolved;
	struct reader_object bo;
	char err[READER_MSG_MAX], sptr[READER_PTR_MAX];
	size_t failures = r->errors->count;

	memset(b, 0, sizeof(*b));
	if (json_is_string(v)) {
		if (reader_text_item(r, v, iptr, 1, CONFIG_ISF_NAME_MAX, b->source) != GOT_OK)
			return false;
		snprintf(sptr, sizeof(sptr), "%s", iptr);
	} else if (json_is_object(v)) {
		reader_section_read(r, &bo, v, iptr, &config_isf_binding_section, b, true);
		if (r->errors->count != failures)
			return false;
		reader_ptr_key(sptr, iptr, "source");
	} else {
		reader_fail(r, iptr, "expected a source name or an object, got %s", reader_type_name(v));
		return false;
	}
	if (!ir->loaded)
		return false;	/* the file's problem is said at "file" */
	if (strlen(name) > CONFIG_ISF_NAME_MAX || isf_input_find(&ir->scene, name) < 0) {
		isf_input_unknown(r, iptr, name, ir);
		return false;
	}
	snprintf(b->input, sizeof(b->input), "%s", name);
	if (isf_binding_resolve(&ir->scene, r->cfg, b, &resolved, err, sizeof(err)) < 0) {
		reader_fail(r, sptr, "%s", err);
		return false;
	}
	isf->binding_count++;
	return true;
}

/* "inputs": an object, one binding per input of the shader. */
static enum reader_got isf_inputs_read(struct config_reader *r, struct reader_object *o,
				       const struct reader_key *k)
{
	struct isf_read *ir = o->base;
	char kptr[READER_PTR_MAX], iptr[READER_PTR_MAX];
	json_t *inputs = reader_value(r, o->json, o->ptr, k->name, false, JSON_OBJECT, kptr);
	const char *name;
	json_t *v;
	bool ok = true;

	if (!inputs)
		return reader_missing(o->json, k->name);
	json_object_foreach(inputs, name, v) {
		reader_ptr_key(iptr, kptr, name);
		if (ir->isf->binding_count == CONFIG_ISF_BINDINGS_MAX) {
			reader_fail(r, iptr, "too many inputs bound: at most %d", CONFIG_ISF_BINDINGS_MAX);
			return GOT_BAD;
		}
		ok = isf_binding_item(r, ir, name, v, iptr) && ok;
	}
	return ok ? GOT_OK : GOT_BAD;
}

static const struct reader_key isf_keys[] = {
	KEY_CUSTOM("file", true, isf_file_read,
		   "The ISF 2.0 shader (.fs); relative to the config's folder."),
	KEY_CUSTOM("inputs", false, isf_inputs_read,
		   "Input name: source name, or { source, range }; unbound inputs keep DEFAULT."),
};
const struct reader_section config_isf_section = READER_SECTION("/cues/N/isf", isf_keys, NULL);

/* A cue's "isf": required with scene "isf", refused with any other. */
static enum reader_got cue_isf_read(struct config_reader *r, struct reader_object *o,
				    const struct reader_key *k)
{
	struct config_cue *c = o->base;
	struct isf_read ir = { .isf = &c->isf };
	char ptr[READER_PTR_MAX];
	json_t *v = reader_value(r, o->json, o->ptr, k->name, false, JSON_OBJECT, ptr);
	struct reader_object io;
	bool is_isf = reader_got(o, "scene") == GOT_OK && c->scene == SCENE_ISF;

	memset(&c->isf, 0, sizeof(c->isf));
	if (!v && is_isf && !json_object_get(o->json, k->name)) {
		reader_fail(r, ptr, "scene \"isf\" needs an \"isf\" object with its \"file\"");
		return GOT_BAD;
	}
	if (!v)
		return reader_missing(o->json, k->name);
	if (!is_isf && reader_got(o, "scene") == GOT_OK) {
		reader_fail(r, ptr, "only a cue whose scene is \"isf\" takes \"isf\" (this one's is \"%s\")",
			    scene_name(c->scene));
		return GOT_BAD;
	}
	reader_section_read(r, &io, v, ptr, &config_isf_section, &ir, true);
	isf_free(&ir.scene);
	return reader_got(&io, "file") == GOT_OK && reader_got(&io, "inputs") != GOT_BAD ? GOT_OK : GOT_BAD;
}

/* ---- cue ---- */

static enum reader_got cue_id_read(struct config_reader *r, struct reader_object *o,
				   const struct reader_key *k)
{
	const struct config_cue *cues = r->cfg->cues;

	return reader_id_unique(r, o, k, cues, sizeof(cues[0]), "cue", "/cues");
}

static enum reader_got cue_scene_read(struct config_reader *r, struct reader_object *o,
				      const struct reader_key *k)
{
	struct config_cue *c = o->base;
	char kptr[READER_PTR_MAX];
	json_t *v = reader_value(r, o->json, o->ptr, k->name, k->required, JSON_STRING, kptr);
	const char *name;
	int scene;

	if (!v)
		return reader_missing(o->json, k->name);
	name = json_string_value(v);
	scene = scene_from_name(name);
	if (scene >= 0) {
		c->scene = (enum scene)scene;
		return GOT_OK;
	}
	reader_fail_unknown(r, kptr, "scene", name, scene_names, SCENE_COUNT);
	return GOT_BAD;
}

/*
 * Sets the control's bit in the cue and appends it to the cue's order (phones
 * show the controls in that order); false for an unknown one (a duplicate is
 * known, and is neither set nor appended twice).
 */
static bool cue_control_item(struct config_reader *r, struct reader_object *o, json_t *v,
			     const char *iptr, size_t i, const char *aptr)
{
	struct config_cue *c = o->base;
	const char *name;
	int ctl;

	if (!reader_item_is_string(r, v, iptr))
		return false;
	name = json_string_value(v);
	ctl = control_from_name(name);
	if (ctl >= 0 && (c->controls & (1u << ctl))) {
		reader_fail(r, iptr, "duplicate control \"%s\"", name);
	} else if (ctl >= 0) {
		c->controls |= 1u << ctl;
		c->control_order[c->control_count++] = (enum control)ctl;
	} else {
		reader_fail_unknown(r, iptr, "control", name, control_names, CONTROL_COUNT);
	}
	return ctl >= 0;
}

/* GOT_BAD when some entry is not a known control. */
static enum reader_got cue_controls_read(struct config_reader *r, struct reader_object *o,
					 const struct reader_key *k)
{
	return reader_key_items(r, o, k, cue_control_item);
}

/* The cue's poll, added to cfg->polls; and "vote" and "poll" go together. */
static enum reader_got cue_poll_read(struct config_reader *r, struct reader_object *o,
				     const struct reader_key *k)
{
	struct venue_config *cfg = r->cfg;
	struct config_cue *c = o->base;
	struct config_poll *poll = NULL;
	char ptr[READER_PTR_MAX], kptr[READER_PTR_MAX];
	json_t *v = reader_value(r, o->json, o->ptr, k->name, false, JSON_OBJECT, ptr);
	struct reader_object po;

	if (v && cfg->poll_count == CONFIG_MAX_POLLS) {
		reader_keys_check(r, v, ptr, &config_poll_section);
		reader_fail(r, ptr, "too many polls: at most %d across all cues", CONFIG_MAX_POLLS);
	} else if (v) {
		poll = &cfg->polls[cfg->poll_count];
		reader_defaults_apply(&config_poll_section, poll);
		poll->index = cfg->poll_count++;
		reader_section_read(r, &po, v, ptr, &config_poll_section, poll, true);
	}
	c->poll = poll;
	if ((c->controls & (1u << CONTROL_VOTE)) && !json_object_get(o->json, k->name)) {
		reader_ptr_key(kptr, o->ptr, "controls");
		reader_fail(r, kptr, "\"vote\" needs a \"poll\"");
	}
	/* With an unknown control in the list, "vote" may be the typo: said once already. */
	if (poll && reader_got(o, "controls") != GOT_BAD && !(c->controls & (1u << CONTROL_VOTE)))
		reader_fail(r, ptr, "a poll needs \"vote\" in \"controls\"");
	if (poll)
		return GOT_OK;
	return reader_missing(o->json, k->name);
}

static const struct reader_key cue_keys[] = {
	KEY_ID("id", true, struct config_cue, id, cue_id_read,
	       "Unique among cues; the console, advance_to and OSC name it."),
	KEY_TEXT("title", false, struct config_cue, title, 1, NULL, reader_text_or_id,
		 "Shown on the console and by the title scene; default: the id."),
	KEY_TEXT("prompt", false, struct config_cue, prompt, 0, NULL, NULL,
		 "The instruction shown on phones."),
	KEY_CUSTOM("scene", true, cue_scene_read, "What the stage screen shows."),
	{ .name = "transition", .kind = KEY_OBJECT, KEY_FIELD(struct config_cue, transition),
	  .section = &config_transition_section, .handler = config_cue_transition_read,
	  .doc = "How the stage screen comes to this cue's scene; default: the theme's." },
	KEY_ARRAY("controls", false, 0, CONTROL_COUNT * 4, "controls", cue_controls_read,
		  "What phones offer during the cue, each at most once."),
	KEY_CUSTOM("poll", false, cue_poll_read, "A poll of this cue; needs \"vote\"."),
	KEY_NUMBER("advance_after_s", false, struct config_cue, advance_after_s, 0, 86400, 0, NULL,
		   "Move on by itself this long after the cue starts; 0: stay."),
	KEY_LATER("advance_to", "Where auto-advance goes; default: the next cue."),
	KEY_OBJECT("audio", false, struct config_cue, audio, &config_cue_audio_section,
		   "Stems, one-shots and crowd mappings while the cue is current."),
	KEY_OBJECTS("osc", false, struct config_cue, osc, osc_count, 0, CONFIG_MAX_OSC_SENDS,
		    "OSC messages", &config_osc_send_section,
		    "OSC messages to stage gear while the cue is current."),
	KEY_CUSTOM("isf", false, cue_isf_read, "The shader of an \"isf\" scene and what feeds its inputs."),
};
const struct reader_section config_cue_section = READER_SECTION("/cues/N", cue_keys, NULL);

/* ---- the cue list ---- */

/* Auto-advance targets; runs after every cue id is known to be good. */
static void advance_resolve(struct config_reader *r, json_t *cues, const char *aptr)
{
	struct venue_config *cfg = r->cfg;
	const char *ids[CONFIG_MAX_CUES];
	char cptr[READER_PTR_MAX], kptr[READER_PTR_MAX];
	size_t n = cfg->cue_count;

	for (size_t i = 0; i < n; i++)
		ids[i] = cfg->cues[i].id;
	for (size_t i = 0; i < n; i++) {
		struct config_cue *c = &cfg->cues[i];
		json_t *cue = json_array_get(cues, i);
		json_t *to, *after;
		int target;

		c->advance_to = i + 1 < n ? (int)(i + 1) : -1;
		reader_ptr_index(cptr, aptr, i);
		to = reader_value(r, cue, cptr, "advance_to", false, JSON_STRING, kptr);
		if (!to) {
			if (c->advance_after_s > 0 && i + 1 == n &&
			    !json_object_get(cue, "advance_to")) {
				reader_ptr_key(kptr, cptr, "advance_after_s");
				reader_fail(r, kptr, "the last cue has no next cue; set advance_to");
			}
			continue;
		}
		after = json_object_get(cue, "advance_after_s");
		if (!after || (json_is_number(after) && json_number_value(after) == 0)) {
			reader_fail(r, kptr, "advance_to needs advance_after_s");
			continue;
		}
		target = config_cue_index(cfg, json_string_value(to));
		if (target >= 0) {
			c->advance_to = target;
			continue;
		}
		reader_fail_unknown(r, kptr, "cue", json_string_value(to), ids, (int)n);
	}
}

enum reader_got config_cues_read(struct config_reader *r, struct reader_object *o,
				 const struct reader_key *k)
{
	struct venue_config *cfg = r->cfg;
	char aptr[READER_PTR_MAX], cptr[READER_PTR_MAX], kptr[READER_PTR_MAX];
	json_t *a = reader_key_array(r, o, k, aptr);
	struct reader_object co;
	json_t *cue;
	size_t i;
	bool ids_ok = true;

	if (!a)
		return reader_missing(o->json, k->name);
	json_array_foreach(a, i, cue) {
		reader_ptr_index(cptr, aptr, i);
		if (!json_is_object(cue)) {
			reader_fail(r, cptr, "expected an object, got %s", reader_type_name(cue));
			ids_ok = false;
			continue;
		}
		r->cue = &cfg->cues[i];
		reader_section_read(r, &co, cue, cptr, &config_cue_section, &cfg->cues[i], true);
		if (reader_got(&co, "id") != GOT_OK)
			ids_ok = false;
	}
	r->cue = NULL;
	cfg->cue_count = (uint32_t)json_array_size(a);
	if (ids_ok) {
		advance_resolve(r, a, aptr);
		return GOT_OK;
	}
	/* Cue ids are broken, so targets cannot be looked up; check the types only. */
	json_array_foreach(a, i, cue) {
		reader_ptr_index(cptr, aptr, i);
		if (json_is_object(cue))
			reader_value(r, cue, cptr, "advance_to", false, JSON_STRING, kptr);
	}
	return GOT_BAD;
}

/* ---- lookups ---- */

int config_cue_index(const struct venue_config *cfg, const char *id)
{
	for (uint32_t i = 0; id && i < cfg->cue_count; i++)
		if (strcmp(cfg->cues[i].id, id) == 0)
			return (int)i;
	return -1;
}

const struct config_poll *config_poll_find(const struct venue_config *cfg, const char *id)
{
	for (uint32_t i = 0; id && i < cfg->poll_count; i++)
		if (strcmp(cfg->polls[i].id, id) == 0)
			return &cfg->polls[i];
	return NULL;
}

uint32_t config_cue_controls_ordered(const struct config_cue *c, uint32_t enabled,
				     enum control out[CONTROL_COUNT])
{
	uint32_t n = 0;

	for (int ctl = 0; ctl < CONTROL_COUNT; ctl++)
		if ((enabled & (1u << ctl)) && !(c->controls & (1u << ctl)))
			out[n++] = (enum control)ctl;
	for (uint32_t i = 0; i < c->control_count; i++)
		if (enabled & (1u << c->control_order[i]))
			out[n++] = c->control_order[i];
	return n;
}

bool config_cue_is_final(const struct venue_config *cfg, int index)
{
	/* A last cue that advances by itself goes back to another (the config asks for advance_to). */
	return index >= 0 && (uint32_t)index + 1 == cfg->cue_count && cfg->cues[index].advance_after_s <= 0;
}

const char *control_name(enum control c)
{
	return (unsigned)c < CONTROL_COUNT ? control_names[c] : NULL;
}

const char *scene_name(enum scene s)
{
	return (unsigned)s < SCENE_COUNT ? scene_names[s] : NULL;
}

int control_from_name(const char *name)
{
	return name ? reader_name_index(control_names, CONTROL_COUNT, name) : -1;
}

int scene_from_name(const char *name)
{
	return name ? reader_name_index(scene_names, SCENE_COUNT, name) : -1;
}
