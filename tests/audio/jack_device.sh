#!/bin/bash
# Real-device audio test. Starts a JACK server with its dummy driver (paced
# like a sound card, none needed) under a unique server name, runs the real
# `tutti run` on PortAudio's JACK host API (device "system", 48 kHz, 128
# frames) with a simulated crowd for several seconds, and checks /metrics:
# a whole window with 0 xruns and 0 late callbacks in which the engine's
# frame count follows JACK's own (within 2 %: one callback for each cycle
# the server ran, counted by a JACK client of the test's, jack_cycles);
# and the drums' loudness, which the audio host's callback hands over
# through the shared pool to the daemon's meter (a level, not silence).
#
# JACK's count, not the wall clock: on a busy machine the dummy driver
# itself falls behind the clock (46,635 frames a second once, against
# 48,000), and our callbacks can only follow the cycles JACK runs.
set -euo pipefail

TUTTI_BIN=${TUTTI_BIN:?set TUTTI_BIN to the tutti binary}
JACK_CYCLES=${JACK_CYCLES:?set JACK_CYCLES to the jack_cycles test client}
. "$(dirname "$0")/jack_server.sh" test
start_jack
"$JACK_CYCLES" "$work/jack-frames" 2>>"$work/jackd.log" &
helper_pid=$!
for _ in $(seq 50); do [ -s "$work/jack-frames" ] && break; sleep 0.1; done
[ -s "$work/jack-frames" ] || { echo "FAIL: the JACK cycle counter did not start"; cat "$work/jackd.log"; exit 1; }
jack_frames() { cat "$work/jack-frames"; }

cat >"$work/venue.json" <<JSON
{
  "name": "JACK test venue", "capacity": 100,
  "listen": { "address": "127.0.0.1", "port": 0 },
  "audio": { "host_api": "JACK", "device": "system", "sample_rate": 48000,
             "frames_per_buffer": 128, "input_channels": 1, "output_channels": 2 },
  "cues": [ { "id": "play", "scene": "crowd-field", "controls": ["tap", "xy", "slider", "shake"],
              "audio": { "stems": [ { "id": "drums", "file": "$TUTTI_SOURCE_DIR/assets/stems/drums.flac" } ],
                         "mappings": [ { "source": "shake_energy", "target": "filter_cutoff",
                                         "to": [400, 16000], "curve": "exp" } ] } } ]
}
JSON

"$TUTTI_BIN" run "$work/venue.json" --simulate 50 --audio system >"$work/tutti.log" 2>&1 &
tutti_pid=$!
for _ in $(seq 50); do
	grep -q "listening on" "$work/tutti.log" && break
	sleep 0.2
done
url=$(grep -o 'listening on [^ ]*' "$work/tutti.log" | head -1 | cut -d' ' -f3)
[ -n "$url" ] || { echo "FAIL: daemon did not start"; cat "$work/tutti.log"; exit 1; }

metric() { curl -s --max-time 2 "${url}metrics" | awk -v n="$1" '$1 == n { print $2 }'; }
sleep 1	# let the stream settle before measuring

# Up to ten windows of WINDOW seconds: the show must run one whole window
# with no xrun and no late callback, a callback for each of JACK's cycles. This shared 2-core
# VM now and then stalls a thread for a few milliseconds (an xrun in jackd,
# or a callback preempted past its budget); that costs a window, not the
# test. A callback that is really too slow is late in every window and fails.
#
# When the hypervisor takes the CPU away (steal time in /proc/stat), no
# process here can keep a 2.7 ms deadline: a window with xruns and more than
# STEAL_MS of steal says nothing about our code. If every window was like
# that, the test is skipped (exit 77, reported by ctest as skipped) with the
# figures, rather than passed or failed on the host's load.
WINDOW=${WINDOW:-2}
STEAL_MS=${STEAL_MS:-20}
steal_ms() { awk '$1 == "cpu" { print $9 * 10 }' /proc/stat; }	# USER_HZ is 100
status=1
stolen=0
for attempt in $(seq 10); do
	f1=$(metric tutti_audio_frames_total); j1=$(jack_frames); x1=$(metric tutti_audio_xruns_total)
	l1=$(metric tutti_audio_late_callbacks_total); s1=$(steal_ms); t1=$(date +%s.%N)
	sleep "$WINDOW"
	f2=$(metric tutti_audio_frames_total); j2=$(jack_frames); x2=$(metric tutti_audio_xruns_total)
	l2=$(metric tutti_audio_late_callbacks_total); s2=$(steal_ms); t2=$(date +%s.%N)
	ours=$(awk -v a="$f1" -v b="$f2" -v s="$t1" -v e="$t2" 'BEGIN { printf "%.0f", (b - a) / (e - s) }')
	jacks=$(awk -v a="$j1" -v b="$j2" -v s="$t1" -v e="$t2" 'BEGIN { printf "%.0f", (b - a) / (e - s) }')
	lost=$(metric tutti_audio_device_lost)
	echo "window $attempt: our frames/s=$ours JACK's frames/s=$jacks (the clock's: 48000) xruns=$((x2 - x1)) late_callbacks=$((l2 - l1)) steal=$((s2 - s1))ms device_lost=$lost"
	if [ "$lost" != "0" ]; then echo "FAIL: the JACK device was not opened"; break; fi
	# An xrun makes jackd skip cycles, so only a clean window must follow JACK's count.
	if [ "$x2" != "$x1" ] || [ "$l2" != "$l1" ]; then
		[ $((s2 - s1)) -gt "$STEAL_MS" ] && stolen=$((stolen + 1))
		continue
	fi
	if ! awk -v a="$((f2 - f1))" -v j="$((j2 - j1))" 'BEGIN { exit !(j > 0 && a / j > 0.98 && a / j < 1.02) }'; then
		echo "FAIL: our callbacks did not follow JACK's cycles ($((f2 - f1)) frames against JACK's $((j2 - j1)))"; break
	fi
	status=0; break
done
# The loudness meter in the daemon measures what the host process's callback handed over.
shortterm=$(metric tutti_audio_loudness_shortterm_lufs); peak=$(metric tutti_audio_true_peak_dbtp)
echo "loudness: short-term $shortterm LUFS, true peak $peak dBTP"
if [ $status -eq 0 ] && ! { [[ $shortterm =~ ^-[0-9.]+$ && $peak =~ ^-?[0-9.]+$ ]] &&
	awk -v s="$shortterm" -v p="$peak" 'BEGIN { exit !(s > -60 && p <= 0.5) }'; }; then
	echo "FAIL: no loudness measured from the audio host's output"; status=1
fi
if [ $status -ne 0 ] && [ "$stolen" -eq 10 ]; then
	echo "SKIP: the hypervisor stole more than ${STEAL_MS} ms of CPU in every window; xruns cannot be judged on this machine now"
	status=77
fi
curl -s "${url}metrics" | grep -E '^tutti_audio_(callbacks_total|callback_seconds|xruns_total|loudness_|true_peak)' || true
case $status in
0) echo "1 passed, 0 failed" ;;
77) echo "0 passed, 0 failed, 1 skipped" ;;
*) echo "0 passed, 1 failed"; cat "$work/tutti.log" ;;
esac
exit $status
