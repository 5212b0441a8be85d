#!/usr/bin/env bash
# waybill's two set-up commands (see README.md):
#
#   ./quickstart.sh paper   install what is missing, build, render samples/paper/ to HTML and PDF
#   ./quickstart.sh test    install what is missing, build, run the whole test suite (CTest)
#
# Both are idempotent: installed packages are skipped and the build is incremental.
# Environment: BUILD_DIR (default build), JOBS (default: the number of cores),
# WAYBILL_SANITIZE=ON for an ASan+UBSan build (use a separate BUILD_DIR).
set -euo pipefail

cd "$(dirname "$0")"
root=$(pwd)
build=${BUILD_DIR:-build}
jobs=${JOBS:-$(nproc)}

# Debian packages, by what needs them (ARCHITECTURE.md, "Conventions", names the libraries).
# uidmap: newuidmap and newgidmap, for the boxes of ordinary users (rootless).
build_packages=(cmake ninja-build g++ pkg-config git
  libcmark-gfm-dev libcmark-gfm-extensions-dev libfyaml-dev nlohmann-json3-dev libssl-dev
  libcli11-dev libkainjow-mustache-dev libsource-highlight-dev catch2
  libarchive-dev zlib1g-dev libzstd-dev libdeflate-dev libseccomp-dev libpng-dev libcurl4-openssl-dev libmicrohttpd-dev
  libzmq3-dev)
render_packages=(libjs-katex fonts-katex latexmk lmodern
  texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended texlive-plain-generic
  mmdebstrap uidmap)
# Peers the interoperability tests run against; matplotlib and R for the drivers' tests;
# clang and its runtimes for the fuzz targets; a one-node Slurm cluster for scale-out.
test_packages=(python3 python3-html5lib python3-jsonschema python3-matplotlib python3-pandas python3-ipykernel jupyter-nbconvert r-base-core poppler-utils chromium podman skopeo runc
  bubblewrap docker-registry apache2-utils clang libclang-rt-14-dev slurm-wlm munge)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo > /dev/null || { echo "root is needed to install: ${missing[*]}" >&2; exit 3; }
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build_waybill() {
  if [ ! -f "$build/build.ninja" ]; then
    say "configuring $build"
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DWAYBILL_SANITIZE="${WAYBILL_SANITIZE:-OFF}" > /dev/null
  fi
  say "building"
  cmake --build "$build" -j "$jobs"
}

case "${1:-}" in
  paper)
    ensure_packages "${build_packages[@]}" "${render_packages[@]}"
    build_waybill
    say "rendering samples/paper/paper.md"
    "$build/bin/waybill" render samples/paper/paper.md
    say "done: $root/samples/paper/paper.html and $root/samples/paper/paper.pdf"
    ;;
  test)
    ensure_packages "${build_packages[@]}" "${render_packages[@]}" "${test_packages[@]}"
    build_waybill
    say "running the test suite"
    ctest --test-dir "$build" --output-on-failure -j "$jobs"
    ;;
  *)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
