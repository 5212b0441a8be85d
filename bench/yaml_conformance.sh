#!/usr/bin/env bash
# The YAML reader against the YAML test suite (github.com/yaml/yaml-test-suite, its
# `data` branch: one folder per case, in.yaml, and an `error` file for invalid input),
# side by side with yaml-cpp, which waybill used before. Not run in CI: the suite is not
# in this repository. Prints counts and the cases each parser gets wrong.
#
#   bench/yaml_conformance.sh SUITE_DATA_DIR [BUILD_DIR]
set -euo pipefail
suite=$1 build=${2:-build}
check=$build/bin/yaml_check
[ -x "$check" ] || { echo "build $check first (cmake --build $build --target yaml_check)"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# yaml-cpp, for comparison, when its headers are installed.
have_cpp=0
if [ -f /usr/include/yaml-cpp/yaml.h ]; then
  printf '#include <yaml-cpp/yaml.h>\n#include <fstream>\n#include <sstream>\nint main(int, char** v) { std::ifstream f(v[1]); std::stringstream s; s << f.rdbuf(); try { YAML::LoadAll(s.str()); return 0; } catch (...) { return 1; } }\n' > "$work/cpp.cc"
  g++ -O1 "$work/cpp.cc" -lyaml-cpp -o "$work/yaml_cpp" && have_cpp=1
fi

declare -A wrong=([waybill]=0 [yaml-cpp]=0)
declare -A accepted_bad=([waybill]="" [yaml-cpp]="")
declare -A refused_good=([waybill]="" [yaml-cpp]="")
valid=0 invalid=0
for dir in $(find "$suite" -name in.yaml -printf '%h\n' | sort); do
  id=${dir#"$suite"/}
  bad=0
  [ -f "$dir/error" ] && bad=1
  if [ $bad = 1 ]; then invalid=$((invalid + 1)); else valid=$((valid + 1)); fi
  for parser in waybill yaml-cpp; do
    if [ $parser = waybill ]; then cmd=("$check" "$dir/in.yaml"); else
      [ $have_cpp = 1 ] || continue
      cmd=("$work/yaml_cpp" "$dir/in.yaml")
    fi
    if "${cmd[@]}" > "$work/out" 2>&1; then ok=1; else ok=0; fi
    if [ $bad = 1 ] && [ $ok = 1 ]; then accepted_bad[$parser]+=" $id"; fi
    # waybill's reader also refuses what its documents never need (a second document,
    # keys that are collections, duplicate keys): counted apart from syntax.
    if [ $bad = 0 ] && [ $ok = 0 ]; then
      if [ $parser = waybill ] && ! grep -q "YAML YAML:" "$work/out"; then refused_good[schema]+=" $id"
      else refused_good[$parser]+=" $id"; fi
    fi
  done
done
echo "cases: $valid valid, $invalid invalid"
for parser in waybill yaml-cpp; do
  [ $parser = yaml-cpp ] && [ $have_cpp = 0 ] && continue
  a=(${accepted_bad[$parser]}) r=(${refused_good[$parser]})
  echo "$parser: accepts ${#a[@]} invalid, refuses ${#r[@]} valid as bad syntax"
  [ ${#a[@]} -gt 0 ] && echo "  accepted invalid:${accepted_bad[$parser]}"
  [ ${#r[@]} -gt 0 ] && echo "  refused valid:${refused_good[$parser]}"
done
s=(${refused_good[schema]:-})
echo "waybill refuses ${#s[@]} valid inputs by its own rules (several documents, collection or duplicate keys):${refused_good[schema]:-}"
