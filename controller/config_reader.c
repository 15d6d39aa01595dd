/*
 * config_reader.c - what the config section files share: errors at JSON
 * pointers, did-you-mean, typed getters, and the key tables that drive them.
 * See config_reader.h.
 *
 * Thread: whichever thread loads the config. Nothing here keeps global state.
 */
#include "config_reader.h"
#include "suggest.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- errors ---- */

static void errors_push(struct config_reader *r, const char *ptr, int line, int column,
			const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void errors_push(struct config_reader *r, const char *ptr, int line, int column,
			const char *fmt, va_list ap)
{
	struct config_errors *errs = r->errors;
	struct config_error *e;

	r->failed = true;
	if (errs->count == errs->capacity) {
		size_t cap = errs->capacity ? errs->capacity * 2 : 8;
		struct config_error *items = realloc(errs->items, cap * sizeof(*items));

		if (!items)
			return;
		errs->items = items;
		errs->capacity = cap;
	}
	e = &errs->items[errs->count++];
	snprintf(e->pointer, sizeof(e->pointer), "%s", ptr);
	e->line = line;
	e->column = column;
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	utf8_trim(e->message);	/* a message cut by its buffer ends on a whole character */
}

void reader_fail(struct config_reader *r, const char *ptr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errors_push(r, ptr, 0, 0, fmt, ap);
	va_end(ap);
}

void reader_fail_at(struct config_reader *r, int line, int column, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errors_push(r, "", line, column, fmt, ap);
	va_end(ap);
}

/* ---- JSON pointers ---- */

void reader_ptr_key(char *out, const char *parent, const char *key)
{
	size_t n = (size_t)snprintf(out, READER_PTR_MAX, "%s/", parent);

	for (; *key && n + 3 < READER_PTR_MAX; key++) {
		if (*key == '~' || *key == '/') {
			out[n++] = '~';
			out[n++] = *key == '~' ? '0' : '1';
		} else {
			out[n++] = *key;
		}
	}
	if (n >= READER_PTR_MAX)
		n = READER_PTR_MAX - 1;
	out[n] = '\0';
}

void reader_ptr_index(char *out, const char *parent, size_t i)
{
	/* A pointer deeper than READER_PTR_MAX is cut short; it still names where. */
	if (snprintf(out, READER_PTR_MAX, "%s/%zu", parent, i) >= (int)READER_PTR_MAX)
		out[READER_PTR_MAX - 1] = '\0';
}

/* ---- names ---- */

int reader_name_index(const char *const *names, int count, const char *name)
{
	for (int i = 0; i < count; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return i;
	return -1;
}

void reader_fail_names(struct config_reader *r, const char *kptr, const char *lead, const char *word,
		       const char *const *names, int count)
{
	char msg[READER_MSG_MAX];
	int n = snprintf(msg, sizeof(msg), "%s", lead);

	if (n >= 0 && (size_t)n < sizeof(msg))
		suggest_hint(msg + n, sizeof(msg) - (size_t)n, word, names, count > 0 ? (size_t)count : 0, '"');
	reader_fail(r, kptr, "%s", msg);
}

void reader_fail_unknown(struct config_reader *r, const char *kptr, const char *what,
			 const char *name, const char *const *names, int count)
{
	char lead[READER_MSG_MAX];

	snprintf(lead, sizeof(lead), "unknown %s \"%.*s\"", what, utf8_fit(name, 40), name);
	reader_fail_names(r, kptr, lead, name, names, count);
}

void reader_name_split(const char *s, char *base, size_t base_size, const char **arg)
{
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	snprintf(base, base_size, "%.*s", (int)(n < base_size ? n : base_size - 1), s);
	*arg = colon ? colon + 1 : NULL;
}

/* ---- typed getters ---- */

const char *reader_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	default:
		return "null";
	}
}

