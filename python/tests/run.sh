#!/usr/bin/env bash
# Builds the Python package into a fresh venv under BUILD (default build),
# the way the README tells a user to (pip, no build isolation, no index,
# Debian's numpy/pandas/pytest through --system-site-packages), and runs the
# pytest suite against it. Prints pytest's summary line; exits non-zero on
# any failure. With BUILD=build-asan the library and the extension are
# built with AddressSanitizer + UndefinedBehaviorSanitizer and the
# interpreter runs with the sanitizer runtime preloaded.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-${CF_BUILD:-build}}
[ $# -gt 0 ] && shift # the rest goes to pytest
BUILD=$(cd "$BUILD" && pwd)
PY=/usr/bin/python3 # Debian's: the one with python3-numpy and python3-pandas
VENV=$BUILD/python-venv
export CF_BUILD=$BUILD
san=0
case $(basename "$BUILD") in build-asan*) san=1 ;; esac

rm -rf "$VENV"
"$PY" -m venv --system-site-packages "$VENV"
log=$BUILD/python-install.log
if ! CUSTOMFLOW_SAN=$san "$VENV/bin/pip" install --no-build-isolation --no-index ./python \
    >"$log" 2>&1; then
    tail -40 "$log"
    echo "python: pip install failed (log: $log)"
    exit 1
fi
rm -rf python/build python/customflow.egg-info

env=()
if [ $san = 1 ]; then
    rt=$(clang -print-file-name=libclang_rt.asan-x86_64.so)
    # The interpreter itself is not instrumented: leaks it keeps at exit are
    # not ours, so leak detection is off; every other check is on. A small
    # quarantine keeps peak memory comparable with the command line's.
    env=(CUSTOMFLOW_SAN=1 LD_PRELOAD="$rt" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:quarantine_size_mb=16
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1)
fi
cd python/tests
# Run from the tests directory so `import customflow` is the installed one.
env "${env[@]}" "$VENV/bin/python" -m pytest -q -p no:cacheprovider -rs "$@" 2>&1 |
    tee "$BUILD/python-tests.log"
exit "${PIPESTATUS[0]}"
