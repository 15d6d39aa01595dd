#!/bin/sh
# Tutti set-up: installs the Debian packages and the npm test tools the
# project needs. Idempotent: it installs only what is missing, so `make demo`
# and `make test` can call it every time. Uses sudo when not run as root.
set -eu
cd "$(dirname "$0")"

# Build, the daemon's libraries, and what the tests drive for real
# (Chromium for the phone page, openssl to make a TLS certificate, a JACK
# server whose dummy driver stands in for a sound card, sox for the assets,
# Xvfb and ImageMagick to open and screenshot the real stage window, iproute2's ip and tc to
# drop the network under a crowd in a namespace of its own, NATS for edges beyond one process,
# OpenGL ES with Mesa's software rasteriser for the stage screen's GPU path where there is no GPU).
PACKAGES="build-essential cmake pkg-config git ca-certificates
  libwebsockets-dev libuv1-dev libssl-dev libsqlite3-dev sqlite3 libjansson-dev libqrencode-dev check
  portaudio19-dev libsndfile1-dev libsamplerate0-dev libaubio-dev libkissfft-dev libebur128-dev
  libsdl2-dev libsdl2-ttf-dev libfribidi-dev libpng-dev libsodium-dev liblo-dev
  jackd2 libjack-jackd2-dev sox xvfb xauth imagemagick liblo-tools ola python3
  nodejs npm chromium openssl curl zbar-tools iproute2
  clang-14 libclang-rt-14-dev valgrind nats-server libnats-dev
  libgles-dev libegl-dev libegl-mesa0 libgl1-mesa-dri"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
# nodejs/npm may come from outside Debian (a newer node on PATH is fine).
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	missing=$(printf '%s\n' $missing | grep -vx -e nodejs -e npm | tr '\n' ' ' || true)
fi

if [ -n "$(echo "$missing" | tr -d ' ')" ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	echo "setup: installing Debian packages:$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

# npm tools for the integration and browser tests, pinned by tests/package-lock.json.
# Never downloads a browser: the tests use Debian's /usr/bin/chromium.
stamp=tests/node_modules/.tutti-stamp
if [ ! -f "$stamp" ] || [ tests/package-lock.json -nt "$stamp" ]; then
	echo "setup: installing npm test tools (tests/package-lock.json)"
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix tests --no-audit --no-fund --loglevel=error
	touch "$stamp"
fi
