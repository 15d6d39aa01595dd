/*
 * ratelimit.c - token bucket. See ratelimit.h.
 * Thread: the bucket's owner (net thread).
 */
#include "ratelimit.h"

void token_bucket_init(struct token_bucket *b, double burst, double now_s)
{
	b->tokens = burst;
	b->last_s = now_s;
}

bool token_bucket_take(struct token_bucket *b, double rate, double burst, double now_s)
{
	double dt = now_s - b->last_s;

	if (dt > 0) {
		b->tokens += dt * rate;
		if (b->tokens > burst)
			b->tokens = burst;
		b->last_s = now_s;
	}
	if (b->tokens < 1)
		return false;
	b->tokens -= 1;
	return true;
}
