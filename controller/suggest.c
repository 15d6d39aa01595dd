/*
 * suggest.c - "did you mean", and the names there are written out for a
 * message. See suggest.h.
 *
 * Thread: any. Nothing here keeps state.
 */
#include "suggest.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SUGGEST_MAX 64		/* longer words get no suggestion */

static bool same_letter(char a, char b)
{
	return tolower((unsigned char)a) == tolower((unsigned char)b);
}

/* Edit distance with adjacent transpositions (optimal string alignment), ignoring case. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t rows[3][SUGGEST_MAX + 1];
	size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

	if (la > SUGGEST_MAX || lb > SUGGEST_MAX)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *t;

		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = !same_letter(a[i - 1], b[j - 1]);
			size_t v = prev[j] + 1;

			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (prev[j - 1] + cost < v)
				v = prev[j - 1] + cost;
			if (i > 1 && j > 1 && same_letter(a[i - 1], b[j - 2]) &&
			    same_letter(a[i - 2], b[j - 1]) && prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

const char *suggest_nearest(const char *word, const char *const *names, size_t n)
{
	const char *best = NULL, *prefixed = NULL;
	size_t best_d = SIZE_MAX, prefix_count = 0;
	bool tie = false;
	size_t len = strlen(word);

	if (len == 0 || len > SUGGEST_MAX)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(word, names[i]);

		if (d < best_d) {
			best_d = d;
			best = names[i];
			tie = false;
		} else if (d == best_d) {
			tie = true;
		}
		if (len >= 3 && strncasecmp(names[i], word, len) == 0) {
			prefixed = names[i];
			prefix_count++;
		}
	}
	if (!best || best_d == SIZE_MAX)
		return NULL;
	if (best_d <= 2 && best_d < len && best_d < strlen(best))
		return best;
	if (prefix_count == 1)
		return prefixed;
	if (!tie && best_d <= strlen(best) / 3)
		return best;
	return NULL;
}

size_t suggest_list(char *out, size_t size, const char *const *names, size_t n)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *sep = i ? ", " : "";
		char tail[32] = "";
		size_t after = n - i - 1;

		/* This name goes in only with room left for saying how many did not. */
		if (after)
			snprintf(tail, sizeof(tail), ", … %zu more", after);
		if (len + strlen(sep) + strlen(names[i]) + strlen(tail) >= size) {
			int w = snprintf(out + len, size - len, "%s… %zu more", sep, n - i);

			return w < 0 ? len : len + ((size_t)w < size - len ? (size_t)w : size - len - 1);
		}
		len += (size_t)snprintf(out + len, size - len, "%s%s", sep, names[i]);
	}
	return len;
}

size_t suggest_hint(char *out, size_t size, const char *word, const char *const *names, size_t n,
		    char quote)
{
	static const char open[] = " (one of: ";
	const char *near = suggest_nearest(word, names, n);
	size_t len = 0;
	int w;

	out[0] = '\0';
	if (near) {
		w = snprintf(out, size, "; did you mean %c%s%c?", quote, near, quote);
		if (w < 0 || (size_t)w >= size)
			return strlen(out);
		len = (size_t)w;
	}
	/* The list, only when it fits with at least a name or "… N more" in it. */
	if (n == 0 || len + sizeof(open) + 16 > size)
		return len;
	memcpy(out + len, open, sizeof(open));
	len += sizeof(open) - 1;
	len += suggest_list(out + len, size - len - 1, names, n);
	out[len++] = ')';
	out[len] = '\0';
	return len;
}
