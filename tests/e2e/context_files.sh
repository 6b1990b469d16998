#!/usr/bin/env bash
# --context across files (issue 15): with --rotate, --partition and --merge
# over split captures a device's previous records may sit in earlier
# files; context_rows then pairs with context_files (the file relative to
# the variant directory, "" for the record's own). Checked with DuckDB over
# every file of a variant (filename = true): every (file, row) reference
# resolves to a record of the same device with an earlier or equal
# first_seen, the references are exactly the device's previous K records
# (so none lies between), and each record's context is the same records as
# in the one-file run. The wide layout's H1_..HK_ columns of rotated files
# equal the one-file run's rows.
. "$(dirname "$0")/common.sh"
if [ "$HAVE_READERS" != 1 ]; then
    skip "tests/readers/node_modules missing: context_files not checked"
    finish; exit
fi
K=3
"$B/cf-gencap" --preset sample -o "$TMP/sample.pcap" --devices-out "$TMP/devices.txt" >/dev/null
run() { "$CF" -q -d "$TMP/devices.txt" --context $K "$@"; }
. tests/context_lib.sh

# ctx_keys DIR: each record's key and its context records' keys, sorted.
ctx_keys() {
    q "$(tables "$1")" \
        "SELECT me.k, coalesce(list(p.k ORDER BY r.i) FILTER (WHERE r.i IS NOT NULL), []) AS ctx
         FROM t me LEFT JOIN r ON r.file = me.file AND r.row = me.row
         LEFT JOIN t p ON p.file = r.rfile AND p.row = r.rrow GROUP BY ALL ORDER BY ALL"
}

run -o "$TMP/one" "$TMP/sample.pcap"
check "one file per variant converts" test $? -eq 0
run --rotate 1m -o "$TMP/rot" "$TMP/sample.pcap"
check "--context with --rotate 1m converts" test $? -eq 0
for v in bidirectional unidirectional; do
    n=$(ls "$TMP/rot/$v" | wc -l)
    check "--rotate 1m: several $v files ($n)" test "$n" -gt 2
    refs_check $K "$TMP/rot/$v"
    one=$(ctx_keys "$TMP/one/$v")
    check "one-file run: records have context" test "$(grep -c ',' <<<"$one")" -gt 0
    expect "$v: rotated context = one-file context (same previous records)" \
        "$(ctx_keys "$TMP/rot/$v" | md5sum)" "$(md5sum <<<"$one")"
done
F=$(ls "$TMP/rot/bidirectional" | sed -n 2p)
expect "metadata records the context_files scheme" \
    "$(q "SELECT decode(value) FROM parquet_kv_metadata('$TMP/rot/bidirectional/$F')
          WHERE decode(key) IN ('customflow.context', 'customflow.context_files') ORDER BY decode(key)")" \
    "$(printf '%s\n' $K 'relative to the variant directory; empty: this file')"
# a control: a wrong reference is caught
cp -r "$TMP/rot/bidirectional" "$TMP/broken"
q "COPY (SELECT * REPLACE (list_transform(context_rows, x -> x + 1) AS context_rows)
          FROM read_parquet('$TMP/broken/$F')) TO '$TMP/broken.parquet' (FORMAT parquet)" "SELECT 1" >/dev/null
mv "$TMP/broken.parquet" "$TMP/broken/$F"
res=$( (T_PASS=0 T_FAIL=0; refs_check $K "$TMP/broken"; echo "$T_FAIL") 2>/dev/null | tail -1)
check "control: shifted rows in one file fail the check ($res checks failed)" test "${res:-0}" -gt 0

# --merge over the capture split in three by time, rotated
parts=()
if command -v editcap >/dev/null; then
    editcap -i 100 "$TMP/sample.pcap" "$TMP/part.pcap" >/dev/null 2>&1
    parts=("$TMP"/part_*.pcap)
fi
if [ "${#parts[@]}" -gt 1 ]; then
    run --merge --rotate 1m -o "$TMP/mrg" "${parts[@]}"
    check "--merge --rotate over ${#parts[@]} parts converts" test $? -eq 0
    for v in bidirectional unidirectional; do
        refs_check $K "$TMP/mrg/$v"
        expect "$v: merged and rotated context = one-file context" \
            "$(ctx_keys "$TMP/mrg/$v" | md5sum)" "$(ctx_keys "$TMP/one/$v" | md5sum)"
    done
else
    skip "editcap absent: --merge over split captures not checked"
fi

# --partition (files in date=... directories under variant=...)
run --partition --rotate 1m -o "$TMP/part" "$TMP/sample.pcap"
check "--context with --partition converts" test $? -eq 0
refs_check $K "$TMP/part/variant=bidirectional"
expect "partition: context_files name date=.../part-... files" \
    "$(q "SELECT DISTINCT regexp_matches(f, '^date=[0-9-]+/part-sample_[0-9T-]+\\.parquet\$')
          FROM (SELECT unnest(context_files) AS f FROM read_parquet('$TMP/part/variant=bidirectional/**/*.parquet'))
          WHERE f <> ''")" "true"
expect "partition: context = one-file context" \
    "$(ctx_keys "$TMP/part/variant=bidirectional" | md5sum)" "$(ctx_keys "$TMP/one/bidirectional" | md5sum)"

# text: the same references as Parquet
run --rotate 1m --format jsonl -o "$TMP/txt" "$TMP/sample.pcap"
expect "jsonl: context_rows and context_files as in Parquet" \
    "$(q "SELECT parse_filename(filename, true), context_rows,
                 list_transform(context_files, x -> replace(x, '.jsonl', '.parquet'))
          FROM read_json('$TMP/txt/bidirectional/*.jsonl', filename = true) ORDER BY ALL" | md5sum)" \
    "$(q "SELECT parse_filename(filename, true), context_rows, context_files
          FROM read_parquet('$TMP/rot/bidirectional/*.parquet', filename = true) ORDER BY ALL" | md5sum)"

# wide layout: the history follows the device across files, so the rows of
# the rotated files are the one-file run's rows
wide() { run --layout wide -n 3 --payload-cells 8 "$@"; }
wide -o "$TMP/w1" "$TMP/sample.pcap" && wide --rotate 1m -o "$TMP/wr" "$TMP/sample.pcap"
check "wide layout with --context and --rotate converts" test $? -eq 0
for v in bidirectional unidirectional; do
    a=$(q "SELECT * FROM read_parquet('$TMP/w1/$v/*.parquet') ORDER BY ALL")
    b=$(q "SELECT * FROM read_parquet('$TMP/wr/$v/*.parquet') ORDER BY ALL")
    check "wide $v: rotated files hold history (H1_FirstSeen set in their first rows)" \
        test "$(q "SELECT count(*) FROM read_parquet('$TMP/wr/$v/*.parquet', file_row_number = true)
                   WHERE file_row_number = 0 AND H1_FirstSeen <> -1")" -gt 0
    expect "wide $v: rotated rows (H1_..H${K}_ included) = one-file rows" "$(md5sum <<<"$b")" "$(md5sum <<<"$a")"
done
finish
