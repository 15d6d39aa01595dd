/*
 * net_signals.c - what each signal means to the daemon. See net_signals.h.
 * Thread: the handlers run on whichever thread the kernel picks and only
 * set a flag; the net thread reads the flags at each tick.
 */
#include "net_signals.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t hangup_received;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_hangup_signal(int sig)
{
	(void)sig;
	hangup_received = 1;
}

/*
 * What each signal means to the daemon (docs/operations.md, "Signals").
 * A crash (SIGSEGV, SIGFPE, SIGBUS, SIGABRT) keeps its default action: the
 * process dies, with a core where the system allows one, and the audio
 * host dies with it (PR_SET_PDEATHSIG).
 */
static const struct {
	int sig;
	void (*handler)(int);
} net_signals[] = {
	{ SIGINT, on_stop_signal },	/* clean stop: phones get 1001 */
	{ SIGTERM, on_stop_signal },	/* the same, from systemd or kill */
	{ SIGHUP, on_hangup_signal },	/* logged and ignored: logs go to stderr, nothing to reopen */
	{ SIGPIPE, SIG_IGN },		/* a phone gone mid-write is an error return, not a death */
	{ SIGXFSZ, SIG_IGN },		/* a journal past the file-size limit degrades, the show goes on */
};

void net_signals_install(void)
{
	struct sigaction sa;

	for (size_t i = 0; i < sizeof(net_signals) / sizeof(net_signals[0]); i++) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = net_signals[i].handler;
		sigemptyset(&sa.sa_mask);
		sigaction(net_signals[i].sig, &sa, NULL);
	}
}


void net_signals_request_stop(void)
{
	stop_requested = 1;
}

bool net_signals_stop_requested(void)
{
	return stop_requested;
}

bool net_signals_take_hangup(void)
{
	if (!hangup_received)
		return false;
	hangup_received = 0;
	return true;
}
