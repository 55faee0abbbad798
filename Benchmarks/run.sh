#!/usr/bin/env bash
# Runs every benchmark in release mode and prints the figures (not part of CI: minutes of work).
#   bash Benchmarks/run.sh            # all of them
#   SCALE=120 bash Benchmarks/run.sh  # size of the generated "million-deal" folder
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
scale="${SCALE:-120}"
big="${BIG_FOLDER:-/tmp/pipecast-million-$scale}"

echo "== building (release)"
(cd "$root" && swift build -c release --product pipecast >/dev/null)
(cd "$here" && swift build -c release >/dev/null)
bench="$here/.build/release/pipecast-bench"
pipecast="$root/.build/release/pipecast"
python3 -c "import pandas, numpy" 2>/dev/null || python3 -m pip install -q pandas numpy

echo "== million-deal folder (pipecast generate --scale $scale)"
[ -f "$big/deals.csv" ] || /usr/bin/time -f "generate: %e s, peak %M KB" "$pipecast" generate --out "$big" --seed 1 --scale "$scale"
wc -l "$big/deals.csv" "$big/deal_history.csv" | head -2

echo "== reading: deals + history (pipecast) against pandas"
python3 "$here/read_vs_pandas.py" --dir "$big" --bench "$bench"

echo "== loading the whole folder and validating it"
/usr/bin/time -f "validate: %e s wall, peak %M KB" "$pipecast" validate --data "$big" >/dev/null 2>&1 || true

echo "== fit on the million-deal folder"
/usr/bin/time -f "fit (load + fit): %e s wall, peak %M KB" "$pipecast" fit --data "$big" >/dev/null 2>&1

echo "== censored fits against lifelines (1,000,000 durations)"
python3 "$here/fit_vs_lifelines.py" 1000000

echo "== KPIs: 1M deals by owner, 10M activities"
"$bench" kpi 1000000 10000000

echo "== simulation: 1M open deals, against numpy (stage steps per second of simulation time)"
swift_line="$("$bench" simulate 1000000 60)"
echo "$swift_line"
"$bench" simulate 1000000 60 1
echo "(the Swift loop alone, PIPECAST_VECTOR_KERNEL=0:)"
PIPECAST_VECTOR_KERNEL=0 "$bench" simulate 1000000 20
numpy_line="$(python3 "$here/numpy_reference.py" 1000000 20)"
echo "$numpy_line"
python3 - "$swift_line" "$numpy_line" <<'PY'
import re, sys
rate = lambda line: float(re.search(r"([0-9.]+) M stage steps/s", line).group(1))
ours, numpy = rate(sys.argv[1]), rate(sys.argv[2])
print(f"ratio: {ours / numpy:.1f}x the numpy reference ({ours:.1f} against {numpy:.1f} M stage steps/s; "
      f"targets: 8x and 80 M steps/s)")
PY

echo "== simulation of the million-deal folder's open pipeline (fitted first, untimed)"
"$bench" forecast "$big" 200 2 open

echo "== simulation on the sample folder (scope all: open deals and the deals still to be created)"
"$bench" forecast "$root/Samples/demo-crm" 10000

echo "== forecast on the sample folder (scope all, 10,000 trials)"
/usr/bin/time -f "forecast: %e s wall, peak %M KB" "$pipecast" forecast --data "$root/Samples/demo-crm" --trials 10000 >/dev/null 2>&1
