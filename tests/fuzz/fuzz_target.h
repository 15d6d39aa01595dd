/*
 * fuzz_target.h - the entry point every fuzz target defines: libFuzzer
 * calls it (`make fuzz`), and so does replay_main.c for the corpora.
 */
#ifndef TUTTI_FUZZ_TARGET_H
#define TUTTI_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>

/* One input: returns 0. A crash, a hang or a sanitizer report is the finding. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer calls it once before the inputs; replay_main.c too. Errors only: logs cost runs. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
