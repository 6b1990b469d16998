#!/usr/bin/env bash
# `make install` into a temporary DESTDIR, then what a user of the installed
# files does: build the header's example (tests/examples/embed.c) with
# `pkg-config --cflags --libs libcustomflow` alone, against the shared and
# the static library, run it on the sample capture; run the installed
# customflow; read the installed man pages with man.
. "$(dirname "$0")/common.sh"

SAN=0
case $(basename "$B") in build-asan*) SAN=1 ;; esac
D=$TMP/root
P=/opt/customflow # a prefix of our own: proves PREFIX is honoured
if ! make -s install BUILD="$B" SAN=$SAN DESTDIR="$D" PREFIX=$P >"$TMP/make.log" 2>&1; then
    fail "make install: $(tail -5 "$TMP/make.log")"
    finish; exit
fi
pass

# Everything lands under DESTDIR + PREFIX, and the expected files are there.
check "nothing outside PREFIX" test -z "$(find "$D" -mindepth 1 -not -path "$D/opt" -not -path "$D$P" -not -path "$D$P/*")"
version=$(printf '#include "customflow.h"\nCF_VERSION_STRING\n' | cc -E -P -Ilib -x c - | tail -n 1 | tr -d '" ')
for f in bin/customflow include/customflow.h lib/libcustomflow.a "lib/libcustomflow.so.$version" \
    lib/pkgconfig/libcustomflow.pc share/man/man1/customflow.1 share/man/man1/customflow-summary.1 share/man/man1/customflow-plan.1 \
    share/bash-completion/completions/customflow; do
    check "installed $f" test -f "$D$P/$f"
done
# The Debian package's version is the library's.
if command -v dpkg-parsechangelog >/dev/null; then
    expect "debian/changelog version" "$(dpkg-parsechangelog -l debian/changelog -S Version)" "$version"
else
    skip "dpkg-parsechangelog missing: debian/changelog version not checked"
fi
expect "libcustomflow.so link" "$(readlink "$D$P/lib/libcustomflow.so")" "libcustomflow.so.${version%%.*}"
expect "soname link" "$(readlink "$D$P/lib/libcustomflow.so.${version%%.*}")" "libcustomflow.so.$version"

# pkg-config sees the installed tree through its sysroot.
export PKG_CONFIG_PATH=$D$P/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D
expect "pkg-config --modversion" "$(pkg-config --modversion libcustomflow)" "$version"

# The sample capture, made by the in-tree generator.
"$B/cf-gencap" --preset sample -o "$TMP/sample.pcap" --devices-out "$TMP/devices.txt" 2>/dev/null ||
    fail "cf-gencap"

# The header's example (tests/examples/embed.c: `embed CAPTURE
# [DEVICE_LIST]`, one line "device remote_ip remote_port" per bidirectional
# record).
EX=tests/examples/embed.c
if [ ! -f "$EX" ]; then
    fail "$EX missing"
    finish; exit
fi

# The sanitizer build's library needs the sanitizer runtime in the program.
EXTRA=
[ "$SAN" = 1 ] && EXTRA="-fsanitize=address,undefined"
CCX=cc
[ "$SAN" = 1 ] && CCX=clang
# Built outside the checkout so that only the installed header can be found.
cp "$EX" "$TMP/ex.c"
(
    cd "$TMP" || exit 1
    # shellcheck disable=SC2046
    $CCX -std=c11 -Wall -Werror $EXTRA ex.c $(pkg-config --cflags --libs libcustomflow) -o ex-shared
) >"$TMP/cc.log" 2>&1 && pass || fail "building the example against the shared library: $(head -5 "$TMP/cc.log")"
# Static: the archive and Libs.private, with the same pkg-config file.
libs_static=$(pkg-config --static --libs libcustomflow | sed 's/-lcustomflow//')
(
    cd "$TMP" || exit 1
    # shellcheck disable=SC2046,SC2086
    $CCX -std=c11 -Wall -Werror $EXTRA ex.c $(pkg-config --cflags libcustomflow) \
        -Wl,-Bstatic -lcustomflow -Wl,-Bdynamic $libs_static -o ex-static
) >"$TMP/cc2.log" 2>&1 && pass || fail "building the example against the static library: $(head -5 "$TMP/cc2.log")"

# The shared build resolves libcustomflow.so.0 to the installed file.
if [ -x "$TMP/ex-shared" ]; then
    resolved=$(LD_LIBRARY_PATH=$D$P/lib ldd "$TMP/ex-shared" | sed -nE 's/.*libcustomflow\.so\.[0-9]+ => ([^ ]+).*/\1/p')
    expect "example links the installed library" "$resolved" "$D$P/lib/libcustomflow.so.${version%%.*}"
