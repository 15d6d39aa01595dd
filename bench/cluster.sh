#!/bin/bash
# A cluster under load, with an edge killed: nats-server, one core
# (`tutti run --cluster`, journalled) and three edges (`tutti edge`) on this machine, on
# bench/venue-cluster.json, and PHONES phones from LOADGENS load generator processes
# (build/bench/loadgen), each spread over the three edges' ports with --reconnect. Every phone
# votes once; ACTIVE of them tap through the steady phase. KILL_AT seconds into the steady
# phase one edge is killed with SIGKILL, and its phones resume on the others with their tokens.
#
# It prints, each as PASS or FAIL:
#   - the phones joined at once at the peak (the sum over the processes), against PHONES;
#   - failed joins (0);
#   - the active phones' input-to-state p99, the worst of the processes' (at most P99_MAX_MS);
#   - vote exactness: the votes acknowledged in the ledgers equal the core's journal, phone by phone;
#   - double votes in the journal (0);
#   - the lost phones (the killed edge's) resumed as themselves within 10 s (at least 95 %);
# and exits 1 when one failed.
#
#   bash bench/cluster.sh                                 the bench: 40,000 phones, 3 processes
#   PHONES=600 ACTIVE=60 DURATION=15 KILL_AT=5 bash bench/cluster.sh    a smoke run
#
# Env: PHONES (40000), LOADGENS (3), ACTIVE (2000), RATE (5 inputs/s), DURATION (the steady
# phase, 60 s), KILL_AT (20 s into it; none: no edge killed), JOIN_OVER (the join storm, PHONES/1500 s, at least 2),
# P99_MAX_MS (100), TUTTI, LOADGEN (the binaries; default BUILD/controller/tutti and
# BUILD/bench/loadgen), BUILD (build), OUT (the reports; default BUILD/bench/cluster).
#
# The whole run is bounded (the join storm, the steady phase and two minutes), and every
# process it started is stopped on the way out, however it ends.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${BUILD:-$root/build}
tutti=${TUTTI:-$build/controller/tutti}
loadgen=${LOADGEN:-$build/bench/loadgen}
phones=${PHONES:-40000}
loadgens=${LOADGENS:-3}
active=${ACTIVE:-2000}
rate=${RATE:-5}
duration=${DURATION:-60}
kill_at=${KILL_AT:-20}
join_over=${JOIN_OVER:-$((phones / 1500 > 2 ? phones / 1500 : 2))}
p99_max=${P99_MAX_MS:-100}
out=${OUT:-$build/bench/cluster}
venue=$here/venue-cluster.json
edges=3
# The votes come a second before the kill, over 2 s: some are on their way when the edge dies.
# KILL_AT=none: no edge is killed (the steady figures alone), and the votes come 10 s in.
if [ "$kill_at" = none ]; then vote_at=10; else vote_at=$((kill_at > 1 ? kill_at - 1 : 0)); fi
# A phone left alone by the join storm may take JOIN_GRACE (30 s) more; then the steady phase.
bound=$((join_over + 30 + duration + 120))
work=$(mktemp -d)
mkdir -p "$out"
nats_pid=""
core_pid=""
watchdog_pid=""
edge_pids=()
lg_pids=()

