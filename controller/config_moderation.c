/*
 * config_moderation.c - crowd text and its moderation: the banned words
 * (inline and from a word list file), message length and rate, the
 * moderators' queue and the stage wall. See docs/config.md, "moderation".
 *
 * Thread: whichever thread loads the config.
 */
#include "config_sections.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* One banned word or phrase, @s of @len bytes, at @where (and @line of its file, or 0). */
static void banned_add(struct config_reader *r, const char *s, size_t len, const char *where,
		       int line)
{
	struct config_moderation *m = &r->cfg->moderation;
	char at[24] = "";

	if (len == 0)
		return;
	if (line > 0)
		snprintf(at, sizeof(at), "line %d: ", line);
	if (len > CONFIG_BANNED_BYTES) {
		reader_fail(r, where, "%sa banned word or phrase is at most %d bytes", at, CONFIG_BANNED_BYTES);
		return;
	}
	if (m->banned_count == CONFIG_BANNED_MAX) {
		reader_fail(r, where, "%sat most %d banned words and phrases", at, CONFIG_BANNED_MAX);
		return;
	}
	memcpy(m->banned[m->banned_count], s, len);
	m->banned[m->banned_count++][len] = '\0';
}

static bool banned_word_item(struct config_reader *r, struct reader_object *o, json_t *v,
			     const char *iptr, size_t i, const char *aptr)
{
	if (!reader_item_is_string(r, v, iptr))
		return false;
	banned_add(r, json_string_value(v), json_string_length(v), iptr, 0);
	return true;
}

static enum reader_got banned_words_read(struct config_reader *r, struct reader_object *o,
					 const struct reader_key *k)
{
	return reader_key_items(r, o, k, banned_word_item);
}

/* A word list kept apart from the show: one word or phrase per line, '#' starts a comment. */
static void banned_file_load(struct config_reader *r, const char *path, const char *kptr)
{
	FILE *f = fopen(path, "re");
	char line[256];
	int n = 0;

	if (!f) {
		reader_fail(r, kptr, "cannot read \"%s\": %s", path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *end = strchr(line, '#');
		json_t *utf8;

		n++;
		if (!strchr(line, '\n') && !feof(f)) {
			int c;

			reader_fail(r, kptr, "line %d: longer than %zu bytes", n, sizeof(line) - 2);
			while ((c = fgetc(f)) != EOF && c != '\n')
				;	/* the rest of that line */
			continue;
		}
		if (n == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3;		/* a byte-order mark some editors write */
		if (end)
			*end = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		end = s + strlen(s);
		while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
			end--;
		utf8 = json_stringn(s, (size_t)(end - s));	/* NULL unless valid UTF-8 */
		if (!utf8) {
			reader_fail(r, kptr, "line %d: not valid UTF-8 text", n);
			continue;
		}
		json_decref(utf8);
		banned_add(r, s, (size_t)(end - s), kptr, n);
	}
	fclose(f);
}

static enum reader_got banned_words_file_read(struct config_reader *r, struct reader_object *o,
					      const struct reader_key *k)
{
	char kptr[READER_PTR_MAX], path[CONFIG_PATH_MAX];
	json_t *v = reader_value(r, o->json, o->ptr, k->name, false, JSON_STRING, kptr);

	if (!v)
		return reader_missing(o->json, k->name);
	if (reader_file_check(r, json_string_value(v), kptr, path, sizeof(path)) != GOT_OK)
		return GOT_BAD;
	banned_file_load(r, path, kptr);
	return GOT_OK;
}

static const struct reader_key moderation_keys[] = {
	KEY_ARRAY("banned_words", false, 0, CONFIG_BANNED_MAX, "words", banned_words_read,
		  "Words or phrases the filter refuses before the queue."),
	KEY_CUSTOM("banned_words_file", false, banned_words_file_read,
		   "More of them, one per line; # starts a comment."),
	KEY_WHOLE("text_max_chars", false, struct config_moderation, text_max_chars, 1,
		  CONFIG_TEXT_CHARS_MAX, 80, NULL, "The longest message, in characters."),
	KEY_NUMBER("text_interval_s", false, struct config_moderation, text_interval_s, 0, 3600, 30,
		   NULL, "One message per participant this often."),
	KEY_WHOLE("queue_max", false, struct config_moderation, queue_max, 1, CONFIG_QUEUE_MAX, 100,
		  NULL, "Messages waiting at most; more are refused with queue_full."),
	KEY_WHOLE("wall_size", false, struct config_moderation, wall_size, 1, CONFIG_WALL_MAX,
		  CONFIG_WALL_MAX, NULL, "Approved messages on the stage screen at once."),
};
const struct reader_section config_moderation_section =
	READER_SECTION("/moderation", moderation_keys, NULL);
