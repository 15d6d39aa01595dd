/*
 * daemon_probe.c - the daemon's side of a run: its memory and CPU from
 * /proc, and its own counters from /metrics. See loadgen.h.
 */
#include "loadgen.h"

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define METRICS_MAX	(256 * 1024)
#define HTTP_TIMEOUT_MS	2000

static void read_proc(int pid, struct lg_daemon_sample *s)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	s->alive = true;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			s->rss_kb = strtoull(line + 6, NULL, 10);
	fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (f) {
		char buf[1024];
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		char *after;
		unsigned long long ut = 0, st = 0;

		buf[n] = '\0';
		/* Fields 14 and 15 (utime, stime) count from after the ")" that ends the name. */
		after = strrchr(buf, ')');
		if (after && sscanf(after + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) == 2)
			s->cpu_s = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
		fclose(f);
	}
}

/* GET /metrics over plain HTTP/1.0 into @out; its length, or 0. Bounded by HTTP_TIMEOUT_MS per wait. */
static size_t http_get(const char *host, int port, const char *path, char *out, size_t cap)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct pollfd pfd;
	char req[256];
	size_t len = 0;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || inet_pton(AF_INET, host, &a.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		goto out;
	snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path, host);
	if (write(fd, req, strlen(req)) < 0)
		goto out;
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (len + 1 < cap && poll(&pfd, 1, HTTP_TIMEOUT_MS) == 1) {
		ssize_t n = read(fd, out + len, cap - 1 - len);

		if (n <= 0)
			break;
		len += (size_t)n;
	}
out:
	if (fd >= 0)
		close(fd);
	out[len] = '\0';
	return len;
}

/* Sums every series of metric @name (labels or not) in Prometheus text @text; -1 when absent. */
static double metric_sum(const char *text, const char *name)
{
	size_t n = strlen(name);
	double sum = -1;

	for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		const char *value;

		if (strncmp(line, name, n) != 0 || (line[n] != ' ' && line[n] != '{'))
			continue;
		value = line[n] == '{' ? strchr(line, '}') : line + n;
		if (!value)
			continue;
		sum = (sum < 0 ? 0 : sum) + strtod(value + 1, NULL);
	}
	return sum;
}

/* One labelled series: name{label="value"}; -1 when absent. */
static double metric_one(const char *text, const char *series)
{
	const char *at = strstr(text, series);

	return at ? strtod(at + strlen(series), NULL) : -1;
}

void lg_daemon_sample(const char *host, int port, int pid, struct lg_daemon_sample *s)
{
	char *text = malloc(METRICS_MAX);

	memset(s, 0, sizeof(*s));
	s->rejected_inputs = s->rate_limited = s->tick_overruns = s->audio_xruns = -1;
	s->states_skipped = s->tick_max_s = s->connections = -1;
	if (pid > 0)
		read_proc(pid, s);
	if (!text)
		return;
	if (http_get(host, port, "/metrics", text, METRICS_MAX) > 0 && strstr(text, "200")) {
		if (pid <= 0)
			s->alive = true;
		s->rejected_inputs = metric_sum(text, "tutti_inputs_rejected_total");
		s->rate_limited = metric_one(text, "tutti_inputs_rejected_total{reason=\"rate_limited\"} ");
		s->tick_overruns = metric_sum(text, "tutti_tick_overruns_total");
		s->audio_xruns = metric_sum(text, "tutti_audio_xruns_total");
		s->states_skipped = metric_sum(text, "tutti_states_skipped_total");
		s->tick_max_s = metric_sum(text, "tutti_tick_duration_max_seconds");
		s->connections = metric_sum(text, "tutti_connections");
	} else if (pid <= 0) {
		s->alive = false;
	}
	free(text);
}
