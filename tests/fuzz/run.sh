#!/bin/bash
# `make fuzz`: each libFuzzer target for a set time (docs/security.md, "Fuzzing"), from its
# seed corpus (tests/fuzz/corpus/NAME) and dictionary, into a working corpus in the build
# folder; then prints one line per target: executions, coverage, new inputs, crashes.
# A crash, leak, hang (over 30 s on one input: generous, for a shared machine) or sanitizer
# report is saved in BUILD/fuzz-artifacts/NAME/ (replay it: BUILD/tests/fuzz/fuzz_NAME FILE)
# and fails the run.
#
#   bash tests/fuzz/run.sh BUILD SECONDS [NAME...]
set -uo pipefail
build=${1:?build folder}
seconds=${2:?seconds per target}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(phone console config osc crowdtext cluster isf)
failed=0
for t in "${targets[@]}"; do
	bin="$build/tests/fuzz/fuzz_$t"
	work="$build/fuzz-corpus/$t"
	artifacts="$build/fuzz-artifacts/$t"
	mkdir -p "$work" "$artifacts"
	dict=()
	[ -f "$here/$t.dict" ] && dict=(-dict="$here/$t.dict")
	seeds=()	# the ISF target starts from the scenes the project ships too
	[ "$t" = isf ] && seeds=("$here/../../assets/scenes")
	log="$build/fuzz-$t.log"
	"$bin" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$artifacts/" "${dict[@]}" "$work" "$here/corpus/$t" "${seeds[@]}" >"$log" 2>&1
	status=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	crashes=$(find "$artifacts" -type f | wc -l)
	echo "fuzz_$t: ${seconds} s, ${runs:-?} executions, coverage ${cov:-?} edges (${ft:-?} features)," \
		"corpus $(ls "$work" | wc -l) inputs, crashes $crashes (exit $status)"
	if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ]; then
		failed=1
		grep -m5 -E "ERROR|SUMMARY|runtime error" "$log"
	fi
done
exit $failed
