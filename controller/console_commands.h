/*
 * console_commands.h - what the operator's and the artist's commands do: show
 * control (GO, back, jump; polls open, close, reveal, veto), the
 * co-creation mix, and the venue's safety actions (fade to silence,
 * stage blackout, freeze crowd input, curfew) and moderation (mute and
 * remove a participant by its anonymous id; approve, reject or take down
 * crowd text). Every command is checked
 * against the sender's role first and logged with role, sender and show
 * time, accepted or refused.
 *
 * Commands are JSON objects: {"cmd":"cue.go"}, {"cmd":"cue.jump","cue":"encore"},
 * {"cmd":"poll.open","poll":"song","duration_s":30}, {"cmd":"mix.set","mapping":0,"crowd":0.5},
 * {"cmd":"safety.freeze","on":true}, ... (docs/protocol.md, tutti.console.v1).
 *
 * The safety state lives here, and only here: the daemon applies it to
 * sound, phones and screen at the start of every tick (safety_apply), so
 * nothing from phones or the artist role can undo it.
 *
 * Thread: net thread.
 */
#ifndef TUTTI_CONSOLE_COMMANDS_H
#define TUTTI_CONSOLE_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "console_alarms.h"
#include "net_audience.h"
#include "audio_map.h"
#include "config.h"
#include "console_auth.h"
#include "crowd_text.h"
#include "show.h"

/* The venue's safety actions now in force. */
struct console_safety {
	bool fade_to_silence;		/* the master fades at the venue's gain rate */
	bool blackout;			/* the stage screen shows black */
	bool freeze;			/* phones' controls are off ("listening") */
	double curfew_at;		/* show time of the curfew, -1 = none */
	double ceiling_dbfs;		/* the output ceiling now: at most the venue's */
	uint32_t max_flashes_per_s;	/* the flash policy now: at most the venue's */
	uint32_t max_red_flashes_per_s;
	uint32_t flash_generation;	/* +1 at every policy change, for the daemon to apply */
};

struct console {
	const struct venue_config *cfg;
	struct show *show;
	struct audiomap *audiomap;
	struct audience *audience;	/* for moderation */
	struct crowdtext *texts;	/* the crowd text queue; NULL = none */
	struct alarms *alarms;		/* for acknowledgement; NULL = none */
	struct console_safety safety;
	uint64_t accepted, refused;
};

struct console_reply {
	bool ok;
	char code[32];			/* "" when ok: forbidden, bad_command, unknown_cue, ... */
	char message[160];
};

void console_init(struct console *c, const struct venue_config *cfg, struct show *show,
		  struct audiomap *audiomap, struct audience *audience);
/* Runs one command from @who (a name for the log) in @role at show time @now. */
void console_execute(struct console *c, enum console_role role, const char *who, const char *text,
		     size_t len, double now, struct console_reply *reply);

#endif
