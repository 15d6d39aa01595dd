#!/bin/bash
# Audio device loss and recovery, on a real JACK server (dummy driver,
# unique name) with the real `tutti run`:
#   1. the daemon starts while the server is down: it runs on the null
#      device with the alarm up, and takes the device when the server comes;
#   2. the server stops mid-show: alarm, the show goes on (HTTP answers,
#      the engine keeps rendering), and the device is back when the server is;
#   3. the audio host process hangs (SIGSTOP): the stall is noticed, the
#      host is killed and a fresh one plays the device again;
#   4. a misspelt device: the alarm names the devices there are, and the
#      one meant.
set -euo pipefail

TUTTI_BIN=${TUTTI_BIN:?set TUTTI_BIN to the tutti binary}
. "$(dirname "$0")/jack_server.sh" recover
failures=0

check() {	# check "what" command...
	local what=$1; shift
	if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}
metric() { curl -s --max-time 2 "${url}metrics" | awk -v n="$1" '$1 == n { print $2 }'; }
# Waits up to @2 seconds for metric @1 to equal @3.
wait_metric() { for _ in $(seq $(( $2 * 5 ))); do [ "$(metric "$1")" = "$3" ] && return 0; sleep 0.2; done; return 1; }
# The show goes on: health answers and the engine renders about a second's worth in a second.
show_goes_on() {
	local f1 f2
	curl -s --max-time 2 "${url}healthz" | grep -q '"status":"ok"' || return 1
	f1=$(metric tutti_audio_frames_total); sleep 1; f2=$(metric tutti_audio_frames_total)
	echo "   rendered $((f2 - f1)) frames in 1 s"
	[ $((f2 - f1)) -gt 40000 ]
}
# /healthz carries the alarm and its reason.
healthz_says_lost() {
	local h
	h=$(curl -s --max-time 2 "${url}healthz")
	grep -qF '"lost":true' <<<"$h" && grep -qF 'stopped (device or audio server gone)' <<<"$h"
}
host_pid() { pgrep -P "$tutti_pid" -x tutti-audio || true; }

cat >"$work/venue.json" <<JSON
{ "name": "JACK recovery venue", "capacity": 50, "listen": { "address": "127.0.0.1", "port": 0 },
  "audio": { "host_api": "JACK", "device": "system", "frames_per_buffer": 128 },
  "cues": [ { "id": "play", "scene": "title",
              "audio": { "stems": [ { "id": "pad", "file": "$TUTTI_SOURCE_DIR/assets/stems/pad.flac" } ] } } ] }
JSON

# 1. No server at start-up.
"$TUTTI_BIN" run "$work/venue.json" --audio system --simulate 10 >"$work/tutti.log" 2>&1 &
tutti_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/tutti.log" && break; sleep 0.2; done
url=$(grep -o 'listening on [^ ]*' "$work/tutti.log" | head -1 | cut -d' ' -f3)
[ -n "$url" ] || { echo "FAIL: daemon did not start"; cat "$work/tutti.log"; exit 1; }
check "no audio server at start-up raises the alarm" wait_metric tutti_audio_device_lost 2 1
check "the show runs on the null device meanwhile" show_goes_on
start_jack
check "the device is taken when the server comes up" wait_metric tutti_audio_device_lost 10 0

# 2. The server stops mid-show, and comes back.
sleep 1
stop_jack
check "losing the audio server raises the alarm" wait_metric tutti_audio_device_lost 5 1
check "/healthz says why" healthz_says_lost
check "the show goes on without the device" show_goes_on
start_jack
check "the device is back when the server is" wait_metric tutti_audio_device_lost 10 0
check "the device plays again" show_goes_on

# 3. The audio host hangs.
hung=$(host_pid)
check "an audio host process plays the device" test -n "$hung"
kill -STOP "$hung"
check "a hung audio host raises the alarm" wait_metric tutti_audio_device_lost 5 1
check "the show goes on while the host hangs" show_goes_on
check "a fresh host plays the device" wait_metric tutti_audio_device_lost 10 0
check "the hung host was killed" bash -c "! kill -0 $hung 2>/dev/null"
check "the fresh host plays" show_goes_on
echo "reopen attempts: $(metric tutti_audio_device_reopen_attempts_total)"
grep -E "ALARM|back on" "$work/tutti.log" || true

# 4. A misspelt device, on a second daemon once the first has stopped.
kill -TERM "$tutti_pid"
wait "$tutti_pid" 2>/dev/null || true
"$TUTTI_BIN" run "$work/venue.json" --audio sytsem >"$work/typo.log" 2>&1 &
tutti_pid=$!
log_says() { for _ in $(seq 50); do grep -qF "$1" "$2" && return 0; sleep 0.2; done; cat "$2"; return 1; }
check "a misspelt device names the one meant and the ones there are" \
	log_says 'audio device "sytsem" not found on JACK Audio Connection Kit; did you mean "system"? (one of: system)' \
	"$work/typo.log"
if [ $failures -eq 0 ]; then
	echo "1 passed, 0 failed"
else
	echo "0 passed, 1 failed ($failures checks)"; cat "$work/tutti.log"
	exit 1
fi
