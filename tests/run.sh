#!/usr/bin/env bash
# Runs the whole test suite against one build directory (default: build):
# every unit test binary, every tests/e2e/*.sh, and the reader tests. Each
# part ends with an "N passed, N failed" line; this adds them up.
set -u
BUILD=${1:-build}
# Every end-to-end script runs under a time limit (seconds; 0 = none) so
# that a test that hangs fails with its log instead of eating CI's time.
LIMIT=${CF_TEST_TIMEOUT:-900}
cd "$(dirname "$0")/.."
export CF_BUILD=$BUILD
passed=0 failed=0 skipped=0
tally() { # tally NAME LOGFILE STATUS
    local line p f s
    line=$(tr '\r' '\n' <"$2" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
    if [ -z "$line" ]; then
        echo "  $1: no result line (exit $3)"; failed=$((failed + 1)); return
    fi
    p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
    s=$(echo "$line" | sed -nE 's/.*, ([0-9]+) skipped.*/\1/p')
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + ${s:-0}))
    if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi
    printf '  %-40s %s (exit %s)\n' "$1" "$line" "$3"
}
log=$(mktemp -d)
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    n=$(basename "$t")
    "$t" >"$log/$n" 2>&1; st=$?
    tally "$n" "$log/$n" $st
    [ $st -ne 0 ] && tail -20 "$log/$n"
done
for t in tests/e2e/*.sh; do
    [ "$(basename "$t")" = common.sh ] && continue
    [ -f "$t" ] || continue
    n=$(basename "$t" .sh)
    t0=$SECONDS
    # A script may ask for a shorter limit: a line "# time limit: N s".
    lim=$(sed -nE 's/^# time limit: ([0-9]+) s.*/\1/p' "$t" | head -1)
    [ -n "$lim" ] && [ "$LIMIT" -gt 0 ] && [ "$lim" -lt "$LIMIT" ] || lim=$LIMIT
    if [ "$lim" -gt 0 ]; then
        timeout -k 20 "$lim" bash "$t" >"$log/$n" 2>&1; st=$?
        [ $st -eq 124 ] || [ $st -eq 137 ] && echo "TIMED OUT: $n did not finish within $lim s" >>"$log/$n"
    else
        bash "$t" >"$log/$n" 2>&1; st=$?
    fi
    tally "$n ($((SECONDS - t0)) s)" "$log/$n" $st
    [ $st -ne 0 ] && tail -30 "$log/$n"
done
rm -rf "$log"
echo "suite: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