/* Reports every key of @obj (at @ptr) that is not "comment" or in @known. */
static void keys_check(struct config_reader *r, json_t *obj, const char *ptr,
		       const char *const *known, size_t n)
{
	const char *key;
	json_t *v;
	char kptr[READER_PTR_MAX];

	json_object_foreach(obj, key, v) {
		bool ok = false;

		reader_ptr_key(kptr, ptr, key);
		if (strcmp(key, "comment") == 0) {
			if (!json_is_string(v))
				reader_fail(r, kptr, "expected a string, got %s", reader_type_name(v));
			continue;
		}
		for (size_t i = 0; i < n && !ok; i++)
			ok = strcmp(key, known[i]) == 0;
		if (!ok) {
			const char *hint = suggest_nearest(key, known, n);

			if (hint)
				reader_fail(r, kptr, "unknown key; did you mean \"%s\"?", hint);
			else
				reader_fail(r, kptr, "unknown key");
		}
	}
}

/*
 * The value at @key of @obj, with its pointer in @kptr. NULL when absent
 * (reported if @required) or when not of @type (reported; @type
 * JSON_INTEGER accepts any number, the caller checks it).
 */
json_t *reader_value(struct config_reader *r, json_t *obj, const char *ptr, const char *key,
			 bool required, json_type type, char *kptr)
{
	json_t *v = json_object_get(obj, key);
	bool ok;

	reader_ptr_key(kptr, ptr, key);
	if (!v) {
		if (required)
			reader_fail(r, kptr, "missing required key");
		return NULL;
	}
	switch (type) {
	case JSON_INTEGER:
	case JSON_REAL:
		ok = json_is_number(v);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		ok = json_is_boolean(v);
		break;
	default:
		ok = json_typeof(v) == type;
	}
	if (!ok) {
		static const char *const want[] = {
			[JSON_OBJECT] = "an object", [JSON_ARRAY] = "an array",
			[JSON_STRING] = "a string", [JSON_INTEGER] = "a whole number",
			[JSON_REAL] = "a number", [JSON_TRUE] = "a boolean",
			[JSON_FALSE] = "a boolean", [JSON_NULL] = "null",
		};

		reader_fail(r, kptr, "expected %s, got %s", want[type], reader_type_name(v));
		return NULL;
	}
	return v;
}

/* An array of @min..@max items (@what names them in the message). */
json_t *reader_array(struct config_reader *r, json_t *obj, const char *ptr, const char *key,
			 bool required, size_t min, size_t max, const char *what, char *kptr)
{
	json_t *v = reader_value(r, obj, ptr, key, required, JSON_ARRAY, kptr);
	size_t n;

	if (!v)
		return NULL;
	n = json_array_size(v);
	if (n >= min && n <= max)
		return v;
	if (min == 0)
		reader_fail(r, kptr, "at most %zu %s, got %zu", max, what, n);
	else
		reader_fail(r, kptr, "need %zu to %zu %s, got %zu", min, max, what, n);
	return NULL;
}

static enum reader_got check_number(struct config_reader *r, json_t *v, const char *kptr, bool whole,
			     double min, double max, double *out)
{
	double x = json_number_value(v);

	if (whole && json_is_real(v) && x != floor(x)) {
		reader_fail(r, kptr, "expected a whole number, got %.15g", x);
		return GOT_BAD;
	}
	if (!(x >= min && x <= max)) {
		reader_fail(r, kptr, "must be between %.15g and %.15g, got %.15g", min, max, x);
		return GOT_BAD;
	}
	*out = x;
	return GOT_OK;
}

/* A number in @min..@max into @out; @out keeps its default unless GOT_OK. */
enum reader_got reader_number(struct config_reader *r, json_t *obj, const char *ptr, const char *key,
			   bool required, double min, double max, double *out)
{
	char kptr[READER_PTR_MAX];
	json_t *v = reader_value(r, obj, ptr, key, required, JSON_REAL, kptr);

	if (!v)
		return reader_missing(obj, key);
	return check_number(r, v, kptr, false, min, max, out);
}

/* A whole number in @min..@max into @out; @out keeps its default unless GOT_OK. */
enum reader_got reader_whole(struct config_reader *r, json_t *obj, const char *ptr, const char *key,
			  bool required, uint32_t min, uint32_t max, uint32_t *out)
{
	char kptr[READER_PTR_MAX];
	json_t *v = reader_value(r, obj, ptr, key, required, JSON_INTEGER, kptr);
	enum reader_got got;
	double x;

	if (!v)
		return reader_missing(obj, key);
	got = check_number(r, v, kptr, true, min, max, &x);
	if (got == GOT_OK)
		*out = (uint32_t)x;
	return got;
}

