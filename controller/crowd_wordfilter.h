/*
 * crowd_wordfilter.h - the venue's word filter for crowd text: refuses a text
 * that contains a banned word or phrase from the config before it ever
 * reaches the moderators' queue.
 *
 * Matching is by whole words, after folding what people type to get past
 * a filter: ASCII case, common letter swaps (0 o, 1 i, 3 e, 4 a, 5 s, 7 t,
 * @ a, $ s), spaced-out or dotted letters ("f u n", "f.u.n") and stretched
 * letters ("funnn" matches "fun", but "fu" does not). It never matches
 * inside a longer word, so a filter on "ass" lets "class" through. Other
 * scripts are compared byte for byte. The filter is a first line: the
 * operator still approves every text before it is shown.
 *
 * Thread: any; a built filter is read-only.
 */
#ifndef TUTTI_CROWD_WORDFILTER_H
#define TUTTI_CROWD_WORDFILTER_H

#include <stdbool.h>
#include <stddef.h>

#define WORDFILTER_ENTRY_MAX	48	/* bytes in one banned word or phrase */
#define WORDFILTER_ENTRIES_MAX	512

struct wordfilter;

/*
 * A filter over @count entries (words or phrases, each up to
 * WORDFILTER_ENTRY_MAX bytes; blank ones are skipped). NULL when out of
 * memory or over WORDFILTER_ENTRIES_MAX.
 */
struct wordfilter *wordfilter_create(const char *const *entries, size_t count);
void wordfilter_destroy(struct wordfilter *wf);

/*
 * True when @text (UTF-8, NUL-terminated) contains a banned entry; @which
 * (may be NULL) then gets that entry's index, for the log.
 */
bool wordfilter_match(const struct wordfilter *wf, const char *text, size_t *which);

#endif
