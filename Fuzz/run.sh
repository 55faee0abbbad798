#!/usr/bin/env bash
# Runs one libFuzzer harness for a set time:  Fuzz/run.sh TARGET SECONDS [libFuzzer flags...]
#   TARGET: csv (the CSV reader and field parsers), loader (the folder loader, nine files from
#   one input, then point-in-time views), scenario (the scenario YAML parser and compiler) or
#   mapping (the importers' mapping YAML, applied to five small exports).
#   SECONDS defaults to 60.
# Builds into .build-fuzz/ (gitignored) with -sanitize=fuzzer,address, seeds the corpus from
# Tests/Fixtures/broken and Tests/Fixtures/crm-small (scenario: Scenarios/*.yaml; mapping:
# Fuzz/mapping-seeds/*.yaml), and keeps the
# corpus between runs. A crash leaves .build-fuzz/artifacts-TARGET/crash-* and a non-zero exit
# code; turn every one into a regression test (Tests/ReliabilityTests/, scenario:
# Tests/ScenariosTests/, mapping: Tests/ImportersTests/) before it is fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: Fuzz/run.sh csv|loader|scenario|mapping SECONDS}
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : $# ))
case "$target" in
  csv) harness=CSVReaderFuzz ;;
  loader) harness=FolderLoaderFuzz ;;
  scenario) harness=ScenarioFuzz ;;
  mapping) harness=MappingFuzz ;;
  *) echo "unknown target '$target' (csv, loader, scenario, mapping)" >&2; exit 64 ;;
esac
out=.build-fuzz
bin="$out/fuzz-$target"
mkdir -p "$out"
if [ "$target" = scenario ]; then
  # Yams (with its C target CYaml) and the Pipecast modules come through SwiftPM: the small
  # package Fuzz/ScenarioFuzz depends on PipecastKit (path ../..), and every module, C included,
  # is built with fuzzer coverage and ASan. SwiftPM decides what to rebuild.
  swift build -c release --package-path Fuzz/ScenarioFuzz --scratch-path "$out/scenario" \
    --product ScenarioFuzz -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address >&2
  ln -sf "$PWD/$out/scenario/release/ScenarioFuzz" "$bin"
  corpus="$out/corpus-$target"
  seeds="$out/seeds-$target"
  mkdir -p "$corpus" "$seeds" "$out/artifacts-$target"
  cp Scenarios/*.yaml "$seeds/"
  # -timeout: the first input also fits the model on Samples/demo-crm.
  exec "$bin" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=2048 -max_len=4096 \
    -dict=Fuzz/scenario.dict -print_final_stats=1 -artifact_prefix="$out/artifacts-$target/" \
    "$@" "$corpus" "$seeds"
fi
if [ "$target" = mapping ]; then
  # Like scenario: the package Fuzz/MappingFuzz depends on PipecastKit (path ../..), so Importers,
  # Yams, CYaml and CRMData carry coverage and ASan. The fixed exports are read from
  # Tests/Fixtures/exports (relative to the repository root, where this script runs).
  swift build -c release --package-path Fuzz/MappingFuzz --scratch-path "$out/mapping" \
    --product MappingFuzz -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address >&2
  ln -sf "$PWD/$out/mapping/release/MappingFuzz" "$bin"
  corpus="$out/corpus-$target"
  seeds="$out/seeds-$target"
  mkdir -p "$corpus" "$seeds" "$out/artifacts-$target"
  cp Fuzz/mapping-seeds/*.yaml "$seeds/"
  exec "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -dict=Fuzz/mapping.dict -print_final_stats=1 -artifact_prefix="$out/artifacts-$target/" \
    "$@" "$corpus" "$seeds"
fi
sources=$(find Sources/CRMData -name '*.swift' | sort)
if [ ! -x "$bin" ] || [ -n "$(find $sources "Fuzz/Harnesses/$harness.swift" -newer "$bin")" ]; then
  echo "building $bin" >&2
  # One module: the harness is compiled into CRMData, so internal API is reachable.
  swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name CRMData \
    $sources "Fuzz/Harnesses/$harness.swift" -o "$bin"
fi
corpus="$out/corpus-$target"
seeds="$out/seeds-$target"
mkdir -p "$corpus" "$seeds" "$out/artifacts-$target"
files="deals.csv deal_history.csv stages.csv leads.csv activities.csv reps.csv quotas.csv accounts.csv costs.csv"
for dir in Tests/Fixtures/broken/*/ Tests/Fixtures/crm-small/; do
  name=$(basename "$dir")
  if [ "$target" = csv ]; then
    for f in "$dir"*.csv; do [ -f "$f" ] && cp "$f" "$seeds/$name-$(basename "$f")"; done
  else
    for f in $files; do
      [ -f "$dir$f" ] && cat "$dir$f"
      printf '\377'
    done > "$seeds/$name"
  fi
done
exec "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
  -dict=Fuzz/csv.dict -print_final_stats=1 -artifact_prefix="$out/artifacts-$target/" \
  "$@" "$corpus" "$seeds"