static enum reader_got reader_bool(struct config_reader *r, json_t *obj, const char *ptr, const char *key,
			 bool *out)
{
	char kptr[READER_PTR_MAX];
	json_t *v = reader_value(r, obj, ptr, key, false, JSON_TRUE, kptr);

	if (!v)
		return reader_missing(obj, key);
	*out = json_is_true(v);
	return GOT_OK;
}

/* Checks a string value's length (bytes) is @min..@max; copies it to @out (@max + 1 bytes). */
enum reader_got reader_text_item(struct config_reader *r, json_t *v, const char *kptr, size_t min,
			   size_t max, char *out)
{
	size_t n = json_string_length(v);

	if (n < min) {
		reader_fail(r, kptr, "must not be empty");
		return GOT_BAD;
	}
	if (n > max) {
		reader_fail(r, kptr, "too long: at most %zu bytes, got %zu", max, n);
		return GOT_BAD;
	}
	memcpy(out, json_string_value(v), n + 1);
	return GOT_OK;
}

enum reader_got reader_string(struct config_reader *r, json_t *obj, const char *ptr, const char *key,
			   bool required, size_t min, size_t max, char *out)
{
	char kptr[READER_PTR_MAX];
	json_t *v = reader_value(r, obj, ptr, key, required, JSON_STRING, kptr);

	if (!v)
		return reader_missing(obj, key);
	return reader_text_item(r, v, kptr, min, max, out);
}

static bool id_is_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > CONFIG_ID_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '-'))
			return false;
	return true;
}

/* An id ([a-z0-9_-]{1,32}) into @out (CONFIG_ID_MAX + 1 bytes). */
enum reader_got reader_id(struct config_reader *r, json_t *obj, const char *ptr, const char *key,
		       bool required, char *out)
{
	char kptr[READER_PTR_MAX];
	json_t *v = reader_value(r, obj, ptr, key, required, JSON_STRING, kptr);
	const char *s;

	if (!v)
		return reader_missing(obj, key);
	s = json_string_value(v);
	if (!id_is_valid(s) || strlen(s) != json_string_length(v)) {
		reader_fail(r, kptr, "must be 1 to %d of a-z, 0-9, _ and -, got \"%.*s\"",
			    CONFIG_ID_MAX, utf8_fit(s, 40), s);
		return GOT_BAD;
	}
	memcpy(out, s, strlen(s) + 1);
	return GOT_OK;
}

/*
 * Resolves @file against the config's folder into @out and checks that it
 * can be read. A bad file is reported at @kptr.
 */
enum reader_got reader_file_check(struct config_reader *r, const char *file, const char *kptr,
				    char *out, size_t size)
{
	const char *slash = strrchr(r->path, '/');
	struct stat st;
	int n, fd;

	if (file[0] == '/' || !slash)
		n = snprintf(out, size, "%s", file);
	else
		n = snprintf(out, size, "%.*s/%s", (int)(slash - r->path), r->path, file);
	if (n < 0 || (size_t)n >= size) {
		reader_fail(r, kptr, "path too long: at most %zu bytes", size - 1);
		out[0] = '\0';
		return GOT_BAD;
	}
	fd = open(out, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		reader_fail(r, kptr, "cannot read \"%s\": %s", out, strerror(errno));
		out[0] = '\0';
		return GOT_BAD;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		reader_fail(r, kptr, "cannot read \"%s\": %s", out, strerror(EISDIR));
		out[0] = '\0';
		return GOT_BAD;
	}
	close(fd);
	return GOT_OK;
}

