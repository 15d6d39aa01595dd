/*
 * stage_font.c - the stage font's character coverage. See stage_font.h.
 */
#include "stage_font.h"

#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>

uint8_t *stagefont_coverage(const char *font_path, char *err, size_t err_size)
{
	uint8_t *bits;
	TTF_Font *font;

	if (TTF_Init() != 0) {
		snprintf(err, err_size, "SDL_ttf: %s", TTF_GetError());
		return NULL;
	}
	font = TTF_OpenFont(font_path, 12);
	bits = font ? calloc(STAGEFONT_PLANES_END / 8, 1) : NULL;
	if (!font || !bits) {
		snprintf(err, err_size, "cannot read the stage font %s: %s", font_path,
			 font ? "out of memory" : TTF_GetError());
		free(bits);
		bits = NULL;
	} else {
		for (uint32_t cp = 0x20; cp < STAGEFONT_PLANES_END; cp++)
			if (TTF_GlyphIsProvided32(font, cp))
				bits[cp >> 3] |= (uint8_t)(1u << (cp & 7));
	}
	if (font)
		TTF_CloseFont(font);
	TTF_Quit();		/* the render thread initialises its own */
	return bits;
}
