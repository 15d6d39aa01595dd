/*
 * audio_pa.c - PortAudio backend: a duplex stream (output to the PA,
 * input from the artist's or mixer's feed) on the venue's host API and
 * device. The PortAudio callback is the audio thread: it only calls
 * engine_process() and counts the underflow/overflow flags.
 *
 * Thread: open/close/alive on the net thread; pa_callback on PortAudio's.
 */
#include "audio_backend.h"

#include <fcntl.h>
#include <portaudio.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/*
 * ALSA and JACK print to stderr while PortAudio probes them, and a lost
 * device is probed every two seconds: quiet while probing; the daemon
 * reports what went wrong itself. Net thread only.
 */
int pa_quiet_begin(void)
{
	int saved, devnull;

	fflush(stderr);
	saved = dup(STDERR_FILENO);
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved >= 0 && devnull >= 0)
		dup2(devnull, STDERR_FILENO);
	if (devnull >= 0)
		close(devnull);
	return saved;
}

void pa_quiet_end(int saved)
{
	if (saved < 0)
		return;
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
}

static int pa_callback(const void *input, void *output, unsigned long frames,
		       const PaStreamCallbackTimeInfo *time, PaStreamCallbackFlags status, void *user)
{
	struct pa_device *p = user;
	const float *in = input;
	float *out = output;

	(void)time;
	if (status & (paOutputUnderflow | paInputOverflow | paOutputOverflow | paInputUnderflow))
		engine_note_xrun(p->engine);
	/* Blocks are the size we asked for; split just in case a host hands us more. */
	while (frames) {
		uint32_t n = frames > ENGINE_MAX_BLOCK ? ENGINE_MAX_BLOCK : (uint32_t)frames;

		engine_process(p->engine, in, in ? p->in_channels : 0, out, p->out_channels, n);
		if (in)
			in += (size_t)n * p->in_channels;
		out += (size_t)n * p->out_channels;
		frames -= n;
	}
	return paContinue;
}

static void pa_finished(void *user)
{
	struct pa_device *p = user;

	atomic_store(&p->finished, true);
}

/* The host API named @name (exact, else case-insensitive substring), or the default. */
static PaHostApiIndex find_host_api(const char *name)
{
	PaHostApiIndex count = Pa_GetHostApiCount();

	if (!name || !*name)
		return Pa_GetDefaultHostApi();
	for (PaHostApiIndex i = 0; i < count; i++)
		if (strcmp(Pa_GetHostApiInfo(i)->name, name) == 0)
			return i;
	for (PaHostApiIndex i = 0; i < count; i++)
		if (strcasestr(Pa_GetHostApiInfo(i)->name, name))
			return i;
	return paHostApiNotFound;
}

static PaDeviceIndex find_device(PaHostApiIndex api, const char *name)
{
	const PaHostApiInfo *info = Pa_GetHostApiInfo(api);

	if (!name || !*name || strcmp(name, "default") == 0)
		return info->defaultOutputDevice;
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < info->deviceCount; i++) {
			PaDeviceIndex d = Pa_HostApiDeviceIndexToDeviceIndex(api, i);
			const PaDeviceInfo *di = Pa_GetDeviceInfo(d);

			if (di && di->maxOutputChannels > 0 &&
			    (pass == 0 ? strcmp(di->name, name) == 0 : strcasestr(di->name, name) != NULL))
				return d;
		}
	}
	return paNoDevice;
}

int pa_device_open(struct pa_device *p, const struct venue_config *cfg, struct engine *e,
		   const char *device, char *err, size_t err_size)
{
	const struct config_audio *a = &cfg->audio;
	PaStreamParameters in_params, out_params;
	const PaDeviceInfo *di;
	PaHostApiIndex api;
	PaDeviceIndex dev;
	PaError pe;

	int quiet = pa_quiet_begin();

	memset(p, 0, sizeof(*p));
	p->engine = e;
	if ((pe = Pa_Initialize()) != paNoError) {
		snprintf(err, err_size, "PortAudio: %s", Pa_GetErrorText(pe));
		pa_quiet_end(quiet);
		return -1;
	}
	p->initialized = true;
	api = find_host_api(a->host_api);
	if (api < 0) {
		snprintf(err, err_size, "audio host API \"%s\" not found", a->host_api);
		goto fail;
	}
	dev = find_device(api, device);
	if (dev == paNoDevice) {
		snprintf(err, err_size, "audio device \"%s\" not found on %s", device,
			 Pa_GetHostApiInfo(api)->name);
		goto fail;
	}
	di = Pa_GetDeviceInfo(dev);
	snprintf(p->name, sizeof(p->name), "%s", di->name);
	p->out_channels = a->output_channels < (uint32_t)di->maxOutputChannels ?
			  a->output_channels : (uint32_t)di->maxOutputChannels;
	p->in_channels = a->input_channels < (uint32_t)di->maxInputChannels ?
			 a->input_channels : (uint32_t)di->maxInputChannels;
	out_params = (PaStreamParameters){
		.device = dev, .channelCount = (int)p->out_channels, .sampleFormat = paFloat32,
		.suggestedLatency = di->defaultLowOutputLatency,
	};
	in_params = (PaStreamParameters){
		.device = dev, .channelCount = (int)p->in_channels, .sampleFormat = paFloat32,
		.suggestedLatency = di->defaultLowInputLatency,
	};
	engine_set_block(e, a->frames_per_buffer);
	/* The engine's limiter owns the output level: no PortAudio clipping or dither. */
	pe = Pa_OpenStream((PaStream **)&p->stream, p->in_channels ? &in_params : NULL, &out_params,
			   a->sample_rate, a->frames_per_buffer, paClipOff | paDitherOff, pa_callback, p);
	if (pe != paNoError) {
		snprintf(err, err_size, "cannot open \"%s\" at %u Hz, %u frames: %s", di->name,
			 a->sample_rate, a->frames_per_buffer, Pa_GetErrorText(pe));
		p->stream = NULL;
		goto fail;
	}
	Pa_SetStreamFinishedCallback(p->stream, pa_finished);
	if ((pe = Pa_StartStream(p->stream)) != paNoError) {
		snprintf(err, err_size, "cannot start \"%s\": %s", di->name, Pa_GetErrorText(pe));
		goto fail;
	}
	pa_quiet_end(quiet);
	return 0;
fail:
	pa_device_close(p);
	pa_quiet_end(quiet);
	return -1;
}

void pa_device_close(struct pa_device *p)
{
	if (p->stream) {
		Pa_AbortStream(p->stream);	/* returns at once even if the server is gone */
		Pa_CloseStream(p->stream);
		p->stream = NULL;
	}
	if (p->initialized) {
		int quiet = pa_quiet_begin();

		Pa_Terminate();
		pa_quiet_end(quiet);
		p->initialized = false;
	}
}

bool pa_device_alive(struct pa_device *p)
{
	return p->stream && !atomic_load(&p->finished) && Pa_IsStreamActive(p->stream) == 1;
}
