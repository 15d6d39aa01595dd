/*
 * stage_gl.c - the GPU path's context and GL helpers. See stage_gl.h.
 */
#include "stage_gl.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct stage_gl {
	SDL_Window *window;		/* hidden: only the context's home */
	SDL_GLContext ctx;
	GLuint quad;			/* vertex buffer of the full-screen quad */
	enum { VIDEO_THEIRS, VIDEO_SUBSYSTEM, VIDEO_OFFSCREEN } video;	/* who stops SDL's video */
	char name[192];
};

struct stage_gl *stage_gl_create(int width, int height, char *err, size_t err_size)
{
	static const GLfloat quad[] = { -1, -1, 1, -1, -1, 1, -1, 1, 1, -1, 1, 1 };
	struct stage_gl *gl = calloc(1, sizeof(*gl));
	GLint max_size = 0;

	if (!gl) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	/*
	 * Headless (no display, a rehearsal, a test), SDL's offscreen driver
	 * still gives an EGL context: the GPU path needs no screen of its own.
	 */
	if (!SDL_WasInit(SDL_INIT_VIDEO)) {
		/* The offscreen driver named here, not by a hint, which SDL would keep until SDL_Quit(). */
		if (SDL_InitSubSystem(SDL_INIT_VIDEO) == 0) {
			gl->video = VIDEO_SUBSYSTEM;
		} else if (SDL_VideoInit("offscreen") == 0) {
			gl->video = VIDEO_OFFSCREEN;
		} else {
			snprintf(err, err_size, "no video for OpenGL ES: %s", SDL_GetError());
			free(gl);
			return NULL;
		}
	}
	SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
	SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 2);
	SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
	gl->window = SDL_CreateWindow("tutti stage (GL)", 0, 0, 16, 16, SDL_WINDOW_OPENGL | SDL_WINDOW_HIDDEN);
	if (gl->window)
		gl->ctx = SDL_GL_CreateContext(gl->window);
	/* The window's own renderer (stage_render.c) may be a desktop GL one: ask it for nothing odd. */
	SDL_GL_ResetAttributes();
	if (!gl->ctx) {
		snprintf(err, err_size, "no OpenGL ES 2 context: %s", SDL_GetError());
		stage_gl_destroy(gl);
		return NULL;
	}
	SDL_GL_MakeCurrent(gl->window, gl->ctx);
	glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_size);
	if (max_size < width || max_size < height) {
		snprintf(err, err_size, "OpenGL ES textures stop at %d pixels, under %dx%d", max_size, width, height);
		stage_gl_destroy(gl);
		return NULL;
	}
	snprintf(gl->name, sizeof(gl->name), "%s (%s)", (const char *)glGetString(GL_VERSION),
		 (const char *)glGetString(GL_RENDERER));
	glGenBuffers(1, &gl->quad);
	glBindBuffer(GL_ARRAY_BUFFER, gl->quad);
	glBufferData(GL_ARRAY_BUFFER, sizeof(quad), quad, GL_STATIC_DRAW);
	return gl;
}

void stage_gl_destroy(struct stage_gl *gl)
{
	if (!gl)
		return;
	if (gl->ctx) {
		stage_gl_use(gl);
		if (gl->quad)
			glDeleteBuffers(1, &gl->quad);
		SDL_GL_DeleteContext(gl->ctx);
	}
	if (gl->window)
		SDL_DestroyWindow(gl->window);
	if (gl->video == VIDEO_SUBSYSTEM)
		SDL_QuitSubSystem(SDL_INIT_VIDEO);
	else if (gl->video == VIDEO_OFFSCREEN)
		SDL_VideoQuit();
	free(gl);
}

void stage_gl_use(struct stage_gl *gl)
{
	if (SDL_GL_GetCurrentContext() != gl->ctx)
		SDL_GL_MakeCurrent(gl->window, gl->ctx);
}

const char *stage_gl_name(const struct stage_gl *gl)
{
	return gl->name;
}

static GLuint compile(GLenum kind, const char *src, char *err, size_t err_size)
{
	GLuint sh = glCreateShader(kind);
	GLint ok = 0;

	glShaderSource(sh, 1, &src, NULL);
	glCompileShader(sh);
	glGetShaderiv(sh, GL_COMPILE_STATUS, &ok);
	if (!ok) {
		char log[512] = "";

		glGetShaderInfoLog(sh, sizeof(log), NULL, log);
		log[strcspn(log, "\n")] = '\0';	/* the first error says what matters */
		snprintf(err, err_size, "%s shader: %s", kind == GL_VERTEX_SHADER ? "vertex" : "fragment", log);
		glDeleteShader(sh);
		return 0;
	}
	return sh;
}

GLuint gl_program_build(const char *vertex, const char *fragment, const char *attr0, char *err, size_t err_size)
{
	GLuint vs = compile(GL_VERTEX_SHADER, vertex, err, err_size), fs = 0, prog = 0;
	GLint ok = 0;

	if (vs)
		fs = compile(GL_FRAGMENT_SHADER, fragment, err, err_size);
	if (fs) {
		prog = glCreateProgram();
		glAttachShader(prog, vs);
		glAttachShader(prog, fs);
		glBindAttribLocation(prog, 0, attr0);
		glLinkProgram(prog);
		glGetProgramiv(prog, GL_LINK_STATUS, &ok);
		if (!ok) {
			char log[512] = "";

			glGetProgramInfoLog(prog, sizeof(log), NULL, log);
			log[strcspn(log, "\n")] = '\0';
			snprintf(err, err_size, "linking: %s", log);
			glDeleteProgram(prog);
			prog = 0;
		}
	}
	/* A linked program keeps its shaders' code; the objects themselves may go. */
	if (vs)
		glDeleteShader(vs);
	if (fs)
		glDeleteShader(fs);
	return prog;
}

int gl_target_create(struct gl_target *t, int width, int height, char *err, size_t err_size)
{
	memset(t, 0, sizeof(*t));
	t->w = width;
	t->h = height;
	glGenTextures(1, &t->tex);
	glBindTexture(GL_TEXTURE_2D, t->tex);
	glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
	/* Read pixel for pixel, except by the zoom transition; nearest costs a software GL far less. */
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
	glGenFramebuffers(1, &t->fbo);
	glBindFramebuffer(GL_FRAMEBUFFER, t->fbo);
	glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, t->tex, 0);
	if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
		snprintf(err, err_size, "a %dx%d render target is not supported", width, height);
		gl_target_free(t);
		return -1;
	}
	glClearColor(0, 0, 0, 1);
	glClear(GL_COLOR_BUFFER_BIT);
	return 0;
}

void gl_target_free(struct gl_target *t)
{
	if (t->fbo)
		glDeleteFramebuffers(1, &t->fbo);
	if (t->tex)
		glDeleteTextures(1, &t->tex);
	t->fbo = t->tex = 0;
}

void gl_target_bind(const struct gl_target *t)
{
	glBindFramebuffer(GL_FRAMEBUFFER, t->fbo);
	glViewport(0, 0, t->w, t->h);
}

void gl_quad_draw(struct stage_gl *gl)
{
	glBindBuffer(GL_ARRAY_BUFFER, gl->quad);
	glEnableVertexAttribArray(0);
	glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, NULL);
	glDrawArrays(GL_TRIANGLES, 0, 6);
}