fi

# Run: the two builds of the example list, per device, as many
# bidirectional records as the in-tree customflow writes; the installed
# customflow writes the same files as the in-tree one.
"$CF" -q -d "$TMP/devices.txt" -o "$TMP/ref" "$TMP/sample.pcap" || fail "in-tree customflow"
"$CF" summary --format csv "$TMP/ref" | sed -n 's/^bidirectional,records,//p' |
    awk -F, '{print $1 " " $2}' | sort >"$TMP/want"
check "in-tree customflow wrote records" test -s "$TMP/want"
for ex in ex-shared ex-static; do
    [ -x "$TMP/$ex" ] || continue
    if LD_LIBRARY_PATH=$D$P/lib "$TMP/$ex" "$TMP/sample.pcap" "$TMP/devices.txt" >"$TMP/$ex.txt" 2>"$TMP/$ex.err"; then
        pass
        # "device remote_ip port": the device is all but the last two fields.
        awk '{n = NF - 2; d = $1; for (k = 2; k <= n; k++) d = d " " $k; c[d]++}
             END {for (d in c) print d " " c[d]}' "$TMP/$ex.txt" | sort >"$TMP/$ex.got"
        expect "$ex: records per device" "$(cat "$TMP/$ex.got")" "$(cat "$TMP/want")"
    else
        fail "$ex on the sample: $(head -3 "$TMP/$ex.err")"
    fi
done
# An installed customflow linked with the shared library (make
# INSTALL_LINK=shared) finds the installed one.
if readelf -d "$D$P/bin/customflow" | grep -q 'NEEDED.*libcustomflow'; then
    resolved=$(LD_LIBRARY_PATH=$D$P/lib ldd "$D$P/bin/customflow" | sed -nE 's/.*libcustomflow\.so\.[0-9]+ => ([^ ]+).*/\1/p')
    expect "installed customflow links the installed library" "$resolved" "$D$P/lib/libcustomflow.so.${version%%.*}"
fi
if LD_LIBRARY_PATH=$D$P/lib "$D$P/bin/customflow" --version >"$TMP/v.txt" 2>&1; then
    check "installed customflow --version" grep -q "^customflow $version " "$TMP/v.txt"
else
    fail "installed customflow --version: $(head -2 "$TMP/v.txt")"
fi
LD_LIBRARY_PATH=$D$P/lib "$D$P/bin/customflow" -q -d "$TMP/devices.txt" -o "$TMP/inst" "$TMP/sample.pcap" ||
    fail "installed customflow on the sample"
check "installed customflow: same output" cmp -s "$TMP/ref/bidirectional/sample.parquet" "$TMP/inst/bidirectional/sample.parquet"

# man finds and renders the installed pages.
if command -v man >/dev/null; then
    for page in customflow customflow-summary; do
        MANPATH=$D$P/share/man MANWIDTH=80 man "$page" >"$TMP/$page.txt" 2>"$TMP/man.err"
        check "man $page (MANPATH into DESTDIR)" grep -q '^NAME' "$TMP/$page.txt"
        MANWIDTH=80 man -l "$D$P/share/man/man1/$page.1" >"$TMP/$page.l.txt" 2>>"$TMP/man.err"
        check "man -l $page" grep -q '^SYNOPSIS' "$TMP/$page.l.txt"
    done
    check "man: no messages" test ! -s "$TMP/man.err"
else
    skip "man not installed: installed pages not rendered"
fi

# The installed bash completion, driven as bash drives it, with the
# installed customflow first on PATH: options and enumerated values come
# from its --help.
complete_words() { # complete_words WORD... : the candidates for the last word
    PATH=$D$P/bin:$PATH LD_LIBRARY_PATH=$D$P/lib bash -c '
        source "$0"
        COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _customflow; printf "%s\n" "${COMPREPLY[@]}"' \
        "$D$P/share/bash-completion/completions/customflow" "$@" 2>&1 | sort | tr '\n' ' '
}
expect "completion of --variant" "$(complete_words customflow --variant '')" "bidirectional both unidirectional "
expect "completion of --lay" "$(complete_words customflow --lay)" "--layout "
expect "completion of summary --sort" "$(complete_words customflow summary --sort '')" "count name "
expect "completion of -n (a number)" "$(complete_words customflow -n '')" " "

# make uninstall leaves nothing but directories.
make -s uninstall BUILD="$B" SAN=$SAN DESTDIR="$D" PREFIX=$P >/dev/null 2>&1
check "make uninstall removes every file" test -z "$(find "$D" -not -type d)"

finish
