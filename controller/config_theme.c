/*
 * config_theme.c - the venue's look on the stage screen: its colours, the
 * zone and poll palette, fonts, logo, the join screen's words, and the
 * transition between cues (the theme's, and a cue's own). See
 * docs/config.md, "theme" and a cue's "transition".
 *
 * Thread: whichever thread loads the config.
 */
#include "config_sections.h"
#include "utf8.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define TRANSITION_DEFAULT_S	0.8	/* a fade long enough to read as one, short enough not to wait for */
#define TRANSITION_MAX_S	10

static const char *const transition_names[TRANSITION_COUNT] = {
	[TRANSITION_CUT] = "cut",
	[TRANSITION_FADE] = "fade",
	[TRANSITION_WIPE] = "wipe",
	[TRANSITION_ZOOM] = "zoom",
};

/* The stage's look before themes (stage_scene.c): bright, distinct, none of them saturated red. */
static const uint32_t default_palette[CONFIG_PALETTE_MAX] = {
	0x22c8ff, 0xff5ac8, 0xffd23c, 0x50e678, 0xff8c28, 0xa06eff, 0x28dcc8, 0xff7896,
};

/* ---- colours ---- */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "#rrggbb" or "#rgb" (each digit doubled, as in CSS) into 0xRRGGBB. */
static bool colour_parse(const char *s, size_t len, uint32_t *out)
{
	uint32_t rgb = 0;

	if ((len != 7 && len != 4) || s[0] != '#')
		return false;
	for (size_t i = 1; i < len; i++) {
		int d = hex_digit(s[i]);

		if (d < 0)
			return false;
		rgb = len == 7 ? rgb << 4 | (uint32_t)d : rgb << 8 | (uint32_t)(d * 0x11);
	}
	*out = rgb;
	return true;
}

/* A colour string @v at @ptr into @out; reports anything else. */
static bool colour_item(struct config_reader *r, json_t *v, const char *ptr, uint32_t *out)
{
	const char *s;

	if (!reader_item_is_string(r, v, ptr))
		return false;
	s = json_string_value(v);
	if (colour_parse(s, json_string_length(v), out))
		return true;
	reader_fail(r, ptr, "\"%.*s\" is not a colour like \"#ff8800\"", utf8_fit(s, 20), s);
	return false;
}

static enum reader_got colour_read(struct config_reader *r, struct reader_object *o,
				   const struct reader_key *k)
{
	char kptr[READER_PTR_MAX];
	json_t *v = json_object_get(o->json, k->name);

	if (!v)
		return GOT_NONE;
	reader_key_ptr(o, k, kptr);
	return colour_item(r, v, kptr, reader_field(o, k)) ? GOT_OK : GOT_BAD;
}

static bool palette_item(struct config_reader *r, struct reader_object *o, json_t *v,
			 const char *iptr, size_t i, const char *aptr)
{
	struct config_theme *t = o->base;

	t->palette_count = (uint32_t)i + 1;
	return colour_item(r, v, iptr, &t->palette[i]);
}

static enum reader_got palette_read(struct config_reader *r, struct reader_object *o,
				    const struct reader_key *k)
{
	return reader_key_items(r, o, k, palette_item);
}

/* ---- files: fonts and the logo ---- */

/*
 * The path key @k (already resolved and readable, or "") starts with one
 * of @magic (@n of them, @len bytes each); otherwise reports that it is no
 * @what.
 */
static enum reader_got file_kind_check(struct config_reader *r, struct reader_object *o,
				       const struct reader_key *k, const char *const *magic, size_t n,
				       size_t len, const char *what)
{
	const char *path = reader_field(o, k);
	char head[8] = { 0 };
	ssize_t got = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		got = read(fd, head, len);
		close(fd);
	}
	for (size_t i = 0; got == (ssize_t)len && i < n; i++)
		if (memcmp(head, magic[i], len) == 0)
			return GOT_OK;
	return reader_key_fail(r, o, k, "\"%s\" is not %s", path, what);
}

static enum reader_got font_read(struct config_reader *r, struct reader_object *o,
				 const struct reader_key *k)
{
	/* TrueType, Apple's TrueType, OpenType with PostScript outlines, a collection. */
	static const char *const magic[] = { "\x00\x01\x00\x00", "true", "OTTO", "ttcf" };
	enum reader_got got = config_file_read(r, o, k);

	if (got != GOT_OK || !((char *)reader_field(o, k))[0])
		return got;
	return file_kind_check(r, o, k, magic, 4, 4, "a TrueType or OpenType font (.ttf, .otf, .ttc)");
}

static enum reader_got logo_read(struct config_reader *r, struct reader_object *o,
				 const struct reader_key *k)
{
	static const char *const magic[] = { "\x89PNG\r\n\x1a\n" };
	enum reader_got got = config_file_read(r, o, k);

	if (got != GOT_OK || !((char *)reader_field(o, k))[0])
		return got;
	return file_kind_check(r, o, k, magic, 1, 8, "a PNG image");
}

/* ---- transitions ---- */

static enum reader_got transition_type_item(struct config_reader *r, json_t *v, const char *ptr,
					    enum transition *out)
{
	const char *name = json_string_value(v);
	int t = transition_from_name(name);

	if (t >= 0) {
		*out = (enum transition)t;
		return GOT_OK;
	}
	reader_fail_unknown(r, ptr, "transition", name, transition_names, TRANSITION_COUNT);
	return GOT_BAD;
}

static enum reader_got transition_type_read(struct config_reader *r, struct reader_object *o,
					    const struct reader_key *k)
{
	struct config_transition *t = o->base;
	char kptr[READER_PTR_MAX];
	json_t *v = reader_value(r, o->json, o->ptr, k->name, false, JSON_STRING, kptr);

	if (!v)
		return reader_missing(o->json, k->name);
	return transition_type_item(r, v, kptr, &t->type);
}

