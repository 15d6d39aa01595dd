/*
 * valgrind_rdtscp_shim.c - preloaded into the daemon for its run under
 * Valgrind (tests/integration/valgrind.test.mjs), nowhere else.
 *
 * Highway (libhwy, loaded through aubio -> libavcodec -> libjxl) measures
 * its timer's resolution with RDTSCP as it loads. On a CPU that does not
 * advertise RDTSCP (this kind of virtual machine) Valgrind 3.19 cannot
 * decode the instruction and kills the program before main(). This
 * definition takes the place of Highway's (its own call goes through the
 * PLT); nothing in the daemon uses Highway's timer.
 */
#include <stdint.h>

uint64_t _ZN3hwy8platform15TimerResolutionEv(void);

uint64_t _ZN3hwy8platform15TimerResolutionEv(void)
{
	return 1;
}
