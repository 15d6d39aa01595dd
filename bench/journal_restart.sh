#!/bin/bash
# The journal's restart with a full house (bench/README.md): builds a journal holding 15,000
# participants (bench/venue-load.json; the load generator's phones join over 30 s from 253
# loopback addresses and stay, pinging, as in the idle-hold scenario), kills the daemon with
# SIGKILL, starts it again on that journal and port, and measures from that start: the
# journal's replay ("journal: resumed the show" in the log), "listening on", /healthz answering
# "ok", and the phones' resumed welcomes, the first and the last (from the loadgens' ledgers).
# Loopback only; every wait is bounded; the daemon, the loadgens and the files go at the end.
#
# The phones are spread over LOADGENS processes: libwebsockets 4.1 keeps a thread's pending
# timeouts in one sorted list, walked from its head at every insert, so one process holding
# 15,000 phones that reconnect at once spends its core there and would be measured instead of
# the daemon (real phones each have their own stack).
#
#   bash bench/journal_restart.sh
#
# Env: BUILD (default build), PHONES (default 15000), JOIN_OVER (seconds, default 30),
# LOADGENS (default 4), ALL_BACK (1: fail unless every phone resumed within the 120 s; the CI
# smoke run sets it, with fewer phones).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${BUILD:-$root/build}
phones=${PHONES:-15000}
join_over=${JOIN_OVER:-30}
loadgens=${LOADGENS:-4}
work=$(mktemp -d)
journal=$work/show.db
daemon_pid=""
loadgen_pids=()

cleanup() {
	for pid in "${loadgen_pids[@]}"; do
		kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	[ -n "$daemon_pid" ] && kill -KILL "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	echo "journal_restart: FAILED: $*"
	echo "the ledgers: $(ledgers | awk '{ k = $2; if (k == "welcome") k = k " " $NF; n[k]++ }
		END { for (k in n) printf "%s %d, ", k, n[k] }')"
	[ ${#loadgen_pids[@]} -gt 0 ] && kill -TERM "${loadgen_pids[@]}" && wait "${loadgen_pids[@]}"
	loadgen_pids=()
	tail -n 5 "$work"/tutti-*.log "$work"/loadgen-*.log
	exit 1
}
now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }

# Each line of the standard input with the wall-clock time it came at in front.
stamp() {
	local line
	while IFS= read -r line; do
		printf '%s %s\n' "$EPOCHREALTIME" "$line"
	done
}

# Starts the daemon on the journal (port $1, 0: any), its log ($work/tutti-$2.log) stamped as it
# comes; its standard output line-buffered (a pipe would hold "listening on" back otherwise).
start_daemon() {
	stdbuf -oL "$build/controller/tutti" run "$root/bench/venue-load.json" --journal "$journal" \
		--listen 127.0.0.1 --port "$1" --headless --audio none > >(stamp >"$work/tutti-$2.log") 2>&1 &
	daemon_pid=$!
}

# Waits up to $1 seconds for the command in the rest of the arguments to succeed, trying every
# $2 seconds: /healthz every 10 ms, the ledger (read whole) every 100 ms so as to leave the
# cores to the daemon and the phones.
wait_for() {
	local until=$(( SECONDS + $1 )) every=$2
	shift 2
	until "$@"; do
		[ "$SECONDS" -lt "$until" ] || return 1
		sleep "$every"
	done
}
# Every loadgen's ledger, one after the other.
ledgers() { cat "$work"/ledger-*.txt 2>/dev/null; }
ledger_has() { [ "$(ledgers | grep -c " $1")" -ge "$2" ]; }
healthy() { curl -sf --max-time 1 "http://127.0.0.1:$port/healthz" | grep -q '"status":"ok"'; }
# The wall-clock time of the first log line of run $1 that holds $2.
log_time() { grep -m1 "$2" "$work/tutti-$1.log" | cut -d' ' -f1; }

# 1. The show: every phone joins; the welcomes are in the ledgers.
start_daemon 0 first
wait_for 10 0.1 grep -qs "listening on" "$work/tutti-first.log" || fail "the daemon did not start"
port=$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$work/tutti-first.log" | head -1)
for i in $(seq "$loadgens"); do
	"$build/bench/loadgen" --port "$port" --phones $(( phones / loadgens )) --join-over "$join_over" \
		--reconnect --ledger "$work/ledger-$i.txt" --seed "$i" --duration 3600 \
		--timeout $(( join_over + 600 )) --label "restart-$i" >"$work/loadgen-$i.log" 2>&1 &
	loadgen_pids+=($!)
done
phones=$(( phones / loadgens * loadgens ))
wait_for $(( join_over + 150 )) 0.1 ledger_has "welcome [0-9]* [^ ]* [^ ]* new" "$phones" ||
	fail "not every phone joined"

# 2. The crash, with every phone connected.
kill -KILL "$daemon_pid"
wait "$daemon_pid" 2>/dev/null
daemon_pid=""
size=$(du -sk "$work" | cut -f1)
resumed_before=$(ledgers | grep -c " welcome [0-9]* [^ ]* [^ ]* resumed")

# 3. The restart on the same journal and port.
t0=$(now)
start_daemon "$port" restart
wait_for 60 0.01 healthy || fail "/healthz did not answer ok within 60 s"
t_healthy=$(now)
# Slow is a figure, not a failure: whoever is back within 120 s is counted.
wait_for 120 0.1 ledger_has "welcome [0-9]* [^ ]* [^ ]* resumed" $(( resumed_before + phones ))
resumed_times=$(ledgers | awk -v t0="$t0" '$2 == "welcome" && $6 == "resumed" && $1 >= t0 { print $1 }' | sort -n)
t_first=$(echo "$resumed_times" | head -1)
t_last=$(echo "$resumed_times" | tail -1)
back=$(echo "$resumed_times" | grep -c .)
t_replayed=$(log_time restart "journal: resumed the show")
t_listening=$(log_time restart "listening on")
kill -TERM "${loadgen_pids[@]}"
wait "${loadgen_pids[@]}"
loadgen_pids=()
events=$(sqlite3 -cmd ".timeout 5000" "$journal" "SELECT count(*) FROM event")
failed=$(sed -n 's/.*resumes attempted [0-9]* resumed [0-9]* failed \([0-9]*\).*/\1/p' "$work"/loadgen-*.log |
	awk '{ n += $1 } END { print NR ? n : "?" }')

echo "journal_restart: $phones participants, journal $(( size / 1024 )) MB ($events events);" \
	"from the start: replayed in $(ms "$t0" "$t_replayed") ms, listening in $(ms "$t0" "$t_listening") ms," \
	"healthy in $(ms "$t0" "$t_healthy") ms, first resumed welcome in $(ms "$t0" "$t_first") ms," \
	"$back of $phones resumed, the last in $(ms "$t0" "$t_last") ms; failed resumes $failed ($loadgens loadgens)"
# Where the start went: the restarted daemon's log up to "listening on", each line's time from the start.
awk -v t0="$t0" '{ printf "  +%5.0f ms  ", ($1 - t0) * 1000; $1 = ""; print substr($0, 2) } /listening on/ { exit }' \
	"$work/tutti-restart.log"
[ "$failed" = 0 ] || fail "phones came back as new participants"
[ "${ALL_BACK:-0}" != 1 ] || [ "$back" -ge "$phones" ] || fail "only $back of $phones phones resumed within 120 s"
