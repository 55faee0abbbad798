#!/usr/bin/env bash
# Runs every pipecast command on odd-but-valid CRM folders (scripts/odd_worlds.py: deals only,
# no stages.csv, 1, 2 and 20 stages, 12 deals, date-times, zero and huge amounts, one owner,
# Unicode stage names, a fast-growing world, account ids without accounts.csv) and fails on any
# crash, internal error or timeout. Exit 65 is accepted only with an `error:` line saying what
# the folder lacks (a what-if lever that needs leads.csv, say). CI runs it on the debug build
# (about 3 minutes; 50 s on a release build).
#
#   scripts/sweep-odd-worlds.sh            # release build, 300 trials
#   PIPECAST=.build/debug/pipecast scripts/sweep-odd-worlds.sh
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PIPECAST:-}" ]; then
  swift build -c release --product pipecast >&2 || exit 1
  PIPECAST="$(swift build -c release --show-bin-path)/pipecast"
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 scripts/odd_worlds.py "$tmp/worlds" || exit 1

commands=(
  "validate"
  "kpis"
  "kpis --by owner --format json"
  "fit"
  "forecast --trials 300"
  "forecast --trials 300 --scope open --by owner --format json"
  "forecast --trials 300 --by source"
  "backtest --trials 100"
  "deals"
  "bridge --from 2024-06-30 --to 2024-09-30"
  "whatif --trials 200 Scenarios/hire-two-aes.yaml Scenarios/deal-size-plus-10pct.yaml"
  "whatif --trials 200 Scenarios/contact-rate-plus-10pct.yaml"
  "quota --period 2025-Q3 --trials 200"
  "funnel"
  "report --trials 200 --output $tmp/report.html"
)
failures=0
runs=0
for world in "$tmp"/worlds/*; do
  for cmd in "${commands[@]}"; do
    read -r -a args <<<"$cmd"
    runs=$((runs + 1))
    timeout 300 "$PIPECAST" "${args[0]}" --data "$world" "${args[@]:1}" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    verdict=ok
    if [ "$rc" -eq 65 ] && grep -q '^error: ' "$tmp/err"; then
      verdict="ok (65: $(grep -m1 '^error: ' "$tmp/err" | cut -c8-90))"
    elif [ "$rc" -ne 0 ]; then
      verdict="FAILED (exit $rc: $(grep -v '^$' "$tmp/err" | tail -1 | cut -c1-120))"
      failures=$((failures + 1))
    fi
    printf '%-20s %-45.45s %s\n' "$(basename "$world")" "$cmd" "$verdict"
  done
done
echo "$runs runs, $failures failed"
[ "$failures" -eq 0 ]
