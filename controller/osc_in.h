/*
 * osc_in.h - the artist's controller over OSC (liblo, UDP): GO, back,
 * jump, polls, mix moves and the artist's parameter moves become console commands in the artist's role,
 * taken only from the addresses the venue config allows.
 *
 *   /tutti/go   /tutti/back   /tutti/cue ,s ID
 *   /tutti/poll/open|close|reveal|veto [,s POLL]
 *   /tutti/mix ,if MAPPING SHARE   (the current cue's co-creation mix)
 *   /tutti/control ,sf TARGET VALUE   (the artist's own value: "filter_cutoff" 2400)
 *
 * liblo receives on its own thread; commands wait in a small queue that
 * the net thread drains every tick, so the console module stays on the
 * net thread.
 *
 * Thread: create/drain/destroy on the net thread; receiving on liblo's.
 */
#ifndef TUTTI_OSC_IN_H
#define TUTTI_OSC_IN_H

#include <lo/lo.h>
#include <stdint.h>

#include "config.h"

struct osc_in;

/* NULL with @err when the port cannot be opened. A config without "osc.input" gives NULL and "". */
struct osc_in *osc_in_create(const struct venue_config *cfg, char *err, size_t err_size);
void osc_in_destroy(struct osc_in *o);

/* Net thread: calls @run(user, who, command JSON) for each command waiting, oldest first. */
typedef void osc_in_run_fn(void *user, const char *who, const char *command);
void osc_in_drain(struct osc_in *o, osc_in_run_fn *run, void *user);

/* Messages refused (an address not allowed, an unknown path) and dropped (queue full). */
uint64_t osc_in_refused(const struct osc_in *o);
uint64_t osc_in_dropped(const struct osc_in *o);
int osc_in_port(const struct osc_in *o);

/*
 * The console command (JSON, into @out of @size bytes) for an OSC message
 * at @path with @argc arguments of @types, or "" when it is not one. Any
 * thread: it only reads its arguments.
 */
void osc_in_command(const char *path, const char *types, lo_arg **argv, int argc, char *out, size_t size);

#endif
