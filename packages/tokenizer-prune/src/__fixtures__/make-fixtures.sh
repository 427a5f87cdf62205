#!/bin/sh
# Regenerates the text fixtures from Debian's man-db manual pages (GPL-2+), see README.md.
# Needs man-db with its translations installed (Debian: man-db, manpages in /usr/share/man/LANG).
# Each page is rendered to plain UTF-8 text without line wrapping, runs of blanks are collapsed,
# and the result is cut at the first line end after MAX bytes.
set -eu
cd "$(dirname "$0")"
LANGS="en de fr ru ja zh_CN ko"

render() { # render PAGE LANG MAX
  if [ "$2" = en ]; then f="/usr/share/man/man1/$1.1.gz"; else f="/usr/share/man/$2/man1/$1.1.gz"; fi
  MANWIDTH=2000 LANG=C.UTF-8 man -E UTF-8 -l "$f" 2>/dev/null | col -bx |
    sed -E 's/^ +//; s/ {2,}/ /g' | cat -s | head -c "$3" | sed '$d'
}

: > corpus-train.txt
for l in $LANGS; do render man "$l" 15500 >> corpus-train.txt; done
: > corpus-held-out.txt
for l in $LANGS; do render whatis "$l" 5200 >> corpus-held-out.txt; done
wc -c corpus-train.txt corpus-held-out.txt
