/*
 * audio_device.c - audio device supervision. See audio_device.h.
 *
 * The null device runs the engine whenever no audio host holds it: from
 * start-up until the host's stream runs, and from the moment a device is
 * lost until one is back. A host is a child process (audio_host.c); this
 * file forks it, hands it the engine once its stream runs, and kills and
 * reaps it when it fails, hangs or reports its stream lost. Nothing here
 * blocks: the net thread calls audio_supervise() ten times a second.
 * A host that says its stream runs but whose callback has not rendered a
 * frame for STALL_S (a stopped process, a wedged driver) counts as lost.
 *
 * Retries alternate between the configured device and its fallback,
 * trying the fallback at once when the device fails and waiting
 * REOPEN_EVERY_S after a round that found neither. Once on the fallback
 * the show stays there: switching back mid-show is the operator's call.
 *
 * Thread: net thread.
 */
#include "audio_device.h"

#include <errno.h>
#include <portaudio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audio_backend.h"
#include "clock.h"
#include "log.h"
#include "utf8.h"

#define REOPEN_EVERY_S		2.0	/* between rounds of reopen attempts */
#define OPEN_TIMEOUT_S		10.0	/* a host still opening after this is killed */
#define STARTUP_WAIT_S		10.0	/* audio_open() waits this long for the first host */
#define STALL_S			1.0	/* a host whose callback stops this long is hung */

struct audio_device {
	const struct venue_config *cfg;
	struct engine *engine;
	char wanted[128];		/* device asked for */
	struct null_device null;
	bool null_running;

	struct host_ctl *ctl;		/* shared page */
	pid_t host;			/* 0 = none */
	bool host_killed;		/* SIGKILL sent, not reaped yet */
	bool host_owns_engine;		/* go given: the host's callback runs the engine */
	double host_started_s;
	uint64_t seen_frames;		/* engine frames at the last check, and when they moved */
	double frames_moved_s;
	int candidate;			/* 0 = wanted, 1 = fallback: what the host opens */
	int next_candidate;		/* what the next attempt opens */

	enum audio_kind kind;
	bool device_lost;
	uint32_t reopen_attempts;
	double next_reopen_s;
	char name[128];
	char error[256];
};

static bool null_start(struct audio_device *d)
{
	if (d->null_running)
		return true;
	d->null_running = null_device_start(&d->null, d->engine, d->cfg->audio.sample_rate,
					    d->cfg->audio.frames_per_buffer) == 0;
	if (!d->null_running)
		log_error("audio: cannot start the null device");
	return d->null_running;
}

static void null_stop(struct audio_device *d)
{
	null_device_stop(&d->null);
	d->null_running = false;
}

static const char *candidate_name(const struct audio_device *d, int c)
{
	return c == 0 ? d->wanted : d->cfg->audio.fallback_device;
}

static void spawn_host(struct audio_device *d, int candidate)
{
	pid_t self = getpid(), pid;

	memset(d->ctl, 0, sizeof(*d->ctl));
	atomic_store(&d->ctl->state, HOST_STARTING);
	d->candidate = candidate;
	pid = fork();
	if (pid == 0)
		audio_host_main(d->ctl, d->cfg, d->engine, candidate_name(d, candidate), self);
	if (pid < 0) {
		snprintf(d->error, sizeof(d->error), "cannot start the audio host: %s", strerror(errno));
		return;
	}
	d->host = pid;
	d->host_killed = false;
	d->host_owns_engine = false;
	d->host_started_s = clock_real_now_s();
}

/* True once the host is gone for good (reaped). */
static bool reap_host(struct audio_device *d)
{
	int status;

	if (!d->host)
		return true;
	if (waitpid(d->host, &status, WNOHANG) != d->host)
		return false;
	d->host = 0;
	d->host_killed = false;
	return true;
}

static void kill_host(struct audio_device *d)
{
	if (d->host && !d->host_killed) {
		kill(d->host, SIGKILL);
		d->host_killed = true;
	}
}

/* The host stream runs: stop the null device, then give the host the engine. */
static void hand_over(struct audio_device *d)
{
	null_stop(d);
	engine_set_block(d->engine, d->cfg->audio.frames_per_buffer);
	atomic_store_explicit(&d->ctl->go, true, memory_order_release);
	d->host_owns_engine = true;
	d->frames_moved_s = clock_real_now_s();
	d->kind = AUDIO_PORTAUDIO;
	if (d->device_lost)
		log_info("audio: back on \"%s\"%s", d->ctl->name, d->candidate ? " (fallback)" : "");
	d->device_lost = false;
	d->error[0] = '\0';
	snprintf(d->name, sizeof(d->name), "%s", d->ctl->name);
}

/* The host failed, hung or lost its stream: alarm, kill it, keep the engine running. */
static void host_failed(struct audio_device *d, const char *why)
{
	snprintf(d->error, sizeof(d->error), "%s", why);
	/* Failed reopen attempts are expected while the alarm is up: only the loss is logged. */
	if (d->host_owns_engine)
		log_error("audio: ALARM: %s; running on the null device, retrying", why);
	d->device_lost = true;
	d->kind = AUDIO_NULL;
	snprintf(d->name, sizeof(d->name), "none");
	kill_host(d);
	/* A fallback gets its chance at once; after a full round, wait. */
	if (d->candidate == 0 && d->cfg->audio.fallback_device[0]) {
		d->next_candidate = 1;
		d->next_reopen_s = clock_real_now_s();
	} else {
		d->next_candidate = 0;
		d->next_reopen_s = clock_real_now_s() + REOPEN_EVERY_S;
	}
}

