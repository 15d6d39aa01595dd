/*
 * console_report.h - the post-show report, live, for the console
 * (GET /console/report, docs/report.md): built from the show's journal on
 * a thread of its own, because a long show's report takes seconds and
 * the net thread's tick must never wait for it. One build at a time.
 *
 * Thread: net thread, except the builder, which only reads the journal
 * (its own read-only connection), writes the page and calls @done.
 */
#ifndef TUTTI_CONSOLE_REPORT_H
#define TUTTI_CONSOLE_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

struct console_report;

/* Called on the builder thread when a page is ready (e.g. lws_cancel_service()). */
typedef void console_report_done_fn(void *user);

/*
 * Reports on the journal at @journal_path (NULL: the show has none) for
 * @cfg; both must outlive it. NULL when out of memory.
 */
struct console_report *console_report_create(const struct venue_config *cfg, const char *journal_path,
					     console_report_done_fn *done, void *user);
/* Joins a build still running. NULL does nothing. */
void console_report_destroy(struct console_report *r);
/* Whether the show keeps a journal to report on. */
bool console_report_available(const struct console_report *r);
/* Starts a build. 0, or -1 when one is already running or no thread can start. */
int console_report_start(struct console_report *r);
/*
 * The finished page, handed over (the caller frees it), its length in
 * *@len; NULL while a build runs or when none finished. A build that
 * failed gives a page that says why, with *@ok false.
 */
char *console_report_take(struct console_report *r, size_t *len, bool *ok);

#endif
