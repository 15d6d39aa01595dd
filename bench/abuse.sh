#!/bin/bash
# Abuse under load (bench/README.md): honest phones (build/bench/loadgen)
# with ten attackers beside them (build/bench/abusers: text floods, binary
# floods, held handshakes, a console login flood), the stage audio on
# JACK's dummy driver (48 kHz, 128 frames, paced like a sound card).
#
# Two runs on the same JACK server, each on a daemon of its own: the honest
# phones alone (the baseline), then the same phones with the abusers. It
# prints the honest phones dropped, their input-to-state p50/p99 in both
# runs and the ratio, each abuser's outcome, and the audio xruns, and fails
# (exit 1) unless:
#   - no honest phone was dropped (failed to join or lost) or refused (an error message);
#   - every abuser was throttled or closed;
#   - the audio had 0 xruns in the run with the abusers;
#   - the honest p99 with the abusers is within P99_RATIO_MAX (2) times the baseline's.
#
#   bash bench/abuse.sh                  the bench: 1,000 phones, 10 abusers, 30 s
#   SMOKE=1 bash bench/abuse.sh          the test's: 200 phones, 10 abusers, no baseline, no timing
#
# Env: BUILD (default build), PHONES, DURATION (the steady phase), ABUSERS,
# OUT (where the JSON reports go; default build/bench), IDLE_S, STEAL_MS.
#
# Before its phones, each run holds the daemon idle for IDLE_S (10) seconds
# and counts the xruns then: xruns with no phone at all are the machine's
# (a shared VM that wakes JACK's threads late), not the load's. With
# SMOKE=1 the run is the one with abusers only and no timing is judged;
# xruns under attack make it exit 77 (skipped; the full run judges them,
# excused only on a machine that had xruns idle or while the hypervisor
# took more than STEAL_MS (20) of CPU)
# when nothing else failed, as in tests/audio/jack_device.sh: no process
# here can keep a 2.7 ms deadline then.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${BUILD:-$root/build}
smoke=${SMOKE:-0}
if [ "$smoke" = 1 ]; then
	phones=${PHONES:-200}; duration=${DURATION:-20}
else
	phones=${PHONES:-1000}; duration=${DURATION:-30}
fi
abusers=${ABUSERS:-10}
join_over=5
ratio_max=${P99_RATIO_MAX:-2}
steal_limit=${STEAL_MS:-20}
idle_s=${IDLE_S:-10}
out=${OUT:-$build/bench}
mkdir -p "$out"
work=$(mktemp -d)
export JACK_DEFAULT_SERVER="tutti-abuse-$$"
jack_pid=""
daemon_pid=""
abusers_pid=""

cleanup() {
	[ -n "$abusers_pid" ] && kill -TERM "$abusers_pid" 2>/dev/null && wait "$abusers_pid" 2>/dev/null
	[ -n "$daemon_pid" ] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	[ -n "$jack_pid" ] && kill -TERM "$jack_pid" 2>/dev/null && wait "$jack_pid" 2>/dev/null
	# A killed jackd leaves its shared memory behind; this run's name is its own, so clear it.
	rm -rf "$work" /dev/shm/jack-*"$JACK_DEFAULT_SERVER"* /dev/shm/jack_sem.*"$JACK_DEFAULT_SERVER"* 2>/dev/null
}
trap cleanup EXIT

jackd -n "$JACK_DEFAULT_SERVER" -R -d dummy -r 48000 -p 128 >"$work/jackd.log" 2>&1 &
jack_pid=$!
jack_wait -w -t 10 >>"$work/jackd.log" 2>&1 || { echo "FAIL: jackd did not start"; cat "$work/jackd.log"; exit 1; }

metric() { curl -s --max-time 2 "http://127.0.0.1:$port/metrics" | awk -v n="$1" '$1 == n { print $2 }'; }
steal_ms() { awk '$1 == "cpu" { print $9 * 10 }' /proc/stat; }	# USER_HZ is 100

