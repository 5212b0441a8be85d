#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time, under ASan and UBSan.
#
#   run.sh build SOURCE FUZZ_BUILD              configure and build the targets (clang)
#   run.sh TARGET SOURCE FUZZ_BUILD SECONDS [SHARED]
#
# A run first replays tests/fuzz/regressions/TARGET/ (every crash found so far, kept as
# a regression test), then fuzzes for SECONDS on FUZZ_BUILD/corpus/TARGET, seeded from
# the tests' own documents, Dockerfiles, bibliographies and made-up binary inputs. A
# crash fails the run and leaves the input in FUZZ_BUILD/artifacts/. Exits 77 (skip)
# where clang or libFuzzer is missing.
set -euo pipefail
what=$1 src=$2 out=$3

if [ "$what" = build ]; then
  if ! command -v clang++ > /dev/null; then
    echo "SKIP: clang++ is not installed (apt-get install clang); the fuzz targets need it"
    exit 77
  fi
  if [ ! -f "$out/build.ninja" ]; then
    cmake -S "$src" -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWAYBILL_FUZZ=ON \
      -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ > /dev/null
  fi
  exec cmake --build "$out" --target fuzz_targets
fi

seconds=$4 shared=${5:-}
bin=$out/bin/fuzz_$what
if [ ! -x "$bin" ]; then
  echo "SKIP: $bin is not built (no clang++?)"
  exit 77
fi
corpus=$out/corpus/$what
mkdir -p "$corpus" "$out/artifacts"

seed() {  # seed FILE...: copies into the corpus, named by content
  local f
  for f in "$@"; do
    [ -f "$f" ] && cp "$f" "$corpus/seed-$(sha256sum < "$f" | cut -c1-16)"
  done
  return 0
}
shopt -s nullglob globstar
case $what in
  document) seed "$src"/tests/golden/*.md "$src"/samples/**/*.md "$src"/samples/**/*.Rmd "$src"/site/*.md \
                 "$src"/tests/e2e/adversarial/*.md ;;
  yaml|manifest|site_config)
    seed "$src"/site/waybill.yml "$src"/samples/**/waybill.yml "$src"/tests/fuzz/seeds/yaml/* ;;
  dockerfile) seed "$src"/tests/fuzz/seeds/dockerfile/* ${shared:+"$shared"/conformance/dockerfile-parser/*/*/Dockerfile} ;;
  shell_words) seed "$src"/tests/fuzz/seeds/words/* ;;
  bibtex) seed "$src"/tests/golden/*.bib "$src"/samples/**/*.bib ;;
  tar|archive|registry_json|driver_reply)
    seeds=$(mktemp -d)
    python3 "$src/tests/fuzz/make_seeds.py" "$seeds"
    seed "$seeds/$what"/*
    rm -rf "$seeds" ;;
esac

export TMPDIR=${TMPDIR:-/tmp}
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
regressions=("$src"/tests/fuzz/regressions/"$what"/*)
if [ ${#regressions[@]} -gt 0 ]; then
  echo "replaying ${#regressions[@]} regression inputs"
  TMPDIR=$scratch "$bin" -rss_limit_mb=2048 -timeout=20 "${regressions[@]}"
fi
echo "fuzzing $what for $seconds s on $(ls "$corpus" | wc -l) corpus inputs"
TMPDIR=$scratch "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -max_len=65536 \
  -artifact_prefix="$out/artifacts/$what-" -print_final_stats=1 "$corpus" 2>&1 |
  grep -v -e '^"' -e 'recommended dictionary' | tail -25  # the dictionary would push the coverage out
