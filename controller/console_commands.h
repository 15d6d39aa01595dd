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
 * The commands are one table (console_command_at()): each row holds the
 * name as on the wire, the roles allowed to run it, its handler, and
 * whether it changes the show (the journal records those). docs/protocol.md
 * documents the same table, and a test holds the two together.
 *
 * The venue's safety state is not kept here: the safety commands ask the
 * safety module (safety.h), which checks the venue's limits.
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
#include "safety.h"
#include "show.h"

struct json_t;

/* Everything a command may touch. Borrowed: all of it outlives the console. */
struct console_wiring {
	const struct venue_config *cfg;
	struct show *show;
	struct audiomap *audiomap;	/* the co-creation mix and the artist's values; NULL = none */
	struct audience *audience;	/* for moderation; NULL = none */
	struct crowdtext *texts;	/* the crowd text queue; NULL = none */
	struct alarms *alarms;		/* for acknowledgement; NULL = none */
	struct safety *safety;		/* the venue's safety state; NULL = none */
};

#define CONSOLE_ACTIVITY_MAX	32	/* the newest commands, for every console's activity feed */

/* One command as the activity feed shows it: "artist: GO -> encore", "operator: mute p-1a2b3c4d". */
struct console_activity {
	uint64_t seq;			/* its number: 1 for the daemon's first command, then one more each */
	double t;			/* show time */
	enum console_role role;
	bool ok;
	signed char on;			/* the command's "on": 1, 0, or -1 when it has none ("mute" or "unmute") */
	char cmd[24];			/* "cue.go" */
	char what[48];			/* what it acted on: the cue it led to, the poll, the participant, ... */
	char code[32];			/* why it was refused, "" when ok */
};

struct console {
	struct console_wiring w;
	uint64_t accepted, refused;
	struct console_activity activity[CONSOLE_ACTIVITY_MAX];	/* a ring */
	uint64_t activity_count;	/* commands ever run: the newest is at (count - 1) % MAX */
	uint32_t adhoc_made;		/* ad-hoc polls made so far: the next takes the slot after */
};

/*
 * The most a poll.create command may weigh, as compact JSON: it must fit
 * one journal event (JOURNAL_TEXT_MAX), so a restart makes the poll again.
 */
#define CONSOLE_ADHOC_COMMAND_MAX	480

struct console_reply {
	bool ok;
	char code[32];			/* "" when ok: forbidden, bad_command, unknown_cue, ... */
	char message[160];
};

/* The set of roles a command allows: CONSOLE_ROLE_BIT(CONSOLE_ROLE_ARTIST) | ... */
#define CONSOLE_ROLE_BIT(r)	(1u << (r))

/* Runs one parsed command; replies only on failure (the reply starts as ok). */
typedef void console_command_fn(struct console *c, struct json_t *cmd, double now, struct console_reply *r);

/* One row of the command table. */
struct console_command {
	const char *name;		/* as on the wire: "cue.go" */
	uint32_t roles;			/* CONSOLE_ROLE_BITs of the roles allowed; never CONSOLE_ROLE_NONE */
	bool changes_show;		/* true when running it changes the show (the journal records it) */
	console_command_fn *run;
};

void console_init(struct console *c, const struct console_wiring *w);
/*
 * Runs one command from @who (a name for the log) in @role at show time
 * @now. Checks the role against the command's row first (forbidden).
 */
void console_execute(struct console *c, enum console_role role, const char *who, const char *text,
		     size_t len, double now, struct console_reply *reply);

/* The @i-th newest command run (0 = the newest), or NULL past the ones kept. */
const struct console_activity *console_activity_at(const struct console *c, uint32_t i);

/* @r as the console's "reply" message (JSON). Returns its length, or 0 when it does not fit @cap. */
size_t console_reply_encode(const struct console_reply *r, char *out, size_t cap);

/* The command table, read-only: rows 0 to console_command_count() - 1; NULL past the end. */
size_t console_command_count(void);
const struct console_command *console_command_at(size_t i);
/* The row named @name, or NULL. */
const struct console_command *console_command_find(const char *name);
/* True when @role may run @cmd. */
bool console_command_allows(const struct console_command *cmd, enum console_role role);

#endif
