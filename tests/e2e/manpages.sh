#!/usr/bin/env bash
# The man pages: they format without warnings (groff -ww), `man -l` renders
# them, and each lists exactly the options its command's --help lists
# (long options; for customflow also the short ones), so that a new option
# without documentation, or documentation of a removed one, fails here.
. "$(dirname "$0")/common.sh"

# opts_help: the long options a --help text names, one a line.
opts_help() { grep -oE -- '--[a-z][a-z0-9-]*' | sort -u; }
# opts_man PAGE: the long options of the page's .It entries (commented-out
# lines start with .\" and are not entries).
opts_man() { grep -E '^\.It ' "$1" | grep -oE 'Fl -[a-z][a-z0-9-]*' | sed 's/^Fl /-/' | sort -u; }

# compare PAGE HELP_FILE WHAT
compare() {
    local page=$1 help=$2 what=$3 missing stale
    # --help itself is an option of both (it produced the text).
    { opts_help <"$help"; echo --help; } | sort -u >"$TMP/h"
    opts_man "$page" >"$TMP/m"
    check "$what --help names options" test -s "$TMP/h"
    missing=$(comm -23 "$TMP/h" "$TMP/m")
    stale=$(comm -13 "$TMP/h" "$TMP/m")
    if [ -n "$missing" ]; then fail "$page lacks $(echo $missing) (in $what --help)"; else pass; fi
    if [ -n "$stale" ]; then fail "$page documents $(echo $stale) (not in $what --help)"; else pass; fi
}

for page in man/customflow.1 man/customflow-summary.1 man/customflow-plan.1; do
    if groff -mandoc -ww -z "$page" 2>"$TMP/groff.err" && [ ! -s "$TMP/groff.err" ]; then
        pass
    else
        fail "groff -mandoc -ww $page: $(head -3 "$TMP/groff.err")"
    fi
    if command -v mandoc >/dev/null; then
        if mandoc -T lint -W warning "$page" >"$TMP/lint" 2>&1; then pass; else
            fail "mandoc -T lint $page: $(head -3 "$TMP/lint")"
        fi
    fi
    if command -v man >/dev/null; then
        MANWIDTH=80 man -l "$page" >"$TMP/render" 2>"$TMP/man.err"
        check "man -l $page renders a NAME section" grep -q '^NAME' "$TMP/render"
        check "man -l $page: no message" test ! -s "$TMP/man.err"
    else
        skip "man not installed: $page not rendered"
    fi
done

if [ -x "$CF" ]; then
    "$CF" --help >"$TMP/cf.help" 2>&1
    compare man/customflow.1 "$TMP/cf.help" customflow
    # Short options: "-o, --output" in --help, ".It Fl o , Fl -output" in the page.
    grep -oE -- '^ +-[a-zA-Z],' "$TMP/cf.help" | tr -d ' ,' | sort -u >"$TMP/hs"
    grep -E '^\.It Fl [a-zA-Z] ' man/customflow.1 | sed -E 's/^\.It Fl ([a-zA-Z]) .*/-\1/' | sort -u >"$TMP/ms"
    expect "short options of customflow.1 against --help" "$(cat "$TMP/ms")" "$(cat "$TMP/hs")"
    "$CF" summary --help >"$TMP/sum.help" 2>&1
    compare man/customflow-summary.1 "$TMP/sum.help" "customflow summary"
    "$CF" plan --help >"$TMP/plan.help" 2>&1
    "$CF" task --help >>"$TMP/plan.help" 2>&1
    compare man/customflow-plan.1 "$TMP/plan.help" "customflow plan and task"
else
    fail "$CF missing"
fi

finish
