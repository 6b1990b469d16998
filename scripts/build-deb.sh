#!/usr/bin/env bash
# Builds the Debian packages (customflow, libcustomflow0, libcustomflow-dev)
# from a copy of the checkout in a temporary directory (the checkout stays
# clean), checks them with lintian (errors fail), installs them with
# apt-get, runs the installed customflow (--version, the sample conversion),
# a program built against the installed -dev package with pkg-config, then
# removes the packages.
#
#   scripts/build-deb.sh [--keep DIR]   (--keep: copy the .debs to DIR)
#
# Needs root (or sudo) for apt-get; CI runs it from .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
KEEP=
[ "${1:-}" = --keep ] && KEEP=$2
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
W=$(mktemp -d /tmp/cf-deb.XXXXXX)
installed=0
cleanup() {
    if [ "$installed" = 1 ]; then
        $SUDO apt-get -o DPkg::Lock::Timeout=600 remove -y -qq customflow libcustomflow-dev \
            libcustomflow0 >/dev/null 2>&1 || true
    fi
    rm -rf "$W"
}
trap cleanup EXIT
start=$(date +%s)

# The tracked files only (plus uncommitted edits to them): no build
# directories, no node_modules.
mkdir "$W/customflow"
git ls-files -z --cached --others --exclude-standard | grep -zv '^tests/readers/node_modules' |
    xargs -0 cp --parents -t "$W/customflow" 2>/dev/null
# Deleted-but-tracked files are simply absent; nothing else to do.
(cd "$W/customflow" && dpkg-buildpackage -us -uc -b -j2 >"$W/build.log" 2>&1) || {
    echo "build-deb: dpkg-buildpackage failed; last lines:" >&2
    tail -30 "$W/build.log" >&2
    exit 1
}
ls "$W"/*.deb
echo "build-deb: built in $(($(date +%s) - start)) s"

# lintian: errors fail, warnings are listed.
if command -v lintian >/dev/null; then
    root=; [ "$(id -u)" -eq 0 ] && root=--allow-root
    lintian $root --fail-on error "$W"/*.changes 2>&1 | tee "$W/lintian.txt" || {
        echo "build-deb: lintian reports errors" >&2
        exit 1
    }
    echo "build-deb: lintian: $(grep -c '^E:' "$W/lintian.txt" || true) errors, $(grep -c '^W:' "$W/lintian.txt" || true) warnings"
else
    echo "build-deb: lintian not installed, packages not checked" >&2
fi
[ -n "$KEEP" ] && mkdir -p "$KEEP" && cp "$W"/*.deb "$KEEP"/

# Install and use.
(cd "$W" && $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    ./customflow_*.deb ./libcustomflow0_*.deb ./libcustomflow-dev_*.deb >"$W/apt.log" 2>&1) || {
    echo "build-deb: apt-get install failed:" >&2
    tail -20 "$W/apt.log" >&2
    exit 1
}
installed=1
CFI=/usr/bin/customflow
"$CFI" --version
version=$(dpkg-query -W -f='${Version}' customflow)
"$CFI" --version | grep -q "^customflow $version " || {
    echo "build-deb: customflow --version does not name the package version $version" >&2
    exit 1
}
make -s -j2 build/cf-gencap
build/cf-gencap --preset sample -o "$W/sample.pcap" --devices-out "$W/devices.txt" >/dev/null
"$CFI" -d "$W/devices.txt" -o "$W/flows" "$W/sample.pcap" 2>"$W/summary.txt"
for v in bidirectional unidirectional; do
    test -s "$W/flows/$v/sample.parquet" || { echo "build-deb: no $v output" >&2; exit 1; }
done
# The same records as the in-tree build.
make -s -j2 build/customflow
build/customflow -q -d "$W/devices.txt" -o "$W/ref" "$W/sample.pcap"
cmp "$W/ref/bidirectional/sample.parquet" "$W/flows/bidirectional/sample.parquet"
MANWIDTH=80 man customflow 2>/dev/null | grep -q '^NAME' || { echo "build-deb: man customflow" >&2; exit 1; }
# A third-party program against the installed -dev package, pkg-config alone.
if [ -f tests/examples/embed.c ]; then
    cp tests/examples/embed.c "$W/embed.c"
    # shellcheck disable=SC2046
    (cd "$W" && cc -std=c11 embed.c $(pkg-config --cflags --libs libcustomflow) -o embed)
    n=$("$W/embed" "$W/sample.pcap" "$W/devices.txt" 2>/dev/null | wc -l)
    [ "$n" -gt 0 ] || { echo "build-deb: the example printed no record" >&2; exit 1; }
    echo "build-deb: tests/examples/embed.c, built against the installed package, lists $n records"
fi
echo "build-deb: installed packages convert the sample; total $(($(date +%s) - start)) s"
