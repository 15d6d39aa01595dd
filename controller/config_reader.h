/*
 * config_reader.h - what the config section files share: the parse state,
 * errors at JSON pointers, did-you-mean, typed getters, and the key tables
 * that drive them. Private to controller/config*.c (and its unit test).
 *
 * Each object of a venue config is read by one table, a struct
 * config_section: one row per key with its name, type, range, default and a
 * one-line doc. The table drives the defaults, the reading and range checks,
 * and unknown-key detection with a "did you mean". A key that needs more
 * (an array, a cross-reference, a range that depends on another key) has a
 * handler in its row; the handler reads the key itself, usually with
 * reader_key_read() plus its own check.
 *
 * Getters report their own errors and leave the caller's default in place
 * when a value is absent or wrong.
 *
 * Thread: whichever thread loads the config. Nothing here keeps global state.
 */
#ifndef TUTTI_CONFIG_READER_H
#define TUTTI_CONFIG_READER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define READER_PTR_MAX		sizeof(((struct config_error *)0)->pointer)
#define READER_MSG_MAX		sizeof(((struct config_error *)0)->message)
#define READER_KEYS_MAX		24	/* keys in one section table */

struct config_reader {
	struct config_errors *errors;
	const char *path;		/* relative paths in the config resolve against its folder */
	struct venue_config *cfg;
	const struct config_cue *cue;	/* the cue being read: its poll, its stems */
	bool failed;			/* an error was found (or could not even be recorded) */
};

/* What a getter found: nothing (the default stays), a valid value, or a reported error. */
enum reader_got {
	GOT_NONE = 0,
	GOT_OK,
	GOT_BAD,
};

/* The value of a key, and the field its row fills. */
enum reader_kind {
	KEY_NUMBER,		/* double, min..max */
	KEY_WHOLE,		/* uint32_t (or uint16_t, by the field's size), min..max */
	KEY_INDEX,		/* int: a whole number min..max, or the default (-1: none) */
	KEY_BOOL,		/* bool */
	KEY_TEXT,		/* char[size]: min..max bytes, max = size - 1 */
	KEY_ID,			/* char[CONFIG_ID_MAX + 1]: [a-z0-9_-]{1,32} */
	KEY_RANGE,		/* double[2] (two adjacent fields): [a, b], each min..max */
	KEY_OBJECT,		/* an object read by .section, into the field at .offset */
	KEY_ARRAY,		/* min..max .items: objects of .section (see KEY_OBJECTS), or
				 * read by the handler */
	KEY_CUSTOM,		/* no field of its own; the handler reads it */
	KEY_LATER,		/* read by another key's handler, once what it names is known */
};

struct reader_object;
struct reader_key;
typedef enum reader_got reader_key_fn(struct config_reader *r, struct reader_object *o,
				      const struct reader_key *k);

/* One key of one object: everything about it in one row. */
struct reader_key {
	const char *name;
	enum reader_kind kind;
	bool required;			/* "missing required key" when absent */
	size_t offset;			/* of its field in the section's struct */
	size_t size;			/* of that field; an array of objects: of one */
	size_t count_offset;		/* an array of objects: of its uint32_t count */
	double min, max;		/* numbers: range; text: bytes; arrays: items */
	double def, def_hi;		/* numbers, whole, index, bool; a range: [def, def_hi] */
	const char *def_text;		/* text: default, NULL for "" */
	const char *items;		/* arrays: what the items are called in messages */
	const struct reader_section *section;	/* KEY_OBJECT; KEY_ARRAY: of objects */
	reader_key_fn *handler;		/* reads the key instead of the reader; NULL: by kind */
	const char *doc;		/* one line; docs/config.md says more */
	bool last;			/* read after the other rows: it names what they define */
};

