#!/bin/bash
# `tutti rehearse` and `tutti replay` through the real binary, on a short show
# (a title cue, a crowd field the operator calls at 5 s, a poll), 60 simulated
# phones, real stems, small stills. Proves:
#   - the same venue, seed and run sheet give byte-identical WAV and stills, and
#     the same journal but for its wall-clock fields (docs/journal.md, "Ticks");
#   - another seed gives another crowd and another sound;
#   - the run sheet's cue.go at 5 s is in the journal at 5 s (within a tick), and
#     in the stills: the one at 4 s shows the title, the one at 6 s the field;
#   - the journal holds a loudness row each second, beside the metrics, with plausible values;
#   - replaying the rehearsal's journal gives its WAV again, byte for byte;
#   - a malformed run sheet is refused with each bad line's number, before any
#     output is touched; a missing journal is named; a show's journal where the
#     rehearsal would write its own is left alone.
set -uo pipefail

TUTTI_BIN=${TUTTI_BIN:?set TUTTI_BIN to the tutti binary}
TUTTI_SOURCE_DIR=${TUTTI_SOURCE_DIR:?set TUTTI_SOURCE_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

stems="$TUTTI_SOURCE_DIR/assets/stems"
cat >"$work/venue.json" <<JSON
{ "name": "Rehearsal test", "capacity": 200,
  "cues": [
    { "id": "hello", "title": "Good evening", "scene": "title", "controls": ["tap"],
      "audio": { "stems": [ { "id": "pad", "file": "$stems/pad.flac" } ],
                 "mappings": [ { "source": "taps_per_s", "target": "filter_cutoff", "from": [0, 60],
                                 "to": [300, 12000] } ] } },
    { "id": "field", "title": "Tap along", "scene": "crowd-field", "controls": ["tap", "xy"],
      "audio": { "crossfade_s": 1, "stems": [ { "id": "pad", "file": "$stems/pad.flac" },
                                              { "id": "drums", "file": "$stems/drums.flac" } ],
                 "mappings": [ { "source": "x_median", "target": "delay_mix", "to": [0, 0.6] },
                               { "source": "taps_per_s", "target": "stem_gain:drums", "from": [0, 60],
                                 "to": [-30, 0] } ] } },
    { "id": "vote", "scene": "poll", "controls": ["vote"],
      "poll": { "id": "song", "question": "Which song?", "options": ["Anthem", "Ballad", "Encore"],
                "duration_s": 4 } } ] }
JSON
cat >"$work/sheet.txt" <<'SHEET'
# The operator: the field at 5 s, the vote at 0:10.
5     {"cmd":"cue.go"}
0:10  {"cmd":"cue.go","expect_cue":"field"}
SHEET

rehearse() {	# rehearse OUT SEED
	"$TUTTI_BIN" rehearse "$work/venue.json" --crowd 60 --seed "$2" --duration 16 --run-sheet "$work/sheet.txt" \
		--stage-size 320x180 --out "$work/$1" >"$work/$1.log" 2>&1
}
# The journal, every table, but the wall-clock fields docs/journal.md lists.
journal_dump() {
	sqlite3 "$1" "SELECT seq, t, tick, kind, participant, a, b, x, CASE WHEN kind = 'metrics' THEN NULL ELSE y END, text
			FROM event ORDER BY seq;
		      SELECT * FROM participant ORDER BY id; SELECT * FROM vote ORDER BY participant, poll;
		      SELECT * FROM anonymous_vote ORDER BY poll, choice;
		      SELECT config_sha256, config, venue, last_t, purged_unix, config_path FROM show"
}

rehearse a 7 || { cat "$work/a.log"; fail "the rehearsal failed"; }
rehearse b 7 || { cat "$work/b.log"; fail "the second rehearsal failed"; }
rehearse c 8 || { cat "$work/c.log"; fail "the rehearsal with another seed failed"; }

for d in a b c; do
	[ -s "$work/$d/show.wav" ] && [ -s "$work/$d/show.db" ] && [ -s "$work/$d/frames/00015.000.png" ] ||
		fail "$d: show.wav, show.db or the stills are missing"
done
frames=$(ls "$work/a/frames" | wc -l)
[ "$frames" -eq 16 ] && pass "16 s of show, a still every second: $frames stills" || fail "$frames stills, expected 16"

# Same seed, same bytes.
if cmp -s "$work/a/show.wav" "$work/b/show.wav"; then pass "same seed: the WAVs are byte-identical"; else
	fail "same seed: the WAVs differ"; fi
differing=0
for f in "$work"/a/frames/*.png; do cmp -s "$f" "$work/b/frames/$(basename "$f")" || differing=$((differing + 1)); done
[ $differing -eq 0 ] && pass "same seed: every still is byte-identical" || fail "same seed: $differing stills differ"
if diff <(journal_dump "$work/a/show.db") <(journal_dump "$work/b/show.db") >"$work/journal.diff"; then
	pass "same seed: the journals are the same but for the wall clock ($(sqlite3 "$work/a/show.db" \
		'SELECT count(*) FROM event') events)"
else
	fail "same seed: the journals differ:"; head -5 "$work/journal.diff"
fi

# Loudness: a row a second beside the metrics, measured from the rendered audio: from 4 s (the
# short-term window full) to the vote at 10 s the stems play at a plausible level, never above the
# ceiling; the vote has no sound, so by 15 s the last 400 ms are silence (NULL).
loud=$(sqlite3 "$work/a/show.db" "SELECT count(*) FROM event WHERE kind = 'loudness'")
metric_rows=$(sqlite3 "$work/a/show.db" "SELECT count(*) FROM event WHERE kind = 'metrics'")
[ "${loud:-0}" -ge 15 ] && [ "$loud" = "$metric_rows" ] && pass "a loudness row each second: $loud rows" ||
	fail "${loud:-0} loudness rows for $metric_rows metrics rows"
spacing=$(sqlite3 "$work/a/show.db" "SELECT count(*) FROM (SELECT t - lag(t) OVER (ORDER BY seq) AS dt
	FROM event WHERE kind = 'loudness') WHERE dt IS NOT NULL AND abs(dt - 1) > 1.0 / 60")
[ "$spacing" = 0 ] && pass "the loudness rows are a second apart" || fail "$spacing loudness rows are not a second apart"
implausible=$(sqlite3 "$work/a/show.db" "SELECT count(*) FROM event WHERE kind = 'loudness' AND t BETWEEN 4 AND 10 AND NOT coalesce(
	x BETWEEN -50 AND 0 AND y BETWEEN -60 AND 0
	AND json_extract(text, '$.integrated') BETWEEN -50 AND 0
	AND json_extract(text, '$.true_peak') BETWEEN -50 AND 0.5
	AND json_extract(text, '$.lra') >= 0 AND json_extract(text, '$.limiter_gr_db') >= 0, 0)")
sample=$(sqlite3 "$work/a/show.db" "SELECT printf('%.1f', x) || ' LUFS short-term, ' || text FROM event
	WHERE kind = 'loudness' AND t >= 8 ORDER BY seq LIMIT 1")
[ "$implausible" = 0 ] && [ -n "$sample" ] && pass "plausible loudness while the stems play: $sample" ||
	fail "$implausible implausible loudness rows from 4 to 10 s (e.g. $sample)"
silent=$(sqlite3 "$work/a/show.db" "SELECT quote(y) FROM event WHERE kind = 'loudness' AND t = 15")
[ "$silent" = NULL ] && pass "silence after the music: the momentary loudness is NULL" ||
	fail "the momentary loudness at 15 s, after the music, is '$silent'"

# Another seed: another crowd, another sound.
cmp -s "$work/a/show.wav" "$work/c/show.wav" && fail "another seed: the same WAV" || pass "another seed: another WAV"
if [ "$(sqlite3 "$work/a/show.db" "SELECT group_concat(id) FROM participant")" != \
	"$(sqlite3 "$work/c/show.db" "SELECT group_concat(id) FROM participant")" ]; then
	pass "another seed: another crowd"
else
	fail "another seed: the same participants"
fi

# The run sheet's GO at 5 s: in the journal at 5 s (a tick is 1/60 s), and on the stage.
cue_t=$(sqlite3 "$work/a/show.db" "SELECT t FROM event WHERE kind = 'cue' AND text = 'field'")
if awk -v t="${cue_t:-0}" 'BEGIN { exit !(t >= 5 - 1/60 && t <= 5 + 1/60) }'; then
	pass "the run sheet's cue.go at 5 s: the journal's cue event is at $cue_t s"
else
	fail "the run sheet's cue.go at 5 s: the journal's cue event is at '${cue_t}'"
fi
console=$(sqlite3 "$work/a/show.db" "SELECT t, a, b FROM event WHERE kind = 'console' ORDER BY seq LIMIT 1")
[ "$console" = "5.0|2|1" ] && pass "the command is journaled as the operator's, accepted" ||
	fail "the command's journal row is '$console'"
# The stage moves even on a title (its background drifts with the music): count the pixels that
# changed by more than a tenth, few across the title's second, most across the GO.
changed() { /usr/bin/compare -metric AE -fuzz 10% "$1" "$2" null: 2>&1 | cut -d' ' -f1; }
title_moved=$(changed "$work/a/frames/00003.000.png" "$work/a/frames/00004.000.png")
go_moved=$(changed "$work/a/frames/00004.000.png" "$work/a/frames/00006.000.png")
if [ "${title_moved:-999999}" -lt 3000 ] && [ "${go_moved:-0}" -gt 10000 ]; then
	pass "the stills: the title until the GO, the crowd field after it"
else
	fail "the stills do not change at the GO (pixels changed: $title_moved before it, $go_moved across it)"
fi
votes=$(sqlite3 "$work/a/show.db" "SELECT count(*) FROM vote")
[ "${votes:-0}" -gt 10 ] && pass "the simulated crowd voted: $votes votes" || fail "only ${votes:-0} votes"

# Replaying the rehearsal's journal gives its WAV again.
if "$TUTTI_BIN" replay "$work/a/show.db" --stage-size 320x180 --out "$work/replay" >"$work/replay.log" 2>&1; then
	if cmp -s "$work/a/show.wav" "$work/replay/show.wav"; then
		pass "the replay of the rehearsal's journal gives its WAV, byte for byte"
	else
		fail "the replay's WAV differs from the rehearsal's"
	fi
	grep -q "not taken" "$work/replay.log" && { fail "the replay refused events:"; grep "not taken" "$work/replay.log"; }
else
	cat "$work/replay.log"; fail "the replay failed"
fi

# Bad input: every bad line named, nothing written; a missing journal named.
printf '1 {"cmd":"cue.go"}\nsoon {"cmd":"cue.go"}\n3 {"cmd":"cue.goo"}\n4 cue.go\n' >"$work/bad.txt"
"$TUTTI_BIN" rehearse "$work/venue.json" --duration 5 --run-sheet "$work/bad.txt" --out "$work/bad" \
	>"$work/bad.log" 2>&1
status=$?
if [ $status -eq 2 ] && grep -q "bad.txt:2: 'soon' is not a show time" "$work/bad.log" &&
	grep -q 'bad.txt:3: unknown console command "cue.goo"; did you mean "cue.go"?' "$work/bad.log" &&
	grep -q "bad.txt:4: not JSON" "$work/bad.log" && [ ! -e "$work/bad" ]; then
	pass "a bad run sheet: status 2, each bad line named, nothing written"
else
	cat "$work/bad.log"; fail "a bad run sheet (status $status)"
fi
"$TUTTI_BIN" replay "$work/nothing.db" --out "$work/none" >"$work/none.log" 2>&1
status=$?
if [ $status -eq 2 ] && grep -q "nothing.db: cannot read the show's journal" "$work/none.log"; then
	pass "a missing journal: status 2, named"
else
	cat "$work/none.log"; fail "a missing journal (status $status)"
fi

mkdir "$work/live"
cp "$work/a/show.db" "$work/live/show.db"
sqlite3 "$work/live/show.db" "UPDATE show SET rehearsal = 0"	# as `tutti run --journal` writes it
before=$(md5sum <"$work/live/show.db")
"$TUTTI_BIN" rehearse "$work/venue.json" --duration 2 --out "$work/live" >"$work/live.log" 2>&1
status=$?
if [ $status -eq 1 ] && [ "$(md5sum <"$work/live/show.db")" = "$before" ] && [ ! -e "$work/live/show.wav" ] &&
	grep -q "is not a rehearsal's journal" "$work/live.log"; then
	pass "a show's journal in the folder: left alone, nothing written, status 1"
else
	cat "$work/live.log"; fail "a show's journal in the folder (status $status)"
fi

if [ $failures -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; exit 1; fi
