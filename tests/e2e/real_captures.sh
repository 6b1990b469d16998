#!/usr/bin/env bash
# Every capture in ../shared/pcaps through the command: no crash, no hang
# (20 s each), exit 0 for a good capture and 1 for a damaged one, never a
# signal; every output read whole by DuckDB, hyparquet and parquet-wasm,
# which must agree with each other and with the record counts the summary
# reported. Skips when ../shared is absent.
. "$(dirname "$0")/common.sh"
P=$SHARED_DIR/pcaps
if [ -z "$SHARED_DIR" ] || [ ! -d "$P" ]; then
    skip "../shared/pcaps absent: real captures not checked"
    finish; exit
fi
UNSW_LIST=$P/docs/UNSW_List_Of_Devices.txt
n=0
: >"$TMP/expect.txt"
while IFS= read -r f; do
    n=$((n + 1))
    rel=${f#"$P"/}
    out=$TMP/out/$n
    args=(-o "$out")
    case $rel in iot/unsw/*) args+=(-d "$UNSW_LIST") ;; esac
    timeout -s KILL 20 "$CF" "${args[@]}" "$f" >"$TMP/log" 2>&1
    st=$?
    if [ $st -ge 128 ] || [ $st -eq 124 ]; then
        fail "$rel: killed or signalled (status $st): $(tail -2 "$TMP/log")"
        continue
    fi
    if [ $st -ne 0 ] && [ $st -ne 1 ]; then
        fail "$rel: exit $st: $(head -1 "$TMP/log")"
        continue
    fi
    if [ $st -eq 1 ] && ! grep -q "^customflow: .*$(basename "$f")" "$TMP/log"; then
        fail "$rel: exit 1 without a message naming the file"
        continue
    fi
    # A capture the command could not open at all writes nothing; otherwise
    # both files must exist and hold what the summary said.
    recs=$(grep -m1 'records: bidirectional' "$TMP/log")
    if [ -z "$recs" ]; then
        if ls "$out"/*/*.parquet >/dev/null 2>&1; then
            fail "$rel: files written for an input reported unreadable"
        else
            pass
        fi
        continue
    fi
    bi=$(echo "$recs" | sed -E 's/.*bidirectional ([0-9]+).*/\1/')
    uni=$(echo "$recs" | sed -E 's/.*unidirectional ([0-9]+).*/\1/')
    stem=$(ls "$out/bidirectional" | sed 's/\.parquet$//')
    echo "$bi $out/bidirectional/$stem.parquet $rel" >>"$TMP/expect.txt"
    echo "$uni $out/unidirectional/$stem.parquet $rel" >>"$TMP/expect.txt"
    pass
done < <(find "$P" -type f ! -name '*.md' ! -name '*.tsv' ! -name '*.txt' | sort)
echo "converted $n captures"

if [ "$HAVE_READERS" != 1 ]; then
    skip "tests/readers/node_modules missing: outputs not read back"
    finish; exit
fi
cut -d' ' -f2 "$TMP/expect.txt" | xargs node tests/readers/agree.mjs >"$TMP/agree.txt" 2>&1
while read -r want file rel; do
    line=$(grep -F " $file" "$TMP/agree.txt" | head -1)
    case $line in
    "OK $want $file") pass ;;
    OK*) fail "$rel: readers see $(echo "$line" | cut -d' ' -f2) rows, summary said $want ($file)" ;;
    *) fail "$rel: $(grep -F "$file" "$TMP/agree.txt" | head -1)" ;;
    esac
done <"$TMP/expect.txt"
finish
