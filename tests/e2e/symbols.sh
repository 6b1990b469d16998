#!/usr/bin/env bash
# The shared library exports exactly the public API: every dynamic symbol
# it defines is a function declared CF_API in lib/customflow.h, and every
# CF_API function is exported. Also its soname and real name carry the
# header's version.
. "$(dirname "$0")/common.sh"

SO=$B/libcustomflow.so
if [ ! -e "$SO" ]; then
    fail "$SO missing (make all builds it)"
    finish; exit
fi

# The CF_API declarations, as the library sees them: the header preprocessed
# with CF_BUILDING_LIBRARY (comments gone, CF_API expanded to the visibility
# attribute), one declaration per line; the name is the identifier before
# the first '('.
cc -E -P -DCF_BUILDING_LIBRARY -Ilib -x c lib/customflow.h >"$TMP/h.i" 2>"$TMP/cc.err" ||
    fail "preprocessing lib/customflow.h: $(head -1 "$TMP/cc.err")"
tr '\n' ' ' <"$TMP/h.i" | tr ';' '\n' | grep -F 'visibility("default")' |
    sed -E 's/.*visibility\("default"\)\)\)//' |
    sed -nE 's/^[^(]*[^A-Za-z0-9_(]([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*\(.*/\1/p' |
    sort -u >"$TMP/declared"
# Every function the header declares, CF_API or not (to tell the two
# failures apart in the message).
tr '\n' ' ' <"$TMP/h.i" | tr ';' '\n' | grep -v '^[[:space:]]*typedef' |
    sed -nE 's/^[^(]*[^A-Za-z0-9_(]([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*\(.*/\1/p' |
    sort -u >"$TMP/all_decl"
check "the header declares CF_API functions" test -s "$TMP/declared"

nm -D --defined-only "$SO" | awk '{print $NF}' | sed 's/@.*//' | sort -u >"$TMP/exported"
check "the library exports symbols" test -s "$TMP/exported"

# Exported but not declared CF_API: the visibility boundary leaks.
extra=$(comm -23 "$TMP/exported" "$TMP/declared")
if [ -n "$extra" ]; then
    for s in $extra; do
        if grep -qx "$s" "$TMP/all_decl"; then
            fail "exported $s is declared in customflow.h without CF_API"
        else
            fail "exported $s is not declared in customflow.h"
        fi
    done
else
    pass
fi
# Declared CF_API but not exported: missing from the library or hidden.
missing=$(comm -13 "$TMP/exported" "$TMP/declared")
if [ -z "$missing" ]; then
    pass
else
    fail "declared CF_API but not exported: $(echo $missing)"
fi
echo "symbols: $(wc -l <"$TMP/exported") exported, $(wc -l <"$TMP/declared") declared CF_API"

# Names: libcustomflow.so -> libcustomflow.so.MAJOR -> libcustomflow.so.VERSION,
# and the soname is libcustomflow.so.MAJOR.
version=$(printf '#include "customflow.h"\nCF_VERSION_STRING\n' | cc -E -P -Ilib -x c - | tail -n 1 | tr -d '" ')
major=${version%%.*}
soname=$(readelf -d "$SO" | sed -nE 's/.*Library soname: \[(.*)\].*/\1/p')
expect soname "$soname" "libcustomflow.so.$major"
expect "real name" "$(basename "$(readlink -f "$SO")")" "libcustomflow.so.$version"
expect "soname link" "$(readlink "$B/libcustomflow.so.$major")" "libcustomflow.so.$version"

finish
