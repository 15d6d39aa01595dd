/*
 * jack_cycles.c - JACK's own count of the frames it ran, for the JACK device
 * test: a client of the server that adds up the frames of every process
 * cycle and keeps the sum in FILE (rewritten whole every 5 ms), so the test
 * can judge the daemon's callbacks against the cycles JACK really ran rather
 * than the wall clock, which a busy machine makes JACK itself fall behind.
 *
 *   jack_cycles FILE      (JACK_DEFAULT_SERVER names the server)
 *
 * Runs until killed. Exit 1 when the server cannot be reached.
 */
#include <jack/jack.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_ullong frames;
static volatile sig_atomic_t stop;

static int on_process(jack_nframes_t n, void *arg)
{
	(void)arg;
	atomic_fetch_add_explicit(&frames, n, memory_order_relaxed);
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	char tmp[4096];
	jack_client_t *client;

	if (argc != 2 || strlen(argv[1]) + 5 > sizeof(tmp)) {
		fprintf(stderr, "usage: jack_cycles FILE\n");
		return 2;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	client = jack_client_open("tutti-test-cycles", JackNoStartServer, NULL);
	if (!client) {
		fprintf(stderr, "jack_cycles: no JACK server\n");
		return 1;
	}
	jack_set_process_callback(client, on_process, NULL);
	if (jack_activate(client) != 0) {
		fprintf(stderr, "jack_cycles: cannot activate\n");
		jack_client_close(client);
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	while (!stop) {
		FILE *f = fopen(tmp, "w");

		if (f) {
			fprintf(f, "%llu\n", (unsigned long long)atomic_load(&frames));
			if (fclose(f) == 0)
				rename(tmp, argv[1]);	/* a reader sees a whole number, never half of one */
		}
		usleep(5000);
	}
	jack_client_close(client);
	return 0;
}
