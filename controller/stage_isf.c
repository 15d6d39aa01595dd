/*
 * stage_isf.c - ISF 2.0 scenes without GL: reads a .fs file (its JSON
 * header and its GLSL), refuses what this daemon cannot draw with the
 * reason, writes the GLSL ES 1.00 fragment shader the GL path compiles, and
 * resolves and evaluates the bindings of its inputs to live show values.
 *
 * The sources a binding may read are one table (isf_sources[]): a name, a
 * kind (a number, a point, a colour), where it looks (the show, the crowd
 * of the venue or of one zone, a poll option) and a getter.
 *
 * Thread: any. isf_load() and isf_binding_resolve() run where the config
 * loads; isf_binding_value() on the render thread, only arithmetic.
 */
#include "stage_isf.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "suggest.h"
#include "utf8.h"

#define ISF_FILE_MAX_BYTES	(1u << 20)	/* a shader is a few kilobytes; this is generous */

/* ---- messages ---- */

__attribute__((format(printf, 3, 4)))
static int isf_fail(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	if (err && err_size) {
		va_start(ap, fmt);
		vsnprintf(err, err_size, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ---- input types ---- */

struct isf_type_row {
	const char *name;		/* TYPE in the header */
	enum isf_type type;
	const char *glsl;		/* the uniform's type */
	int components;			/* of DEFAULT, MIN and MAX: 1 a number, 2 a point, 4 a colour */
};

static const struct isf_type_row isf_types[] = {
	{ "float", ISF_FLOAT, "float", 1 },
	{ "bool", ISF_BOOL, "bool", 1 },
	{ "long", ISF_LONG, "int", 1 },
	{ "event", ISF_EVENT, "bool", 1 },
	{ "color", ISF_COLOR, "vec4", 4 },
	{ "point2D", ISF_POINT2D, "vec2", 2 },
};
#define ISF_TYPE_COUNT (sizeof(isf_types) / sizeof(isf_types[0]))

/* ISF types that need textures or audio buffers, which this daemon does not feed. */
static const char *const isf_types_refused[] = { "image", "audio", "audioFFT" };

static const struct isf_type_row *isf_type_row(enum isf_type t)
{
	for (size_t i = 0; i < ISF_TYPE_COUNT; i++)
		if (isf_types[i].type == t)
			return &isf_types[i];
	return &isf_types[0];
}

/*
 * Names an input may not take: GLSL ES 1.00's keywords and reserved words,
 * its built-in types, and what ISF and this shader's prologue define.
 */
static const char *const isf_reserved[] = {
	"attribute", "const", "uniform", "varying", "break", "continue", "do", "for", "while",
	"if", "else", "in", "out", "inout", "float", "int", "void", "bool", "true", "false",
	"lowp", "mediump", "highp", "precision", "invariant", "discard", "return", "mat2",
	"mat3", "mat4", "vec2", "vec3", "vec4", "ivec2", "ivec3", "ivec4", "bvec2", "bvec3",
	"bvec4", "sampler2D", "samplerCube", "struct", "asm", "class", "union", "enum",
	"typedef", "template", "this", "packed", "goto", "switch", "default", "inline",
	"noinline", "volatile", "public", "static", "extern", "external", "interface",
	"flat", "long", "short", "double", "half", "fixed", "unsigned", "superp", "input",
	"output", "hvec2", "hvec3", "hvec4", "dvec2", "dvec3", "dvec4", "fvec2", "fvec3",
	"fvec4", "sampler1D", "sampler3D", "sampler1DShadow", "sampler2DShadow",
	"sampler2DRect", "sampler3DRect", "sampler2DRectShadow", "sizeof", "cast",
	"namespace", "using", "main",
	"TIME", "TIMEDELTA", "RENDERSIZE", "FRAMEINDEX", "DATE", "PASSINDEX",
	"IMG_SIZE", "IMG_NORM_PIXEL", "IMG_PIXEL", "IMG_THIS_PIXEL", "IMG_THIS_NORM_PIXEL",
	"vv_FragNormCoord",
};

/* ISF's image lookups: a scene with no images has nothing to look up. */
static const char *const isf_image_macros[] = {
	"IMG_SIZE", "IMG_NORM_PIXEL", "IMG_PIXEL", "IMG_THIS_PIXEL", "IMG_THIS_NORM_PIXEL",
};

static bool name_in(const char *name, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

static bool ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

/* Why @name cannot be an input's uniform, or NULL when it can. */
static const char *isf_name_problem(const char *name)
{
	size_t n = strlen(name);

	if (n == 0)
		return "is empty";
	if (n > CONFIG_ISF_NAME_MAX)
		return "is too long (at most 63 bytes)";
	if (!ident_start(name[0]))
		return "is not a GLSL name (a letter or _, then letters, digits or _)";
	for (size_t i = 1; i < n; i++)
		if (!ident_char(name[i]))
			return "is not a GLSL name (a letter or _, then letters, digits or _)";
	/* GLSL keeps gl_ and any __ for itself; isf_ is this shader's prologue's. */
	if (strncmp(name, "gl_", 3) == 0 || strstr(name, "__"))
		return "is reserved by GLSL (gl_ and __)";
	if (strncmp(name, "isf_", 4) == 0)
		return "is reserved by ISF (isf_)";
	if (name_in(name, isf_reserved, sizeof(isf_reserved) / sizeof(isf_reserved[0])))
		return "is a GLSL or ISF reserved name";
	return NULL;
}

/* ---- the header ---- */

/* The values of DEFAULT, MIN or MAX @v for an input of @row into @out; false when mistyped. */
static bool isf_value_read(json_t *v, const struct isf_type_row *row, float out[4])
{
	size_t i;
	json_t *x;

	if (row->components == 1) {
		if (json_is_boolean(v))
			out[0] = json_is_true(v) ? 1.0f : 0.0f;
		else if (json_is_number(v))
			out[0] = (float)json_number_value(v);
		else
			return false;
		return true;
	}
	/* A colour may leave out its alpha (or more): ISF hosts fill with opaque black. */
	if (!json_is_array(v) || json_array_size(v) < (row->components == 4 ? 3u : 2u) ||
	    json_array_size(v) > (size_t)row->components)
		return false;
	out[3] = 1.0f;
	json_array_foreach(v, i, x) {
		if (!json_is_number(x))
			return false;
		out[i] = (float)json_number_value(x);
	}
	return true;
}

static const char *isf_value_shape(const struct isf_type_row *row)
{
	if (row->components == 1)
		return row->type == ISF_BOOL || row->type == ISF_EVENT ? "a boolean or a number" : "a number";
	return row->components == 2 ? "an array of 2 numbers" : "an array of 3 or 4 numbers";
}

/* DEFAULT, MIN and MAX of input @in (the @i-th) from @obj. */
static int isf_input_values(json_t *obj, struct isf_input *in, size_t i, const char *path, char *err,
			    size_t err_size)
{
	const struct isf_type_row *row = isf_type_row(in->type);
	static const char *const keys[] = { "DEFAULT", "MIN", "MAX" };
	float *dst[] = { in->def, in->min, in->max };
	bool *has[] = { NULL, &in->has_min, &in->has_max };

	for (size_t k = 0; k < 3; k++) {
		json_t *v = json_object_get(obj, keys[k]);

		if (!v)
			continue;
		if (!isf_value_read(v, row, dst[k]))
			return isf_fail(err, err_size, "%s: INPUTS/%zu (%s): %s must be %s", path, i,
					in->name, keys[k], isf_value_shape(row));
		if (has[k])
			*has[k] = true;
	}
	return 0;
}

/* The TYPE of input @i (named @name) into @in. */
static int isf_input_type(json_t *obj, struct isf_input *in, size_t i, const char *path, char *err,
			  size_t err_size)
{
	const char *type = json_string_value(json_object_get(obj, "TYPE"));
	const char *names[ISF_TYPE_COUNT];

	if (!type)
		return isf_fail(err, err_size, "%s: INPUTS/%zu (%s): no TYPE", path, i, in->name);
	for (size_t t = 0; t < ISF_TYPE_COUNT; t++) {
		names[t] = isf_types[t].name;
		if (strcmp(type, isf_types[t].name) == 0) {
			in->type = isf_types[t].type;
			return 0;
		}
	}
	if (name_in(type, isf_types_refused, sizeof(isf_types_refused) / sizeof(isf_types_refused[0])))
		return isf_fail(err, err_size,
				"%s: INPUTS/%zu (%s): inputs of TYPE \"%s\" are not supported (no images or audio "
				"buffers; bind a number to the music instead)", path, i, in->name, type);
	{
		char list[200];

		suggest_list(list, sizeof(list), names, ISF_TYPE_COUNT);
		return isf_fail(err, err_size, "%s: INPUTS/%zu (%s): unknown TYPE \"%.*s\" (one of: %s)", path, i,
				in->name, utf8_fit(type, 40), type, list);
	}
}

static int isf_input_read(json_t *obj, struct isf_scene *out, size_t i, const char *path, char *err,
			  size_t err_size)
{
	struct isf_input *in = &out->inputs[i];
	const char *name = json_string_value(json_object_get(obj, "NAME"));
	const char *problem;

	if (!json_is_object(obj))
		return isf_fail(err, err_size, "%s: INPUTS/%zu: expected an object", path, i);
	if (!name)
		return isf_fail(err, err_size, "%s: INPUTS/%zu: no NAME", path, i);
	problem = isf_name_problem(name);
	if (problem)
		return isf_fail(err, err_size, "%s: INPUTS/%zu: the NAME \"%.*s\" %s", path, i, utf8_fit(name, 64),
				name, problem);
	if (isf_input_find(out, name) >= 0)
		return isf_fail(err, err_size, "%s: INPUTS/%zu: duplicate NAME \"%s\"", path, i, name);
	memset(in, 0, sizeof(*in));
	snprintf(in->name, sizeof(in->name), "%s", name);
	if (isf_input_type(obj, in, i, path, err, err_size) < 0)
		return -1;
	if (isf_input_values(obj, in, i, path, err, err_size) < 0)
		return -1;
	/* VALUES and LABELS of a long are a menu for a VJ tool; a binding gives the number. */
	out->input_count = (uint32_t)i + 1;
	return 0;
}

static int isf_inputs_read(json_t *head, struct isf_scene *out, const char *path, char *err, size_t err_size)
{
	json_t *inputs = json_object_get(head, "INPUTS");
	json_t *obj;
	size_t i;

	if (!inputs)
		return 0;
	if (!json_is_array(inputs))
		return isf_fail(err, err_size, "%s: INPUTS must be an array", path);
	if (json_array_size(inputs) > ISF_INPUTS_MAX)
		return isf_fail(err, err_size, "%s: %zu INPUTS, at most %d are supported", path,
				json_array_size(inputs), ISF_INPUTS_MAX);
	json_array_foreach(inputs, i, obj) {
		if (isf_input_read(obj, out, i, path, err, err_size) < 0)
			return -1;
	}
	return 0;
}

/* PASSES and IMPORTED: one pass at most, drawn to the screen, and no images from files. */
static int isf_passes_check(json_t *head, const char *path, char *err, size_t err_size)
{
	json_t *passes = json_object_get(head, "PASSES");
	json_t *imported = json_object_get(head, "IMPORTED");
	json_t *pass;
	bool images = json_is_object(imported) ? json_object_size(imported) > 0 :
		      json_is_array(imported) && json_array_size(imported) > 0;

	if (images)
		return isf_fail(err, err_size, "%s: IMPORTED images are not supported", path);
	if (!passes)
		return 0;
	if (!json_is_array(passes))
		return isf_fail(err, err_size, "%s: PASSES must be an array", path);
	if (json_array_size(passes) > 1)
		return isf_fail(err, err_size, "%s: %zu PASSES; only single-pass scenes are supported", path,
				json_array_size(passes));
	pass = json_array_get(passes, 0);
	if (pass && json_object_get(pass, "TARGET"))
		return isf_fail(err, err_size, "%s: PASSES/0 has a TARGET; render targets are not supported", path);
	if (pass && json_object_get(pass, "PERSISTENT"))
		return isf_fail(err, err_size, "%s: PASSES/0 is PERSISTENT; persistent buffers are not supported",
				path);
	return 0;
}

static int isf_header_read(const char *json, size_t len, struct isf_scene *out, const char *path, char *err,
			   size_t err_size)
{
	json_error_t jerr;
	json_t *head = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	const char *desc;
	int rc = -1;

	if (!head)
		return isf_fail(err, err_size, "%s: the ISF header is not valid JSON: %s (line %d of the header)",
				path, jerr.text, jerr.line);
	if (!json_is_object(head)) {
		isf_fail(err, err_size, "%s: the ISF header must be a JSON object", path);
		goto out_decref;
	}
	desc = json_string_value(json_object_get(head, "DESCRIPTION"));
	if (desc)
		snprintf(out->description, sizeof(out->description), "%.*s", utf8_fit(desc, CONFIG_TEXT_MAX),
			 desc);
	if (isf_passes_check(head, path, err, err_size) == 0 &&
	    isf_inputs_read(head, out, path, err, err_size) == 0)
		rc = 0;
out_decref:
	json_decref(head);
	return rc;
}

/* ---- the GLSL ---- */

/* A growing string; @failed once an allocation failed (then nothing more is added). */
struct isf_buf {
	char *s;
	size_t len, cap;
	bool failed;
};

static void buf_add(struct isf_buf *b, const char *p, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *s;

		while (b->len + n + 1 > cap)
			cap *= 2;
		s = realloc(b->s, cap);
		if (!s) {
			b->failed = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

__attribute__((format(printf, 2, 3)))
static void buf_printf(struct isf_buf *b, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		buf_add(b, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/*
 * Walks the identifiers of GLSL @code outside comments: calls @fn with
 * each (not NUL-terminated) and the text after it; stops when @fn returns
 * true, and returns whether it did.
 */
static bool glsl_idents(const char *code, size_t len, bool (*fn)(const char *id, size_t n, const char *rest,
								 const char *end, void *arg), void *arg)
{
	const char *p = code, *end = code + len;

	while (p < end) {
		if (p + 1 < end && p[0] == '/' && p[1] == '/') {
			while (p < end && *p != '\n')
				p++;
		} else if (p + 1 < end && p[0] == '/' && p[1] == '*') {
			const char *close = NULL;

			for (const char *q = p + 2; q + 1 < end; q++)
				if (q[0] == '*' && q[1] == '/') {
					close = q;
					break;
				}
			p = close ? close + 2 : end;
		} else if (ident_start(*p) && (p == code || !ident_char(p[-1]))) {
			const char *id = p;

			while (p < end && ident_char(*p))
				p++;
			if (fn(id, (size_t)(p - id), p, end, arg))
				return true;
		} else {
			p++;
		}
	}
	return false;
}

static bool ident_is(const char *id, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(id, word, n) == 0;
}

/* Finds an image macro: *arg is set to its name. */
static bool image_macro_found(const char *id, size_t n, const char *rest, const char *end, void *arg)
{
	(void)rest;
	(void)end;
	for (size_t i = 0; i < sizeof(isf_image_macros) / sizeof(isf_image_macros[0]); i++) {
		if (ident_is(id, n, isf_image_macros[i])) {
			*(const char **)arg = isf_image_macros[i];
			return true;
		}
	}
	return false;
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

/* "void" then "main" then "(": the shader's entry point. */
static bool main_found(const char *id, size_t n, const char *rest, const char *end, void *arg)
{
	(void)arg;
	if (!ident_is(id, n, "void"))
		return false;
	rest = skip_space(rest, end);
	if ((size_t)(end - rest) < 4 || memcmp(rest, "main", 4) != 0 ||
	    (rest + 4 < end && ident_char(rest[4])))
		return false;
	rest = skip_space(rest + 4, end);
	return rest < end && *rest == '(';
}

/* Whether the line at @p (to @end) is the preprocessor directive @word ("version", "extension"). */
static bool directive_is(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	p = skip_space(p, end);
	if (p >= end || *p != '#')
		return false;
	p++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return (size_t)(end - p) >= n && memcmp(p, word, n) == 0 && (p + n == end || !ident_char(p[n]));
}

static void prologue_write(struct isf_buf *b, const struct isf_scene *s, const char *code, size_t len)
{
	const char *p = code, *end = code + len;

	/* #extension must come before any other token: lifted from the body to the top. */
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		eol = eol ? eol : end;
		if (directive_is(p, eol, "extension")) {
			buf_add(b, p, (size_t)(eol - p));
			buf_add(b, "\n", 1);
		}
		p = eol < end ? eol + 1 : end;
	}
	buf_printf(b, "#ifdef GL_FRAGMENT_PRECISION_HIGH\nprecision highp float;\n#else\n"
		   "precision mediump float;\n#endif\n");
	buf_printf(b, "uniform float TIME;\nuniform float TIMEDELTA;\nuniform vec2 RENDERSIZE;\n"
		   "uniform int FRAMEINDEX;\nuniform vec4 DATE;\n");
	for (uint32_t i = 0; i < s->input_count; i++)
		buf_printf(b, "uniform %s %s;\n", isf_type_row(s->inputs[i].type)->glsl, s->inputs[i].name);
	/* ISF 1's name for the coordinate, and the one pass's index, for older files. */
	buf_printf(b, "varying vec2 isf_FragNormCoord;\n#define vv_FragNormCoord isf_FragNormCoord\n"
		   "#define PASSINDEX 0\n");
}

/*
 * The body: @code with #version and #extension lines blanked (the first is
 * ours to choose, the second went to the top), after a #line so the GL
 * driver's messages give the file's line numbers.
 */
static void body_write(struct isf_buf *b, const char *code, size_t len, int first_line)
{
	const char *p = code, *end = code + len;

	buf_printf(b, "#line %d\n", first_line);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		eol = eol ? eol : end;
		if (!directive_is(p, eol, "version") && !directive_is(p, eol, "extension"))
			buf_add(b, p, (size_t)(eol - p));
		if (eol < end)
			buf_add(b, "\n", 1);
		p = eol < end ? eol + 1 : end;
	}
	buf_add(b, "\n", 1);
}

static int isf_code_read(const char *code, size_t len, int first_line, struct isf_scene *out, const char *path,
			 char *err, size_t err_size)
{
	struct isf_buf b = { 0 };
	const char *macro = NULL;

	if (glsl_idents(code, len, image_macro_found, &macro))
		return isf_fail(err, err_size, "%s: the shader uses %s, which reads an image; images are not supported",
				path, macro);
	if (!glsl_idents(code, len, main_found, NULL))
		return isf_fail(err, err_size, "%s: no \"void main()\" after the ISF header", path);
	prologue_write(&b, out, code, len);
	body_write(&b, code, len, first_line);
	if (b.failed) {
		free(b.s);
		return isf_fail(err, err_size, "%s: out of memory", path);
	}
	out->fragment = b.s;
	return 0;
}

/* ---- public ---- */

int isf_parse(const char *text, size_t len, const char *path, struct isf_scene *out, char *err, size_t err_size)
{
	const char *end = text + len, *open, *close = NULL;
	int line = 1;

	path = path ? path : "";
	memset(out, 0, sizeof(*out));
	open = skip_space(text, end);
	/* A UTF-8 byte order mark, as some editors write, before the header. */
	if ((size_t)(end - open) >= 3 && memcmp(open, "\xef\xbb\xbf", 3) == 0)
		open = skip_space(open + 3, end);
	if ((size_t)(end - open) < 2 || memcmp(open, "/*", 2) != 0)
		return isf_fail(err, err_size, "%s: no ISF header: the file must start with a /* { JSON } */ comment",
				path);
	for (const char *q = open + 2; q + 1 < end; q++)
		if (q[0] == '*' && q[1] == '/') {
			close = q;
			break;
		}
	if (!close)
		return isf_fail(err, err_size, "%s: the ISF header's comment is never closed (no */)", path);
	if (isf_header_read(open + 2, (size_t)(close - open - 2), out, path, err, err_size) < 0)
		return -1;
	for (const char *q = text; q < close; q++)
		line += *q == '\n';
	return isf_code_read(close + 2, (size_t)(end - close - 2), line, out, path, err, err_size);
}

int isf_load(const char *path, struct isf_scene *out, char *err, size_t err_size)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *text;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!f)
		return isf_fail(err, err_size, "%s: cannot read: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) != 0) {
		int e = errno;

		fclose(f);
		return isf_fail(err, err_size, "%s: cannot read: %s", path, strerror(e));
	}
	if (S_ISDIR(st.st_mode) || st.st_size > (off_t)ISF_FILE_MAX_BYTES) {
		fclose(f);
		return isf_fail(err, err_size, "%s: cannot read: %s", path,
				S_ISDIR(st.st_mode) ? strerror(EISDIR) : "not a file of at most 1 MiB");
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		fclose(f);
		return isf_fail(err, err_size, "%s: cannot read: %s", path, strerror(ENOMEM));
	}
	len = fread(text, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		rc = isf_fail(err, err_size, "%s: cannot read: %s", path, strerror(errno));
	} else {
		text[len] = '\0';
		rc = isf_parse(text, len, path, out, err, err_size);
	}
	free(text);
	fclose(f);
	return rc;
}

void isf_free(struct isf_scene *s)
{
	if (!s)
		return;
	free(s->fragment);
	s->fragment = NULL;
}

const char *isf_vertex_shader(void)
{
	return "attribute vec2 isf_position;\n"
	       "varying vec2 isf_FragNormCoord;\n"
	       "void main()\n"
	       "{\n"
	       "\tisf_FragNormCoord = isf_position * 0.5 + 0.5;\n"
	       "\tgl_Position = vec4(isf_position, 0.0, 1.0);\n"
	       "}\n";
}

int isf_input_find(const struct isf_scene *s, const char *name)
{
	for (uint32_t i = 0; name && i < s->input_count; i++)
		if (strcmp(s->inputs[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* ---- sources ---- */

enum isf_kind { KIND_SCALAR, KIND_POINT, KIND_COLOUR };

static const char *const kind_names[] = {
	[KIND_SCALAR] = "a number", [KIND_POINT] = "a point", [KIND_COLOUR] = "a colour",
};

/* Where a source's name lives. */
enum isf_scope {
	SCOPE_SHOW,			/* the whole name: "music.level" */
	SCOPE_CROWD,			/* "crowd.NAME" for the venue, "zone.ID.NAME" for a zone */
	SCOPE_ZONE,			/* "zone.ID.NAME" only */
	SCOPE_OPTION,			/* "NAME.N", N a poll option */
};

/* What a getter reads. */
struct isf_ctx {
	const struct venue_config *cfg;
	const struct stage_frame *f;
	const struct crowd_summary *crowd;	/* the venue's or the zone's */
	int zone, index;
	float beat_pulse;
};

typedef void isf_get_fn(const struct isf_ctx *c, float out[4]);

struct isf_source {
	const char *name;
	enum isf_kind kind;
	enum isf_scope scope;
	isf_get_fn *get;
	uint32_t reads;			/* bits of enum control whose input it follows */
};

static void get_music_level(const struct isf_ctx *c, float out[4]) { out[0] = c->f->show.music.level; }
static void get_music_peak(const struct isf_ctx *c, float out[4]) { out[0] = c->f->show.music.peak; }
static void get_music_bass(const struct isf_ctx *c, float out[4]) { out[0] = c->f->show.music.bands[0]; }
static void get_music_low_mid(const struct isf_ctx *c, float out[4]) { out[0] = c->f->show.music.bands[1]; }
static void get_music_high_mid(const struct isf_ctx *c, float out[4]) { out[0] = c->f->show.music.bands[2]; }
static void get_music_treble(const struct isf_ctx *c, float out[4]) { out[0] = c->f->show.music.bands[3]; }
static void get_music_bpm(const struct isf_ctx *c, float out[4]) { out[0] = c->f->show.music.bpm; }
static void get_music_beat(const struct isf_ctx *c, float out[4]) { out[0] = c->beat_pulse; }

static void get_participants(const struct isf_ctx *c, float out[4]) { out[0] = (float)c->crowd->participants; }
static void get_active(const struct isf_ctx *c, float out[4]) { out[0] = (float)c->crowd->active; }

static void get_active_share(const struct isf_ctx *c, float out[4])
{
	out[0] = c->crowd->participants ? (float)c->crowd->active / (float)c->crowd->participants : 0.0f;
}

static void get_taps_per_s(const struct isf_ctx *c, float out[4])
{
	out[0] = c->crowd->taps_per_s > 0 ? (float)c->crowd->taps_per_s : 0.0f;
}

static void get_tempo_bpm(const struct isf_ctx *c, float out[4])
{
	out[0] = c->crowd->tempo_bpm > 0 ? (float)c->crowd->tempo_bpm : 0.0f;
}

/* The crowd's mean xy; the centre while nobody points. */
static void get_xy(const struct isf_ctx *c, float out[4])
{
	bool some = c->crowd->xy_n > 0 && c->crowd->x_mean >= 0 && c->crowd->y_mean >= 0;

	out[0] = some ? (float)c->crowd->x_mean : 0.5f;
	out[1] = some ? (float)c->crowd->y_mean : 0.5f;
}

static void get_x(const struct isf_ctx *c, float out[4])
{
	float xy[4] = { 0 };

	get_xy(c, xy);
	out[0] = xy[0];
}

static void get_y(const struct isf_ctx *c, float out[4])
{
	float xy[4] = { 0 };

	get_xy(c, xy);
	out[0] = xy[1];
}

static void get_slider(const struct isf_ctx *c, float out[4])
{
	out[0] = c->crowd->slider_n > 0 && c->crowd->slider_mean > 0 ? (float)c->crowd->slider_mean : 0.0f;
}

static void get_shake(const struct isf_ctx *c, float out[4])
{
	out[0] = c->crowd->shake_energy > 0 ? (float)c->crowd->shake_energy : 0.0f;
}

static void colour_unpack(uint32_t rgb, float out[4])
{
	out[0] = (float)((rgb >> 16) & 0xff) / 255.0f;
	out[1] = (float)((rgb >> 8) & 0xff) / 255.0f;
	out[2] = (float)(rgb & 0xff) / 255.0f;
	out[3] = 1.0f;
}

/* Zone i's colour, as the stage's other scenes draw it; white without a palette. */
static void get_zone_color(const struct isf_ctx *c, float out[4])
{
	const struct config_theme *t = &c->cfg->theme;
	uint32_t n = t->palette_count < CONFIG_PALETTE_MAX ? t->palette_count : CONFIG_PALETTE_MAX;

	colour_unpack(n ? t->palette[(uint32_t)c->zone % n] : 0xffffffu, out);
}

/* The poll the stage shows: the console's ad-hoc one while it asks, else the cue's. */
static const struct frame_poll *shown_poll(const struct isf_ctx *c)
{
	return c->f->show.adhoc_asking ? &c->f->show.adhoc_poll : &c->f->show.poll;
}

/* Hidden counts stay hidden on the big screen too. */
static void get_poll_share(const struct isf_ctx *c, float out[4])
{
	const struct frame_poll *p = shown_poll(c);

	if (p->index < 0 || p->hidden || p->total == 0 || c->index < 0 || c->index >= CONFIG_POLL_OPTIONS_MAX)
		out[0] = 0.0f;
	else
		out[0] = (float)p->tallies[c->index] / (float)p->total;
}

static void get_poll_open(const struct isf_ctx *c, float out[4])
{
	const struct frame_poll *p = shown_poll(c);

	out[0] = p->index >= 0 && p->open ? 1.0f : 0.0f;
}

static void get_theme_accent(const struct isf_ctx *c, float out[4]) { colour_unpack(c->cfg->theme.accent, out); }
static void get_theme_background(const struct isf_ctx *c, float out[4])
{
	colour_unpack(c->cfg->theme.background, out);
}

#define BIT(c) (1u << (c))
/* Every input that makes a participant active (crowd.c's mark_active()): all but text. */
#define ACTIVE_INPUTS (BIT(CONTROL_TAP) | BIT(CONTROL_XY) | BIT(CONTROL_SLIDER) | BIT(CONTROL_SHAKE) | \
		       BIT(CONTROL_VOTE))

/* Every source a binding may read; docs/config.md, "ISF scenes", lists the same. */
static const struct isf_source isf_sources[] = {
	{ "music.level", KIND_SCALAR, SCOPE_SHOW, get_music_level, 0 },
	{ "music.peak", KIND_SCALAR, SCOPE_SHOW, get_music_peak, 0 },
	{ "music.bass", KIND_SCALAR, SCOPE_SHOW, get_music_bass, 0 },
	{ "music.low_mid", KIND_SCALAR, SCOPE_SHOW, get_music_low_mid, 0 },
	{ "music.high_mid", KIND_SCALAR, SCOPE_SHOW, get_music_high_mid, 0 },
	{ "music.treble", KIND_SCALAR, SCOPE_SHOW, get_music_treble, 0 },
	{ "music.bpm", KIND_SCALAR, SCOPE_SHOW, get_music_bpm, 0 },
	{ "music.beat", KIND_SCALAR, SCOPE_SHOW, get_music_beat, 0 },
	{ "participants", KIND_SCALAR, SCOPE_CROWD, get_participants, 0 },
	{ "active", KIND_SCALAR, SCOPE_CROWD, get_active, ACTIVE_INPUTS },
	{ "active_share", KIND_SCALAR, SCOPE_CROWD, get_active_share, ACTIVE_INPUTS },
	{ "taps_per_s", KIND_SCALAR, SCOPE_CROWD, get_taps_per_s, BIT(CONTROL_TAP) },
	{ "tempo_bpm", KIND_SCALAR, SCOPE_CROWD, get_tempo_bpm, BIT(CONTROL_TAP) },
	{ "x", KIND_SCALAR, SCOPE_CROWD, get_x, BIT(CONTROL_XY) },
	{ "y", KIND_SCALAR, SCOPE_CROWD, get_y, BIT(CONTROL_XY) },
	{ "xy", KIND_POINT, SCOPE_CROWD, get_xy, BIT(CONTROL_XY) },
	{ "slider", KIND_SCALAR, SCOPE_CROWD, get_slider, BIT(CONTROL_SLIDER) },
	{ "shake", KIND_SCALAR, SCOPE_CROWD, get_shake, BIT(CONTROL_SHAKE) },
	{ "color", KIND_COLOUR, SCOPE_ZONE, get_zone_color, 0 },
	{ "poll.share", KIND_SCALAR, SCOPE_OPTION, get_poll_share, BIT(CONTROL_VOTE) },
	{ "poll.open", KIND_SCALAR, SCOPE_SHOW, get_poll_open, 0 },
	{ "theme.accent", KIND_COLOUR, SCOPE_SHOW, get_theme_accent, 0 },
	{ "theme.background", KIND_COLOUR, SCOPE_SHOW, get_theme_background, 0 },
};
#define ISF_SOURCE_COUNT ((int)(sizeof(isf_sources) / sizeof(isf_sources[0])))

/* The source of @scope called @name (@n bytes), or -1. */
static int source_find(enum isf_scope scope, const char *name, size_t n)
{
	for (int i = 0; i < ISF_SOURCE_COUNT; i++)
		if (isf_sources[i].scope == scope && strlen(isf_sources[i].name) == n &&
		    memcmp(isf_sources[i].name, name, n) == 0)
			return i;
	return -1;
}

/* The names a binding could have meant, written out: @zone_id's fields, or every top-level name. */
static size_t source_names(char names[][CONFIG_ISF_NAME_MAX + 1], const char *zone_id)
{
	size_t n = 0;

	for (int i = 0; i < ISF_SOURCE_COUNT; i++) {
		const struct isf_source *src = &isf_sources[i];
		bool crowd = src->scope == SCOPE_CROWD || src->scope == SCOPE_ZONE;

		if (zone_id && crowd)
			snprintf(names[n++], CONFIG_ISF_NAME_MAX + 1, "zone.%s.%s", zone_id, src->name);
		else if (!zone_id && src->scope == SCOPE_CROWD)
			snprintf(names[n++], CONFIG_ISF_NAME_MAX + 1, "crowd.%s", src->name);
		else if (!zone_id && src->scope == SCOPE_OPTION)
			snprintf(names[n++], CONFIG_ISF_NAME_MAX + 1, "%s.N", src->name);
		else if (!zone_id && src->scope == SCOPE_SHOW)
			snprintf(names[n++], CONFIG_ISF_NAME_MAX + 1, "%s", src->name);
	}
	if (!zone_id)
		snprintf(names[n++], CONFIG_ISF_NAME_MAX + 1, "zone.ZONE.FIELD");
	return n;
}

static int source_unknown(const char *name, const char *zone_id, char *err, size_t err_size)
{
	char names[ISF_SOURCE_COUNT + 1][CONFIG_ISF_NAME_MAX + 1];
	const char *list[ISF_SOURCE_COUNT + 1];
	char hint[300];
	size_t n = source_names(names, zone_id);

	for (size_t i = 0; i < n; i++)
		list[i] = names[i];
	suggest_hint(hint, sizeof(hint), name, list, n, '"');
	return isf_fail(err, err_size, "unknown source \"%.*s\"%s", utf8_fit(name, 64), name, hint);
}

/* "zone.ID.FIELD" into out->zone and out->source. */
static int source_zone_parse(const char *name, const struct venue_config *cfg, struct isf_binding *out,
			     char *err, size_t err_size)
{
	const char *id = name + 5, *dot = strchr(id, '.');
	const char *ids[CONFIG_MAX_ZONES];
	char zone[CONFIG_ID_MAX + 1], hint[300];
	size_t n = dot ? (size_t)(dot - id) : strlen(id);

	snprintf(zone, sizeof(zone), "%.*s", (int)(n < sizeof(zone) ? n : sizeof(zone) - 1), id);
	for (uint32_t z = 0; z < cfg->zone_count; z++) {
		ids[z] = cfg->zones[z].id;
		if (strlen(cfg->zones[z].id) == n && memcmp(cfg->zones[z].id, id, n) == 0)
			out->zone = (int)z;
	}
	if (out->zone < 0) {
		suggest_hint(hint, sizeof(hint), zone, ids, cfg->zone_count, '"');
		return isf_fail(err, err_size, "unknown zone \"%s\" in \"%.*s\"%s", zone, utf8_fit(name, 64), name,
				hint);
	}
	out->source = dot ? source_find(SCOPE_CROWD, dot + 1, strlen(dot + 1)) : -1;
	if (out->source < 0 && dot)
		out->source = source_find(SCOPE_ZONE, dot + 1, strlen(dot + 1));
	return out->source < 0 ? source_unknown(name, cfg->zones[out->zone].id, err, err_size) : 0;
}

/* "NAME.N": a poll option 0..7. */
static int source_option_parse(const char *name, struct isf_binding *out)
{
	const char *dot = strrchr(name, '.');
	char *end;
	long i;

	if (!dot || dot[1] < '0' || dot[1] > '9')
		return -1;
	i = strtol(dot + 1, &end, 10);
	if (*end || i >= CONFIG_POLL_OPTIONS_MAX)
		return -1;
	out->source = source_find(SCOPE_OPTION, name, (size_t)(dot - name));
	out->index = (int)i;
	return out->source;
}

/* @name into out->source, out->zone and out->index. */
static int source_parse(const char *name, const struct venue_config *cfg, struct isf_binding *out, char *err,
			size_t err_size)
{
	if (strncmp(name, "zone.", 5) == 0)
		return source_zone_parse(name, cfg, out, err, err_size);
	if (strncmp(name, "crowd.", 6) == 0)
		out->source = source_find(SCOPE_CROWD, name + 6, strlen(name + 6));
	else
		out->source = source_find(SCOPE_SHOW, name, strlen(name));
	if (out->source < 0 && source_option_parse(name, out) < 0 && strncmp(name, "poll.share", 10) == 0)
		return isf_fail(err, err_size, "\"%.*s\": poll.share needs an option number 0 to %d (poll.share.0)",
				utf8_fit(name, 64), name, CONFIG_POLL_OPTIONS_MAX - 1);
	return out->source < 0 ? source_unknown(name, NULL, err, err_size) : 0;
}

/* The kind of source an input of @t takes. */
static enum isf_kind input_kind(enum isf_type t)
{
	return t == ISF_COLOR ? KIND_COLOUR : t == ISF_POINT2D ? KIND_POINT : KIND_SCALAR;
}

int isf_binding_resolve(const struct isf_scene *s, const struct venue_config *cfg,
			const struct config_isf_binding *b, struct isf_binding *out, char *err, size_t err_size)
{
	const struct isf_input *in;
	enum isf_kind want, have;

	memset(out, 0, sizeof(*out));
	out->zone = -1;
	out->source = -1;
	out->input = isf_input_find(s, b->input);
	if (out->input < 0)
		return isf_fail(err, err_size, "no input \"%.*s\" in the shader", utf8_fit(b->input, 64), b->input);
	in = &s->inputs[out->input];
	if (source_parse(b->source, cfg, out, err, err_size) < 0)
		return -1;
	want = input_kind(in->type);
	have = isf_sources[out->source].kind;
	if (want != have)
		return isf_fail(err, err_size, "\"%s\" is %s; input \"%s\" is a %s and takes %s", b->source,
				kind_names[have], in->name, isf_type_row(in->type)->name, kind_names[want]);
	if (b->has_range && have == KIND_COLOUR)
		return isf_fail(err, err_size, "a colour takes no \"range\"");
	if (b->has_range && !(isfinite(b->range_lo) && isfinite(b->range_hi) && b->range_lo != b->range_hi))
		return isf_fail(err, err_size, "\"range\" needs two different numbers");
	out->has_range = b->has_range;
	out->range_lo = b->range_lo;
	out->range_hi = b->range_hi;
	return 0;
}

/*
 * Component @i of a number or point: the range onto MIN..MAX (0..1 when
 * the shader gives none), then clamped to MIN..MAX where given.
 */
static float value_map(const struct isf_binding *b, const struct isf_input *in, int i, float v)
{
	float lo = in->has_min ? in->min[i] : 0.0f, hi = in->has_max ? in->max[i] : 1.0f;

	if (!isfinite(v))
		v = 0.0f;
	if (b->has_range)
		v = lo + (v - b->range_lo) / (b->range_hi - b->range_lo) * (hi - lo);
	if (in->has_min && v < in->min[i])
		v = in->min[i];
	if (in->has_max && v > in->max[i])
		v = in->max[i];
	return isfinite(v) ? v : 0.0f;
}

void isf_binding_value(const struct isf_binding *b, const struct isf_scene *s, const struct venue_config *cfg,
		       const struct stage_frame *f, float beat_pulse, float out[4])
{
	struct isf_ctx c = { .cfg = cfg, .f = f, .crowd = &f->show.venue, .zone = b->zone, .index = b->index,
			     .beat_pulse = beat_pulse };
	const struct isf_input *in;
	static const struct crowd_summary nobody;

	out[0] = out[1] = out[2] = 0.0f;
	out[3] = 1.0f;
	if (b->source < 0 || b->source >= ISF_SOURCE_COUNT || b->input < 0 || (uint32_t)b->input >= s->input_count)
		return;
	in = &s->inputs[b->input];
	if (b->zone >= 0)
		c.crowd = (uint32_t)b->zone < f->show.zone_count ? &f->show.zones[b->zone] : &nobody;
	isf_sources[b->source].get(&c, out);
	switch (in->type) {
	case ISF_COLOR:
		for (int i = 0; i < 4; i++)
			out[i] = isfinite(out[i]) ? fminf(fmaxf(out[i], 0.0f), 1.0f) : 0.0f;
		break;
	case ISF_POINT2D:
		out[0] = value_map(b, in, 0, out[0]);
		out[1] = value_map(b, in, 1, out[1]);
		break;
	case ISF_BOOL:
	case ISF_EVENT:
		out[0] = value_map(b, in, 0, out[0]) > 0.5f ? 1.0f : 0.0f;
		break;
	case ISF_LONG:
		out[0] = roundf(value_map(b, in, 0, out[0]));
		break;
	default:
		out[0] = value_map(b, in, 0, out[0]);
		break;
	}
}

uint32_t isf_source_reads(const char *source)
{
	const char *field = source;
	int i;

	if (strncmp(source, "crowd.", 6) == 0)
		field = source + 6;
	else if (strncmp(source, "zone.", 5) == 0 && strchr(source + 5, '.'))
		field = strchr(source + 5, '.') + 1;
	else if (strncmp(source, "poll.share.", 11) == 0)
		field = "poll.share";
	for (i = 0; i < ISF_SOURCE_COUNT; i++)
		if (strcmp(isf_sources[i].name, field) == 0)
			return isf_sources[i].reads;
	return 0;
}
