#!/bin/bash
# DMX lights through OLA, end to end: olad (Debian's `ola`) with only its
# OSC plugin, listening on a free UDP port, its input port patched to
# universe 1; the real `tutti run` on the shipped venue-configs/ola-lights.json
# (only the ports changed) with a simulated crowd. The DMX values OLA
# holds for universe 1 (its HTTP API) must follow the crowd: channel 1, the
# dimmer, well above its floor once the crowd is active.
set -euo pipefail

TUTTI_BIN=${TUTTI_BIN:?set TUTTI_BIN to the tutti binary}
TUTTI_SOURCE_DIR=${TUTTI_SOURCE_DIR:?set TUTTI_SOURCE_DIR}
work=$(mktemp -d)
olad_pid=""
tutti_pid=""
cleanup() {
	[ -n "$tutti_pid" ] && kill -TERM "$tutti_pid" 2>/dev/null && wait "$tutti_pid" 2>/dev/null || true
	# olad may run under su: find it by its own config folder, unique to this run, and wait
	# until it has written its config on the way out before removing the folder.
	pkill -TERM -f "olad -c $work/ola " 2>/dev/null || true
	for _ in $(seq 30); do pgrep -f "olad -c $work/ola " >/dev/null || break; sleep 0.1; done
	[ -n "$olad_pid" ] && wait "$olad_pid" 2>/dev/null || true
	rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
osc_port=$(free_port); rpc_port=$(free_port); http_port=$(free_port)

# Only the OSC plugin: the others would bind Art-Net, sACN and friends on the network.
conf="$work/ola"
mkdir -p "$conf"
for p in artnet dummy e131 espnet ftdidmx gpio karate kinet milinst opendmx openpixelcontrol pathport renard sandnet shownet spi stageprofi uartdmx usbdmx usbpro nanoleaf dmx4linux; do
	echo "enabled = false" >"$conf/ola-$p.conf"
done
cat >"$conf/ola-osc.conf" <<CONF
enabled = true
input_ports = 1
output_ports = 0
port_0_address = /dmx/universe/%d
udp_listen_port = $osc_port
CONF
olad_cmd="olad -c $conf -r $rpc_port -p $http_port -l 1"
if [ "$(id -u)" -eq 0 ]; then
	chmod 755 "$work"
	chown -R olad "$conf"	# olad refuses to run as root
	su -s /bin/sh olad -c "$olad_cmd" >"$work/olad.log" 2>&1 &
else
	$olad_cmd >"$work/olad.log" 2>&1 &
fi
olad_pid=$!
for _ in $(seq 50); do curl -s --max-time 1 "http://127.0.0.1:$http_port/json/universe_plugin_list" >/dev/null && break; sleep 0.2; done
# Patch the OSC device's input port 0 to universe 1 through olad's own HTTP API. Its web server
# answers before its plugins have loaded (an empty reply, on a busy machine): ask again, bounded.
osc_input_port() {
	curl -s --max-time 1 "http://127.0.0.1:$http_port/json/get_ports" | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    if "OSC" in p.get("device", "") and not p.get("is_output", True):
        print(p["id"]); break' 2>/dev/null
}
dev=""
for _ in $(seq 50); do dev=$(osc_input_port) && [ -n "$dev" ] && break; sleep 0.2; done
[ -n "$dev" ] || { echo "FAIL: olad has no OSC input port"; cat "$work/olad.log"; exit 1; }
curl -s -X POST -d "id=1&name=Tutti&merge_mode=LTP&add_ports=$dev" "http://127.0.0.1:$http_port/new_universe" >/dev/null

sed "s/\"port\": 7770/\"port\": $osc_port/; s/\"port\": 8080/\"port\": 0/; s/\"address\": \"0.0.0.0\"/\"address\": \"127.0.0.1\"/" \
	"$TUTTI_SOURCE_DIR/venue-configs/ola-lights.json" >"$work/venue.json"
"$TUTTI_BIN" run "$work/venue.json" --headless --audio none --simulate 60 >"$work/tutti.log" 2>&1 &
tutti_pid=$!
for _ in $(seq 50); do grep -q "listening on" "$work/tutti.log" && break; sleep 0.2; done
url=$(grep -o 'listening on [^ ]*' "$work/tutti.log" | cut -d' ' -f3)
dmx() { curl -s "http://127.0.0.1:$http_port/get_dmx?u=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["dmx"][int(sys.argv[1])])' "$1"; }
status=1
# The doors cue maps the crowd's active share onto 0.1..0.6 of the dimmer: an empty room would
# sit at the floor (25 of 255); the simulated crowd, mostly active, must lift it well above.
for _ in $(seq 50); do v=$(dmx 0 2>/dev/null || echo 0); [ "${v:-0}" -gt 60 ] && { status=0; break; }; sleep 0.2; done
echo "universe 1 channel 1 (doors dimmer, the simulated crowd's active share) = ${v:-none} of 255"
[ $status -eq 0 ] && echo "1 passed, 0 failed" || { echo "0 passed, 1 failed"; tail -20 "$work/olad.log"; cat "$work/tutti.log"; }
exit $status
