#!/usr/bin/env bash
# The command's contract: usage errors exit 2 with one clear line before any
# work; damaged inputs exit 1 and keep the good inputs' outputs; summaries.
. "$(dirname "$0")/common.sh"

# run_cf EXPECTED_STATUS PATTERN ARGS...: runs customflow, checks the exit
# status and that stderr matches PATTERN (grep -E).
run_cf() {
    local want=$1 pat=$2; shift 2
    "$CF" "$@" >"$TMP/out.txt" 2>"$TMP/err.txt"
    local st=$?
    if [ "$st" -ne "$want" ]; then
        fail "customflow $*: exit $st, want $want: $(head -3 "$TMP/err.txt")"
    elif ! grep -qE -- "$pat" "$TMP/err.txt" "$TMP/out.txt"; then
        fail "customflow $*: output does not match '$pat': $(head -3 "$TMP/err.txt")"
    else
        pass
    fi
}

cat >"$TMP/ok.txt" <<EOT
t=1 smac=02:00:00:00:00:01 src=192.168.1.10 dst=8.8.8.8 proto=udp sport=1 dport=53 len=4
t=2 smac=02:00:00:00:00:01 src=192.168.1.10 dst=8.8.8.8 proto=udp sport=1 dport=53 len=4
EOT
"$CRAFT" "$TMP/ok.txt" "$TMP/ok.pcap"
mkdir -p "$TMP/d"
cp "$TMP/ok.pcap" "$TMP/d/ok.pcap"

run_cf 0 '^customflow [0-9]' --version
run_cf 0 '^customflow [0-9.]+ \(libpcap [0-9][0-9.]*, zstd [0-9][0-9.]*, zlib [0-9][0-9.]*\)$' --version
run_cf 0 'usage: customflow' --help
run_cf 2 "unknown option '--bogus'" --bogus "$TMP/ok.pcap"
run_cf 2 'no capture given' -o "$TMP/o"
run_cf 2 "needs a value" "$TMP/ok.pcap" --packets
run_cf 2 "--packets: '0' is not" -n 0 "$TMP/ok.pcap"
run_cf 2 "--packets: 'x' is not" -n x "$TMP/ok.pcap"
run_cf 2 "--payload-bytes: '-1' is not" -b -1 "$TMP/ok.pcap"
run_cf 2 "--payload-bytes: '99999999999999999999' is not" -b 99999999999999999999 "$TMP/ok.pcap"
run_cf 2 "--lifetime: '0' is not" -t 0 "$TMP/ok.pcap"
run_cf 2 "--lifetime: 'nan' is not" -t nan "$TMP/ok.pcap"
run_cf 2 "--variant: 'x' is not" --variant x "$TMP/ok.pcap"
run_cf 2 "--size: 'x' is not" --size x "$TMP/ok.pcap"
run_cf 2 "--compression: 'lz4' is not" --compression lz4 "$TMP/ok.pcap"
run_cf 2 "--local 300.1.1.0/24: not an address" --local 300.1.1.0/24 -o "$TMP/o" "$TMP/ok.pcap"
run_cf 2 "nothere.txt" -d "$TMP/nothere.txt" -o "$TMP/o" "$TMP/ok.pcap"
run_cf 2 "nothere.pcap: No such file" -o "$TMP/o" "$TMP/nothere.pcap"
mkdir -p "$TMP/nocaps" # a directory is every capture under it: none here
run_cf 2 "nocaps: no capture in this directory" -o "$TMP/o" "$TMP/nocaps"
run_cf 2 "would both write ok.parquet" -o "$TMP/o" "$TMP/ok.pcap" "$TMP/d/ok.pcap"
check "usage errors start no work" test ! -e "$TMP/o/bidirectional/ok.parquet"
touch "$TMP/file"
run_cf 2 "output directory" -o "$TMP/file/sub" "$TMP/ok.pcap"
run_cf 2 "filter 'port nonsense'|port nonsense" -f 'port nonsense' -o "$TMP/o" "$TMP/ok.pcap"

# A good input and a bad one: exit 1, one line naming the bad one, the good
# one converted completely.
printf 'hello, I am not a capture\n' >"$TMP/text.pcap"
: >"$TMP/empty.pcap"
run_cf 1 "text.pcap: .*not a pcap" -o "$TMP/mix" "$TMP/ok.pcap" "$TMP/text.pcap"
check "good input of a mixed run written" test -s "$TMP/mix/bidirectional/ok.parquet"
check "bad input of a mixed run not written" test ! -e "$TMP/mix/bidirectional/text.parquet"
run_cf 1 "empty.pcap: .*empty" -o "$TMP/mix" "$TMP/empty.pcap"
head -c 100 "$TMP/ok.pcap" >"$TMP/cut.pcap"
run_cf 1 "cut.pcap: .*(truncated|damaged)" -o "$TMP/cut" "$TMP/cut.pcap"
check "records before the damage are kept" test -s "$TMP/cut/bidirectional/cut.parquet"

