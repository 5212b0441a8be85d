#!/usr/bin/env bash
# The fuzz targets (tests/fuzz) for longer than the suite runs them: SECONDS each
# (default 600), JOBS at a time (default 2), on the corpora the suite keeps growing in
# BUILD/fuzz/corpus. Prints, per target, the runs, the corpus size, the coverage and
# whether it crashed; crash inputs land in BUILD/fuzz/artifacts/.
#
#   bench/fuzz.sh [SECONDS] [BUILD_DIR] [JOBS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600} build=${2:-build} jobs=${3:-2}
shift $(( $# < 3 ? $# : 3 ))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(document yaml manifest site_config dockerfile shell_words bibtex tar archive
                                     registry_json driver_reply)
tests/fuzz/run.sh build . "$build/fuzz" > /dev/null
logs=$(mktemp -d)
run() {
  local t=$1
  if tests/fuzz/run.sh "$t" . "$build/fuzz" "$seconds" ../shared > "$logs/$t" 2>&1; then echo ok > "$logs/$t.status"
  else echo CRASH > "$logs/$t.status"; fi
}
running=0
for t in "${targets[@]}"; do
  run "$t" &
  running=$((running + 1))
  if [ $running -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait
printf '| target | seconds | runs | inputs added | corpus | coverage (edges) | peak RSS (MB) | result |\n'
printf '|:--|--:|--:|--:|--:|--:|--:|:--|\n'
for t in "${targets[@]}"; do
  stat_of() { grep -o "stat::$1: *[0-9]*" "$logs/$t" | awk '{print $2}' | tail -1 || true; }
  cov=$(grep -o 'cov: [0-9]*' "$logs/$t" | tail -1 | awk '{print $2}' || true)
  corpus=$(ls "$build/fuzz/corpus/$t" | wc -l)
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$seconds" "$(stat_of number_of_executed_units)" \
    "$(stat_of new_units_added)" "$corpus" "${cov:-?}" "$(stat_of peak_rss_mb)" "$(cat "$logs/$t.status")"
done
grep -l CRASH "$logs"/*.status > /dev/null 2>&1 && { echo "crash inputs: $build/fuzz/artifacts/"; exit 1; }
rm -rf "$logs"
