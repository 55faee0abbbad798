#!/usr/bin/env bash
# Renders an HTML report in headless Chromium to a PNG and checks that it rendered cleanly.
#
#   scripts/render-report.sh REPORT.html OUT.png [WIDTH] [HEIGHT]
#
# Fails (exit 1) when Chromium exits with an error, the PNG is missing or implausibly small, or
# Chromium's log shows a console error, a failed network request (the report must fetch nothing)
# or a blocked resource. Exit 2: Chromium is not installed (`apt-get install -y chromium`).
# The log is kept next to the PNG as OUT.png.log.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 REPORT.html OUT.png [WIDTH] [HEIGHT]" >&2
  exit 64
fi
report=$1
png=$2
width=${3:-1280}
height=${4:-8000}
log="$png.log"

browser=""
for candidate in "${CHROMIUM:-}" chromium chromium-browser google-chrome; do
  if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then
    browser=$candidate
    break
  fi
done
if [ -z "$browser" ]; then
  echo "render-report: Chromium not found (apt-get install -y chromium, or set CHROMIUM)" >&2
  exit 2
fi
if [ ! -s "$report" ]; then
  echo "render-report: $report is missing or empty" >&2
  exit 1
fi

# Self-contained: no scripts, style sheets, images, frames or fonts from anywhere. The only URL
# allowed is the SVG namespace, which is a name, not a request.
if grep -Eio '<script|<link|<iframe|<img|<object|<embed|@import|url\(|src=|https?://[^"]*' "$report" \
  | grep -v '^http://www.w3.org/2000/svg$' >"$png.fetches" 2>/dev/null; then
  echo "render-report: $report is not self-contained:" >&2
  sort -u "$png.fetches" >&2
  rm -f "$png.fetches"
  exit 1
fi
rm -f "$png.fetches"

abs_report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
mkdir -p "$(dirname "$png")"
rm -f "$png" "$log"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

# --enable-logging=stderr --v=0 prints the page's console messages as "INFO:CONSOLE:n] ..." lines.
status=0
timeout 120 "$browser" --headless --disable-gpu --no-sandbox --hide-scrollbars \
  --user-data-dir="$profile" --no-first-run --no-default-browser-check \
  --disable-extensions --disable-background-networking --disable-component-update \
  --enable-logging=stderr --v=0 \
  --window-size="$width,$height" --screenshot="$png" "file://$abs_report" \
  >"$log" 2>&1 || status=$?

if [ "$status" -ne 0 ]; then
  echo "render-report: Chromium exited with status $status; log:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
if [ ! -s "$png" ]; then
  echo "render-report: no screenshot written; log:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
size=$(stat -c %s "$png")
if [ "$size" -lt 20000 ]; then
  echo "render-report: $png is only $size bytes: the page looks blank" >&2
  exit 1
fi
# Any console message from the page (the report has no scripts, so any message is a problem),
# failed loads, blocked content.
if grep -E ':CONSOLE[:(]|Uncaught|net::ERR_|Failed to load|Not allowed to load|Refused to' "$log" >"$log.errors"; then
  echo "render-report: the page reported errors:" >&2
  cat "$log.errors" >&2
  exit 1
fi
rm -f "$log.errors"
echo "render-report: $png ($size bytes, ${width}x${height})"
