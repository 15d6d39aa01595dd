/*
 * ratelimit.h - token bucket for inputs per participant and per address.
 * Thread: the owner of the bucket (net thread).
 */
#ifndef TUTTI_RATELIMIT_H
#define TUTTI_RATELIMIT_H

#include <stdbool.h>

struct token_bucket {
	double tokens;		/* available now, <= burst */
	double last_s;		/* show time of the last refill */
};

/* A full bucket at time @now_s. */
void token_bucket_init(struct token_bucket *b, double burst, double now_s);
/*
 * Refills at @rate per second up to @burst, then takes one token if there
 * is one. Returns true when the action is allowed.
 */
bool token_bucket_take(struct token_bucket *b, double rate, double burst, double now_s);

#endif