/* A cut takes no time; any other type without "seconds" takes the inherited length. */
static void transition_finish(struct config_reader *r, struct reader_object *o)
{
	struct config_transition *t = o->base;
	char ptr[READER_PTR_MAX];

	if (t->type != TRANSITION_CUT)
		return;
	if (reader_got(o, "seconds") == GOT_OK && t->seconds > 0) {
		reader_ptr_key(ptr, o->ptr, "seconds");
		reader_fail(r, ptr, "a cut takes no time; drop \"seconds\", or choose fade, wipe or zoom");
	}
	t->seconds = 0;
}

static void transition_init(void *base)
{
	struct config_transition *t = base;

	t->type = TRANSITION_FADE;
}

static const struct reader_key transition_keys[] = {
	KEY_CUSTOM("type", false, transition_type_read, "cut, fade, wipe or zoom."),
	KEY_NUMBER("seconds", false, struct config_transition, seconds, 0, TRANSITION_MAX_S,
		   TRANSITION_DEFAULT_S, NULL, "How long it takes; none with cut."),
};
const struct reader_section config_transition_section =
	READER_SECTION_INIT("/theme/transition", transition_keys, transition_finish, transition_init);

/*
 * Key @k of @o, a transition as a type name or as {type, seconds}, into its
 * field; what it leaves out comes from @from (a cut's 0 s becoming the
 * default length for a type that takes time). Absent: @from as it is.
 */
static enum reader_got transition_read_from(struct config_reader *r, struct reader_object *o,
					    const struct reader_key *k,
					    const struct config_transition *from)
{
	struct config_transition *t = reader_field(o, k);
	json_t *v = json_object_get(o->json, k->name);
	char kptr[READER_PTR_MAX];
	struct reader_object sub;

	*t = *from;
	if (!v)
		return GOT_NONE;
	if (t->type == TRANSITION_CUT)
		t->seconds = TRANSITION_DEFAULT_S;
	reader_key_ptr(o, k, kptr);
	if (json_is_object(v)) {
		reader_section_read(r, &sub, v, kptr, &config_transition_section, t, true);
		return GOT_OK;
	}
	if (!json_is_string(v)) {
		reader_fail(r, kptr, "expected a transition (\"fade\", or {\"type\": \"fade\", \"seconds\": 0.8}), "
			    "got %s", reader_type_name(v));
		return GOT_BAD;
	}
	if (transition_type_item(r, v, kptr, &t->type) != GOT_OK)
		return GOT_BAD;
	if (t->type == TRANSITION_CUT)
		t->seconds = 0;
	return GOT_OK;
}

static enum reader_got theme_transition_read(struct config_reader *r, struct reader_object *o,
					     const struct reader_key *k)
{
	const struct config_transition from = { TRANSITION_FADE, TRANSITION_DEFAULT_S };

	return transition_read_from(r, o, k, &from);
}

/* The theme is read before the cues (they are the root's "last" row), so its transition is known here. */
enum reader_got config_cue_transition_read(struct config_reader *r, struct reader_object *o,
					   const struct reader_key *k)
{
	return transition_read_from(r, o, k, &r->cfg->theme.transition);
}

/* ---- the theme ---- */

static void theme_init(void *base)
{
	struct config_theme *t = base;

	memcpy(t->palette, default_palette, sizeof(t->palette));
	t->palette_count = CONFIG_PALETTE_MAX;
}

/* A colour row: the field's default as 0xRRGGBB, read from "#rrggbb" by colour_read(). */
#define KEY_COLOUR(key, f, dflt, text)							\
	{ .name = key, .kind = KEY_WHOLE, KEY_FIELD(struct config_theme, f), .max = 0xffffff,	\
	  .def = dflt, .handler = colour_read, .doc = text }

static const struct reader_key theme_keys[] = {
	KEY_COLOUR("background", background, 0x0a0c18, "Behind every scene."),
	KEY_COLOUR("text", text, 0xffffff, "Titles, options and counts."),
	KEY_COLOUR("accent", accent, 0x22c8ff, "The join URL, prompts and highlights."),
	KEY_ARRAY("palette", false, 1, CONFIG_PALETTE_MAX, "colours", palette_read,
		  "Zone and poll option colours, in order; repeated when there are more."),
	KEY_TEXT("title_font", false, struct config_theme, title_font, 0, NULL, font_read,
		 "A TrueType font for titles; \"\": the bundled one."),
	KEY_TEXT("body_font", false, struct config_theme, body_font, 0, NULL, font_read,
		 "A TrueType font for everything else; \"\": the bundled one."),
	KEY_TEXT("logo", false, struct config_theme, logo, 0, NULL, logo_read,
		 "A PNG shown on the join screen; \"\": none."),
	KEY_TEXT("join_title", false, struct config_theme, join_title, 1, "Join in", NULL,
		 "The join screen's call to action."),
	KEY_TEXT("join_prompt", false, struct config_theme, join_prompt, 0, NULL, NULL,
		 "A line under it."),
	{ .name = "transition", .kind = KEY_OBJECT, KEY_FIELD(struct config_theme, transition),
	  .section = &config_transition_section, .handler = theme_transition_read,
	  .doc = "How the screen goes from one cue's scene to the next, unless a cue says." },
};
const struct reader_section config_theme_section =
	READER_SECTION_INIT("/theme", theme_keys, NULL, theme_init);

const char *transition_name(enum transition t)
{
	return (unsigned)t < TRANSITION_COUNT ? transition_names[t] : NULL;
}

int transition_from_name(const char *name)
{
	return name ? reader_name_index(transition_names, TRANSITION_COUNT, name) : -1;
}
