#!/usr/bin/env bash
# Our Parquet files must read back identically in three independent readers
# (DuckDB, hyparquet, parquet-wasm/arrow): pq_cases writes every case with
# its expected schema and rows, compare.mjs checks each (case, reader), and
# stats.mjs checks the footer's min/max/null-count statistics via DuckDB.
# Needs node and `npm ci --prefix tests/readers`; skips (loudly) without them.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
BUILD=${CF_BUILD:-build}
TOOL=$BUILD/tests/tools/pq_cases
READERS=tests/readers

if ! command -v node >/dev/null 2>&1; then
    skip "parquet_readers: node is not installed"
    finish; exit $?
fi
if [ ! -d "$READERS/node_modules/@duckdb/node-api" ] || [ ! -d "$READERS/node_modules/hyparquet" ] ||
    [ ! -d "$READERS/node_modules/parquet-wasm" ]; then
    skip "parquet_readers: $READERS/node_modules missing (run: npm ci --prefix $READERS)"
    finish; exit $?
fi
if [ ! -x "$TOOL" ]; then
    fail "parquet_readers: $TOOL not built"
    finish; exit $?
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if "$TOOL" "$tmp/cases" >"$tmp/pq_cases.log" 2>&1; then
    pass
else
    fail "pq_cases failed: $(tail -3 "$tmp/pq_cases.log")"
fi

# One node process reads every case with all three readers; it prints the
# mismatch lines, then "OK|MISMATCH READER FILE" per (case, reader).
node "$READERS/compare.mjs" --dir "$tmp/cases" >"$tmp/compare.out" 2>&1
ncases=0
for exp in "$tmp"/cases/*.expected.json; do
    [ -f "$exp" ] || continue
    case_name=$(basename "$exp" .expected.json)
    pq="$tmp/cases/$case_name.parquet"
    ncases=$((ncases + 1))
    for reader in duckdb hyparquet parquet-wasm; do
        if grep -qxF "OK $reader $pq" "$tmp/compare.out"; then
            pass
        else
            fail "$case_name read by $reader:"
            grep -F "$pq" "$tmp/compare.out" | grep -F "$reader" | head -10 >&2
        fi
    done
done
if grep -q 'Error' "$tmp/compare.out"; then
    echo "compare.mjs errors:" >&2
    grep -v '^OK ' "$tmp/compare.out" | head -20 >&2
fi
# The comparison must be able to fail: one changed value in the expected
# rows must give a mismatch for every reader.
if [ -f "$tmp/cases/extremes.expected.json" ]; then
    node -e '
        const fs = require("fs");
        const e = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
        e.rows[3][1] = "18446744073709551614";
        fs.writeFileSync(process.argv[2], JSON.stringify(e));' \
        "$tmp/cases/extremes.expected.json" "$tmp/broken.json"
    node "$READERS/compare.mjs" "$tmp/broken.json" "$tmp/cases/extremes.parquet" >"$tmp/out" 2>&1
    st=$?
    check "compare.mjs notices a changed value (exit $st)" test "$st" -ne 0
    check "compare.mjs reports the changed value for all three readers" \
        test "$(grep -c '^MISMATCH' "$tmp/out")" -eq 3
fi
# Every case must have been written (a silently missing case is a failure).
check "pq_cases wrote at least 20 files (got $ncases)" test "$ncases" -ge 20

# Footer statistics: unsigned columns with values above the signed maximum,
# signed, timestamp, optional with NULLs, strings; several row groups.
if [ -f "$tmp/cases/stats.parquet" ]; then
    if node "$READERS/stats.mjs" "$tmp/cases/stats.parquet" u32 u64 u16 i32 i64 ts s >"$tmp/out" 2>&1; then
        pass
    else
        fail "column statistics of stats.parquet:"
        head -20 "$tmp/out" >&2
    fi
    # The check itself must be able to fail: the file really has unsigned
    # values above the signed maximum.
    check "stats.parquet has u32 values >= 2^31" node -e '
        import("./'"$READERS"'/readers.mjs").then(async (m) => {
            const c = await m.duck();
            const r = await c.runAndReadAll("SELECT max(u32) >= 2147483648 AND max(u64) >= 9223372036854775808 FROM read_parquet(\x27'"$tmp"'/cases/stats.parquet\x27)");
            process.exit(r.getRowsJS()[0][0] === true ? 0 : 1);
        })'
fi
if [ -f "$tmp/cases/extremes.parquet" ]; then
    if node "$READERS/stats.mjs" "$tmp/cases/extremes.parquet" i64 u64 i32 u32 u16 u8 i8 s >"$tmp/out" 2>&1; then
        pass
    else
        fail "column statistics of extremes.parquet:"
        head -20 "$tmp/out" >&2
    fi
fi
finish