/* The keys of one kind of object. "comment" is allowed in every object and not listed. */
struct reader_section {
	const char *where;		/* the objects it reads, as docs/config.md names them */
	const struct reader_key *keys;
	size_t count;
	/* Checks across keys, after every row, when the object is present; NULL: none. */
	void (*finish)(struct config_reader *r, struct reader_object *o);
	/* Defaults of fields that are no key's own, after the rows'; NULL: none. */
	void (*init)(void *base);
};

/* One object being read: its JSON, its pointer, the struct it fills, what each key gave. */
struct reader_object {
	json_t *json;
	const char *ptr;
	void *base;
	const struct reader_section *section;
	enum reader_got got[READER_KEYS_MAX];
};

#define READER_SECTION(where, keys, finish) \
	{ where, keys, sizeof(keys) / sizeof((keys)[0]), finish, NULL }
#define READER_SECTION_INIT(where, keys, finish, init) \
	{ where, keys, sizeof(keys) / sizeof((keys)[0]), finish, init }

/* Rows, in the style of Redis's createIntConfig(): name, field, range, default, doc. */
#define KEY_FIELD(T, f)		.offset = offsetof(T, f), .size = sizeof(((T *)0)->f)
#define KEY_NUMBER(key, req, T, f, lo, hi, dflt, fn, text)				\
	{ .name = key, .kind = KEY_NUMBER, .required = req, KEY_FIELD(T, f), .min = lo,	\
	  .max = hi, .def = dflt, .handler = fn, .doc = text }
#define KEY_WHOLE(key, req, T, f, lo, hi, dflt, fn, text)				\
	{ .name = key, .kind = KEY_WHOLE, .required = req, KEY_FIELD(T, f), .min = lo,	\
	  .max = hi, .def = dflt, .handler = fn, .doc = text }
#define KEY_INDEX(key, req, T, f, lo, hi, dflt, fn, text)				\
	{ .name = key, .kind = KEY_INDEX, .required = req, KEY_FIELD(T, f), .min = lo,	\
	  .max = hi, .def = dflt, .handler = fn, .doc = text }
#define KEY_BOOL(key, T, f, dflt, text)							\
	{ .name = key, .kind = KEY_BOOL, KEY_FIELD(T, f), .max = 1, .def = dflt, .doc = text }
#define KEY_TEXT(key, req, T, f, lo, dflt, fn, text)					\
	{ .name = key, .kind = KEY_TEXT, .required = req, KEY_FIELD(T, f), .min = lo,	\
	  .max = sizeof(((T *)0)->f) - 1, .def_text = dflt, .handler = fn, .doc = text }
#define KEY_ID(key, req, T, f, fn, text)						\
	{ .name = key, .kind = KEY_ID, .required = req, KEY_FIELD(T, f), .min = 1,	\
	  .max = CONFIG_ID_MAX, .handler = fn, .doc = text }
#define KEY_RANGE(key, req, T, f, lo, hi, d0, d1, fn, text)				\
	{ .name = key, .kind = KEY_RANGE, .required = req, KEY_FIELD(T, f), .min = lo,	\
	  .max = hi, .def = d0, .def_hi = d1, .items = "numbers", .handler = fn, .doc = text }
#define KEY_OBJECT(key, req, T, f, sec, text)						\
	{ .name = key, .kind = KEY_OBJECT, .required = req, KEY_FIELD(T, f), .section = sec, \
	  .doc = text }
/* An object whose keys are fields of the enclosing struct itself. */
#define KEY_INLINE(key, req, sec, text)							\
	{ .name = key, .kind = KEY_OBJECT, .required = req, .section = sec, .doc = text }
#define KEY_ARRAY(key, req, lo, hi, what, fn, text)					\
	{ .name = key, .kind = KEY_ARRAY, .required = req, .min = lo, .max = hi,	\
	  .items = what, .handler = fn, .doc = text }
