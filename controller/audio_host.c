/*
 * audio_host.c - the audio host process: PortAudio's duplex stream
 * (output to the PA, input from the artist's or mixer's feed) on the
 * venue's host API and device, run in a child forked by audio_device.c. Why a
 * child: see audio_backend.h.
 *
 * The PortAudio callback is the audio thread: it only calls
 * engine_process() on the shared engine, counts the underflow and
 * overflow flags and notes the stream's time (the device's own clock).
 *
 * Thread: audio_host_main on the child's main thread; pa_callback on
 * PortAudio's. pa_quiet_* on the daemon's net thread (device listing).
 */
#include "audio_backend.h"
#include "suggest.h"
#include "utf8.h"

#include <fcntl.h>
#include <portaudio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define WATCH_EVERY_NS	10000000L	/* the host checks its stream and its daemon every 10 ms */
#define NAMES_LISTED	32		/* host APIs or devices named when one is not found */
#define NOT_FOUND_MAX	200		/* bytes of that message: the daemon quotes 200 of ctl->err */

/*
 * ALSA and JACK print to stderr while PortAudio probes them: quiet while
 * probing; the daemon reports what went wrong itself.
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

struct host_run {
	struct host_ctl *ctl;
	struct engine *engine;
	uint32_t in_channels, out_channels;
	_Atomic bool finished;		/* set by PortAudio's finished callback */
};

static int pa_callback(const void *input, void *output, unsigned long frames,
		       const PaStreamCallbackTimeInfo *time, PaStreamCallbackFlags status, void *user)
{
	struct host_run *run = user;
	const float *in = input;
	float *out = output;

	if (!atomic_load_explicit(&run->ctl->go, memory_order_acquire)) {
		/* The daemon's null device still runs the engine: stay silent until it hands over. */
		memset(out, 0, frames * run->out_channels * sizeof(float));
		return paContinue;
	}
	if (status & (paOutputUnderflow | paInputOverflow | paOutputOverflow | paInputUnderflow))
		engine_note_xrun(run->engine);
	engine_note_device_time(run->engine, time->currentTime);
	/* Blocks are the size we asked for; split just in case a host hands us more. */
	while (frames) {
		uint32_t n = frames > ENGINE_MAX_BLOCK ? ENGINE_MAX_BLOCK : (uint32_t)frames;

		engine_process(run->engine, in, in ? run->in_channels : 0, out, run->out_channels, n);
		if (in)
			in += (size_t)n * run->in_channels;
		out += (size_t)n * run->out_channels;
		frames -= n;
	}
	return paContinue;
}

