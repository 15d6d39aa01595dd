/*
 * utf8.h - one UTF-8 code point at a time, for the modules that read
 * crowd text: crowdtext (cleaning), wordfilter (words), scene (what the
 * stage font draws); and cutting any text on a character boundary. Texts that reach them are valid UTF-8 (the socket
 * refuses any other), but each still reads defensively.
 *
 * Thread: any.
 */
#ifndef TUTTI_UTF8_H
#define TUTTI_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * The code point starting at @s (at most @left bytes) and its length in
 * *@len; -1, with *@len 1, when the bytes there do not form one.
 */
static inline int32_t utf8_next(const unsigned char *s, size_t left, size_t *len)
{
	size_t n = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 :
		   (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	int32_t cp = n == 1 ? s[0] : n ? (int32_t)(s[0] & (0x7f >> n)) : -1;

	*len = 1;
	if (!n || n > left)
		return -1;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	*len = n;
	return cp;
}

/*
 * How many bytes of @s to print so that at most @max bytes and only whole
 * characters go out: printf("%.*s", utf8_fit(s, 32), s). A cut by bytes
 * alone ("%.32s") can split a character and make the whole message invalid
 * UTF-8, which a phone's WebSocket and jansson both refuse. Stops at the
 * first byte that does not start a valid character.
 */
static inline int utf8_fit(const char *s, size_t max)
{
	size_t n = 0, len, left = 0;

	while (s[left] && left < max + 4)
		left++;
	while (n < left && s[n]) {
		if (utf8_next((const unsigned char *)s + n, left - n, &len) < 0 || n + len > max)
			break;
		n += len;
	}
	return (int)n;
}

/* Ends @s before a last character whose bytes are not all there (a buffer cut it short). */
static inline void utf8_trim(char *s)
{
	size_t n = strlen(s), start = n;

	/* Find where the last character starts; drop it if its bytes are not all there. */
	while (start > 0 && ((unsigned char)s[start - 1] & 0xc0) == 0x80)
		start--;
	if (start > 0 && (unsigned char)s[start - 1] >= 0xc0) {
		unsigned char lead = (unsigned char)s[start - 1];
		size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;

		if (n - (start - 1) < need)
			s[start - 1] = '\0';
	} else if (start < n && start == 0) {
		s[0] = '\0';	/* only continuation bytes: nothing whole */
	}
}

#endif
