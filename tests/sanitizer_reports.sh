#!/bin/bash
# The sanitizer reports of a sanitized build's test run (tests/CMakeLists.txt): every
# sanitized process a test starts writes its AddressSanitizer, LeakSanitizer or
# UndefinedBehaviorSanitizer report to DIR/TEST.PID instead of stderr.
#   sanitizer_reports.sh clear DIR   before the first test: an empty DIR
#   sanitizer_reports.sh check DIR   after the last: fails, showing each report, if any was written
set -euo pipefail
mode=${1:?clear or check}
dir=${2:?the reports folder}
case $mode in
clear)
	rm -rf "$dir"
	mkdir -p "$dir"
	;;
check)
	shopt -s nullglob
	reports=("$dir"/*)
	if [ ${#reports[@]} -eq 0 ]; then
		echo "no sanitizer report in $dir"
		exit 0
	fi
	for r in "${reports[@]}"; do
		echo "==== $(basename "$r") (the test's name, then the process id)"
		cat "$r"
	done
	echo "FAIL: ${#reports[@]} sanitizer report(s), above"
	exit 1
	;;
*)
	echo "usage: $0 clear|check DIR" >&2
	exit 2
	;;
esac
