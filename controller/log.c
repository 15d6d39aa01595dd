/*
 * log.c - daemon log lines on stderr. See log.h.
 * Thread: any but audio. Each line is written with one fprintf, so lines
 * from different threads do not interleave mid-line.
 */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

static _Atomic int log_level = LOG_INFO;
static void (*before_line)(void);

static const char *const level_names[] = { "error", "warning", "info", "debug" };

void log_set_level(enum log_level level)
{
	atomic_store(&log_level, (int)level);
}

void log_set_before_line(void (*fn)(void))
{
	before_line = fn;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if ((int)level > atomic_load(&log_level))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (before_line)
		before_line();
	fprintf(stderr, "tutti: %s: %s\n", level_names[level], line);
}
