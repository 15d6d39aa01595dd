/*
 * rehearse_sheet.c - a rehearsal's run sheet. See rehearse_sheet.h.
 * Thread: the rehearsal's (main).
 */
#include "rehearse_sheet.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "console_auth.h"
#include "console_commands.h"
#include "suggest.h"

#define LINE_MAX_BYTES 4096

/* "12.5", "1:05", "1:02:03.5": seconds since the show began. False when it is none of them. */
static bool parse_time(const char *s, double *out)
{
	double total = 0;
	int parts = 0;

	if (!*s || s[strspn(s, "0123456789.:")])
		return false;	/* no signs, exponents or hex: a time as people write one */
	for (;;) {
		char *end;
		double v;

		if (!isdigit((unsigned char)*s))
			return false;
		errno = 0;
		v = strtod(s, &end);
		if (errno || end == s || !isfinite(v))
			return false;
		/* Minutes and seconds after a colon are whole and below 60; only the last part has a fraction. */
		if (parts && (v >= 60 || (*end == ':' && v != floor(v))))
			return false;
		total = total * 60 + v;
		parts++;
		if (*end != ':')
			return *end == '\0' && parts <= 3 && (*out = total, true);
		if (v != floor(v))
			return false;
		s = end + 1;
	}
}

/* The console commands' names, for "did you mean". */
static size_t command_names(const char **names, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < console_command_count() && n < cap; i++)
		names[n++] = console_command_at(i)->name;
	return n;
}

/* Checks @json as an operator's console command; false with @why. */
static bool command_check(const char *json, char *why, size_t why_size)
{
	json_error_t jerr;
	json_t *cmd = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
	json_t *name = json_object_get(cmd, "cmd");
	const struct console_command *row = json_is_string(name) ? console_command_find(json_string_value(name)) : NULL;
	bool ok = false;

	if (!cmd) {
		snprintf(why, why_size, "not JSON: %s (column %d)", jerr.text, jerr.column);
	} else if (!json_is_object(cmd) || !json_is_string(name)) {
		snprintf(why, why_size, "a command is a JSON object with \"cmd\", e.g. {\"cmd\":\"cue.go\"}");
	} else if (!row) {
		const char *names[64];
		char hint[400];

		suggest_hint(hint, sizeof(hint), json_string_value(name), names, command_names(names, 64), '"');
		snprintf(why, why_size, "unknown console command \"%.60s\"%s", json_string_value(name), hint);
	} else if (!console_command_allows(row, CONSOLE_ROLE_OPERATOR)) {
		snprintf(why, why_size, "the operator may not %s", row->name);
	} else {
		ok = true;
	}
	json_decref(cmd);
	return ok;
}

static int by_time(const void *a, const void *b)
{
	const struct sheet_command *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* One line: NULL-terminated @text, its time and command into @c. False with @why. */
static bool parse_line(char *text, struct sheet_command *c, char *why, size_t why_size)
{
	char *time = text, *json;
	size_t len;

	json = time + strcspn(time, " \t");
	if (*json)
		*json++ = '\0';
	json += strspn(json, " \t");
	len = strlen(json);
	while (len && isspace((unsigned char)json[len - 1]))
		json[--len] = '\0';
	if (!parse_time(time, &c->t)) {
		snprintf(why, why_size, "'%.40s' is not a show time (seconds, or minutes:seconds, e.g. 12.5 or 1:05)",
			 time);
		return false;
	}
	if (!len) {
		snprintf(why, why_size, "a time needs a console command after it, e.g. %s {\"cmd\":\"cue.go\"}", time);
		return false;
	}
	if (len > SHEET_COMMAND_MAX) {
		snprintf(why, why_size, "the command is %zu bytes; at most %d", len, SHEET_COMMAND_MAX);
		return false;
	}
	if (!command_check(json, why, why_size))
		return false;
	memcpy(c->text, json, len + 1);
	return true;
}

struct run_sheet *run_sheet_load(const char *path, FILE *problems)
{
	FILE *f = fopen(path, "r");
	struct run_sheet *s = calloc(1, sizeof(*s));
	char line[LINE_MAX_BYTES + 2], why[600];
	size_t cap = 0;
	uint32_t n = 0, bad = 0;

	if (!f || !s) {
		fprintf(problems, "%s: cannot read the run sheet: %s\n", path, f ? "out of memory" : strerror(errno));
		goto fail;
	}
	snprintf(s->path, sizeof(s->path), "%s", path);
	while (fgets(line, sizeof(line), f)) {
		char *text = line + strspn(line, " \t");
		size_t len = strlen(line);

		n++;
		if (len && line[len - 1] != '\n' && !feof(f)) {
			fprintf(problems, "%s:%u: longer than %d bytes\n", path, n, LINE_MAX_BYTES);
			bad++;
			while (fgets(line, sizeof(line), f) && line[strlen(line) - 1] != '\n')
				;
			continue;
		}
		text[strcspn(text, "\r\n")] = '\0';
		if (!*text || *text == '#')
			continue;
		if (s->count == cap) {
			struct sheet_command *grown = realloc(s->commands, (cap ? cap * 2 : 32) * sizeof(*grown));

			if (!grown) {
				fprintf(problems, "%s:%u: out of memory\n", path, n);
				goto fail;
			}
			s->commands = grown;
			cap = cap ? cap * 2 : 32;
		}
		s->commands[s->count].line = n;
		if (parse_line(text, &s->commands[s->count], why, sizeof(why))) {
			s->count++;
		} else {
			fprintf(problems, "%s:%u: %s\n", path, n, why);
			bad++;
		}
	}
	if (ferror(f)) {
		fprintf(problems, "%s: cannot read the run sheet: %s\n", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	if (bad) {
		run_sheet_free(s);
		return NULL;
	}
	qsort(s->commands, s->count, sizeof(*s->commands), by_time);
	return s;
fail:
	if (f)
		fclose(f);
	run_sheet_free(s);
	return NULL;
}

void run_sheet_free(struct run_sheet *s)
{
	if (!s)
		return;
	free(s->commands);
	free(s);
}

const struct sheet_command *run_sheet_next_due(struct run_sheet *s, double now)
{
	if (s->next == s->count || s->commands[s->next].t > now)
		return NULL;
	return &s->commands[s->next++];
}
