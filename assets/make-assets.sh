#!/bin/sh
# Generates every audio asset Tutti ships, with sox, deterministically
# (-R: repeatable noise), so the files are reproducible and need no licence
# beyond the project's own (CC0, see LICENSE.md).
#
#   sh assets/make-assets.sh
#
# Stems: 120 BPM, A minor (Am F C G, one chord a bar), 4 bars = 8 s loops,
# mono, 44.1 kHz (not 48 kHz on purpose: the daemon resamples on load).
# Every segment fades to silence at its end, so each loop meets itself cleanly.
set -eu
cd "$(dirname "$0")"
RATE=44100
BEAT=0.5		# seconds per beat at 120 BPM
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p stems samples

S() { sox -R -q "$@"; }

# One bar per chord: root notes (bass octave) and chord tones (Hz).
ROOTS="110.00 87.31 130.81 98.00"
CHORDS="220.00:261.63:329.63 174.61:220.00:261.63 261.63:329.63:392.00 196.00:246.94:293.66"

# A note of @dur seconds: WAVE FREQ DUR [effects...]; decays to silence by its end.
# (sh has no local variables: each function's names are its own.)
note() { note_out=$1; note_wave=$2; note_freq=$3; note_dur=$4; shift 4
	S -n -r $RATE -c 1 "$note_out" synth "$note_dur" "$note_wave" "$note_freq" "$@" \
		fade 0.005 "$note_dur" 0.04; }
silence() { S -n -r $RATE -c 1 "$1" trim 0 "$2"; }

# ---- drums: kick on every beat, snare on 2 and 4, closed hats on eighths ----
note "$tmp/kick.wav" sine 60-38 $BEAT gain -2
S -n -r $RATE -c 1 "$tmp/snare_n.wav" synth 0.18 noise highpass 1200 fade 0 0.18 0.15 gain -12
S -n -r $RATE -c 1 "$tmp/snare_t.wav" synth 0.18 sine 190 fade 0 0.18 0.15 gain -8
S -m "$tmp/snare_n.wav" "$tmp/snare_t.wav" "$tmp/snare.wav" pad 0 0.32
S -m "$tmp/kick.wav" "$tmp/snare.wav" "$tmp/kick_snare.wav"
S -n -r $RATE -c 1 "$tmp/hat.wav" synth 0.25 noise highpass 7000 fade 0 0.25 0.22 gain -18
S "$tmp/hat.wav" "$tmp/hat.wav" "$tmp/hats_beat.wav"
bar_a="$tmp/kick.wav $tmp/kick_snare.wav $tmp/kick.wav $tmp/kick_snare.wav"
S $bar_a $bar_a $bar_a $bar_a "$tmp/kicks.wav"
set -- ; for i in $(seq 16); do set -- "$@" "$tmp/hats_beat.wav"; done
S "$@" "$tmp/hats.wav"
S -m "$tmp/kicks.wav" "$tmp/hats.wav" "$tmp/drums.wav"
S "$tmp/drums.wav" stems/drums.flac norm -3

# ---- drums-half: half-time variant (kick on 1 and 3, snare on 3), busier hats ----
silence "$tmp/rest.wav" $BEAT
S "$tmp/kick.wav" "$tmp/rest.wav" "$tmp/kick_snare.wav" "$tmp/rest.wav" "$tmp/bar_half.wav"
S "$tmp/bar_half.wav" "$tmp/bar_half.wav" "$tmp/bar_half.wav" "$tmp/bar_half.wav" "$tmp/kicks_half.wav"
S -n -r $RATE -c 1 "$tmp/hat16.wav" synth 0.125 noise highpass 8000 fade 0 0.125 0.11 gain -20
set -- ; for i in $(seq 64); do set -- "$@" "$tmp/hat16.wav"; done
S "$@" "$tmp/hats16.wav"
S -m "$tmp/kicks_half.wav" "$tmp/hats16.wav" stems/drums-half.flac norm -3

# ---- bass: eighth-note root plucks following the chords ----
set --
for r in $ROOTS; do
	note "$tmp/b_$r.wav" sawtooth "$r" 0.25 lowpass 700 gain -6
	for i in $(seq 8); do set -- "$@" "$tmp/b_$r.wav"; done
done
S "$@" stems/bass.flac norm -4