/* A two-number range [a, b] at @key; each within @lo..@hi. */
enum reader_got reader_range(struct config_reader *r, json_t *obj, const char *ptr,
			     const char *key, bool required, double lo, double hi, double *a,
			     double *b)
{
	char kptr[READER_PTR_MAX], iptr[READER_PTR_MAX];
	json_t *v = reader_array(r, obj, ptr, key, required, 2, 2, "numbers", kptr);
	double x[2];

	if (!v)
		return reader_missing(obj, key);
	for (size_t i = 0; i < 2; i++) {
		json_t *e = json_array_get(v, i);

		reader_ptr_index(iptr, kptr, i);
		if (!json_is_number(e)) {
			reader_fail(r, iptr, "expected a number, got %s", reader_type_name(e));
			return GOT_BAD;
		}
		if (check_number(r, e, iptr, false, lo, hi, &x[i]) != GOT_OK)
			return GOT_BAD;
	}
	*a = x[0];
	*b = x[1];
	return GOT_OK;
}

/* ---- key tables ---- */

enum reader_got reader_missing(json_t *obj, const char *key)
{
	return json_object_get(obj, key) ? GOT_BAD : GOT_NONE;
}

enum reader_got reader_key_items(struct config_reader *r, struct reader_object *o,
				 const struct reader_key *k, reader_item_fn *fn)
{
	char aptr[READER_PTR_MAX], iptr[READER_PTR_MAX];
	json_t *a = reader_key_array(r, o, k, aptr), *item;
	enum reader_got got = GOT_OK;
	size_t i;

	if (!a)
		return reader_missing(o->json, k->name);
	json_array_foreach(a, i, item) {
		reader_ptr_index(iptr, aptr, i);
		if (!fn(r, o, item, iptr, i, aptr))
			got = GOT_BAD;
	}
	return got;
}

bool reader_item_is_string(struct config_reader *r, json_t *item, const char *iptr)
{
	if (json_is_string(item))
		return true;
	reader_fail(r, iptr, "expected a string, got %s", reader_type_name(item));
	return false;
}

/* Each object of array row @k into the next slot of its field, counted; reports other items. */
static enum reader_got objects_read(struct config_reader *r, struct reader_object *o,
				    const struct reader_key *k)
{
	void *first = reader_field(o, k);
	uint32_t *count = (uint32_t *)((char *)o->base + k->count_offset);
	char aptr[READER_PTR_MAX], iptr[READER_PTR_MAX];
	json_t *a = reader_key_array(r, o, k, aptr), *item;
	struct reader_object io;
	size_t i;

	if (!a)
		return reader_missing(o->json, k->name);
	json_array_foreach(a, i, item) {
		void *slot = (char *)first + *count * k->size;

		reader_ptr_index(iptr, aptr, i);
		if (!json_is_object(item)) {
			reader_fail(r, iptr, "expected an object, got %s", reader_type_name(item));
			continue;
		}
		(*count)++;
		reader_defaults_apply(k->section, slot);
		reader_section_read(r, &io, item, iptr, k->section, slot, true);
	}
	return GOT_OK;
}

size_t reader_same_id(const struct reader_object *o, const struct reader_key *k,
		      const void *first, size_t stride, size_t from)
{
	size_t n = (size_t)((const char *)o->base - (const char *)first) / stride;
	const char *id = (const char *)o->base + k->offset;

	for (size_t j = from; j < n; j++)
		if (strcmp((const char *)first + j * stride + k->offset, id) == 0)
			return j;
	return SIZE_MAX;
}

void *reader_field(const struct reader_object *o, const struct reader_key *k)
{
	return (char *)o->base + k->offset;
}

void reader_key_ptr(const struct reader_object *o, const struct reader_key *k, char *kptr)
{
	reader_ptr_key(kptr, o->ptr, k->name);
}

enum reader_got reader_key_fail(struct config_reader *r, const struct reader_object *o,
				const struct reader_key *k, const char *fmt, ...)
{
	char kptr[READER_PTR_MAX];
	va_list ap;

	reader_ptr_key(kptr, o->ptr, k->name);
	va_start(ap, fmt);
	errors_push(r, kptr, 0, 0, fmt, ap);
	va_end(ap);
	return GOT_BAD;
}

enum reader_got reader_text_or_id(struct config_reader *r, struct reader_object *o,
				  const struct reader_key *k)
{
	enum reader_got got = reader_key_read(r, o, k);

	for (size_t i = 0; got != GOT_OK && i < o->section->count; i++) {
		const struct reader_key *id = &o->section->keys[i];

		if (strcmp(id->name, "id") == 0 && id->size <= k->size)
			memcpy(reader_field(o, k), reader_field(o, id), id->size);
	}
	return got;
}

