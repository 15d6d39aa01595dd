#!/bin/bash
# `tutti run --stage offscreen --stage-png DIR`: no display at all, the stage
# screen is rendered and written as PNG stills. The join cue's still must
# decode to the join URL; once the show moves on to the crowd field, the
# simulated crowd fills it with dots; /metrics reports the frame time.
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
if [ "${frames:-0}" -gt 100 ] && [ -n "$p99" ]; then
	echo "ok: $frames frames, p99 frame time ${p99}s"
else
	echo "FAIL: stage metrics missing (frames ${frames:-none}, p99 ${p99:-none})"; failures=1
fi
mkdir -p "${TUTTI_BUILD_DIR:-.}/screenshots" && cp "$work/join.png" "$work/field.png" "${TUTTI_BUILD_DIR:-.}/screenshots/" 2>/dev/null || true
if [ $failures -eq 0 ]; then echo "1 passed, 0 failed"; else cat "$work/tutti.log"; echo "0 passed, 1 failed"; exit 1; fi
