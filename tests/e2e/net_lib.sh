# Shared by the tests that download from Debian (image bootstrap, apt-get in RUN steps).
# Sourced; defines need_mirror [MIRROR], which skips the test (exit 77), saying why, when
# the Debian mirror (MIRROR, else the one apt uses here) cannot be reached. Call it only
# where the test is about to download.

# The archive apt uses on this machine, as `image bootstrap` reads it (the first URI of
# debian.sources, else of sources.list), or deb.debian.org.
debian_mirror() {
  local uri=
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  elif [ -f /etc/apt/sources.list ]; then
    uri=$(awk '/^deb / {for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) {print $i; exit}}' /etc/apt/sources.list)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

need_mirror() {
  local url=${1:-}
  [ -n "$url" ] || url="$(debian_mirror)"
  url="${url%/}/dists/bookworm/Release"
  if command -v curl > /dev/null; then
    curl -fsI --max-time 15 "$url" > /dev/null 2>&1 && return 0
  else
    python3 -c 'import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1], method="HEAD"), timeout=15)' "$url" > /dev/null 2>&1 && return 0
  fi
  echo "SKIP: the Debian mirror is unreachable ($url)"
  exit 77
}
