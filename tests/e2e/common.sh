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

# proc_tree PID: PID and its descendants, parents first.
proc_tree() {
    local c
    echo "$1"
    for c in $(pgrep -P "$1"); do proc_tree "$c"; done
}

# reap PID SECONDS: waits at most SECONDS for background job PID to end and
# sets REAPED to its exit status. A job still running then is reported
# with its descendants (where each of their threads waits in the kernel,
# and a backtrace when gdb is installed), they are killed, and REAPED is
# set to 999: a test never hangs on a process that does not stop.
reap() {
    local pid=$1 limit=$2 i t
    for ((i = 0; i < limit * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "reap: process $pid still running after $limit s" >&2
        local procs=$(proc_tree "$pid") p
        for p in $procs; do
            echo " process $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | head -c 200)" >&2
            for t in /proc/"$p"/task/*; do
                echo "  thread ${t##*/}: $(cat "$t/comm" 2>/dev/null) state=$(awk '/^State/ {print $2}' "$t/status" 2>/dev/null) wchan=$(cat "$t/wchan" 2>/dev/null)" >&2
            done
            command -v gdb >/dev/null && timeout 30 gdb -p "$p" -batch -ex 'thread apply all bt' 2>/dev/null | grep -E '^(#|Thread)' | head -40 >&2
        done
        kill -KILL $procs 2>/dev/null
        for ((i = 0; i < 50; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$pid" 2>/dev/null || wait "$pid" 2>/dev/null
        REAPED=999
        return
    fi
    wait "$pid"
    REAPED=$?
}