enum reader_got reader_id_unique(struct config_reader *r, struct reader_object *o,
				 const struct reader_key *k, const void *first, size_t stride,
				 const char *what, const char *list)
{
	const char *id = reader_field(o, k);
	enum reader_got got = reader_key_read(r, o, k);
	size_t j = got == GOT_OK ? reader_same_id(o, k, first, stride, 0) : SIZE_MAX;

	if (j == SIZE_MAX)
		return got;
	return reader_key_fail(r, o, k, "duplicate %s id \"%s\" (also %s/%zu)", what, id, list, j);
}

enum reader_got reader_got(const struct reader_object *o, const char *name)
{
	for (size_t i = 0; i < o->section->count; i++)
		if (strcmp(o->section->keys[i].name, name) == 0)
			return o->got[i];
	return GOT_NONE;
}

void reader_defaults_apply(const struct reader_section *s, void *base)
{
	for (size_t i = 0; i < s->count; i++) {
		const struct reader_key *k = &s->keys[i];
		void *f = (char *)base + k->offset;

		switch (k->kind) {
		case KEY_NUMBER:
			*(double *)f = k->def;
			break;
		case KEY_WHOLE:
			if (k->size == sizeof(uint16_t))
				*(uint16_t *)f = (uint16_t)k->def;
			else
				*(uint32_t *)f = (uint32_t)k->def;
			break;
		case KEY_INDEX:
			*(int *)f = (int)k->def;
			break;
		case KEY_BOOL:
			*(bool *)f = k->def != 0;
			break;
		case KEY_TEXT:
		case KEY_ID:
			snprintf(f, k->size, "%s", k->def_text ? k->def_text : "");
			break;
		case KEY_RANGE:
			((double *)f)[0] = k->def;
			((double *)f)[1] = k->def_hi;
			break;
		case KEY_OBJECT:
			reader_defaults_apply(k->section, f);
			break;
		default:
			break;	/* arrays and custom keys have no field of their own */
		}
	}
	if (s->init)
		s->init(base);
}

void reader_keys_check(struct config_reader *r, json_t *obj, const char *ptr,
		       const struct reader_section *s)
{
	const char *names[READER_KEYS_MAX];
	size_t n = s->count < READER_KEYS_MAX ? s->count : READER_KEYS_MAX;

	for (size_t i = 0; i < n; i++)
		names[i] = s->keys[i].name;
	keys_check(r, obj, ptr, names, n);
}

json_t *reader_key_array(struct config_reader *r, struct reader_object *o,
			 const struct reader_key *k, char *aptr)
{
	return reader_array(r, o->json, o->ptr, k->name, k->required, (size_t)k->min,
			    (size_t)k->max, k->items, aptr);
}

enum reader_got reader_key_read(struct config_reader *r, struct reader_object *o,
				const struct reader_key *k)
{
	void *f = reader_field(o, k);
	char kptr[READER_PTR_MAX];
	struct reader_object sub;
	enum reader_got got;
	uint32_t whole;
	json_t *v;

	switch (k->kind) {
	case KEY_NUMBER:
		return reader_number(r, o->json, o->ptr, k->name, k->required, k->min, k->max, f);
	case KEY_WHOLE:
	case KEY_INDEX:
		got = reader_whole(r, o->json, o->ptr, k->name, k->required, (uint32_t)k->min,
				   (uint32_t)k->max, &whole);
		if (got != GOT_OK)
			return got;
		if (k->kind == KEY_INDEX)
			*(int *)f = (int)whole;
		else if (k->size == sizeof(uint16_t))
			*(uint16_t *)f = (uint16_t)whole;
		else
			*(uint32_t *)f = whole;
		return GOT_OK;
	case KEY_BOOL:
		return reader_bool(r, o->json, o->ptr, k->name, f);
	case KEY_TEXT:
		return reader_string(r, o->json, o->ptr, k->name, k->required, (size_t)k->min,
				     (size_t)k->max, f);
	case KEY_ID:
		return reader_id(r, o->json, o->ptr, k->name, k->required, f);
	case KEY_RANGE:
		return reader_range(r, o->json, o->ptr, k->name, k->required, k->min, k->max, f,
				    (double *)f + 1);
	case KEY_OBJECT:
		v = reader_value(r, o->json, o->ptr, k->name, k->required, JSON_OBJECT, kptr);
		if (!v)
			return reader_missing(o->json, k->name);
		reader_section_read(r, &sub, v, kptr, k->section, f, true);
		return GOT_OK;
	case KEY_ARRAY:
		if (k->section)
			return objects_read(r, o, k);
		if (reader_key_array(r, o, k, kptr))
			return GOT_OK;
		return reader_missing(o->json, k->name);
	default:
		return GOT_NONE;
	}
}

