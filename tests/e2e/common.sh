# Sourced by the end-to-end tests: paths to the built tools and helpers to
# craft a capture, convert it and query the output with DuckDB.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
. tests/lib.sh
B=${CF_BUILD:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
CF=$B/customflow
CRAFT=$B/tests/tools/craftcap
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
HAVE_READERS=0
[ -d tests/readers/node_modules/@duckdb ] && HAVE_READERS=1

# q SQL...: rows of the last statement, tab separated (see query.mjs).
q() { node tests/readers/query.mjs "$@"; }

# expect NAME GOT WANT: compares two multi-line texts.
expect() {
    if [ "$2" == "$3" ]; then
        pass
    else
        fail "$1"
        echo "--- want" >&2; echo "$3" >&2; echo "--- got" >&2; echo "$2" >&2
    fi
}

# rows FILE [WHERE/ORDER]: the fields of every record, one line each.
rows() {
    q "SELECT device, epoch_us(first_seen), remote_ip, protocol, device_port, remote_port,
              total_bytes, total_packets, pkt_offset_us, pkt_size, pkt_direction,
              list_transform(pkt_payload, x -> hex(x))
       FROM read_parquet('$1') ${2:-}"
}