# Variants, summary and quiet.
run_cf 0 'records: bidirectional 1, unidirectional 1' -o "$TMP/s" "$TMP/ok.pcap"
run_cf 0 '02:00:00:00:00:01 +1 +1' -o "$TMP/s" "$TMP/ok.pcap"
"$CF" -q -o "$TMP/quiet" "$TMP/ok.pcap" 2>"$TMP/err.txt"
check "--quiet prints nothing" test ! -s "$TMP/err.txt"
run_cf 0 'unidirectional 1' --variant unidirectional -o "$TMP/v" "$TMP/ok.pcap"
check "--variant unidirectional writes only that" test ! -e "$TMP/v/bidirectional/ok.parquet"
check "--variant unidirectional writes it" test -s "$TMP/v/unidirectional/ok.parquet"

# Compressed inputs are read transparently; the stem drops both extensions.
gzip -c "$TMP/ok.pcap" >"$TMP/z1.pcap.gz"
run_cf 0 'records: bidirectional 1' -o "$TMP/z" "$TMP/z1.pcap.gz"
check "gz stem" test -s "$TMP/z/bidirectional/z1.parquet"
if command -v zstd >/dev/null; then
    zstd -q -c "$TMP/ok.pcap" >"$TMP/z2.pcap.zst"
    run_cf 0 'records: bidirectional 1' -o "$TMP/z" "$TMP/z2.pcap.zst"
else
    skip "zstd command missing: .zst input not checked here (tests/unit covers it)"
fi

# BPF filter: only port 53 kept.
cat >"$TMP/f.txt" <<EOT
t=1 smac=02:00:00:00:00:01 src=192.168.1.10 dst=8.8.8.8 proto=udp sport=1 dport=53 len=4
t=2 smac=02:00:00:00:00:01 src=192.168.1.10 dst=8.8.8.8 proto=udp sport=1 dport=123 len=4
EOT
"$CRAFT" "$TMP/f.txt" "$TMP/f.pcap"
run_cf 0 'records: bidirectional 1,' -f 'udp port 53' -o "$TMP/f" "$TMP/f.pcap"
run_cf 0 'records: bidirectional 2,' -o "$TMP/f2" "$TMP/f.pcap"

# --jobs: several captures in parallel give byte-identical files, and the
# summaries still come in input order.
"$B/cf-gencap" --preset sample --seed 7 -o "$TMP/j1.pcap" 2>/dev/null
"$B/cf-gencap" --preset flood --max-packets 20000 -o "$TMP/j2.pcap" 2>/dev/null
"$CF" -j 1 -o "$TMP/jobs1" "$TMP/j1.pcap" "$TMP/j2.pcap" "$TMP/ok.pcap" 2>"$TMP/e1"
"$CF" -j 3 -o "$TMP/jobs3" "$TMP/j1.pcap" "$TMP/j2.pcap" "$TMP/ok.pcap" 2>"$TMP/e3"
for f in bidirectional/j1 bidirectional/j2 bidirectional/ok unidirectional/j1 unidirectional/j2 unidirectional/ok; do
    check "--jobs 3 output $f identical to --jobs 1" cmp -s "$TMP/jobs1/$f.parquet" "$TMP/jobs3/$f.parquet"
done
check "--jobs 3 summaries in input order" cmp -s "$TMP/e1" "$TMP/e3"
run_cf 2 "--jobs: '0' is not" -j 0 "$TMP/ok.pcap"

# Progress on a terminal (tests/tools/ptyrun.py gives the command one): one
# line for the whole run with files done of all, cleared before the
# summaries; none with -q or when stderr is not a terminal.
"$B/cf-gencap" --preset flood --max-packets 70000 -o "$TMP/p1.pcap" 2>/dev/null
cp "$TMP/p1.pcap" "$TMP/p2.pcap"
cp "$TMP/p1.pcap" "$TMP/p3.pcap"
PTYRUN="timeout -k 5 120 /usr/bin/python3 tests/tools/ptyrun.py"
$PTYRUN "$TMP/tty.out" "$CF" -j 2 -o "$TMP/prog" "$TMP/p1.pcap" "$TMP/p2.pcap" "$TMP/p3.pcap"
check "progress line with files done of all" grep -qE 'files [0-2]/3, [0-9.]+ MB, [0-9]+ packets, [0-9.]+ MB/s' "$TMP/tty.out"
check "progress cleared before the summaries" grep -q $'\r\033\[K'"$TMP/p1.pcap:" "$TMP/tty.out"
$PTYRUN "$TMP/tty-q.out" "$CF" -q -j 2 -o "$TMP/prog" "$TMP/p1.pcap" "$TMP/p2.pcap" "$TMP/p3.pcap"
check "no progress with -q" test ! -s "$TMP/tty-q.out"
"$CF" -j 2 -o "$TMP/prog" "$TMP/p1.pcap" "$TMP/p2.pcap" 2>"$TMP/notty.err"
check "no progress when stderr is not a terminal" sh -c "! grep -q 'files ' '$TMP/notty.err'"

