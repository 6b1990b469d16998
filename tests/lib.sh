# Shared helpers for shell tests: source it, call pass/fail/skip, end with
# `finish`, which prints "N passed, N failed, N skipped" and sets the status.
T_PASS=0
T_FAIL=0
T_SKIP=0
pass() { T_PASS=$((T_PASS + 1)); }
fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL: $*" >&2; }
skip() { T_SKIP=$((T_SKIP + 1)); echo "SKIP: $*" >&2; }
# check DESCRIPTION COMMAND...: passes when the command exits 0.
check() { local d=$1; shift; if "$@"; then pass; else fail "$d"; fi; }
finish() {
    echo "$T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
    [ "$T_FAIL" -eq 0 ]
}
# Where the shared captures are (beside the checkout), or empty.
SHARED_DIR=${SHARED_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && cd ../shared 2>/dev/null && pwd)}
