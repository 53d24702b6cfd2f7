#!/usr/bin/env bash
# Builds the book and fails if any `{{#include}}` does not resolve: mdbook itself only warns
# about a missing file and says nothing about a missing anchor, and every code sample of the
# book must come from a file the tests compile.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v mdbook >/dev/null 2>&1; then
    echo "check-book: installing mdbook (cargo install)"
    cargo install mdbook --locked --version '^0.5' --no-default-features --features search
fi

status=0
while IFS= read -r line; do
    chapter=${line%%:*}
    spec=$(sed -E 's/.*\{\{#include ([^}]*)\}\}.*/\1/' <<<"${line#*:}")
    path=${spec%%:*}
    anchor=""
    [[ "$spec" == *:* ]] && anchor=${spec#*:}
    # An include's path is relative to the chapter's own directory.
    file="$(dirname "$chapter")/$path"
    if [[ ! -f "$file" ]]; then
        echo "check-book: $chapter includes $path, which does not exist" >&2
        status=1
    elif [[ -n "$anchor" ]] && ! grep -q "ANCHOR: $anchor\$" "$file"; then
        echo "check-book: $chapter includes $path:$anchor, but $path has no ANCHOR: $anchor" >&2
        status=1
    fi
done < <(grep -r -o -H --include='*.md' '{{#include [^}]*}}' book/src)
[[ $status == 0 ]] || exit 1

out=$(mdbook build book 2>&1) || { echo "$out" >&2; exit 1; }
if grep -E '(ERROR|WARN)' <<<"$out" >&2; then
    exit 1
fi
echo "check-book: book built, every include resolved"
