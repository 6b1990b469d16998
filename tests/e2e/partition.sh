#!/usr/bin/env bash
# --partition: the hive layout OUT/variant=V/date=YYYY-MM-DD/part-STEM.parquet
# that DuckDB, Spark and polars read as one table with `variant` and `date`
# columns. Checked with DuckDB's hive_partitioning: every record is in the
# partition of its first_seen's UTC day and variant, and the partitions
# together hold exactly the records of the unpartitioned conversion.
. "$(dirname "$0")/common.sh"

# Crafted traffic over three UTC days (a device talking every 20 minutes
# from 2026-12-01 22:00Z to 2026-12-03 02:00Z, records across midnight
# included), and the real Netatmo day (13:00Z to 13:00Z: two UTC dates)
# when ../shared is present.
start=1796162400 # 2026-12-01T22:00:00Z
for k in $(seq 0 84); do
    t=$((start + k * 1200))
    echo "t=$t src=192.168.1.10 dst=8.8.8.8 proto=udp sport=$((1000 + k % 3)) dport=53 len=20"
    echo "t=$((t + 1)) smac=02:00:00:00:00:02 dmac=02:00:00:00:00:01 src=8.8.8.8 dst=192.168.1.10 proto=udp sport=53 dport=$((1000 + k % 3)) len=60"
    echo "t=$((t + 50)).5 src=192.168.1.10 dst=1.1.1.1 proto=tcp sport=40000 dport=443 len=100"
    echo "t=$((t + 70)) src=192.168.1.10 dst=1.1.1.1 proto=tcp sport=40000 dport=443 len=10"
done >"$TMP/days.txt"
"$CRAFT" "$TMP/days.txt" "$TMP/days.pcap"
inputs=("$TMP/days.pcap")
netatmo=${SHARED_DIR:+$SHARED_DIR/pcaps/iot/unsw/IOT1-test_NetatmoWelcome_srconly.pcap}
if [ -n "$netatmo" ] && [ -f "$netatmo" ]; then
    inputs+=("$netatmo")
else
    skip "../shared absent: the real capture is not partitioned"
fi

for f in "${inputs[@]}"; do
    stem=$(basename "$f" .pcap)
    rm -rf "$TMP/p" "$TMP/f"
    "$CF" -q --partition -o "$TMP/p" "$f"
    check "$stem: --partition exit 0" test $? -eq 0
    "$CF" -q -o "$TMP/f" "$f"
    bad=$(cd "$TMP/p" && find . -type f | grep -vcE "^\./variant=(bidirectional|unidirectional)/date=[0-9]{4}-[0-9]{2}-[0-9]{2}/part-$stem\.parquet$")
    check "$stem: every file named variant=V/date=D/part-STEM.parquet" test "$bad" -eq 0
    ndates=$(find "$TMP/p/variant=bidirectional" -mindepth 1 -maxdepth 1 -type d | wc -l)
    check "$stem: more than one date partition ($ndates)" test "$ndates" -ge 2
    if [ "$HAVE_READERS" = 1 ]; then
        got=$(q "SELECT variant, CAST(date AS VARCHAR), count(*),
                        count(*) FILTER (WHERE strftime(make_timestamp(epoch_us(first_seen)), '%Y-%m-%d') <> CAST(date AS VARCHAR))
                 FROM read_parquet('$TMP/p/**/*.parquet', hive_partitioning = true) GROUP BY ALL ORDER BY ALL")
        want=$(q "SELECT v, d, count(*), 0 FROM (
                    SELECT 'bidirectional' AS v, strftime(make_timestamp(epoch_us(first_seen)), '%Y-%m-%d') AS d FROM read_parquet('$TMP/f/bidirectional/$stem.parquet')
                    UNION ALL
                    SELECT 'unidirectional', strftime(make_timestamp(epoch_us(first_seen)), '%Y-%m-%d') FROM read_parquet('$TMP/f/unidirectional/$stem.parquet'))
                  GROUP BY ALL ORDER BY ALL")
        expect "$stem: records per variant and date, each in its first_seen's day" "$got" "$want"
        for v in bidirectional unidirectional; do
            P="read_parquet('$TMP/p/variant=$v/*/*.parquet', hive_partitioning = false)"
            F="read_parquet('$TMP/f/$v/$stem.parquet')"
            got=$(q "SELECT (SELECT count(*) FROM $P), (SELECT count(*) FROM $F),
                            (SELECT count(*) FROM (SELECT * FROM $P EXCEPT ALL SELECT * FROM $F)),
                            (SELECT count(*) FROM (SELECT * FROM $F EXCEPT ALL SELECT * FROM $P))")
            n=$(q "SELECT count(*) FROM $F")
            expect "$stem $v: partitions hold the unpartitioned records" "$got" "$n	$n	0	0"
        done
    else
        skip "readers missing: partitions not read"
    fi
done

"$CF" -q --partition --format jsonl -o - "$TMP/days.pcap" >/dev/null 2>"$TMP/err"
check "--partition with -o -: usage error" test $? -eq 2
check "--partition with -o -: says why" grep -q "partition" "$TMP/err"
"$CF" -q --partition --rotate 7h -o "$TMP/x" "$TMP/days.pcap" 2>"$TMP/err"
check "--partition --rotate 7h: usage error" test $? -eq 2
check "--partition --rotate 7h: says why" grep -q "must divide a day" "$TMP/err"
"$CF" -q --partition --rotate 6h -o "$TMP/r" "$TMP/days.pcap"
bad=$(cd "$TMP/r" && find . -type f | grep -vcE "^\./variant=[a-z]+/date=([0-9-]{10})/part-days_\1T(00|06|12|18)-00-00\.parquet$")
check "--partition --rotate 6h: several files" test "$(find "$TMP/r" -type f | wc -l)" -ge 6
check "--partition --rotate 6h: the files of a day in its partition" test "$bad" -eq 0
finish