static void pa_finished(void *user)
{
	struct host_run *run = user;

	atomic_store(&run->finished, true);
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

/* ctl->err = @lead, then the nearest of @names to @word and the names there are. */
static void not_found(struct host_ctl *ctl, const char *lead, const char *word,
		      const char *const *names, size_t n)
{
	char msg[NOT_FOUND_MAX + 1];
	int len = snprintf(msg, sizeof(msg), "%s", lead);

	if (n == 0)
		snprintf(msg + len, sizeof(msg) - (size_t)len, " (there are none)");
	else if (len >= 0 && (size_t)len < sizeof(msg))
		suggest_hint(msg + len, sizeof(msg) - (size_t)len, word, names, n, '"');
	snprintf(ctl->err, sizeof(ctl->err), "%s", msg);
}

static void host_api_not_found(struct host_ctl *ctl, const char *name)
{
	const char *names[NAMES_LISTED];
	char lead[NOT_FOUND_MAX];
	size_t n = 0;

	for (PaHostApiIndex i = 0; i < Pa_GetHostApiCount() && n < NAMES_LISTED; i++)
		names[n++] = Pa_GetHostApiInfo(i)->name;
	snprintf(lead, sizeof(lead), "audio host API \"%.*s\" not found", utf8_fit(name, 40), name);
	not_found(ctl, lead, name, names, n);
}

/* The output devices of @api, which PortAudio lists as `tutti --list-audio` does. */
static void device_not_found(struct host_ctl *ctl, PaHostApiIndex api, const char *name)
{
	const PaHostApiInfo *info = Pa_GetHostApiInfo(api);
	const char *names[NAMES_LISTED];
	char lead[NOT_FOUND_MAX];
	size_t n = 0;

	for (int i = 0; i < info->deviceCount && n < NAMES_LISTED; i++) {
		const PaDeviceInfo *di = Pa_GetDeviceInfo(Pa_HostApiDeviceIndexToDeviceIndex(api, i));

		if (di && di->maxOutputChannels > 0)
			names[n++] = di->name;
	}
	snprintf(lead, sizeof(lead), "audio device \"%.*s\" not found on %.*s", utf8_fit(name, 40), name,
		 utf8_fit(info->name, 40), info->name);
	not_found(ctl, lead, name, names, n);
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

/* Opens and starts the stream; 0, or -1 with ctl->err. */
static int open_stream(struct host_run *run, const struct venue_config *cfg, const char *device)
{
	const struct config_audio *a = &cfg->audio;
	struct host_ctl *ctl = run->ctl;
	PaStreamParameters in_params, out_params;
	const PaDeviceInfo *di;
	PaHostApiIndex api;
	PaDeviceIndex dev;
	PaStream *stream;
	PaError pe;

	if ((pe = Pa_Initialize()) != paNoError) {
		snprintf(ctl->err, sizeof(ctl->err), "PortAudio: %s", Pa_GetErrorText(pe));
		return -1;
	}
	api = find_host_api(a->host_api);
	if (api < 0) {
		host_api_not_found(ctl, a->host_api);
		return -1;
	}
	dev = find_device(api, device);
	if (dev == paNoDevice) {
		device_not_found(ctl, api, device);
		return -1;
	}
	di = Pa_GetDeviceInfo(dev);
	snprintf(ctl->name, sizeof(ctl->name), "%s", di->name);
	run->out_channels = a->output_channels < (uint32_t)di->maxOutputChannels ?
			    a->output_channels : (uint32_t)di->maxOutputChannels;
	run->in_channels = a->input_channels < (uint32_t)di->maxInputChannels ?
			   a->input_channels : (uint32_t)di->maxInputChannels;
	out_params = (PaStreamParameters){
		.device = dev, .channelCount = (int)run->out_channels, .sampleFormat = paFloat32,
		.suggestedLatency = di->defaultLowOutputLatency,
	};
	in_params = (PaStreamParameters){
		.device = dev, .channelCount = (int)run->in_channels, .sampleFormat = paFloat32,
		.suggestedLatency = di->defaultLowInputLatency,
	};
	/* The engine's limiter owns the output level: no PortAudio clipping or dither. */
	pe = Pa_OpenStream(&stream, run->in_channels ? &in_params : NULL, &out_params,
			   a->sample_rate, a->frames_per_buffer, paClipOff | paDitherOff, pa_callback, run);
	if (pe != paNoError) {
		snprintf(ctl->err, sizeof(ctl->err), "cannot open \"%s\" at %u Hz, %u frames: %s",
			 di->name, a->sample_rate, a->frames_per_buffer, Pa_GetErrorText(pe));
		return -1;
	}
	Pa_SetStreamFinishedCallback(stream, pa_finished);
	if ((pe = Pa_StartStream(stream)) != paNoError) {
		snprintf(ctl->err, sizeof(ctl->err), "cannot start \"%s\": %s", di->name,
			 Pa_GetErrorText(pe));
		return -1;
	}
	ctl->in_channels = run->in_channels;
	ctl->out_channels = run->out_channels;
	/* Watched from the main thread below; the stream lives until the process exits. */
	while (!atomic_load(&run->finished) && Pa_IsStreamActive(stream) == 1) {
		const struct timespec nap = { 0, WATCH_EVERY_NS };

		if (atomic_load(&ctl->state) != HOST_READY)
			atomic_store_explicit(&ctl->state, HOST_READY, memory_order_release);
		nanosleep(&nap, NULL);
	}
	snprintf(ctl->err, sizeof(ctl->err), "\"%s\" stopped (device or audio server gone)", di->name);
	atomic_store_explicit(&ctl->state, HOST_LOST, memory_order_release);
	return 0;
}

_Noreturn void audio_host_main(struct host_ctl *ctl, const struct venue_config *cfg,
			       struct engine *e, const char *device, pid_t daemon_pid)
{
	struct host_run run = { .ctl = ctl, .engine = e };
	sigset_t none;
	int devnull;

	/* Dies with the daemon; Ctrl-C in the terminal is the daemon's to handle. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != daemon_pid)
		_exit(0);
	prctl(PR_SET_NAME, "tutti-audio");
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, NULL);
	/*
	 * Phones' sockets and the listeners belong to the daemon: a copy held
	 * here would keep a closed connection open. ALSA and JACK chatter goes
	 * nowhere; errors reach the daemon through ctl->err.
	 */
	close_range(3, ~0U, 0);
	devnull = open("/dev/null", O_RDWR);
	if (devnull >= 0) {
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
		if (devnull > STDERR_FILENO)
			close(devnull);
	}
	engine_prefault(e);	/* no page faults in the first callbacks */
	if (open_stream(&run, cfg, device) != 0) {
		atomic_store_explicit(&ctl->state, HOST_FAILED, memory_order_release);
		_exit(1);
	}
	/* No Pa_Terminate: against a dead server it can block for minutes. The kernel closes the device. */
	_exit(0);
}