void reader_section_read(struct config_reader *r, struct reader_object *o, json_t *json,
			 const char *ptr, const struct reader_section *s, void *base,
			 bool check_keys)
{
	memset(o, 0, sizeof(*o));
	o->json = json;
	o->ptr = ptr;
	o->base = base;
	o->section = s;
	if (check_keys)
		reader_keys_check(r, json, ptr, s);
	for (int last = 0; last <= 1; last++) {
		for (size_t i = 0; i < s->count && i < READER_KEYS_MAX; i++) {
			const struct reader_key *k = &s->keys[i];

			if (k->last != last)
				continue;
			if (k->handler)
				o->got[i] = k->handler(r, o, k);
			else if (k->kind != KEY_LATER)
				o->got[i] = reader_key_read(r, o, k);
		}
	}
	if (s->finish)
		s->finish(r, o);
}

/* ---- document order ---- */

#define POS_DEPTH 8

/* Where an error's pointer lies in the document, for sorting. */
struct error_pos {
	size_t pos[POS_DEPTH];		/* key or item position at each level */
	size_t depth;
	size_t seq;			/* order found, to keep the sort stable */
	struct config_error e;
};

/*
 * A key that is not in the document (a missing required key, say) sorts
 * after every key of its object: it is reported when the object ends.
 */
static void error_position(json_t *root, struct error_pos *ep)
{
	const char *s = ep->e.pointer;
	json_t *node = root;

	ep->depth = 0;
	while (*s == '/' && ep->depth < POS_DEPTH) {
		char tok[READER_PTR_MAX];
		size_t n = 0, pos = 0;
		json_t *next = NULL;

		for (s++; *s && *s != '/'; s++) {
			if (*s == '~' && (s[1] == '0' || s[1] == '1')) {
				tok[n++] = s[1] == '0' ? '~' : '/';
				s++;
			} else {
				tok[n++] = *s;
			}
		}
		tok[n] = '\0';
		if (json_is_object(node)) {
			const char *key;
			json_t *v;

			pos = json_object_size(node);
			n = 0;
			json_object_foreach(node, key, v) {
				if (strcmp(key, tok) == 0) {
					pos = n;
					next = v;
					break;
				}
				n++;
			}
		} else if (json_is_array(node)) {
			pos = strtoul(tok, NULL, 10);
			next = json_array_get(node, pos);
		}
		ep->pos[ep->depth++] = pos;
		node = next;
	}
}

static int error_pos_cmp(const void *a, const void *b)
{
	const struct error_pos *x = a, *y = b;
	size_t n = x->depth < y->depth ? x->depth : y->depth;

	for (size_t i = 0; i < n; i++)
		if (x->pos[i] != y->pos[i])
			return x->pos[i] < y->pos[i] ? -1 : 1;
	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Checks run section by section; the operator reads the file top to bottom. */
void reader_errors_sort(struct config_errors *errs, size_t from, json_t *root)
{
	size_t n = errs->count - from;
	struct error_pos *eps;

	if (n < 2)
		return;
	eps = calloc(n, sizeof(*eps));
	if (!eps)
		return;
	for (size_t i = 0; i < n; i++) {
		eps[i].e = errs->items[from + i];
		eps[i].seq = i;
		error_position(root, &eps[i]);
	}
	qsort(eps, n, sizeof(*eps), error_pos_cmp);
	for (size_t i = 0; i < n; i++)
		errs->items[from + i] = eps[i].e;
	free(eps);
}
