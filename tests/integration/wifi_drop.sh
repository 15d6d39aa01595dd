#!/bin/bash
# Wi-Fi drop: makes a network namespace of its own (a unique name, removed on exit whatever
# happened), brings its loopback up and runs tests/integration/wifi_drop.test.mjs inside it: the
# daemon and 1,000 load-generator phones lose the network for 10 s and must come back as
# themselves, with no vote counted twice. The drop is a qdisc on the namespace's loopback that
# drops every packet: netem's 100 % loss where the kernel has netem, else the blackhole qdisc,
# which drops the same way (silently, both directions: every packet on lo leaves through it once).
# Skips (77) when not root, or when this machine cannot make a namespace or drop its packets.
# Env: TUTTI_BIN, LOADGEN, NODE (default node).
set -u
here=$(cd "$(dirname "$0")" && pwd)
skip() { echo "SKIP: $*"; exit 77; }

[ "$(id -u)" = 0 ] || skip "needs root to make a network namespace (ip netns)"
{ command -v ip command -v ip >/dev/null && command -v tc >/dev/null || skip "iproute2 (ip, tc) is not installed"command -v ip >/dev/null && command -v tc >/dev/null || skip "iproute2 (ip, tc) is not installed" command -v tc; } >/dev/null || skip "iproute2 (ip, tc) is not installed"

# A namespace left by a run that was killed (its shell gone, so its trap never ran): its
# processes ended and its name removed, so it holds nothing of the machine's.
for old in $(ip netns list 2>/dev/null | awk '/^tutti-wifi-[0-9]+-/ {print $1}'); do
	owner=${old#tutti-wifi-}
	owner=${owner%%-*}
	kill -0 "$owner" 2>/dev/null && continue
	for pid in $(ip netns pids "$old" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
	ip netns del "$old" 2>/dev/null
done

ns="tutti-wifi-$$-$RANDOM"
ip netns add "$ns" 2>/dev/null || skip "cannot make a network namespace here (ip netns add)"
cleanup() {
	# Everything still running in it was started by this test.
	for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
	ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
ip -n "$ns" link set lo up || skip "cannot bring up the namespace's loopback"

drop=""
for qdisc in "netem loss 100%" "blackhole"; do
	# shellcheck disable=SC2086 # the qdisc and its options, as words
	if ip netns exec "$ns" tc qdisc add dev lo root $qdisc 2>/dev/null; then
		ip netns exec "$ns" tc qdisc del dev lo root
		drop=$qdisc
		break
	fi
done
[ -n "$drop" ] || skip "this kernel has neither the netem nor the blackhole qdisc"

# In the background, so that a signal to this shell runs its traps at once rather than after node.
TUTTI_NETNS="$ns" TUTTI_DROP_QDISC="$drop" ip netns exec "$ns" "${NODE:-node}" --test --test-reporter=spec \
	"$here/wifi_drop.test.mjs" &
wait $!
