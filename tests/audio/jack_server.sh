# Sourced by the JACK tests (bash): a JACK server on its dummy driver, paced
# like a sound card (48 kHz, 128 frames), under a name of this run's own so a
# stale server never blocks it, and a cleanup that stops the daemon, the
# server and their files. Usage: . jack_server.sh NAME, then start_jack;
# the caller sets tutti_pid when it starts the daemon.

work=$(mktemp -d)
export JACK_DEFAULT_SERVER="tutti-$1-$$"
jack_pid=""
tutti_pid=""
helper_pid=""	# a test's own JACK client, if it starts one

jack_cleanup() {
	[ -n "${KEEP_LOGS:-}" ] && cp "$work"/*.log /tmp/ 2>/dev/null
	[ -n "$tutti_pid" ] && kill -TERM "$tutti_pid" 2>/dev/null && wait "$tutti_pid" 2>/dev/null || true
	[ -n "$helper_pid" ] && kill -TERM "$helper_pid" 2>/dev/null && wait "$helper_pid" 2>/dev/null || true
	[ -n "$jack_pid" ] && kill -TERM "$jack_pid" 2>/dev/null && wait "$jack_pid" 2>/dev/null || true
	# A killed jackd leaves its shared memory behind; this run's name is unique, so clear it.
	rm -rf "$work" /dev/shm/jack-*"$JACK_DEFAULT_SERVER"* /dev/shm/jack_sem.*"$JACK_DEFAULT_SERVER"* 2>/dev/null || true
}
trap jack_cleanup EXIT

start_jack() {
	jackd -n "$JACK_DEFAULT_SERVER" -R -d dummy -r 48000 -p 128 >>"$work/jackd.log" 2>&1 &
	jack_pid=$!
	jack_wait -w -t 10 >>"$work/jackd.log" 2>&1 || { echo "FAIL: jackd did not start"; cat "$work/jackd.log"; exit 1; }
}

stop_jack() {
	kill -TERM "$jack_pid"
	wait "$jack_pid" 2>/dev/null || true
	jack_pid=""
}
