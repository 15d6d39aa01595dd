/*
 * stage_preview.h - the console's live thumbnail of the stage screen.
 *
 * The render thread offers every finished (safety-checked) picture; a few
 * times a second one is scaled down and encoded as a PNG. The console's
 * HTTP handler copies the newest PNG out. The two sides share only a
 * mutex held for a copy, so a slow console never slows the screen.
 *
 * Thread: offer() on the render thread; copy() on the net thread.
 */
#ifndef TUTTI_STAGE_PREVIEW_H
#define TUTTI_STAGE_PREVIEW_H

#include <stddef.h>
#include <stdint.h>

#define STAGE_PREVIEW_WIDTH	320	/* the thumbnail's width; its height keeps the screen's shape */
#define STAGE_PREVIEW_FPS	4	/* thumbnails made per second at most */

struct stage_preview;

/* NULL when memory runs out. */
struct stage_preview *stage_preview_create(void);
/* After the render thread has stopped offering; NULL does nothing. */
void stage_preview_destroy(struct stage_preview *p);
/*
 * Render thread: the picture shown at @now_s (seconds, monotonic), ARGB8888
 * words with @pitch bytes per row. Made into a thumbnail when one is due
 * (box-filtered to STAGE_PREVIEW_WIDTH wide, or the picture's own width if
 * narrower; PNG, RGB, no alpha), otherwise ignored at once. The encode runs
 * here, outside the lock; only the swap of the finished PNG is locked.
 * A failed encode (memory) keeps the previous thumbnail. NULL @p does nothing.
 */
void stage_preview_offer(struct stage_preview *p, const uint32_t *pixels, int width, int height, int pitch,
			 double now_s);
/*
 * The newest thumbnail as PNG bytes, into @out (grown with realloc as
 * needed; *@out may be NULL at first; the caller frees it). Returns its
 * length, 0 before the first (or when @out cannot grow, or @p is NULL);
 * *@seq (when not NULL) numbers the thumbnails, 1 for the first.
 */
size_t stage_preview_copy(struct stage_preview *p, uint8_t **out, size_t *cap, uint64_t *seq);

#endif
