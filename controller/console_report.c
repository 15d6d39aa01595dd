/*
 * console_report.c - the console's live report, built off the net thread.
 * See console_report.h.
 *
 * Thread: net thread; build() on its own thread.
 */
#include "console_report.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_data.h"
#include "report_html.h"

struct console_report {
	const struct venue_config *cfg;
	const char *journal_path;	/* NULL: no journal */
	console_report_done_fn *done;
	void *user;
	pthread_t thread;
	bool thread_started;		/* net thread only: a thread to join */
	pthread_mutex_t lock;		/* guards what follows, shared with the builder */
	bool running;
	char *page;			/* the finished page, until taken */
	size_t page_len;
	bool page_ok;
};

struct console_report *console_report_create(const struct venue_config *cfg, const char *journal_path,
					     console_report_done_fn *done, void *user)
{
	struct console_report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	*r = (struct console_report){ .cfg = cfg, .journal_path = journal_path, .done = done, .user = user };
	pthread_mutex_init(&r->lock, NULL);
	return r;
}

void console_report_destroy(struct console_report *r)
{
	if (!r)
		return;
	if (r->thread_started)
		pthread_join(r->thread, NULL);
	free(r->page);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

bool console_report_available(const struct console_report *r)
{
	return r && r->journal_path;
}

/* A page that says why there is no report (the reason is plain text, escaped here). */
static char *failure_page(const char *why, size_t *len)
{
	char *page = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&page, &size);

	if (!f)
		return NULL;
	fputs("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Report</title></head>"
	      "<body><p data-testid=\"report-error\">The report could not be built: ", f);
	for (const char *p = why; *p; p++)
		if (*p == '<' || *p == '>' || *p == '&')
			fprintf(f, "&#%d;", *p);
		else
			fputc(*p, f);
	fputs("</p></body></html>\n", f);
	fclose(f);
	*len = size;
	return page;
}

static void *build(void *arg)
{
	struct console_report *r = arg;
	char err[600] = "";
	size_t len = 0;
	json_t *data = report_data_build(r->journal_path, r->cfg, err, sizeof(err));
	char *page = data ? report_html_string(data, &len) : NULL;
	bool ok = page != NULL;

	json_decref(data);
	if (!page)
		page = failure_page(err[0] ? err : "out of memory", &len);
	pthread_mutex_lock(&r->lock);
	free(r->page);
	r->page = page;
	r->page_len = len;
	r->page_ok = ok;
	r->running = false;
	pthread_mutex_unlock(&r->lock);
	if (r->done)
		r->done(r->user);
	return NULL;
}

int console_report_start(struct console_report *r)
{
	int rc = -1;

	if (!console_report_available(r))
		return -1;
	pthread_mutex_lock(&r->lock);
	if (!r->running) {
		if (r->thread_started)	/* the last build is over: its thread only needs joining */
			pthread_join(r->thread, NULL);
		r->thread_started = pthread_create(&r->thread, NULL, build, r) == 0;
		r->running = r->thread_started;
		rc = r->thread_started ? 0 : -1;
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

char *console_report_take(struct console_report *r, size_t *len, bool *ok)
{
	char *page;

	pthread_mutex_lock(&r->lock);
	page = r->page;
	*len = r->page_len;
	*ok = r->page_ok;
	r->page = NULL;
	pthread_mutex_unlock(&r->lock);
	return page;
}
