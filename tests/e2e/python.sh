#!/usr/bin/env bash
# The Python package (python/): installed into a venv under the build
# directory and its pytest suite run (python/tests/run.sh); pytest's counts
# become this script's result line.
. "$(dirname "$0")/common.sh"
out=$(python/tests/run.sh "$B" 2>&1)
st=$?
if [ $st -ne 0 ]; then
    echo "$out" | tail -60
else
    echo "$out" | grep -E '^SKIPPED' || true
fi
line=$(echo "$out" | grep -E '^=* ?[0-9]+ (passed|failed)|(passed|failed|error).* in [0-9.]+s' | tail -1)
echo "pytest: ${line:-no summary line}"
n() { echo "$line" | grep -oE "[0-9]+ $1" | grep -oE '[0-9]+' || echo 0; }
T_PASS=$(n passed)
T_FAIL=$(($(n failed) + $(n error)))
T_SKIP=$(n skipped)
if [ -z "$line" ]; then
    fail "no pytest summary line"
elif [ $st -ne 0 ] && [ "$T_FAIL" -eq 0 ]; then
    fail "pytest exited $st"
fi
finish
