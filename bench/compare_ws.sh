#!/bin/bash
# The daemon beside a Node `ws` server (bench/README.md, "Tutti against Node ws"): for each count
# of active phones, the same load from build/bench/loadgen against (a) the Tutti daemon on
# bench/venue-load.json speaking tutti.audience.v2 and (b) bench/node_ws_server.mjs speaking v1,
# one server at a time, never both at once. Prints a table of input-to-state p50/p99 and what a
# phone received a second, passive and active. Loopback only; every run is bounded in time.
#
#   bash bench/compare_ws.sh
#   ACTIVE="500 1000" DURATION=10 bash bench/compare_ws.sh
#
# Env: ACTIVE (the counts, default "500 1000 1500 2000 3000 4000 5000"), PHONES (phones in every
# run; default max(ACTIVE, PHONES_MIN)), PHONES_MIN (4000), RATE (inputs a second per active
# phone, 5), DURATION (the steady phase, 20 s), JOIN_OVER (5 s), BUILD (build), OUT (the JSON
# reports, BUILD/bench/compare). Run it alone on a quiet machine: it needs both cores.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${BUILD:-$root/build}
out=${OUT:-$build/bench/compare}
active_list=${ACTIVE:-500 1000 1500 2000 3000 4000 5000}
phones_min=${PHONES_MIN:-4000}
rate=${RATE:-5}
duration=${DURATION:-20}
join_over=${JOIN_OVER:-5}
# The loadgen's own bound, and a harder one around it: join, steady, and a minute to settle.
bound=$(( join_over + ${duration%.*} + 60 ))
work=$(mktemp -d)
server_pid=""

stop_server() {
	[ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	server_pid=""
}
cleanup() {
	stop_server
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for f in "$build/controller/tutti" "$build/bench/loadgen" "$root/tests/node_modules/ws/wrapper.mjs"; do
	[ -e "$f" ] || { echo "compare_ws: $f is missing (build first; npm ci --prefix tests)" >&2; exit 1; }
done
mkdir -p "$out"

# Starts a server whose log says "listening on http://127.0.0.1:PORT/"; sets server_pid and port.
start_server() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 &
	server_pid=$!
	for _ in $(seq 100); do grep -q "listening on" "$log" && break; sleep 0.1; done
	port=$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$log" | head -1)
	[ -n "$port" ] || { echo "compare_ws: the server did not start:"; cat "$log"; exit 1; }
}

# One run: SERVER (tutti|node) ACTIVE PHONES; the report goes to $out/SERVER-ACTIVE.json.
run() {
	local server=$1 active=$2 phones=$3 protocol status
	if [ "$server" = tutti ]; then
		protocol=v2
		start_server "$work/$server.log" "$build/controller/tutti" run "$root/bench/venue-load.json" \
			--listen 127.0.0.1 --port 0 --headless --audio none
	else
		protocol=v1
		start_server "$work/$server.log" node "$here/node_ws_server.mjs" 0 "$root/bench/venue-load.json"
	fi
	rm -f "$out/$server-$active.json"
	timeout $(( bound + 30 )) "$build/bench/loadgen" --protocol "$protocol" --port "$port" --pid "$server_pid" \
		--label "$server-$active" --json "$out/$server-$active.json" --fail-on-errors --phones "$phones" \
		--join-over "$join_over" --active "$active" --rate "$rate" --duration "$duration" --timeout "$bound"
	status=$?
	kill -0 "$server_pid" 2>/dev/null || { echo "compare_ws: the $server server died:"; tail -20 "$work/$server.log"; }
	stop_server
	echo "$status" >"$out/$server-$active.status"
	sleep 2		# the sockets of one run close before the next starts
}

for active in $active_list; do
	phones=${PHONES:-$(( active > phones_min ? active : phones_min ))}
	run tutti "$active" "$phones"
	run node "$active" "$phones"
done

python3 - "$out" $active_list <<'EOF'
import json, sys

out, actives = sys.argv[1], sys.argv[2:]

def load(server, active):
    try:
        j = json.load(open(f"{out}/{server}-{active}.json"))
    except (OSError, ValueError):
        return None
    j["status"] = open(f"{out}/{server}-{active}.status").read().strip()
    return j

def f(v, fmt):  # a figure, or "-" when there is none (null, or -1 for not measured)
    return format(v, fmt) if isinstance(v, (int, float)) and v >= 0 else "-"

def cells(j):
    if j is None:
        return ["no report"] + [""] * 7
    lat, b, m = j["input_to_state"], j["rx_bytes_per_s"], j["rx_msgs_per_s"]
    c = j["connections"]
    bad = c["failed"] + c["lost"] + sum(j["phones"]["errors"].values()) + j["phones"]["unparsed"]
    return [f(lat["p50_ms"], ".1f"), f(lat["p99_ms"], ".1f"),
            f(b["passive"], ".0f"), f(b["active"], ".0f"), f(m["passive"], ".1f"), f(m["active"], ".1f"),
            f(j["daemon"]["cpu_share"] * 100, ".0f"), "ok" if j["status"] == "0" and not bad else f"FAIL({j['status']},{bad})"]

head = ["p50 ms", "p99 ms", "B/s pas", "B/s act", "msg/s pas", "msg/s act", "cpu %", "run"]
print()
print(f"{'':15} | {'Tutti daemon, tutti.audience.v2':^79} | {'Node ws, tutti.audience.v1':^79}")
print(f"{'active  phones':15} | " + " ".join(f"{h:>9}" for h in head) + " | " + " ".join(f"{h:>9}" for h in head))
for a in actives:
    t, n = load("tutti", a), load("node", a)
    phones = (t or n or {}).get("options", {}).get("phones", "-")
    print(f"{a:>6} {phones:>7}  | " + " ".join(f"{c:>9}" for c in cells(t)) + " | " + " ".join(f"{c:>9}" for c in cells(n)))
print()
print("input-to-state: v2, input sent to the first state whose k covers it; v1, input sent to the first state")
print("at or after its ack's tick. B/s and msg/s: WebSocket payload received per phone per second in the")
print("steady phase, passive phones (no inputs) and active ones. cpu: the server's share of one core.")
print(f"JSON reports: {out}/")
EOF
