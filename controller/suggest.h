/*
 * suggest.h - "did you mean": the name a person most likely meant, from the
 * names there are, and those names written out for a message. The config
 * reader, the command line and the audio device use it for every name they
 * refuse.
 *
 * Thread: any. Nothing here keeps state.
 */
#ifndef TUTTI_SUGGEST_H
#define TUTTI_SUGGEST_H

#include <stddef.h>

/*
 * The name of @names[0..@n) that @word was most likely meant as, or NULL:
 * within edit distance 2 (ignoring case), the one name @word is a prefix of
 * (3 letters or more), or the single closest one within a third of its
 * length. Names longer than 64 bytes are never suggested.
 */
const char *suggest_nearest(const char *word, const char *const *names, size_t n);

/*
 * Writes @names[0..@n) as "a, b, c" into @out (@size bytes, at least 16).
 * When they do not all fit, as many as fit and then "… N more". Returns the
 * length written.
 */
size_t suggest_list(char *out, size_t size, const char *const *names, size_t n);

/*
 * What follows "unknown WHAT 'WORD'" in a message, into @out (@size bytes):
 * "; did you mean 'NAME'?" when suggest_nearest() finds one, then
 * " (one of: a, b, c)" when @n > 0. @quote quotes the name: '"' in the
 * config's messages, '\'' on the command line. Returns the length written.
 */
size_t suggest_hint(char *out, size_t size, const char *word, const char *const *names, size_t n,
		    char quote);

#endif