# run LABEL WITH_ABUSERS: one daemon, the phones (and the abusers), then the daemon's audio figures
# in $out/LABEL.audio: xruns, late callbacks, steal in ms over the run, xruns while idle.
run() {
	local label=$1 with=$2 x0 l0 s0 xi lg_status
	"$build/controller/tutti" run "$here/venue-abuse.json" --listen 127.0.0.1 --port 0 --headless \
		--audio system >"$work/$label.log" 2>&1 &
	daemon_pid=$!
	for _ in $(seq 100); do grep -q "listening on" "$work/$label.log" && break; sleep 0.1; done
	port=$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$work/$label.log" | head -1)
	[ -n "$port" ] || { echo "FAIL: the daemon did not start:"; cat "$work/$label.log"; exit 1; }
	# The device is handed over by the audio host; the figures count from its first callbacks.
	for _ in $(seq 50); do grep -q "audio: .*system" "$work/$label.log" && break; sleep 0.1; done
	sleep 1
	if [ "$(metric tutti_audio_device_lost)" != 0 ]; then
		echo "FAIL: the daemon did not open the JACK device:"; cat "$work/$label.log"; exit 1
	fi
	xi=$(metric tutti_audio_xruns_total)
	sleep "$idle_s"
	xi=$(($(metric tutti_audio_xruns_total) - xi))
	x0=$(metric tutti_audio_xruns_total); l0=$(metric tutti_audio_late_callbacks_total); s0=$(steal_ms)
	if [ "$with" = 1 ]; then
		# The attack lasts as long as the phones' run: stopped (SIGTERM) when the loadgen ends.
		"$build/bench/abusers" --port "$port" --abusers "$abusers" --duration 3600 \
			--json "$out/$label-abusers.json" >"$work/$label-abusers.txt" 2>&1 &
		abusers_pid=$!
	fi
	"$build/bench/loadgen" --port "$port" --pid "$daemon_pid" --label "$label" --json "$out/$label.json" \
		--phones "$phones" --join-over "$join_over" --active "$phones" --rate 5 --duration "$duration"
	lg_status=$?
	if [ -n "$abusers_pid" ]; then
		kill -TERM "$abusers_pid"; wait "$abusers_pid"; abusers_pid=""
		cat "$work/$label-abusers.txt"
	fi
	echo "$(($(metric tutti_audio_xruns_total) - x0)) $(($(metric tutti_audio_late_callbacks_total) - l0)) $(($(steal_ms) - s0)) $xi" \
		>"$out/$label.audio"
	kill -0 "$daemon_pid" 2>/dev/null || { echo "FAIL: the daemon died:"; tail -20 "$work/$label.log"; exit 1; }
	grep -E "alarm:" "$work/$label.log" | sort | uniq -c | sort -rn | head -5
	kill -TERM "$daemon_pid"; wait "$daemon_pid"; daemon_pid=""
	echo "loadgen exit status $lg_status"
}

[ "$smoke" = 1 ] || run abuse-baseline 0
run abuse-attack 1

# The verdict, from the JSON reports.
python3 - "$out" "$smoke" "$ratio_max" "$steal_limit" <<'PY'
import json, sys
out, smoke, ratio_max, steal_limit = sys.argv[1], sys.argv[2] == "1", float(sys.argv[3]), int(sys.argv[4])
def load(label):
    r = json.load(open(f"{out}/{label}.json"))
    xruns, late, steal, idle = (int(x) for x in open(f"{out}/{label}.audio").read().split())
    return r, xruns, late, steal, idle
fails, excused = [], False
runs = ["abuse-attack"] if smoke else ["abuse-baseline", "abuse-attack"]
p99 = {}
for label in runs:
    r, xruns, late, steal, idle = load(label)
    c, lat = r["connections"], r["input_to_state"]
    errors = sum(r["phones"]["errors"].values()) + r["phones"]["unparsed"]
    dropped = c["failed"] + c["lost"]
    p99[label] = lat["p99_ms"]
    print(f"{label}: honest phones {r['options']['phones']}, joined {c['joined']}, dropped {dropped} "
          f"(failed {c['failed']}, lost {c['lost']}), errors {errors}; input->state p50 {lat['p50_ms']:.1f} "
          f"p99 {lat['p99_ms']:.1f} ms ({lat['n']} inputs); daemon cpu {r['daemon']['cpu_share'] * 100:.0f} %; "
          f"audio xruns {xruns}, late callbacks {late}, steal {steal} ms; xruns idle before it {idle}")
    if dropped or errors:
        fails.append(f"{label}: {dropped} honest phones dropped, {errors} errors to honest phones")
    if label == "abuse-attack" and xruns:
        # The smoke run is too short to tell the machine's xruns from ours when its idle window was
        # clean by chance (bench/RESULTS.md: this VM misses JACK cycles with the daemon idle too):
        # reported and skipped, never passed. The full bench judges them.
        if smoke:
            excused = True
        else:
            fails.append(f"{label}: {xruns} audio xruns")
abusers = json.load(open(f"{out}/abuse-attack-abusers.json"))
stopped = [a for a in abusers if a["throttled"] or a["closed"]]
print(f"abusers: {len(stopped)} of {len(abusers)} throttled or closed: " +
      ", ".join(f"{a['kind']} {a['outcome']}" for a in abusers))
if len(stopped) != len(abusers):
    fails.append(f"{len(abusers) - len(stopped)} abusers neither throttled nor closed")
if not smoke:
    ratio = p99["abuse-attack"] / p99["abuse-baseline"] if p99["abuse-baseline"] > 0 else float("inf")
    print(f"honest p99 with abusers / without: {p99['abuse-attack']:.1f} / {p99['abuse-baseline']:.1f} ms = {ratio:.2f} "
          f"(at most {ratio_max:g})")
    if ratio > ratio_max:
        fails.append(f"honest p99 {ratio:.2f} times the baseline's")
for f in fails:
    print("FAIL:", f)
if fails:
    sys.exit(1)
if excused:
    print(f"SKIP: audio xruns, but this machine had xruns with no load at all, or the hypervisor stole more "
          f"than {steal_limit} ms of CPU: they cannot be judged now")
    sys.exit(77)
print("PASS")
PY
