#!/bin/bash
# Audio device loss and recovery. Runs the real `tutti run` on a JACK server
# (dummy driver, unique name), stops the server mid-show, and checks that
# the show goes on (HTTP still answers, the engine keeps rendering on the
# null device) with the alarm raised (tutti_audio_device_lost 1); then
# starts the server again and checks the daemon reopens the device by
# itself (alarm cleared, reopen attempts counted).
set -euo pipefail

TUTTI_BIN=${TUTTI_BIN:?set TUTTI_BIN to the tutti binary}
work=$(mktemp -d)
export JACK_DEFAULT_SERVER="tutti-recover-$$"
jack_pid=""
tutti_pid=""

cleanup() {
	[ -n "$tutti_pid" ] && kill -TERM "$tutti_pid" 2>/dev/null && wait "$tutti_pid" 2>/dev/null || true
	[ -n "$jack_pid" ] && kill -TERM "$jack_pid" 2>/dev/null && wait "$jack_pid" 2>/dev/null || true
	rm -rf "$work" /dev/shm/jack-*"$JACK_DEFAULT_SERVER"* 2>/dev/null || true
}
trap cleanup EXIT

start_jack() {
	jackd -n "$JACK_DEFAULT_SERVER" -R -d dummy -r 48000 -p 128 >>"$work/jackd.log" 2>&1 &
	jack_pid=$!
	jack_wait -w -t 10 >/dev/null || { echo "FAIL: jackd did not start"; cat "$work/jackd.log"; exit 1; }
}

start_jack
cat >"$work/venue.json" <<JSON
{ "name": "JACK recovery venue", "capacity": 50, "listen": { "address": "127.0.0.1", "port": 0 },
  "audio": { "host_api": "JACK", "device": "system", "frames_per_buffer": 128 },
  "cues": [ { "id": "play", "scene": "title",
              "audio": { "stems": [ { "id": "pad", "file": "$TUTTI_SOURCE_DIR/assets/stems/pad.flac" } ] } } ] }
JSON
"$TUTTI_BIN" run "$work/venue.json" --audio system --simulate 10 >"$work/tutti.log" 2>&1 &
tutti_pid=$!
for _ in $(seq 50); do grep -q "listening on" "$work/tutti.log" && break; sleep 0.2; done
url=$(grep -o 'listening on [^ ]*' "$work/tutti.log" | head -1 | cut -d' ' -f3)
[ -n "$url" ] || { echo "FAIL: daemon did not start"; cat "$work/tutti.log"; exit 1; }
metric() { curl -s "${url}metrics" | awk -v n="$1" '$1 == n { print $2 }'; }
# Waits up to @2 seconds for metric @1 to equal @3.
wait_metric() { for _ in $(seq $(( $2 * 5 ))); do [ "$(metric "$1")" = "$3" ] && return 0; sleep 0.2; done; return 1; }

status=0
sleep 1
[ "$(metric tutti_audio_device_lost)" = "0" ] || { echo "FAIL: JACK device not open at start"; status=1; }

kill -TERM "$jack_pid"; wait "$jack_pid" 2>/dev/null || true; jack_pid=""
if wait_metric tutti_audio_device_lost 5 1; then
	echo "ok: device loss raised the alarm"
else
	echo "FAIL: no alarm after the JACK server stopped"; status=1
fi
f1=$(metric tutti_audio_frames_total); sleep 1; f2=$(metric tutti_audio_frames_total)
if [ "$(curl -s "${url}healthz" | grep -c '"status":"ok"')" = "1" ] && [ "$f2" -gt "$f1" ]; then
	echo "ok: the show goes on without the device (healthz ok, $((f2 - f1)) frames rendered in 1 s)"
else
	echo "FAIL: the show stopped with the device"; status=1
fi

start_jack
if wait_metric tutti_audio_device_lost 10 0; then
	echo "ok: device reopened after $(metric tutti_audio_device_reopen_attempts_total) attempt(s)"
else
	echo "FAIL: the device was not reopened"; status=1
fi
grep -E "ALARM|back on" "$work/tutti.log" || true
[ $status -eq 0 ] && echo "1 passed, 0 failed" || { echo "0 passed, 1 failed"; cat "$work/tutti.log"; }
exit $status
