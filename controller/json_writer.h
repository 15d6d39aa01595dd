/*
 * json_writer.h - a small bounded JSON writer for the messages the net
 * thread builds every tick (the phones' state stream, welcome, errors):
 * no allocation, and numbers formatted the same way every time. Once a
 * write does not fit, every further write is a no-op and jw_done() says 0.
 *
 * Thread: any; it touches only the buffer it is given.
 */
#ifndef TUTTI_JSON_WRITER_H
#define TUTTI_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>

struct jw {
	char *p;
	size_t cap, len;
	bool overflow;
};

#define JW_INIT(buf, size) { .p = (buf), .cap = (size), .len = 0, .overflow = ((size) == 0) }

void jw_raw(struct jw *w, const char *s, size_t n);
void jw_lit(struct jw *w, const char *s);
void jw_fmt(struct jw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string; the text must be valid UTF-8 already (config text is), so only escapes are added. */
void jw_str(struct jw *w, const char *s);
/* A number rounded to @decimals, or null when @v < 0 (our "no data"). */
void jw_num_or_null(struct jw *w, double v, int decimals);
/* Show seconds as milliseconds with three decimals (microseconds), or null when @s < 0. */
void jw_ms(struct jw *w, double s);
/* The length written, or 0 when it overflowed. */
size_t jw_done(const struct jw *w);

#endif
