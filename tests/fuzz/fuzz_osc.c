/*
 * fuzz_osc.c - a UDP datagram from the artist's OSC controller: decoded by
 * liblo as the daemon's OSC server does, turned into a console command
 * (osc_in_command), and that command run in the artist's role.
 */
#include <lo/lo.h>
#include <stdint.h>

#include "fuzz_target.h"

#include "audio_map.h"
#include "console_commands.h"
#include "fuzz_venue.h"
#include "osc_in.h"
#include "safety.h"
#include "show.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct venue_config *cfg = fuzz_venue();
	char command[192];
	int err = 0;
	/* liblo reads the path first; it wants a message that is at least a path. */
	const char *path = size ? lo_get_path((void *)data, (ssize_t)size) : NULL;
	lo_message m = path ? lo_message_deserialise((void *)data, size, &err) : NULL;

	if (!m)
		return 0;
	osc_in_command(path, lo_message_get_types(m), lo_message_get_argv(m), lo_message_get_argc(m), command,
		       sizeof(command));
	if (command[0]) {
		struct show *show = show_create(cfg, 0);
		struct audiomap *map = audiomap_create(cfg);
		struct safety *safety = safety_create(cfg, &(struct safety_wiring){ .audiomap = map });
		struct console c;
		struct console_reply r;

		console_init(&c, &(struct console_wiring){ .cfg = cfg, .show = show, .audiomap = map,
							   .safety = safety });
		console_execute(&c, CONSOLE_ROLE_ARTIST, "osc fuzz", command, strlen(command), 0, &r);
		safety_destroy(safety);
		audiomap_destroy(map);
		show_destroy(show);
	}
	lo_message_free(m);
	return 0;
}
