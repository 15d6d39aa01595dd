/*
 * json_writer.c - the bounded JSON writer. See json_writer.h.
 * Thread: any.
 */
#include "json_writer.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void jw_raw(struct jw *w, const char *s, size_t n)
{
	if (w->overflow || w->len + n >= w->cap) {
		w->overflow = true;
		return;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
	w->p[w->len] = '\0';
}

void jw_lit(struct jw *w, const char *s)
{
	jw_raw(w, s, strlen(s));
}

void jw_fmt(struct jw *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->p + w->len, w->cap - w->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= w->cap - w->len) {
		w->overflow = true;
		return;
	}
	w->len += (size_t)n;
}

/* A JSON string; config text is valid UTF-8 (jansson checked it), so only escapes are needed. */
void jw_str(struct jw *w, const char *s)
{
	jw_raw(w, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };

			jw_raw(w, esc, 2);
		} else if (c < 0x20) {
			jw_fmt(w, "\\u%04x", c);
		} else {
			jw_raw(w, s, 1);
		}
	}
	jw_raw(w, "\"", 1);
}

/* A number rounded to @decimals, or null when @v < 0 (our "no data"). */
void jw_num_or_null(struct jw *w, double v, int decimals)
{
	if (v < 0 || !isfinite(v))
		jw_lit(w, "null");
	else
		jw_fmt(w, "%.*f", decimals, v);
}

/* Show seconds as milliseconds with three decimals (microseconds). */
void jw_ms(struct jw *w, double s)
{
	if (s < 0)
		jw_lit(w, "null");
	else
		jw_fmt(w, "%.3f", s * 1000.0);
}

size_t jw_done(const struct jw *w)
{
	return w->overflow ? 0 : w->len;
}
