#!/bin/bash
# The module map in docs/architecture.md against `ls controller/`: every module there (a .c/.h
# stem) is named in the map's table, and every module the table names exists. Fails with the
# difference, so the map cannot silently go stale.
set -euo pipefail
root=${TUTTI_SOURCE_DIR:?set TUTTI_SOURCE_DIR}
in_tree=$(ls "$root/controller" | sed -n 's/\.[ch]$//p' | sort -u)
# Module names are the backticked words of the table's first column.
in_map=$(sed -n '/^## Modules/,/^## /p' "$root/docs/architecture.md" | grep '^| `' |
	cut -d'|' -f2 | grep -o '`[a-z_0-9]*`' | tr -d '`' | sort -u)
missing=$(comm -23 <(echo "$in_tree") <(echo "$in_map"))
stale=$(comm -13 <(echo "$in_tree") <(echo "$in_map"))
status=0
[ -z "$missing" ] || { echo "FAIL: in controller/ but not in docs/architecture.md: $missing"; status=1; }
[ -z "$stale" ] || { echo "FAIL: in docs/architecture.md but not in controller/: $stale"; status=1; }
if [ $status -eq 0 ]; then echo "ok: $(echo "$in_tree" | wc -l) modules, map and tree agree"; echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $status