/* An array of objects, each read by @sec into the next of T's f[], counted in T's n. */
#define KEY_OBJECTS(key, req, T, f, n, lo, hi, what, sec, text)			\
	{ .name = key, .kind = KEY_ARRAY, .required = req, .offset = offsetof(T, f),	\
	  .size = sizeof(((T *)0)->f[0]), .count_offset = offsetof(T, n), .min = lo,	\
	  .max = hi, .items = what, .section = sec, .doc = text }
#define KEY_CUSTOM(key, req, fn, text)							\
	{ .name = key, .kind = KEY_CUSTOM, .required = req, .handler = fn, .doc = text }
#define KEY_LATER(key, text)								\
	{ .name = key, .kind = KEY_LATER, .doc = text }

/* ---- errors and pointers ---- */

__attribute__((format(printf, 3, 4)))
void reader_fail(struct config_reader *r, const char *ptr, const char *fmt, ...);
__attribute__((format(printf, 4, 5)))
void reader_fail_at(struct config_reader *r, int line, int column, const char *fmt, ...);

/* @out (READER_PTR_MAX bytes) = @parent + "/" + @key, with "~" as "~0" and "/" as "~1". */
void reader_ptr_key(char *out, const char *parent, const char *key);
/* @out (READER_PTR_MAX bytes) = @parent + "/" + @i. */
void reader_ptr_index(char *out, const char *parent, size_t i);

/* Sorts errors[@from..] into the order their pointers appear in @root. */
void reader_errors_sort(struct config_errors *errs, size_t from, json_t *root);

/* ---- names ---- */

/* Index of @name in @names[0..@count), or -1. */
int reader_name_index(const char *const *names, int count, const char *name);
/*
 * Reports @lead, then what suggest_hint() says of @word among @names: the
 * nearest name when there is one, and the names there are.
 */
void reader_fail_names(struct config_reader *r, const char *kptr, const char *lead, const char *word,
		       const char *const *names, int count);
/*
 * Reports "unknown WHAT "NAME"; did you mean "X"? (one of: A, B, C)", the
 * hint only for a near miss, the list whenever @count > 0.
 */
void reader_fail_unknown(struct config_reader *r, const char *kptr, const char *what,
			 const char *name, const char *const *names, int count);
/* "name" or "name:arg" into @base and @arg (NULL when there is no ':'). */
void reader_name_split(const char *s, char *base, size_t base_size, const char **arg);
/* "object", "array", "string", "number", "boolean" or "null". */
const char *reader_type_name(const json_t *v);

/* ---- typed getters: key @key of @obj at @ptr ---- */

/* The value, with its pointer in @kptr; NULL when absent (reported if @required) or mistyped. */
json_t *reader_value(struct config_reader *r, json_t *obj, const char *ptr, const char *key,
		     bool required, json_type type, char *kptr);
/* An array of @min..@max items (@what names them in the message). */
json_t *reader_array(struct config_reader *r, json_t *obj, const char *ptr, const char *key,
		     bool required, size_t min, size_t max, const char *what, char *kptr);
enum reader_got reader_number(struct config_reader *r, json_t *obj, const char *ptr,
			      const char *key, bool required, double min, double max, double *out);
enum reader_got reader_whole(struct config_reader *r, json_t *obj, const char *ptr,
			     const char *key, bool required, uint32_t min, uint32_t max,
			     uint32_t *out);
/* @max + 1 bytes at @out. */
enum reader_got reader_string(struct config_reader *r, json_t *obj, const char *ptr,
			      const char *key, bool required, size_t min, size_t max, char *out);
/* An id ([a-z0-9_-]{1,32}) into @out (CONFIG_ID_MAX + 1 bytes). */
enum reader_got reader_id(struct config_reader *r, json_t *obj, const char *ptr,
			  const char *key, bool required, char *out);
/* A two-number range [a, b]; each within @lo..@hi. */
enum reader_got reader_range(struct config_reader *r, json_t *obj, const char *ptr,
			     const char *key, bool required, double lo, double hi, double *a,
			     double *b);
