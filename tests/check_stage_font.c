/*
 * check_stage_font.c - which characters the stage font draws, read from the
 * shipped font, and crowd text cut to exactly that before a moderator sees it.
 */
#include <check.h>
#include <stdlib.h>

#include "crowd_text.h"
#include "stage_font.h"
#include "test_util.h"

START_TEST(test_the_queue_holds_only_what_the_stage_font_can_draw)
{
	char err[256], out[CONFIG_TEXT_BYTES_MAX + 1];
	uint8_t *font = stagefont_coverage(TUTTI_SOURCE_DIR "/assets/fonts/DejaVuSans-Bold.ttf", err, sizeof(err));

	ck_assert_msg(font != NULL, "%s", err);
	ck_assert(stagefont_has(font, 'A'));
	ck_assert(stagefont_has(font, 0x416));		/* Cyrillic Zhe */
	ck_assert(!stagefont_has(font, 0x1f3b8));	/* guitar emoji */
	/* Fullwidth letters the font lacks go before the moderator reads it: what they approve is what shows. */
	ck_assert_int_eq(crowdtext_clean("I do \xef\xbc\xae\xef\xbc\xaf\xef\xbc\xb4 support", 80, font, out),
			 CROWDTEXT_QUEUED);
	ck_assert_str_eq(out, "I do support");
	ck_assert_int_eq(crowdtext_clean("Жжж \xf0\x9f\x8e\xb8", 80, font, out), CROWDTEXT_QUEUED);
	ck_assert_str_eq(out, "Жжж");
	ck_assert_int_eq(crowdtext_clean("\xf0\x9f\x8e\xb8\xf0\x9f\x8e\x82", 80, font, out), CROWDTEXT_UNDRAWABLE);
	free(font);
}
END_TEST

TEST_MAIN("stage_font", test_the_queue_holds_only_what_the_stage_font_can_draw)
