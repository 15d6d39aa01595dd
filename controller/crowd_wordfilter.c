/*
 * crowd_wordfilter.c - whole-word matching of banned words. See crowd_wordfilter.h.
 */
#include "crowd_wordfilter.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define ENTRY_TOKENS_MAX (WORDFILTER_ENTRY_MAX / 2 + 1)

struct token {
	uint32_t at, len;		/* into the folded text */
};

struct entry {
	char folded[WORDFILTER_ENTRY_MAX + 1];
	struct token tokens[ENTRY_TOKENS_MAX];
	uint32_t token_count;
};

struct wordfilter {
	size_t count;
	struct entry entries[];
};

/* What an ASCII character means to the filter: a folded word byte, or 0 for a separator. */
static char fold(unsigned char c)
{
	static const char swaps[] = "0o1i3e4a5s7t@a$s";

	for (const char *s = swaps; *s; s += 2)
		if (c == (unsigned char)s[0])
			return s[1];
	if (c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return (char)c;	/* the digits without a letter's look stay digits */
	return 0;
}

/*
 * Combining marks (accents typed as separate characters, enclosing
 * circles): the filter reads through them, so "boo" with an accent on the
 * last o is still "boo".
 */
static bool is_combining(int32_t cp)
{
	return (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x1ab0 && cp <= 0x1aff) || (cp >= 0x1dc0 && cp <= 0x1dff) ||
	       (cp >= 0x20d0 && cp <= 0x20ff) || (cp >= 0xfe20 && cp <= 0xfe2f);
}

/*
 * Non-ASCII punctuation and spaces ("¡", "¿", "«", "…", "—", the ideographic
 * space and full stop) separate words like ASCII punctuation does.
 */
static bool is_punctuation(int32_t cp)
{
	return (cp >= 0xa0 && cp <= 0xbf && cp != 0xaa && cp != 0xb5 && cp != 0xba) || cp == 0xd7 ||
	       cp == 0xf7 || (cp >= 0x2000 && cp <= 0x206f) || (cp >= 0x3000 && cp <= 0x303f) ||
	       (cp >= 0xff01 && cp <= 0xff0f);
}

/*
 * Folds @text into @out (at most as long: separators become ' ',
 * combining marks go) and lists its words.
 */
static uint32_t tokenize(const char *text, size_t len, char *out, struct token *tokens, uint32_t max)
{
	const unsigned char *t = (const unsigned char *)text;
	uint32_t n = 0;
	size_t i = 0, o = 0;

	for (size_t k = 0, step; k < len; k += step) {
		int32_t cp = utf8_next(t + k, len - k, &step);

		if (is_combining(cp))
			continue;
		if (cp >= 0x80 && is_punctuation(cp)) {
			out[o++] = ' ';
		} else if (cp >= 0x80 || cp < 0) {
			memcpy(out + o, t + k, step);	/* other scripts: word bytes, as written */
			o += step;
		} else {
			char f = fold((unsigned char)cp);

			out[o++] = f ? f : ' ';
		}
	}
	len = o;
	while (i < len && n < max) {
		while (i < len && out[i] == ' ')
			i++;
		if (i == len)
			break;
		tokens[n].at = (uint32_t)i;
		while (i < len && out[i] != ' ')
			i++;
		tokens[n].len = (uint32_t)i - tokens[n].at;
		n++;
	}
	return n;
}

/*
 * Joins runs of two or more one-letter words ("f u n" -> "fun") in place;
 * the folded text is rewritten so each joined word is contiguous.
 */
static uint32_t join_spelled_out(char *folded, struct token *tokens, uint32_t n)
{
	uint32_t out = 0;

	for (uint32_t i = 0; i < n;) {
		uint32_t j = i;

		while (j < n && tokens[j].len == 1)
			j++;
		if (j - i >= 2) {
			uint32_t at = tokens[i].at;

			for (uint32_t k = i; k < j; k++)
				folded[at + (k - i)] = folded[tokens[k].at];
			tokens[out].at = at;
			tokens[out].len = j - i;
			out++;
			i = j;
		} else {
			tokens[out++] = tokens[i++];
		}
	}
	return out;
}

/* @s with runs of one byte squeezed to one ("funnn" -> "fun"), into @out; returns its length. */
static size_t squeeze(const char *s, size_t len, char *out)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (n == 0 || out[n - 1] != s[i])
			out[n++] = s[i];
	return n;
}

static bool word_matches(const char *text, struct token t, const char *entry, struct token e)
{
	char a[WORDFILTER_ENTRY_MAX * 4], b[WORDFILTER_ENTRY_MAX + 1];
	size_t an, bn;

	if (t.len == e.len)
		return memcmp(text + t.at, entry + e.at, t.len) == 0;
	/* Stretched letters: only a longer word can be the entry stretched. */
	if (t.len < e.len || t.len > sizeof(a))
		return false;
	an = squeeze(text + t.at, t.len, a);
	bn = squeeze(entry + e.at, e.len, b);
	return an == bn && memcmp(a, b, an) == 0;
}

static bool phrase_at(const char *text, const struct token *tokens, uint32_t n, uint32_t i,
		      const struct entry *e)
{
	if (n - i < e->token_count)
		return false;
	for (uint32_t k = 0; k < e->token_count; k++)
		if (!word_matches(text, tokens[i + k], e->folded, e->tokens[k]))
			return false;
	return true;
}

static bool any_entry(const struct wordfilter *wf, const char *text, const struct token *tokens,
		      uint32_t n, size_t *which)
{
	for (size_t e = 0; e < wf->count; e++) {
		if (wf->entries[e].token_count == 0)
			continue;
		for (uint32_t i = 0; i < n; i++) {
			if (phrase_at(text, tokens, n, i, &wf->entries[e])) {
				if (which)
					*which = e;
				return true;
			}
		}
	}
	return false;
}

struct wordfilter *wordfilter_create(const char *const *entries, size_t count)
{
	struct wordfilter *wf;

	if (count > WORDFILTER_ENTRIES_MAX)
		return NULL;
	wf = calloc(1, sizeof(*wf) + count * sizeof(wf->entries[0]));
	if (!wf)
		return NULL;
	wf->count = count;
	for (size_t i = 0; i < count; i++) {
		struct entry *e = &wf->entries[i];
		size_t len = strnlen(entries[i], WORDFILTER_ENTRY_MAX);

		e->token_count = tokenize(entries[i], len, e->folded, e->tokens, ENTRY_TOKENS_MAX);
	}
	return wf;
}

void wordfilter_destroy(struct wordfilter *wf)
{
	free(wf);
}

bool wordfilter_match(const struct wordfilter *wf, const char *text, size_t *which)
{
	size_t len = strlen(text);
	uint32_t max = (uint32_t)(len / 2 + 1), n;
	char *folded = malloc(len + 1);
	struct token *tokens = malloc(max * sizeof(*tokens));
	bool hit = false;

	if (!folded || !tokens) {
		free(folded);
		free(tokens);
		return true;	/* cannot judge it: refuse rather than show it unchecked */
	}
	n = tokenize(text, len, folded, tokens, max);
	hit = any_entry(wf, folded, tokens, n, which);
	if (!hit) {
		n = join_spelled_out(folded, tokens, n);
		hit = any_entry(wf, folded, tokens, n, which);
	}
	free(folded);
	free(tokens);
	return hit;
}
