/*
 * osc_out.h - stage gear over OSC (liblo, UDP): every tick, the current
 * cue's OSC messages read their show value (a crowd aggregate, a poll
 * share, the live input), map it to their range and go to their target
 * (a lighting desk, VJ software, a DAW), each at most at its rate. On a
 * cue change every target also gets "/tutti/cue" with the cue's index
 * and id, so gear can follow the show.
 *
 * Sends are UDP and never wait; targets are IP addresses, so nothing is
 * looked up during the show.
 *
 * Thread: net thread.
 */
#ifndef TUTTI_OSC_OUT_H
#define TUTTI_OSC_OUT_H

#include <stdint.h>

#include "config.h"
#include "frame.h"

struct osc_out;

/* NULL with @err when a target cannot be set up; a config without targets gives an idle sender. */
struct osc_out *osc_out_create(const struct venue_config *cfg, char *err, size_t err_size);
void osc_out_destroy(struct osc_out *o);
/* Sends what is due at show time @now for frame @f. */
void osc_out_tick(struct osc_out *o, const struct show_frame *f, double now);
/* Messages sent and send errors so far (for /metrics). */
uint64_t osc_out_sent(const struct osc_out *o);
uint64_t osc_out_errors(const struct osc_out *o);

#endif