# ---- pad: a sustained chord a bar ----
set --
i=0
for c in $CHORDS; do
	i=$((i + 1))
	f1=${c%%:*}; rest=${c#*:}; f2=${rest%%:*}; f3=${rest#*:}
	S -n -r $RATE -c 3 "$tmp/pad3_$i.wav" synth 2 triangle "$f1" triangle "$f2" triangle "$f3"
	S "$tmp/pad3_$i.wav" -c 1 "$tmp/pad_$i.wav" remix - lowpass 2500 tremolo 0.5 20 fade 0.15 2 0.3 gain -4
	set -- "$@" "$tmp/pad_$i.wav"
done
S "$@" stems/pad.flac norm -6

# ---- arp and lead: chord tones an octave up, two different patterns ----
arp() { arp_out=$1; pattern=$2; wave=$3; set --
	for c in $CHORDS; do
		f1=${c%%:*}; rest=${c#*:}; f2=${rest%%:*}; f3=${rest#*:}
		for k in $pattern; do
			case $k in 1) f=$f1;; 2) f=$f2;; 3) f=$f3;; *) f=$(echo "$f1 * 2" | bc -l);; esac
			f=$(echo "$f * 2" | bc -l)
			note "$tmp/n_${wave}_${k}_${f}.wav" "$wave" "$f" 0.25 gain -8
			set -- "$@" "$tmp/n_${wave}_${k}_${f}.wav"
		done
	done
	S "$@" "$arp_out" norm -5; }
arp stems/arp.flac "1 2 3 4 3 2 1 2" square
arp stems/lead.flac "4 3 4 2 3 1 2 3" sawtooth

# ---- percussion: a shaker on sixteenths, accent on the off-beat ----
S -n -r $RATE -c 1 "$tmp/sh_soft.wav" synth 0.125 noise bandpass 6000 2000h fade 0.01 0.125 0.1 gain -20
S -n -r $RATE -c 1 "$tmp/sh_hard.wav" synth 0.125 noise bandpass 6000 2000h fade 0.01 0.125 0.1 gain -13
set -- ; for i in $(seq 32); do set -- "$@" "$tmp/sh_soft.wav" "$tmp/sh_hard.wav"; done
S "$@" stems/percussion.flac norm -6

# ---- texture: a filtered noise swell over the whole loop ----
S -n -r $RATE -c 1 "$tmp/tex.wav" synth 8 pinknoise lowpass 1800 fade q 3.5 8 3.5 gain -10
S "$tmp/tex.wav" stems/texture.flac norm -9

# ---- chant: a wordless crowd "oh" on the chord roots, vibrato and tremolo ----
set --
for c in $CHORDS; do
	f1=${c%%:*}; rest=${c#*:}; f3=${rest#*:}
	S -n -r $RATE -c 2 "$tmp/ch2_$f1.wav" synth 2 triangle "$f1" triangle "$f3"
	S "$tmp/ch2_$f1.wav" -c 1 "$tmp/ch_$f1.wav" remix - bandpass 600 900h tremolo 5.5 25 fade 0.2 2 0.3 gain -4
	set -- "$@" "$tmp/ch_$f1.wav"
done
S "$@" stems/chant.flac norm -6

# Every loop exactly 8 s (352,800 samples): a loop even one sample short would drift
# against the others over a show.
for f in stems/*.flac; do
	S "$f" "$tmp/exact.flac" pad 0 0.1 trim 0 352800s
	mv "$tmp/exact.flac" "$f"
done

# ---- one-shots ----
S -n -r $RATE -c 1 "$tmp/clap1.wav" synth 0.012 noise bandpass 1500 1200h gain -3
silence "$tmp/gap.wav" 0.008
S -n -r $RATE -c 1 "$tmp/tail.wav" synth 0.2 noise bandpass 1400 1500h fade 0 0.2 0.19 gain -8
S "$tmp/clap1.wav" "$tmp/gap.wav" "$tmp/clap1.wav" "$tmp/gap.wav" "$tmp/clap1.wav" "$tmp/tail.wav" samples/clap.flac norm -3
S -n -r $RATE -c 1 "$tmp/cheer.wav" synth 1.8 pinknoise bandpass 1800 2500h tremolo 9 40 fade q 0.4 1.8 1.0
S "$tmp/cheer.wav" samples/cheer.flac norm -4
S -n -r $RATE -c 3 "$tmp/stab3.wav" synth 0.4 sawtooth 440 sawtooth 523.25 sawtooth 659.25
S "$tmp/stab3.wav" -c 1 samples/stab.flac remix - lowpass 3000 fade 0.003 0.4 0.3 norm -4
i=0
for f in 440.00 523.25 659.25 783.99 880.00 1046.50 1318.51 1567.98; do
	i=$((i + 1))
	S -n -r $RATE -c 1 "$tmp/sting.wav" synth 0.6 sine "$f" sine "$(echo "$f * 2" | bc -l)" remix - fade 0.005 0.6 0.5
	S "$tmp/sting.wav" "samples/sting-$i.flac" norm -6
done
echo "assets: $(ls stems samples | grep -c flac) files, $(du -sh . | cut -f1) in assets/"
