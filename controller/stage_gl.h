/*
 * stage_gl.h - an OpenGL ES 2 context for the stage screen's GPU path, and
 * the few GL helpers its passes share: compiling a program, a render
 * target (a texture behind a framebuffer), a full-screen quad.
 *
 * The context lives in a hidden SDL window of its own: pictures are drawn
 * into render targets, never into that window, and read back for the
 * safety pass. So it works the same under a display, Xvfb or SDL's
 * offscreen driver (EGL with Mesa's llvmpipe when there is no GPU).
 *
 * Thread: the one that created it (a GL context is current on one thread).
 */
#ifndef TUTTI_STAGE_GL_H
#define TUTTI_STAGE_GL_H

#include <GLES2/gl2.h>
#include <stdbool.h>
#include <stddef.h>

struct stage_gl;

/* A context for @width x @height pictures. NULL with the reason in @err (no GL here, say). */
struct stage_gl *stage_gl_create(int width, int height, char *err, size_t err_size);
void stage_gl_destroy(struct stage_gl *gl);
/* Makes the context current again (another SDL renderer on the thread may have taken it). */
void stage_gl_use(struct stage_gl *gl);
/* "OpenGL ES 3.2 Mesa 22.3.6 (llvmpipe ...)": what draws, for /healthz and the log. */
const char *stage_gl_name(const struct stage_gl *gl);

/*
 * A program from GLSL ES 1.00 sources, with attribute 0 bound to @attr0
 * (the quad's corner). 0 with the compiler's message in @err.
 */
GLuint gl_program_build(const char *vertex, const char *fragment, const char *attr0, char *err, size_t err_size);

/* A colour texture to draw into. */
struct gl_target {
	GLuint fbo, tex;
	int w, h;
};

/* 0, or -1 with @err. */
int gl_target_create(struct gl_target *t, int width, int height, char *err, size_t err_size);
void gl_target_free(struct gl_target *t);
/* Draws into @t (its whole area). */
void gl_target_bind(const struct gl_target *t);

/* Binds the shared full-screen quad (two triangles, -1..1) to attribute 0 and draws it. */
void gl_quad_draw(struct stage_gl *gl);

#endif