# Parameters recorded in the file's metadata; the input's identity is
# XXH3-128 by default (as `xxhsum -H2` prints it), SHA-256 on request, and
# absent with --input-hash none / --no-input-hash.
if [ "$HAVE_READERS" = 1 ]; then
    meta() { q "SELECT decode(value) FROM parquet_kv_metadata('$1') WHERE decode(key) = '$2'"; }
    xxh=$(xxhsum -H2 "$TMP/ok.pcap" | cut -d' ' -f1)
    sha=$(sha256sum "$TMP/ok.pcap" | cut -d' ' -f1)
    size=$(stat -c %s "$TMP/ok.pcap")
    got=$(q "SELECT decode(key), decode(value) FROM parquet_kv_metadata('$TMP/s/bidirectional/ok.parquet') WHERE decode(key) IN ('customflow.packets','customflow.payload_bytes','customflow.lifetime_s','customflow.input','customflow.input_xxh3_128','customflow.input_bytes','customflow.variant','customflow.size','customflow.anonymize') ORDER BY 1")
    expect "key-value metadata" "$got" "$(printf '%s\n' "customflow.anonymize	true" "customflow.input	ok.pcap" "customflow.input_bytes	$size" "customflow.input_xxh3_128	$xxh" "customflow.lifetime_s	60.000000" "customflow.packets	10" "customflow.payload_bytes	1000" "customflow.size	wire" "customflow.variant	bidirectional")"
    expect "no SHA-256 by default" "$(meta "$TMP/s/bidirectional/ok.parquet" customflow.input_sha256)" ""
    "$CF" -q --input-hash sha256 -o "$TMP/sha" "$TMP/ok.pcap"
    expect "--input-hash sha256" "$(meta "$TMP/sha/unidirectional/ok.parquet" customflow.input_sha256)" "$sha"
    expect "--input-hash sha256: no XXH3" "$(meta "$TMP/sha/unidirectional/ok.parquet" customflow.input_xxh3_128)" ""
    # Compressed and damaged inputs: the digest is of the file as stored,
    # all of it (XXH3 is computed inline as the mapping is consumed).
    gzip -c "$TMP/ok.pcap" >"$TMP/gz.pcap.gz"
    head -c 100 "$TMP/ok.pcap" >"$TMP/cut.pcap"
    "$CF" -q -o "$TMP/ids" "$TMP/gz.pcap.gz" "$TMP/cut.pcap" 2>/dev/null
    expect "input_xxh3_128 of a .gz" "$(meta "$TMP/ids/bidirectional/gz.parquet" customflow.input_xxh3_128)" "$(xxhsum -H2 "$TMP/gz.pcap.gz" | cut -d' ' -f1)"
    expect "input_xxh3_128 of a damaged file" "$(meta "$TMP/ids/bidirectional/cut.parquet" customflow.input_xxh3_128)" "$(xxhsum -H2 "$TMP/cut.pcap" | cut -d' ' -f1)"
    # A pipe is hashed as it is read: same digest and size as the file.
    mkfifo "$TMP/piped.pcap"
    cat "$TMP/ok.pcap" >"$TMP/piped.pcap" &
    "$CF" -q -o "$TMP/pipe" "$TMP/piped.pcap"
    wait
    expect "input_xxh3_128 of a pipe" "$(meta "$TMP/pipe/unidirectional/piped.parquet" customflow.input_xxh3_128)" "$xxh"
    expect "input_bytes of a pipe" "$(meta "$TMP/pipe/unidirectional/piped.parquet" customflow.input_bytes)" "$size"
    cat "$TMP/ok.pcap" >"$TMP/piped.pcap" &
    "$CF" -q --input-hash sha256 -o "$TMP/pipesha" "$TMP/piped.pcap"
    wait
    expect "input_sha256 of a pipe" "$(meta "$TMP/pipesha/unidirectional/piped.parquet" customflow.input_sha256)" "$sha"
    # No identity: same records, no digest key.
    "$CF" -q --no-input-hash -o "$TMP/nohash" "$TMP/ok.pcap"
    cat "$TMP/ok.pcap" >"$TMP/piped.pcap" &
    "$CF" -q --input-hash none -o "$TMP/nohash" "$TMP/piped.pcap"
    wait
    for f in nohash/bidirectional/ok nohash/unidirectional/ok nohash/bidirectional/piped; do
        got=$(q "SELECT count(*) FROM parquet_kv_metadata('$TMP/$f.parquet') WHERE decode(key) IN ('customflow.input_sha256', 'customflow.input_xxh3_128')")
        expect "no input hash: $f has no digest" "$got" "0"
    done
    expect "no input hash: same records" "$(rows "$TMP/nohash/bidirectional/ok.parquet")" \
        "$(rows "$TMP/s/bidirectional/ok.parquet")"
    run_cf 2 "--input-hash: 'md5' is not xxh3, sha256 or none" --input-hash md5 "$TMP/ok.pcap"
else
    skip "readers missing: metadata not checked"
fi
finish
