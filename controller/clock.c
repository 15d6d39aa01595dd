/*
 * clock.c - show time, real or virtual. See clock.h.
 * Thread: the owner of each clock.
 */
#include "clock.h"

#include <time.h>

double clock_real_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void clock_init_real(struct show_clock *c)
{
	c->is_virtual = false;
	c->origin_s = clock_real_now_s();
	c->virtual_s = 0;
}

void clock_init_real_at(struct show_clock *c, double start_s)
{
	clock_init_real(c);
	c->origin_s -= start_s;
}

void clock_init_virtual(struct show_clock *c, double start_s)
{
	c->is_virtual = true;
	c->origin_s = 0;
	c->virtual_s = start_s;
}

double clock_now_s(const struct show_clock *c)
{
	if (c->is_virtual)
		return c->virtual_s;
	return clock_real_now_s() - c->origin_s;
}

void clock_advance(struct show_clock *c, double dt_s)
{
	if (c->is_virtual && dt_s > 0)
		c->virtual_s += dt_s;
}
