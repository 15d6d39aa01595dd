/*
 * stage_font.h - which characters the stage font can draw.
 *
 * Crowd text is cut down to these before the moderators see it, so what
 * they approve is exactly what the stage screen shows (a character the
 * font lacks would otherwise vanish only on the screen).
 *
 * Thread: stagefont_coverage() uses SDL_ttf, so it runs before the render
 * thread starts; the bitmap it returns is read-only and may be read from
 * any thread.
 */
#ifndef TUTTI_STAGE_FONT_H
#define TUTTI_STAGE_FONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STAGEFONT_PLANES_END 0x20000	/* code points checked: the basic and supplementary planes */

/* One bit per code point below STAGEFONT_PLANES_END (free() it). NULL with @err when the font cannot be read. */
uint8_t *stagefont_coverage(const char *font_path, char *err, size_t err_size);

static inline bool stagefont_has(const uint8_t *bits, uint32_t cp)
{
	return cp < STAGEFONT_PLANES_END && (bits[cp >> 3] >> (cp & 7) & 1);
}

#endif
