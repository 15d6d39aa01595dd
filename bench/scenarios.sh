#!/bin/bash
# The load scenarios of bench/README.md: each starts the daemon on
# bench/venue-load.json (loopback only), runs build/bench/loadgen against
# it, prints the summary line, writes build/bench/SCENARIO.json, and stops
# the daemon. Every run is bounded in time.
#
#   bash bench/scenarios.sh idle-hold|join-storm|steady|vote-burst|churn|steady-jack|smoke
#
# Env: BUILD (default build), PHONES, ACTIVE, DURATION override the
# scenario's sizes.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${BUILD:-$root/build}
scenario=${1:-}
work=$(mktemp -d)
daemon_pid=""
jack_pid=""

cleanup() {
	[ -n "$daemon_pid" ] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	if [ -n "$jack_pid" ]; then
		kill -TERM "$jack_pid" 2>/dev/null && wait "$jack_pid" 2>/dev/null
		rm -rf /dev/shm/jack-*"$JACK_DEFAULT_SERVER"* /dev/shm/jack_sem.*"$JACK_DEFAULT_SERVER"* 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT

audio=none
case "$scenario" in
idle-hold)	args="--phones ${PHONES:-15000} --join-over 30 --duration ${DURATION:-20}" ;;
join-storm)	args="--phones ${PHONES:-10000} --join-over 10 --duration ${DURATION:-5}" ;;
steady)		args="--phones ${PHONES:-5000} --join-over 5 --active ${ACTIVE:-5000} --rate 5 --duration ${DURATION:-30}" ;;
vote-burst)	args="--phones ${PHONES:-5000} --join-over 5 --duration ${DURATION:-10} --vote-at 3" ;;
churn)		args="--phones ${PHONES:-5000} --join-over 5 --active ${ACTIVE:-500} --rate 5 --duration ${DURATION:-130} --churn 0.2 --churn-every 60" ;;
steady-jack)	args="--phones ${PHONES:-5000} --join-over 5 --active ${ACTIVE:-5000} --rate 5 --duration ${DURATION:-30}"
		audio=system ;;
smoke)		args="--phones ${PHONES:-300} --join-over 2 --active ${ACTIVE:-100} --rate 5 --duration ${DURATION:-6} --vote-at 1 --churn 0.2 --churn-every 2" ;;
*)
	echo "usage: bash bench/scenarios.sh idle-hold|join-storm|steady|vote-burst|churn|steady-jack|smoke" >&2
	exit 2 ;;
esac

if [ "$audio" = system ]; then
	# The stage audio on JACK's dummy driver: paced like a sound card, 48 kHz, 128 frames.
	export JACK_DEFAULT_SERVER="tutti-bench-$$"
	jackd -n "$JACK_DEFAULT_SERVER" -R -d dummy -r 48000 -p 128 >"$work/jackd.log" 2>&1 &
	jack_pid=$!
	jack_wait -w -t 10 >>"$work/jackd.log" 2>&1 || { echo "jackd did not start"; cat "$work/jackd.log"; exit 1; }
fi

# DAEMON_ARGS: more options for the daemon, e.g. DAEMON_ARGS="--journal /tmp/show.db".
# shellcheck disable=SC2086
"$build/controller/tutti" run "$root/bench/venue-load.json" --listen 127.0.0.1 --port 0 --headless \
	--audio "$audio" ${DAEMON_ARGS:-} >"$work/tutti.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/tutti.log" && break; sleep 0.1; done
port=$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$work/tutti.log" | head -1)
[ -n "$port" ] || { echo "the daemon did not start:"; cat "$work/tutti.log"; exit 1; }
if [ "$audio" = system ]; then
	# The device is handed over by the audio host; give it a moment before the load.
	for _ in $(seq 50); do grep -q "audio: .*system" "$work/tutti.log" && break; sleep 0.1; done
fi

# shellcheck disable=SC2086
"$build/bench/loadgen" --port "$port" --pid "$daemon_pid" --label "$scenario" \
	--json "$build/bench/$scenario.json" --fail-on-errors $args
status=$?
if ! kill -0 "$daemon_pid" 2>/dev/null; then
	echo "the daemon died during the run:"; tail -20 "$work/tutti.log"; exit 1
fi
exit $status
