#!/usr/bin/env bash
# The Python package (python/): installed into a venv under the build
# directory and its pytest suite run (python/tests/run.sh); pytest's counts
# become this script's result line.
. "$(dirname "$0")/common.sh"
# The extension needs these of the public API; say so plainly while the
# library lacks one (rather than fail at import).
for sym in cf_sink_callback cf_run cf_convert_inputs cf_source_open_merged cf_reader_open cf_reader_next; do
    if ! nm "$B/libcustomflow.a" 2>/dev/null | grep -q " T $sym\$"; then
        skip "libcustomflow has no $sym yet: the Python package was not built or tested"
        finish; exit
    fi
done
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