/* A string item of an array at @iptr, @min..@max bytes, into @out. */
enum reader_got reader_text_item(struct config_reader *r, json_t *v, const char *iptr,
				 size_t min, size_t max, char *out);
/*
 * Resolves @file against the config's folder into @out and checks that it
 * can be read. A bad file is reported at @kptr.
 */
enum reader_got reader_file_check(struct config_reader *r, const char *file, const char *kptr,
				  char *out, size_t size);

/* ---- tables ---- */

/* Writes every row's default (and its objects', recursively) into @base. */
void reader_defaults_apply(const struct reader_section *s, void *base);
/* Reports every key of @obj (at @ptr) that is not "comment" or a row of @s. */
void reader_keys_check(struct config_reader *r, json_t *obj, const char *ptr,
		       const struct reader_section *s);
/*
 * Reads the rows of @s from @json (an object at @ptr) into @base, then
 * @s->finish; with @check_keys, reports unknown keys first. Fills @o.
 */
void reader_section_read(struct config_reader *r, struct reader_object *o, json_t *json,
			 const char *ptr, const struct reader_section *s, void *base,
			 bool check_keys);
/* The array of row @k (a KEY_ARRAY) with its item count checked, pointer in @aptr; or NULL. */
json_t *reader_key_array(struct config_reader *r, struct reader_object *o,
			 const struct reader_key *k, char *aptr);
/* Key @k of @o read by its kind, into its field: what a handler adds its checks to. */
enum reader_got reader_key_read(struct config_reader *r, struct reader_object *o,
				const struct reader_key *k);
/* The field of @k in @o. */
void *reader_field(const struct reader_object *o, const struct reader_key *k);
/* Reports a problem with key @k of @o at its pointer; returns GOT_BAD. */
__attribute__((format(printf, 4, 5)))
enum reader_got reader_key_fail(struct config_reader *r, const struct reader_object *o,
				const struct reader_key *k, const char *fmt, ...);
/* A text key that defaults to the object's "id" (a row before it). */
reader_key_fn reader_text_or_id;
/*
 * An id key unique among the items of its list (@stride bytes each, from
 * @first, up to @o's): "duplicate WHAT id "ID" (also LIST/N)".
 */
enum reader_got reader_id_unique(struct config_reader *r, struct reader_object *o,
				 const struct reader_key *k, const void *first, size_t stride,
				 const char *what, const char *list);
/* The pointer of key @k of @o, into @kptr (READER_PTR_MAX bytes). */
void reader_key_ptr(const struct reader_object *o, const struct reader_key *k, char *kptr);
/* What the key named @name gave (it must be a row before the one asking). */
enum reader_got reader_got(const struct reader_object *o, const char *name);

/*
 * What a getter that found no usable value returns: GOT_BAD when @key is in
 * @obj (its error is reported), GOT_NONE when it is absent.
 */
enum reader_got reader_missing(json_t *obj, const char *key);

/*
 * One item of an array key: @item at @iptr, the @i-th of the array at @aptr.
 * False when the item is not of a kind the key takes.
 */
typedef bool reader_item_fn(struct config_reader *r, struct reader_object *o, json_t *item,
			    const char *iptr, size_t i, const char *aptr);
/*
 * Array row @k (min..max items) of @o: @fn for each item. GOT_BAD when it is
 * no such array or @fn said false for an item.
 */
enum reader_got reader_key_items(struct config_reader *r, struct reader_object *o,
				 const struct reader_key *k, reader_item_fn *fn);
/* Reports "expected a string" at @iptr unless @item is one. */
bool reader_item_is_string(struct config_reader *r, json_t *item, const char *iptr);
/*
 * The index, from @from on, of an item before @o's (items of @stride bytes
 * from @first) whose id (the field of @k) is @o's; SIZE_MAX when none.
 */
size_t reader_same_id(const struct reader_object *o, const struct reader_key *k,
		      const void *first, size_t stride, size_t from);

#endif
