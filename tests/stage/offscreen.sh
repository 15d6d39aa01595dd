#!/bin/bash
# `tutti run --stage offscreen --stage-png DIR`: no display at all, the stage
# screen is rendered and written as PNG stills. The join cue's still must
# decode to the join URL; once the show moves on to the crowd field, the
# simulated crowd fills it with dots; /metrics reports the frame time.
# It is drawn on the GPU path (OpenGL ES through Mesa's llvmpipe here) and
# /healthz says so; on a machine whose GL driver is missing, the same run
# falls back to software by itself and /healthz says that, with why; asked
# for the GPU only, it runs the show with no stage screen.
set -euo pipefail

TUTTI_BIN=${TUTTI_BIN:?set TUTTI_BIN to the tutti binary}
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -TERM $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

cat >"$work/venue.json" <<'JSON'
{ "name": "Offscreen venue", "capacity": 200, "listen": { "address": "127.0.0.1", "port": 0 },
  "cues": [ { "id": "doors", "scene": "join", "advance_after_s": 2 },
            { "id": "field", "title": "Tap along", "scene": "crowd-field", "controls": ["tap", "xy"] } ] }
JSON
mkdir "$work/stills"
unset DISPLAY WAYLAND_DISPLAY
"$TUTTI_BIN" run "$work/venue.json" --stage offscreen --stage-png "$work/stills" --stage-png-every 0.2 \
	--audio none --simulate 60 >"$work/tutti.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "stage: offscreen" "$work/tutti.log" && break; sleep 0.1; done
url=$(grep -o 'listening on [^ ]*' "$work/tutti.log" | cut -d' ' -f3)
join=$(grep -o 'phones join at [^ ]*' "$work/tutti.log" | cut -d' ' -f4)
failures=0
# A value of a JSON document on stdin, by its dotted path (true/false as JSON writes them).
json_at() {
	python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v.get(k) if isinstance(v, dict) else None
print(json.dumps(v) if not isinstance(v, str) else v)' "$1"
}
sleep 1
cp "$work/stills/latest.png" "$work/join.png" 2>/dev/null || true
seen=$(zbarimg -q --raw "$work/join.png" 2>/dev/null || true)
if [ -n "$join" ] && [ "$seen" = "$join" ]; then
	echo "ok: the join still's QR code reads $seen"
else
	echo "FAIL: the join still reads '$seen', the join URL is '$join'"; failures=1
fi
sleep 3
cp "$work/stills/latest.png" "$work/field.png"
# The crowd field: count the pixels that are neither the background nor text-white.
colored=$(/usr/bin/convert "$work/field.png" -crop 1280x560+0+110 +repage -fill black -opaque '#0a0c18' \
	-format '%[fx:mean*w*h]' info: 2>/dev/null | cut -d. -f1)
if [ "${colored:-0}" -gt 2000 ]; then
	echo "ok: the crowd field shows the simulated crowd ($colored lit pixel units)"
else
	echo "FAIL: the crowd field looks empty (${colored:-0})"; failures=1
fi
metrics=$(curl -s --max-time 2 "${url}metrics")
frames=$(awk '$1 == "tutti_stage_frames_total" { print $2 }' <<<"$metrics")
p99=$(awk '$1 == "tutti_stage_frame_seconds{stat=\"p99\"}" { print $2 }' <<<"$metrics")
# llvmpipe draws a 720p picture in tens of milliseconds on this machine's CPU: 20 frames in 4 s at least.
if [ "${frames:-0}" -gt 20 ] && [ -n "$p99" ]; then
	echo "ok: $frames frames, p99 frame time ${p99}s"
else
	echo "FAIL: stage metrics missing (frames ${frames:-none}, p99 ${p99:-none})"; failures=1
fi
health=$(curl -s --max-time 2 "${url}healthz")
if [ "$(json_at stage.renderer <<<"$health")" = gpu ] && json_at stage.detail <<<"$health" | grep -q "OpenGL ES" &&
	[ "$(awk '$1 == "tutti_stage_gpu" { print $2 }' <<<"$metrics")" = 1 ]; then
	echo "ok: /healthz: drawn by the GPU path ($(json_at stage.detail <<<"$health"))"
else
	echo "FAIL: /healthz stage: $(json_at stage <<<"$health")"; failures=1
fi
kill -TERM $pid; wait $pid 2>/dev/null || true; pid=""

# No GL driver on this machine (Mesa's drivers looked for where there are none): software, said so.
LIBGL_DRIVERS_PATH=/nonexistent "$TUTTI_BIN" run "$work/venue.json" --stage offscreen --audio none \
	--simulate 10 >"$work/fallback.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "stage: offscreen" "$work/fallback.log" && break; sleep 0.1; done
url=$(grep -o 'listening on [^ ]*' "$work/fallback.log" | cut -d' ' -f3)
sleep 1
health=$(curl -s --max-time 2 "${url}healthz")
if [ "$(json_at stage.renderer <<<"$health")" = software ] && [ "$(json_at stage.running <<<"$health")" = true ] &&
	json_at stage.detail <<<"$health" | grep -q "OpenGL ES" &&
	[ "$(curl -s --max-time 2 "${url}metrics" | awk '$1 == "tutti_stage_gpu" { print $2 }')" = 0 ]; then
	echo "ok: no GL driver: the stage falls back to software ($(json_at stage.detail <<<"$health"))"
else
	echo "FAIL: no GL driver: /healthz stage $(json_at stage <<<"$health")"; failures=1
fi
kill -TERM $pid; wait $pid 2>/dev/null || true; pid=""

# Asked for the GPU only, with none: the show runs, without a stage screen, and says why.
LIBGL_DRIVERS_PATH=/nonexistent "$TUTTI_BIN" run "$work/venue.json" --stage offscreen --stage-renderer gpu \
	--audio none >"$work/gpu-only.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "phones join at" "$work/gpu-only.log" && break; sleep 0.1; done
url=$(grep -o 'listening on [^ ]*' "$work/gpu-only.log" | cut -d' ' -f3)
health=$(curl -s --max-time 2 "${url}healthz")
if [ "$(json_at stage.renderer <<<"$health")" = none ] && grep -q "no GPU stage" "$work/gpu-only.log"; then
	echo "ok: --stage-renderer gpu with no GL: the show runs without a stage screen, and the log says why"
else
	echo "FAIL: gpu only: /healthz stage $(json_at stage <<<"$health")"; cat "$work/gpu-only.log"; failures=1
fi
kill -TERM $pid; wait $pid 2>/dev/null || true; pid=""
mkdir -p "${TUTTI_BUILD_DIR:-.}/screenshots" && cp "$work/join.png" "$work/field.png" "${TUTTI_BUILD_DIR:-.}/screenshots/" 2>/dev/null || true
if [ $failures -eq 0 ]; then echo "1 passed, 0 failed"; else cat "$work/tutti.log"; echo "0 passed, 1 failed"; exit 1; fi
