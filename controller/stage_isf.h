/*
 * stage_isf.h - scenes in the Interactive Shader Format (ISF 2.0), the
 * JSON-headed GLSL fragment shaders VJ tools share (Resolume, VDMX,
 * Millumin): reading a .fs file, turning it into a GLSL ES 1.00 fragment
 * shader this daemon's GL path compiles, and binding its inputs by name to
 * live values of the show (the crowd's aggregates, a zone's, the music's).
 *
 * Supported: one pass, no imported images and no persistent buffers;
 * inputs of type float, bool, long, event, color and point2D. A file that
 * asks for more is refused with the reason, when the config loads.
 *
 * The renderer sets these uniforms besides the inputs: TIME (seconds of
 * the scene), TIMEDELTA, RENDERSIZE (pixels), FRAMEINDEX, DATE; and the
 * shader sees isf_FragNormCoord (0..1) as ISF defines it.
 *
 * Thread: any; no GL here (the GL path compiles what isf_load() gives).
 */
#ifndef TUTTI_STAGE_ISF_H
#define TUTTI_STAGE_ISF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "stage_frame.h"

#define ISF_INPUTS_MAX	16

enum isf_type { ISF_FLOAT, ISF_BOOL, ISF_LONG, ISF_EVENT, ISF_COLOR, ISF_POINT2D };

struct isf_input {
	char name[CONFIG_ISF_NAME_MAX + 1];
	enum isf_type type;
	float def[4];			/* DEFAULT (components by type; 0s when absent) */
	float min[4], max[4];
	bool has_min, has_max;
};

struct isf_scene {
	char description[CONFIG_TEXT_MAX + 1];
	struct isf_input inputs[ISF_INPUTS_MAX];
	uint32_t input_count;
	char *fragment;			/* a whole GLSL ES 1.00 fragment shader, ready to compile */
};

/* Reads the ISF file at @path into @out. 0, or -1 with the reason in @err (nothing to free then). */
int isf_load(const char *path, struct isf_scene *out, char *err, size_t err_size);
/* The same for a file's text; @path names it in messages. */
int isf_parse(const char *text, size_t len, const char *path, struct isf_scene *out, char *err, size_t err_size);
void isf_free(struct isf_scene *s);
/* The vertex shader every ISF scene is drawn with: attribute vec2 isf_position in clip space (-1..1). */
const char *isf_vertex_shader(void);
/* The input called @name, or -1. */
int isf_input_find(const struct isf_scene *s, const char *name);

/* A binding, resolved against a scene and a venue: which value feeds which input. */
struct isf_binding {
	int input;			/* index into isf_scene.inputs */
	int source;			/* what it reads (stage_isf.c's table) */
	int zone;			/* -1: the whole venue */
	int index;			/* a poll option, or 0 */
	bool has_range;
	float range_lo, range_hi;
};

/*
 * Resolves @b (from the config) for @s in @cfg. 0, or -1 with the reason
 * in @err: an input the shader does not have, a source name that is not
 * one, a zone the venue lacks, or a source whose kind does not fit the
 * input's type (a colour into a float, say).
 */
int isf_binding_resolve(const struct isf_scene *s, const struct venue_config *cfg,
			const struct config_isf_binding *b, struct isf_binding *out, char *err, size_t err_size);

/*
 * The bound input's value now, as its type wants it: out[0] for float,
 * bool, long and event, out[0..1] for point2D, out[0..3] (RGBA, 0..1) for
 * color. @beat_pulse: 1 at a beat of the live input, decaying (the
 * renderer keeps it), which the "music.beat" source reads.
 */
void isf_binding_value(const struct isf_binding *b, const struct isf_scene *s, const struct venue_config *cfg,
		       const struct stage_frame *f, float beat_pulse, float out[4]);

/*
 * The phone controls (bits of enum control) whose input source @source
 * follows, for the config's warnings: "crowd.xy" follows "xy"; the music,
 * the theme and an unknown name follow none.
 */
uint32_t isf_source_reads(const char *source);

#endif
