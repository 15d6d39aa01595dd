#!/bin/bash
# The real stage window under Xvfb: `tutti run --stage window` opens it on
# a virtual 1280x720 display, and a screenshot of that display (ImageMagick's
# import) must show the join screen: its QR code decodes (zbarimg) to the
# URL the daemon printed. Also checks /metrics counts rendered frames.
set -euo pipefail

TUTTI_BIN=${TUTTI_BIN:?set TUTTI_BIN to the tutti binary}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/venue.json" <<'JSON'
{ "name": "Window test venue", "capacity": 50, "listen": { "address": "127.0.0.1", "port": 0 },
  "cues": [ { "id": "doors", "title": "Doors open", "scene": "join" } ] }
JSON

cat >"$work/inside.sh" <<'INSIDE'
set -euo pipefail
"$TUTTI_BIN" run "$WORK/venue.json" --stage window --stage-size 1280x720 --audio none \
	--simulate 5 >"$WORK/tutti.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "stage: window" "$WORK/tutti.log" && break; sleep 0.1; done
grep -q "stage: window" "$WORK/tutti.log" || { echo "FAIL: no stage window"; cat "$WORK/tutti.log"; exit 1; }
url=$(grep -o 'listening on [^ ]*' "$WORK/tutti.log" | cut -d' ' -f3)
# The GPU path on a CPU rasteriser draws tens of frames a second, fewer on a busy machine:
# wait (bounded) for the frames the check below asks for, not a fixed time.
for _ in $(seq 100); do
	curl -s --max-time 2 "${url}metrics" >"$WORK/metrics.txt"
	[ "$(awk '$1 == "tutti_stage_frames_total" { print $2 }' "$WORK/metrics.txt")" -gt 30 ] 2>/dev/null && break
	sleep 0.1
done
/usr/bin/import -window root "$WORK/screen.png"
INSIDE

WORK=$work TUTTI_BIN=$TUTTI_BIN xvfb-run -a -s "-screen 0 1280x720x24" bash "$work/inside.sh"

failures=0
join=$(grep -o 'phones join at [^ ]*' "$work/tutti.log" | cut -d' ' -f4)
seen=$(zbarimg -q --raw "$work/screen.png" 2>/dev/null || true)
if [ -n "$join" ] && [ "$seen" = "$join" ]; then
	echo "ok: the screenshot's QR code reads $seen"
else
	echo "FAIL: the screenshot's QR code reads '$seen', the join URL is '$join'"; failures=1
fi
frames=$(awk '$1 == "tutti_stage_frames_total" { print $2 }' "$work/metrics.txt")
if [ "${frames:-0}" -gt 30 ]; then
	echo "ok: $frames stage frames rendered"
else
	echo "FAIL: only ${frames:-0} stage frames"; failures=1
fi
mkdir -p "${TUTTI_BUILD_DIR:-.}/screenshots" && cp "$work/screen.png" "${TUTTI_BUILD_DIR:-.}/screenshots/stage-window.png"
if [ $failures -eq 0 ]; then echo "1 passed, 0 failed"; else cat "$work/tutti.log"; echo "0 passed, 1 failed"; exit 1; fi
