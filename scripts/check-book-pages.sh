#!/usr/bin/env bash
# Opens every page of the built book (target/book, from scripts/check-book.sh) in headless
# Chromium at the book's default width and fails on:
#   - a code sample (any <pre>, compiler output included) wider than the page: its
#     scrollWidth exceeds its clientWidth, so the reader has to scroll it sideways;
#   - a broken page: the theme's CSS not applied, an image that did not load (naturalWidth 0),
#     `{{#include ...}}` text left in the page;
#   - a blank screenshot of the introduction, a tutorial page and a page with an SVG graph
#     (the PNG is decoded and must hold more than one colour).
# Each page is checked through a temporary copy with a small script injected that writes its
# findings into the DOM, read back with --dump-dom.
#
# Usage: [BOOK_DIR=DIR] scripts/check-book-pages.sh [--keep]   (--keep leaves the screenshots in
#        target/book-pages)
set -euo pipefail
cd "$(dirname "$0")/.."

book=${BOOK_DIR:-target/book}  # BOOK_DIR: another built book (the checks of this script)
out=target/book-pages
# The width of a desktop browser window: mdBook shows its sidebar from 1080 px up, and the
# content column is its default 750 px.
width=1280
height=900
keep=0
[[ "${1:-}" == --keep ]] && keep=1

chromium=$(command -v chromium || command -v chromium-browser || true)
[[ -n "$chromium" ]] || { echo "check-book-pages: no chromium (apt-get install chromium)" >&2; exit 1; }
[[ -f "$book/index.html" ]] || { echo "check-book-pages: no $book: run scripts/check-book.sh" >&2; exit 1; }
book=$(cd "$book" && pwd)

rm -rf "$out"
mkdir -p "$out"
# Chromium writes its profile here, not in the user's home.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

browse() {
    timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --no-first-run --user-data-dir="$profile" --window-size="$width,$height" \
        --virtual-time-budget=5000 "$@" 2>/dev/null
}

# Runs after the page and its scripts (highlighting, fonts) have loaded.
probe='<script>
window.addEventListener("load", () => setTimeout(() => {
  const problems = [];
  const root = getComputedStyle(document.documentElement);
  if (!root.getPropertyValue("--content-max-width").trim()) problems.push("theme CSS not applied");
  for (const img of document.images) {
    if (!img.complete || img.naturalWidth === 0) problems.push("broken image " + img.getAttribute("src"));
  }
  if (document.body.innerText.includes("{{#include")) problems.push("unresolved {{#include}}");
  // The block that scrolls is the <pre> or, with highlight.js, its <code>.
  for (const pre of document.querySelectorAll("main pre")) {
    const wide = [pre, ...pre.querySelectorAll(":scope > code")]
      .find(e => e.scrollWidth > e.clientWidth + 1);
    if (wide) {
      const line = pre.innerText.split("\n").reduce((a, b) => (b.length > a.length ? b : a), "");
      problems.push("sample wider than the page (" + wide.scrollWidth + " > " + wide.clientWidth +
        " px): " + line.trim().slice(0, 100));
    }
  }
  const n = document.querySelectorAll("main pre").length;
  const result = document.createElement("pre");
  result.id = "book-page-check";
  result.textContent = "CHECKED " + n + "\n" + problems.map(p => "PROBLEM " + p).join("\n");
  document.body.appendChild(result);
  // Drop the probe itself: its text must not be read back as findings.
  for (const s of document.querySelectorAll("script")) s.remove();
}, 200));
</script>'

status=0
pages=0
while IFS= read -r page; do
    rel=${page#"$book"/}
    # Skip mdBook's own pages (print view, 404, the table-of-contents frame).
    case "$rel" in print.html | 404.html | toc.html) continue ;; esac
    copy="${page%.html}.page-check.html"
    # The copy sits beside the page, so its relative CSS, JS and image links resolve.
    python3 - "$page" "$copy" "$probe" <<'EOF'
import sys
page, copy, probe = sys.argv[1:]
html = open(page, encoding="utf-8").read()
open(copy, "w", encoding="utf-8").write(html.replace("</body>", probe + "</body>", 1))
EOF
    dom=$(browse --dump-dom "file://$copy" || true)
    rm -f "$copy"
    pages=$((pages + 1))
    if ! grep -q 'CHECKED [0-9]' <<<"$dom"; then
        echo "check-book-pages: $rel: the page never finished loading" >&2
        status=1
        continue
    fi
    while IFS= read -r problem; do
        echo "check-book-pages: $rel: ${problem#PROBLEM }" >&2
        status=1
    done < <(grep -o 'PROBLEM .*' <<<"$dom" | sed 's/<\/pre>.*//; s/&gt;/>/g; s/&lt;/</g; s/&amp;/\&/g' | sort -u)
done < <(find "$book" -name '*.html' ! -name '*.page-check.html' | sort)

# The screenshots: a page that renders as one colour is broken however its DOM looks.
for rel in introduction.html tutorial/first-charm.html flag-graph.html; do
    shot="$out/$(tr / - <<<"${rel%.html}").png"
    browse --screenshot="$PWD/$shot" "file://$book/$rel" >/dev/null || true
    if [[ ! -s "$shot" ]]; then
        echo "check-book-pages: $rel: no screenshot" >&2
        status=1
        continue
    fi
    colours=$(python3 - "$shot" <<'EOF'
# Counts the distinct pixels of an 8-bit RGB/RGBA PNG (Chromium's screenshots), up to 100.
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, header = 8, b"", None
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        header = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
width, height, depth, colour_type = header[:4]
assert depth == 8 and colour_type in (2, 6), f"unsupported PNG {depth}/{colour_type}"
bpp = 3 if colour_type == 2 else 4
raw, stride = zlib.decompress(idat), width * bpp
prev, seen, i = bytearray(stride), set(), 0
for _ in range(height):
    kind, row = raw[i], bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    for x in range(stride):
        a = row[x - bpp] if x >= bpp else 0
        b, c = prev[x], prev[x - bpp] if x >= bpp else 0
        if kind == 1: row[x] = (row[x] + a) & 255
        elif kind == 2: row[x] = (row[x] + b) & 255
        elif kind == 3: row[x] = (row[x] + (a + b) // 2) & 255
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            row[x] = (row[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp * 7):
        seen.add(bytes(row[x:x + bpp]))
    if len(seen) >= 100:
        break
    prev = row
print(len(seen))
EOF
)
    if ((colours < 2)); then
        echo "check-book-pages: $rel: the screenshot is blank (one colour)" >&2
        status=1
    fi
    echo "check-book-pages: $rel: screenshot $shot, $colours+ colours"
done

((keep)) || rm -rf "$out"
if ((status)); then
    exit 1
fi
echo "check-book-pages: $pages pages, every code sample fits the page, screenshots not blank"
