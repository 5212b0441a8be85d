#!/usr/bin/env bash
# The build context: .dockerignore with Docker's rules, and hostile contexts (symlinks
# out of it, ../ sources, re-includes of outside paths) that never reach outside.
source "$(dirname "$0")/build_lib.sh"
ctx=$work/ctx
mkdir -p "$ctx/logs" "$ctx/src/tmp" "$ctx/src/deep/tmp" "$work/outside"
echo secret > "$work/outside/secret"
echo keep > "$ctx/logs/keep.log"
echo drop > "$ctx/logs/drop.log"
echo code > "$ctx/src/main.c"
echo tmp > "$ctx/src/tmp/x"
echo tmp > "$ctx/src/deep/tmp/y"
echo notes > "$ctx/notes.md"
printf '# comments and blank lines are ignored\n\n*.md\nlogs/*.log\n!logs/keep.log\n**/tmp\n!../outside/secret\n' > "$ctx/.dockerignore"
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM debian-base:test
COPY . /ctx/
DOCKERFILE
build 0 -t ctx:1 "$ctx"
box 0 --rm ctx:1 sh -c 'cd /ctx && find . -type f | sort'
[ "$out" = "./.dockerignore
./Dockerfile
./logs/keep.log
./src/main.c" ] || fail ".dockerignore: $out"
pass ".dockerignore: globs, ** at any depth, ! re-includes, the last match wins, outside paths ignored"

cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM debian-base:test
COPY notes.md /
DOCKERFILE
build 1 "$ctx"
contains "$err" "no file matches \`notes.md\`"
contains "$err" "excluded by .dockerignore"
pass "copying an ignored file says why it is missing"

rm "$ctx/.dockerignore"
ln -s "$work/outside/secret" "$ctx/abs-link"
ln -s ../../outside/secret "$ctx/src/rel-link"
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM debian-base:test
COPY abs-link /abs
DOCKERFILE
build 1 "$ctx"
contains "$err" "Dockerfile:2"
contains "$err" "abs-link"
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM debian-base:test
COPY src/ /src/
DOCKERFILE
build 0 -t ctx:2 "$ctx"
box 0 --rm ctx:2 readlink /src/rel-link
[ "$out" = ../../outside/secret ] || fail "the link is copied as it is: $out"
box 0 --rm ctx:2 sh -c 'cat /src/rel-link 2>&1 || true'
lacks "$out" "secret"
pass "symlinks pointing out of the context are followed inside it only, and copied as links"

for src in ../outside/secret /../outside/secret 'src/../../outside/secret'; do
  printf 'FROM debian-base:test\nCOPY %s /x\n' "$src" > "$ctx/Dockerfile"
  build 1 "$ctx"
  # "/../x" is "/x" inside the context, as in Docker: refused or absent, never outside.
  grep -qE "lies outside the build context|no file matches" <<< "$err" || fail "$src: $err"
done
pass "../ sources are refused"

printf 'FROM debian-base:test\nADD archive.tar /x/\n' > "$ctx/Dockerfile"
python3 - "$ctx/archive.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    data = b"escaped\n"
    info = tarfile.TarInfo("../../escape.txt")
    info.size = len(data)
    t.addfile(info, io.BytesIO(data))
PY
build 1 "$ctx"
[ ! -e "$work/escape.txt" ] && [ ! -e "$ctx/escape.txt" ] || fail "a hostile tar wrote outside"
pass "ADD refuses a tar entry that climbs out"
