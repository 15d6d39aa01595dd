#!/bin/bash
# More phones than the process has files for: with a 200-file limit the
# daemon caps its connections below it (venue full, 1013) and refuses
# sockets at accept once only its reserve is left, instead of running out
# (accept() failing with EMFILE in a level-triggered loop spins a core).
# The show goes on: /healthz answers, and the daemon does not spin.
# Env: TUTTI_BIN, TUTTI_SOURCE_DIR, LOADGEN.
set -u
work=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; tail -20 "$work/tutti.log"; exit 1; }

cat >"$work/venue.json" <<'JSON'
{ "name": "Small Room", "capacity": 1000, "limits": { "max_connections_per_address": 1000 },
  "cues": [ { "id": "a", "scene": "title", "controls": ["tap"] } ] }
JSON
(ulimit -n 200 && exec "$TUTTI_BIN" run "$work/venue.json" --listen 127.0.0.1 --port 0 --headless \
	--audio none) >"$work/tutti.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/tutti.log" && break; sleep 0.1; done
port=$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$work/tutti.log" | head -1)
[ -n "$port" ] || fail "the daemon did not start"

# 300 phones at once from one address: far more than 200 files.
"$LOADGEN" --port "$port" --phones 300 --join-over 0 --duration 3 --timeout 8 --sources 1 --label overfull \
	--json "$work/overfull.json" >"$work/loadgen.log" 2>&1 &
lg=$!
sleep 2.5
# While they hold on: the daemon's CPU over one second (a spin would be a whole core).
t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
sleep 1
t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
ticks=$(getconf CLK_TCK)
share=$(( (t1 - t0) * 100 / ticks ))
wait "$lg"
cat "$work/loadgen.log"
[ "$share" -lt 70 ] || fail "the daemon used ${share} % of a core while over its file limit (spinning?)"
kill -0 "$pid" 2>/dev/null || fail "the daemon died"
curl -sf --max-time 2 "http://127.0.0.1:$port/healthz" | grep -q '"status":"ok"' || fail "/healthz did not answer"
metrics=$(curl -sf --max-time 2 "http://127.0.0.1:$port/metrics")
full=$(echo "$metrics" | sed -n 's/^tutti_inputs_rejected_total{reason="venue_full"} //p')
refused=$(echo "$metrics" | sed -n 's/^tutti_inputs_rejected_total{reason="too_many_connections"} //p')
opened=$(python3 -c "import json; print(json.load(open('$work/overfull.json'))['connections']['joined'])")
echo "joined $opened, venue_full $full, refused at accept or per address $refused, daemon cpu ${share} %"
[ "$opened" -ge 50 ] || fail "only $opened phones joined"
[ "$opened" -le 72 ] || fail "$opened phones joined: more than the files allow (cap 200 - 128)"
[ "$(( ${full:-0} + ${refused:-0} ))" -gt 0 ] || fail "nobody was refused"
grep -q "accept: errno" "$work/tutti.log" && fail "accept ran out of files"
echo "ok: over the file limit the daemon refuses, stays responsive and does not spin"
