/*
 * net_signals.h - what each signal means to the daemon (docs/operations.md,
 * "Signals"): SIGINT and SIGTERM a clean stop (phones get 1001), SIGHUP
 * logged and ignored, SIGPIPE ignored. A crash (SIGSEGV, SIGFPE, SIGBUS,
 * SIGABRT) keeps its default action: the process dies, with a core where
 * the system allows one, and the audio host dies with it.
 *
 * Thread: install on the net thread, after lws and libuv set up theirs (so
 * ours own these signals); the flags are read by the net thread's tick.
 */
#ifndef TUTTI_NET_SIGNALS_H
#define TUTTI_NET_SIGNALS_H

#include <stdbool.h>

void net_signals_install(void);
/* Asks for a clean stop, as SIGTERM does. */
void net_signals_request_stop(void);
bool net_signals_stop_requested(void);
/* True once per SIGHUP received since the last call. */
bool net_signals_take_hangup(void);

#endif
