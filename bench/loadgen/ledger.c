/*
 * ledger.c - the load generator's ledger: one line per fact the daemon
 * acknowledged to a phone. Each line goes to the file in one write(2) the
 * moment its message arrives, with no buffer in between, because the
 * daemon may be killed at any instant and the ledger must then hold all
 * that its phones were told. The format is in bench/README.md.
 *
 * Thread: the loop thread.
 */
#include "loadgen.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES	256	/* the longest line: a vote with a 32-character poll id */

int lg_ledger_open(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

void lg_ledger_line(struct lg_results *r, int fd, const char *fmt, ...)
{
	char line[LINE_MAX_BYTES];
	struct timespec now;
	va_list ap;
	int n, m;

	if (fd < 0)
		return;
	/* Wall-clock time, so a benchmark can set a line against the daemon's start. */
	clock_gettime(CLOCK_REALTIME, &now);
	n = snprintf(line, sizeof(line), "%lld.%03ld ", (long long)now.tv_sec, now.tv_nsec / 1000000);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0 || n + m >= (int)sizeof(line) - 1) {
		r->ledger_failed++;
		return;
	}
	n += m;
	line[n++] = '\n';
	/* O_APPEND and one write each: a reader never sees half a line followed by another. */
	if (write(fd, line, (size_t)n) == n)
		r->ledger_lines++;
	else
		r->ledger_failed++;
}
