/*
 * rehearse_progress.c - a rehearsal's progress on stderr. See
 * rehearse_progress.h.
 * Thread: the rehearsal's (main).
 */
#include "rehearse_progress.h"

#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"

#define BAR_WIDTH	30
#define REDRAW_S	0.1

static struct progress *shown;	/* the bar a log line must clear first */

/* The log's hook: a line is about to be written on the bar's line. */
static void clear_bar(void)
{
	if (shown && shown->drawn) {
		fputs("\r\033[K", shown->out);
		shown->drawn = false;
	}
}

void progress_format_time(char *out, size_t cap, double s)
{
	long t = s > 0 ? (long)s : 0;

	if (t >= 3600)
		snprintf(out, cap, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(out, cap, "%ld:%02ld", t / 60, t % 60);
}

static void draw(struct progress *p, double show_s, bool bar)
{
	double wall = clock_real_now_s() - p->started;
	double done = p->total_s > 0 ? show_s / p->total_s : 1;
	char at[32], total[32], speed[32] = "";
	int filled;

	if (done > 1)
		done = 1;
	progress_format_time(at, sizeof(at), show_s);
	progress_format_time(total, sizeof(total), p->total_s);
	if (wall > 0.05)
		snprintf(speed, sizeof(speed), "  x%.1f", show_s / wall);
	if (!bar) {
		fprintf(p->out, "tutti: %s: %s / %s%s\n", p->label, at, total, speed);
		return;
	}
	filled = (int)(done * BAR_WIDTH);
	fputs("\r[", p->out);
	for (int i = 0; i < BAR_WIDTH; i++)
		fputc(i < filled ? '#' : '.', p->out);
	fprintf(p->out, "] %s / %s%s\033[K", at, total, speed);
	fflush(p->out);
	p->drawn = true;
}

void progress_start(struct progress *p, FILE *out, const char *label, double total_s)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->tty = isatty(fileno(out));
	p->label = label;
	p->total_s = total_s;
	p->started = clock_real_now_s();
	p->next_tenth = 1;
	if (p->tty) {
		shown = p;
		log_set_before_line(clear_bar);
	}
}

void progress_update(struct progress *p, double show_s)
{
	if (p->tty) {
		double now = clock_real_now_s();

		if (now < p->next_draw && p->drawn)
			return;
		p->next_draw = now + REDRAW_S;
		draw(p, show_s, true);
		return;
	}
	if (p->next_tenth < 10 && show_s >= p->total_s * p->next_tenth / 10) {
		p->next_tenth++;
		draw(p, show_s, false);
	}
}

void progress_end(struct progress *p, double show_s)
{
	if (p->tty) {
		draw(p, show_s, true);
		fputc('\n', p->out);
		p->drawn = false;
		log_set_before_line(NULL);
		shown = NULL;
	} else {
		draw(p, show_s, false);
	}
}