cleanup() {
	local pid
	for pid in $watchdog_pid "${lg_pids[@]}" "${edge_pids[@]}" $core_pid $nats_pid; do
		kill -TERM "$pid" 2>/dev/null
	done
	sleep 1
	for pid in "${lg_pids[@]}" "${edge_pids[@]}" $core_pid $nats_pid; do
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
# The hard bound: past it the script stops itself, and the trap above stops the rest.
(
	trap 'kill "$nap" 2>/dev/null; exit 0' TERM
	sleep "$((bound + 60))" &
	nap=$!
	wait "$nap" && echo "cluster.sh: over $((bound + 60)) s, stopping" >&2 && kill -TERM $$
) &
watchdog_pid=$!

fail_start() { echo "FAIL: $1 did not start:"; cat "$2"; exit 1; }
# A free TCP port on loopback (the kernel's pick; another process may take it first, rarely).
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Waits for LINE in FILE, up to 10 s.
wait_line() { for _ in $(seq 100); do grep -q "$1" "$2" && return 0; sleep 0.1; done; return 1; }
metric() { curl -s --max-time 2 "http://127.0.0.1:$core_port/metrics" | awk -v n="$1" '$1 == n { print $2 }'; }

per_lg=$(((phones + loadgens - 1) / loadgens))
if [ "$per_lg" -gt 19000 ] || { [ "$kill_at" != none ] && [ "$kill_at" -ge "$duration" ]; }; then
	echo "cluster.sh: at most 19,000 phones per load generator (PHONES/LOADGENS), and KILL_AT before DURATION" >&2
	exit 2
fi
"$tutti" check "$venue" >/dev/null || exit 2
# 40,000 sockets over a few processes: each needs the open-file limit this machine allows.
ulimit -n 20000 2>/dev/null || echo "cluster.sh: open files limited to $(ulimit -n)"

nats_port=$(free_port)
nats-server -a 127.0.0.1 -p "$nats_port" >"$work/nats.log" 2>&1 &
nats_pid=$!
wait_line "Server is ready" "$work/nats.log" || fail_start nats-server "$work/nats.log"
cluster=nats://127.0.0.1:$nats_port

rm -f "$out/show.db" "$out"/ledger-*.txt "$out"/loadgen-*.json
"$tutti" run "$venue" --cluster "$cluster" --listen 127.0.0.1 --port 0 --headless --audio none \
	--journal "$work/show.db" >"$work/core.log" 2>&1 &
core_pid=$!
wait_line "listening on" "$work/core.log" || fail_start "the core" "$work/core.log"
core_port=$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$work/core.log" | head -1)

ports=()
for e in $(seq "$edges"); do
	port=$(free_port)
	"$tutti" edge "$venue" --cluster "$cluster" --listen 127.0.0.1 --port "$port" --name "edge$e" \
		>"$work/edge$e.log" 2>&1 &
	edge_pids+=($!)
	ports+=("$port")
	wait_line "hears its core" "$work/edge$e.log" || fail_start "edge $e" "$work/edge$e.log"
done
port_list=$(IFS=,; echo "${ports[*]}")
echo "cluster: nats $nats_port, core $core_port (pid $core_pid), edges $port_list (pids ${edge_pids[*]})"

# The phones, split over the processes; every process spreads its own over all three edges.
# Each runs on its own seed; all use the 253 loopback sources (at most about 160 phones on one
# address across the venue, under the venue's limit of 1,000).
for k in $(seq 0 $((loadgens - 1))); do
	n=$((phones / loadgens + (k < phones % loadgens ? 1 : 0)))
	m=$((active / loadgens + (k < active % loadgens ? 1 : 0)))
	"$loadgen" --port "$port_list" --probe-port "$core_port" --pid "$core_pid" --label "cluster-$k" \
		--phones "$n" --join-over "$join_over" --active "$m" --rate "$rate" --duration "$duration" \
		--vote-at "$vote_at" --reconnect --sources 253 --seed "$((k + 1))" --timeout "$bound" \
		--ledger "$out/ledger-$k.txt" --json "$out/loadgen-$k.json" >"$work/loadgen-$k.txt" 2>&1 &
	lg_pids+=($!)
done

# The steady phase starts once the phones joined (the core counts them) or the join grace ran out.
started=$SECONDS
until [ "$(metric tutti_participants)" = "$phones" ] || [ $((SECONDS - started)) -gt $((join_over + 30)) ]; do
	sleep 0.5
done
echo "cluster: $(metric tutti_participants) participants at the core after $((SECONDS - started)) s"
if [ "$kill_at" != none ]; then
	sleep "$kill_at"
	victim=0
	victim_phones=$(curl -s --max-time 2 "http://127.0.0.1:${ports[$victim]}/healthz" | sed -n 's/.*"phones":\([0-9]*\).*/\1/p')
	kill -KILL "${edge_pids[$victim]}"
	echo "cluster: edge1 (port ${ports[$victim]}) killed with SIGKILL, holding ${victim_phones:-?} phones"
fi

# The load generators end by themselves (their --timeout bounds them); the script's bound is the same.
for k in "${!lg_pids[@]}"; do
	wait "${lg_pids[$k]}"
	echo "loadgen $k: exit status $?"
	cat "$work/loadgen-$k.txt"
done
lg_pids=()
# The core stopped cleanly closes its journal: everything it acknowledged is on disk.
kill -TERM "$core_pid"
wait "$core_pid"
core_pid=""
cp "$work/show.db" "$out/show.db"
cp "$work"/*.log "$out"/ 2>/dev/null	# the core's and the edges' logs, for a run that failed

python3 - "$out" "$loadgens" "$phones" "$p99_max" "${victim_phones:-0}" "$kill_at" <<'PY'
import json, subprocess, sys
out, loadgens, phones, p99_max, victim_phones = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
killed = sys.argv[6] != "none"
journal = f"{out}/show.db"

def sql(query):
    text = subprocess.run(["sqlite3", "-json", journal, query], check=True, capture_output=True, text=True).stdout
    return json.loads(text) if text.strip() else []

runs = [json.load(open(f"{out}/loadgen-{k}.json")) for k in range(loadgens)]
peak = sum(r["connections"]["joined_peak"] for r in runs)
failed = sum(r["connections"]["failed"] for r in runs)
p99 = max(r["input_to_state"]["p99_ms"] for r in runs)
lost = sum(r["failover"]["lost"] for r in runs)
resumed = sum(r["failover"]["resumed"] for r in runs)
within = sum(r["failover"]["resumed_within_limit"] for r in runs)
new = sum(r["failover"]["new_participants"] for r in runs)
worst_max = max((r["failover"]["max_s"] or 0) for r in runs)

# The ledgers' acknowledged votes, participant -> (poll, choice); each phone votes once.
acked = {}
for k in range(loadgens):
    for line in open(f"{out}/ledger-{k}.txt"):
        f = line.split()
        if len(f) >= 7 and f[1] == "vote":
            acked[f[3]] = int(f[5])
journal_votes = {r["participant"]: r["choice"] for r in sql("SELECT participant, choice FROM vote")}
anonymous = sql("SELECT coalesce(sum(count), 0) AS n FROM anonymous_vote")[0]["n"]
missing = [p for p, c in acked.items() if journal_votes.get(p) != c]
extra = [p for p in journal_votes if p not in acked]
doubles = sql("SELECT participant, a AS poll, count(*) AS n FROM event WHERE kind = 'vote'"
              " GROUP BY participant, a HAVING n > 1")

share = within / lost if lost else 0.0
checks = [
    (peak == phones, f"phones joined at once at the peak: {peak} of {phones}"),
    (failed == 0, f"failed joins: {failed}"),
    (0 <= p99 <= p99_max, f"active phones' input->state p99, the worst process's: {p99:.1f} ms (at most {p99_max:g})"),
    (not missing and not extra and not anonymous,
     f"vote exactness: {len(acked)} acknowledged in the ledgers, {len(journal_votes)} in the journal, "
     f"{len(missing)} acknowledged but not there (or another choice), {len(extra)} there but never acknowledged, "
     f"{anonymous} anonymous"),
    (not doubles, f"double votes in the journal: {len(doubles)}"),
]
if killed:
    checks.append((lost > 0 and share >= 0.95,
     f"killed edge's phones resumed within 10 s: {within} of {lost} lost ({share * 100:.1f} %, at least 95 %); "
     f"the edge held {victim_phones}; resumed at all {resumed}, as new participants {new}, slowest {worst_max:.2f} s"))
else:
    checks.append((lost == 0, f"phones lost with no edge killed: {lost}"))
for ok, what in checks:
    print(("PASS: " if ok else "FAIL: ") + what)
sys.exit(0 if all(ok for ok, _ in checks) else 1)
PY
