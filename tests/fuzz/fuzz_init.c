/*
 * fuzz_init.c - what every fuzz target does once before its inputs: the
 * daemon's log down to errors (an info line per command would be most of
 * a run's time).
 */
#include "fuzz_target.h"
#include "log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	log_set_level(LOG_ERROR);
	return 0;
}
