#!/usr/bin/env bash
# Rootless documents (issue 20): an ordinary user, made by the test, with a store of its
# own and no help from root:
#   - `image bootstrap` gives the digest root's bootstrap gave (the base fixture, with the
#     same SOURCE_DATE_EPOCH);
#   - `build` with RUN apt-get gives the digest of root's build of the same Dockerfile;
#   - the flagship paper renders from an empty store (bootstrap, image build, cells), its
#     outputs belong to the user, and its record says for every cell which limits did not
#     hold when no delegated cgroup enforces them; `check` finds no drift;
#   - `site` builds the sample course.
# usage: rootless_documents.sh WAYBILL FIXTURES SAMPLES
source "$(dirname "$0")/rootless_lib.sh"
source "$(dirname "$0")/net_lib.sh"
samples=$(realpath "$3")
command -v mmdebstrap > /dev/null || skip "mmdebstrap is not installed"
[ -d "$fixtures/base-home" ] || skip "no base image fixture"
need_mirror
user=wbdoc$$
new_user "$user"
home=$(home_of "$user")
uid=$(id -u "$user")
work=$(mktemp -d)
chmod 755 "$work"
trap 'rm -rf "$work"; rootless_cleanup' EXIT
export SOURCE_DATE_EPOCH=1700000000
RUN_ENV=(SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)

# The base: the fixture's recipe (oci_fixture.sh), run by the user.
as_ok "$user" -q image bootstrap debian-base:test --suite bookworm
root_base=$(WAYBILL_HOME=$fixtures/base-home "$waybill" image inspect debian-base:test |
  python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Id"])')
[ "$out" = "$root_base" ] || fail "the rootless bootstrap gave $out, root's gave $root_base"
pass "image bootstrap as an ordinary user gives root's digest"

# A build that installs a package (logs and caches removed: they hold the time of day).
ctx=$work/ctx
mkdir -p "$ctx"
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM debian-base:test
RUN apt-get update && apt-get install -y --no-install-recommends hello && \
    rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log /var/log/alternatives.log
RUN useradd -m alice && echo hi > /home/alice/note && chown alice: /home/alice/note
DOCKERFILE
chmod -R a+rX "$ctx"
as_ok "$user" -q build -t hello:1 "$ctx"
rootless_digest=$out
root_digest=$(WAYBILL_HOME=$work/root-home "$waybill" -q image load -i "$fixtures/base.tar" > /dev/null &&
  WAYBILL_HOME=$work/root-home "$waybill" -q build -t hello:1 "$ctx")
[ "$rootless_digest" = "$root_digest" ] || fail "rootless build $rootless_digest, root's $root_digest"
as_ok "$user" -q run hello:1 sh -c 'hello; stat -c %U /home/alice/note'
[ "$out" = "Hello, world!
alice" ] || fail "the built image: $out"
pass "build with RUN apt-get as an ordinary user: root's digest; the image's users are kept"

# The flagship, from an empty store.
doc=$home/paper
runuser -u "$user" -- mkdir -p "$doc"
install -o "$user" -m 644 "$samples/paper/paper.md" "$samples/paper/references.bib" "$doc/"
AS_DIR=$doc as_ok "$user" render paper.md --lock
[ "$(stat -c %u "$doc/paper.html")" = "$uid" ] || fail "paper.html does not belong to the user"
grep -q '<img' "$doc/paper.html" || fail "the rendered paper has no figure"
/usr/bin/python3 - "$doc/paper.provenance.json" "$err" <<'PY' || fail "the record and the warnings disagree about limits"
import json, sys
record = json.load(open(sys.argv[1]))
warned = "is not enforced" in sys.argv[2]
cells = [b for b in record["predicate"]["runDetails"]["byproducts"] if b["name"].startswith("cell/")]
assert cells, "no cells in the record"
marked = [b for b in cells if b["annotations"].get("limitsNotEnforced")]
# A warning (once) means every cell that ran says which limits did not hold; none otherwise.
if warned:
    assert len(marked) == len(cells), f"{len(cells) - len(marked)} cells do not say their limits did not hold"
    print("limits not enforced here (no delegated cgroup v2): every cell's record says so")
else:
    assert not marked, "limits enforced, yet cells say otherwise"
PY
if grep -q "is not enforced" <<< "$err"; then
  for limit in memory pids; do
    [ "$(grep -c -- "--$limit is not enforced" <<< "$err")" -le 1 ] || fail "--$limit's warning repeats: $err"
  done
  grep -q "limits not enforced" "$doc/paper.html" || fail "the panel does not say which limits did not hold"
fi
pass "the flagship renders as an ordinary user from an empty store; outputs are the user's; limits are reported"

AS_DIR=$doc as_ok "$user" -q check paper.md
pass "check as an ordinary user: no drift"

course=$home/course
cp -r "$samples/course" "$course"
chown -R "$user:" "$course"
AS_DIR=$home as_ok "$user" -q site course
[ -f "$course/_site/index.html" ] && [ -f "$course/_site/lessons/03-figures.html" ] || fail "the course site is incomplete"
[ "$(stat -c %u "$course/_site/index.html")" = "$uid" ] || fail "the site does not belong to the user"
pass "site on the sample course as an ordinary user"