bool audio_supervise(struct audio_device *d)
{
	double now = clock_real_now_s();
	bool changed = false;

	if (!d || !d->ctl)
		return false;
	if (d->host && !d->host_killed) {
		int state = atomic_load_explicit(&d->ctl->state, memory_order_acquire);
		bool exited = reap_host(d);

		bool stalled = false;

		if (!exited && state == HOST_READY && !d->host_owns_engine) {
			hand_over(d);
			return true;
		}
		if (!exited && d->host_owns_engine) {
			struct engine_stats st;

			engine_stats_get(d->engine, &st);
			if (st.frames != d->seen_frames) {
				d->seen_frames = st.frames;
				d->frames_moved_s = now;
			}
			stalled = now - d->frames_moved_s > STALL_S;
		}
		if (stalled || exited || state == HOST_FAILED || state == HOST_LOST ||
		    (state == HOST_STARTING && now - d->host_started_s > OPEN_TIMEOUT_S)) {
			char why[sizeof(d->error)];

			if (stalled)
				snprintf(why, sizeof(why), "\"%.*s\" stopped calling back for %.0f s",
					 utf8_fit(d->ctl->name, 120), d->ctl->name, STALL_S);
			else if (state == HOST_FAILED || state == HOST_LOST)
				snprintf(why, sizeof(why), "%.*s", utf8_fit(d->ctl->err, 200), d->ctl->err);
			else if (state == HOST_STARTING && !exited)
				snprintf(why, sizeof(why), "opening \"%.*s\" hung for %.0f s",
					 utf8_fit(candidate_name(d, d->candidate), 120),
					 candidate_name(d, d->candidate), OPEN_TIMEOUT_S);
			else
				snprintf(why, sizeof(why), "the audio host for \"%.*s\" exited",
					 utf8_fit(candidate_name(d, d->candidate), 120),
					 candidate_name(d, d->candidate));
			host_failed(d, why);
			changed = true;
		}
	}
	/* The engine goes back to the null device only once the host can no longer touch it. */
	if (d->host_killed && !reap_host(d))
		return changed;
	if (d->host_owns_engine && !d->host) {
		d->host_owns_engine = false;
		null_start(d);
		changed = true;
	}
	if (!d->host && d->device_lost && now >= d->next_reopen_s) {
		d->reopen_attempts++;
		spawn_host(d, d->next_candidate);
	}
	return changed;
}

struct audio_device *audio_open(const struct venue_config *cfg, struct engine *e,
				const char *device, char *err, size_t err_size)
{
	struct audio_device *d = calloc(1, sizeof(*d));
	double give_up;

	if (!d) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	d->cfg = cfg;
	d->engine = e;
	snprintf(d->wanted, sizeof(d->wanted), "%s", device);
	snprintf(d->name, sizeof(d->name), "none");
	err[0] = '\0';
	/* The show runs from the first moment; a device takes over when it is ready. */
	if (!null_start(d)) {
		snprintf(err, err_size, "cannot start the null audio device");
		free(d);
		return NULL;
	}
	if (strcmp(device, "none") == 0)
		return d;
	d->ctl = mmap(NULL, sizeof(*d->ctl), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (d->ctl == MAP_FAILED) {
		d->ctl = NULL;
		snprintf(err, err_size, "cannot share memory with the audio host");
		return d;
	}
	/*
	 * At start-up only, wait for the device or the fallback (or their
	 * verdict) so the log says what plays.
	 */
	spawn_host(d, 0);
	give_up = clock_real_now_s() + STARTUP_WAIT_S;
	while (!d->host_owns_engine && clock_real_now_s() < give_up &&
	       (d->host || clock_real_now_s() >= d->next_reopen_s)) {
		const struct timespec nap = { 0, 20000000L };

		audio_supervise(d);
		nanosleep(&nap, NULL);
	}
	if (!d->host_owns_engine) {
		if (!d->device_lost)
			snprintf(d->error, sizeof(d->error), "\"%s\" is still opening", device);
		d->device_lost = true;
		snprintf(err, err_size, "%s", d->error);
	}
	return d;
}

void audio_close(struct audio_device *d)
{
	if (!d)
		return;
	if (d->host) {
		int status;

		kill(d->host, SIGKILL);
		waitpid(d->host, &status, 0);	/* SIGKILL: the kernel reaps it promptly */
	}
	null_stop(d);
	if (d->ctl)
		munmap(d->ctl, sizeof(*d->ctl));
	free(d);
}

void audio_status_get(const struct audio_device *d, struct audio_status *s)
{
	memset(s, 0, sizeof(*s));
	if (!d)
		return;
	s->kind = d->kind;
	s->device_lost = d->device_lost;
	snprintf(s->device_name, sizeof(s->device_name), "%s", d->name);
	snprintf(s->error, sizeof(s->error), "%s", d->error);
	s->reopen_attempts = d->reopen_attempts;
	s->sample_rate = d->cfg->audio.sample_rate;
	s->frames_per_buffer = d->cfg->audio.frames_per_buffer;
}

void audio_list_devices(FILE *out)
{
	int quiet = pa_quiet_begin();
	PaError pe = Pa_Initialize();

	pa_quiet_end(quiet);
	if (pe != paNoError)
		return;
	for (PaDeviceIndex i = 0; i < Pa_GetDeviceCount(); i++) {
		const PaDeviceInfo *di = Pa_GetDeviceInfo(i);

		if (di->maxOutputChannels > 0)
			fprintf(out, "  %s: %s (%d out, %d in)\n", Pa_GetHostApiInfo(di->hostApi)->name,
				di->name, di->maxOutputChannels, di->maxInputChannels);
	}
	Pa_Terminate();
}
