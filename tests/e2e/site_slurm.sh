#!/usr/bin/env bash
# `waybill site --on slurm` on a real one-node Slurm cluster (issue 21), run by an
# ordinary user, as every job on a cluster is (rootless boxes on the compute node):
#   - the sample course built on Slurm gives the same pages, byte for byte, as a local
#     build;
#   - a second build submits nothing; changing one page submits a one-task array;
#   - --detach prints the job id and returns, --attach gathers it;
#   - check --on slurm gives a local check's report, JUnit and exit status (4, drift);
#   - render --on slurm writes each document, and reports a broken one at its place; a
#     document whose results are all cached is rendered on the submitting node, and a
#     render with nothing to run submits nothing;
#   - a task on a node that fails is requeued by Slurm and its page written; a task
#     whose nodes fail twice is reported at its page;
#   - a page whose cell fails, a task killed by scancel and a task over its memory are
#     each reported at their page, and the other pages are still written (exit 1);
#   - the job script is saved for the user to read and submit again, and `image fsck`
#     is clean after the run.
# usage: site_slurm.sh WAYBILL FIXTURES SAMPLES
source "$(dirname "$0")/rootless_lib.sh"
samples=$(realpath "$3")
source "$(dirname "$0")/slurm_lib.sh"
trap 'rootless_cleanup; slurm_stop' EXIT

user=wbslurm$$
new_user "$user"
home=$(home_of "$user")
slurm_start 2 8000  # at most: fewer where the machine has less
RUN_ENV=(SLURM_CONF="$SLURM_CONF" PATH="$PATH")

# The course's base is the Debian fixture (the same mmdebstrap base its bootstrap makes).
as_ok "$user" -q image load -i "$fixtures/base.tar"
as_ok "$user" -q image tag debian-base:test debian:bookworm
course=$home/course
cp -r "$samples/course" "$course"
rm -rf "$course/_site"
chown -R "$user:" "$course"

export SOURCE_DATE_EPOCH=1700000000
RUN_ENV+=(SOURCE_DATE_EPOCH=1700000000)
as_ok "$user" -q site course -o "$home/local"
as_ok "$user" site course -o "$home/slurm" --on slurm --stats "$home/stats.json"
echo "$err" | grep -q "submitted Slurm job" || fail "no job was submitted: $err"
echo "$err" | grep -q "4 done, 0 failed" || fail "no progress line with 4 tasks done: $err"
differ=$(cd "$home/local" && find . -type f ! -name '*.provenance.json' ! -path './.waybill-*' | sort |
  while read -r f; do cmp -s "$f" "$home/slurm/$f" || echo "$f"; done)
count=$(cd "$home/local" && find . -type f ! -name '*.provenance.json' ! -path './.waybill-*' | wc -l)
[ -z "$differ" ] && [ "$count" -gt 8 ] || fail "pages built on Slurm differ from the local build: $differ"
[ -z "$(cd "$home/slurm" && find . -type f ! -path './.waybill-*' | sort | comm -13 <(cd "$home/local" && find . -type f ! -path './.waybill-*' | sort) -)" ] ||
  fail "the Slurm build wrote files the local one did not"
script=$home/slurm/.waybill-batch/job.sh
grep -q "^#SBATCH --array=0-3$" "$script" || fail "the saved job script is not a four-task array: $(cat "$script")"
pass "the course on Slurm: $count files, the same bytes as the local build; the job script is saved"

jobs_before=$(scontrol -o show job 2> /dev/null | grep -c ArrayJobId || true)
as_ok "$user" site course -o "$home/slurm" --on slurm
echo "$err" | grep -q "submitted" && fail "an unchanged site submitted a job: $err"
[ "$(scontrol -o show job 2> /dev/null | grep -c ArrayJobId || true)" = "$jobs_before" ] || fail "a job appeared"
echo "More text." >> "$course/lessons/01-containers.md"
as_ok "$user" site course -o "$home/slurm" --on slurm --stats "$home/stats.json"
grep -q '"pages_rendered": 1' "$home/stats.json" || fail "one changed page did not render alone: $(cat "$home/stats.json")"
grep -q "^#SBATCH --array=0-0$" "$script" || fail "one changed page was not a one-task array"
pass "an unchanged site submits nothing; one changed page is a one-task array"

# --detach submits and returns with the job's id; --attach follows it and writes the site.
echo "Even more text." >> "$course/lessons/02-data.md"
as_ok "$user" -q site course -o "$home/slurm" --on slurm --detach
job=$out
[[ "$job" =~ ^[0-9]+$ ]] || fail "--detach printed '$job', not a job id"
as "$user" -q site course -o "$home/slurm" --attach 999999
[ "$code" = 2 ] && echo "$err" | grep -q "not job 999999" || fail "attaching to another job: exit $code: $err"
as_ok "$user" site course -o "$home/slurm" --attach "$job" --stats "$home/stats.json"
grep -q '"pages_rendered": 1' "$home/stats.json" || fail "--attach did not gather the page: $(cat "$home/stats.json")"
grep -q "Even more text" "$home/slurm/lessons/02-data.html" || fail "the detached job's page is not written"
as_ok "$user" site course -o "$home/slurm" --on slurm
echo "$err" | grep -q "submitted" && fail "after --attach, a build submitted again: $err"
pass "--detach prints the job id; --attach gathers it and writes the site; a wrong job id is refused"

# waybill check --on slurm: the report and the exit status of a local check, for two
# documents, one of them with planted drift (a cell that prints the time).
mkdir -p "$home/docs"
for d in steady clock; do
  cell='echo steady state'
  [ "$d" = clock ] && cell='date +%s%N'
  printf -- '---\ntitle: %s\nwaybill: {lock: true}\n---\n\n```yaml {.manifest}\nlanguages:\n  bash: {image: "debian-base:test"}\n```\n\n```{bash}\n%s\n```\n' \
    "$d" "$cell" > "$home/docs/$d.md"
done
chown -R "$user:" "$home/docs"
AS_DIR=$home/docs as_ok "$user" -q render steady.md clock.md
AS_DIR=$home/docs as "$user" -q check steady.md clock.md --junit "$home/local.xml"
local_code=$code local_report=$(echo "$out" | sed 's/[0-9]/N/g')
AS_DIR=$home/docs as "$user" -q check steady.md clock.md --on slurm --junit "$home/slurm.xml"
[ "$code" = 4 ] && [ "$local_code" = 4 ] || fail "check with planted drift: local exit $local_code, on Slurm $code, not 4: $err"
[ "$(echo "$out" | sed 's/[0-9]/N/g')" = "$local_report" ] ||
  fail "the reports differ:
--- local
$local_report
--- slurm
$(echo "$out" | sed 's/[0-9]/N/g')"
[ "$(grep -c '<testcase' "$home/slurm.xml")" = "$(grep -c '<testcase' "$home/local.xml")" ] || fail "the JUnit files differ"
pass "check --on slurm: the same report, JUnit cases and exit status (4, planted drift) as a local check"

# waybill render --on slurm: each document a task; a broken one is reported at its place
# and the others are written (exit 1).
printf -- '---\ntitle: broken\n---\n\n```yaml {.manifest}\nlanguages:\n  bash: {image: \"debian-base:test\"}\n```\n\n```{bash}\nexit 7\n```\n' > "$home/docs/broken.md"
chown "$user:" "$home/docs/broken.md"
rm -f "$home/docs/steady.html" "$home/docs/clock.html"
AS_DIR=$home/docs as "$user" render steady.md broken.md clock.md --on slurm
[ "$code" = 1 ] || fail "render --on slurm with a broken document: exit $code, not 1: $err"
echo "$err" | grep -q "broken.md:.*error" || fail "the broken document is not reported at its place: $err"
[ -f "$home/docs/steady.html" ] && [ -f "$home/docs/clock.html" ] || fail "the other documents were not written: $err"
[ ! -f "$home/docs/broken.html" ] || fail "the broken document was written"
pass "render --on slurm: one task per document, the broken one at its place, the others written"

jobs_before=$(scontrol -o show job 2> /dev/null | grep -c ArrayJobId || true)
rm -f "$home/docs/steady.html" "$home/docs/clock.html"
AS_DIR=$home/docs as_ok "$user" render steady.md clock.md --on slurm
echo "$err" | grep -q "nothing submitted" || fail "a render with every result cached did not say so: $err"
[ "$(scontrol -o show job 2> /dev/null | grep -c ArrayJobId || true)" = "$jobs_before" ] || fail "a job was submitted"
[ -f "$home/docs/steady.html" ] && [ -f "$home/docs/clock.html" ] || fail "the cached documents were not written: $err"
pass "render --on slurm with every result cached: rendered on the submitting node, nothing submitted"

# A node that fails under a running task: Slurm requeues the task (the job script asks
# --requeue) and the page is written; a task whose node fails a second time stops,
# reported at its page. Slurm holds a requeued job back for a while: the test lets it go.
node=$(hostname -s)
fail_node_under() {  # JOB RESTARTS: take the node down while the job's task runs its cell
  for _ in $(seq 300); do pgrep -u "$user" -xf "sleep 4" > /dev/null && break; sleep 0.1; done
  pgrep -u "$user" -xf "sleep 4" > /dev/null || fail "the task's cell never ran: $(scontrol -o show job "$1")"
  # Nothing starts while the node comes back: a relaunch on the node that just killed the
  # job's previous run is refused there ("already killed"), which is Slurm's, not ours.
  scontrol update partitionname=debug state=down
  scontrol update nodename="$node" state=down reason=waybill-test
  for _ in $(seq 100); do scontrol -o show job "$1" | grep -q "Restarts=$2 " && break; sleep 0.1; done
  scontrol -o show job "$1" | grep -q "Restarts=$2 " || fail "Slurm did not requeue the task: $(scontrol -o show job "$1")"
  for _ in $(seq 100); do pgrep -u "$user" -xf "sleep 4" > /dev/null || break; sleep 0.1; done
  sinfo -h -n "$node" -o %T | grep -qx idle || scontrol update nodename="$node" state=resume
  sleep 2
  scontrol update partitionname=debug state=up
  scontrol update jobid="$1" StartTime=now
}
mkdir -p "$home/nodes"
printf 'title: nodes\ndefaults:\n  manifest:\n    languages:\n      bash: {image: "debian-base:test"}\n' > "$home/nodes/waybill.yml"
printf -- '---\ntitle: Long\n---\n\n```{bash}\nsleep 4; echo survived\n```\n' > "$home/nodes/long.md"
chown -R "$user:" "$home/nodes"
as_ok "$user" -q site nodes -o "$home/nodes-out" --on slurm --detach
fail_node_under "$out" 1
as_ok "$user" site nodes -o "$home/nodes-out" --attach "$out"
grep -q "survived" "$home/nodes-out/long.html" || fail "the requeued task's page is not written: $err"
sed -i 's/echo survived/echo survived again/' "$home/nodes/long.md"
as_ok "$user" -q site nodes -o "$home/nodes-out" --on slurm --detach
job=$out
fail_node_under "$job" 1
fail_node_under "$job" 2
as "$user" site nodes -o "$home/nodes-out" --attach "$job"
[ "$code" = 1 ] || fail "a task whose nodes failed twice: exit $code, not 1: $err"
echo "$err" | grep "long.md" | grep -q "error" && echo "$err" | grep -q "requeued 2 times" ||
  fail "the twice-requeued task is not reported at its page: $err $(scontrol -o show job "$job")"
pass "a node failure: the task is requeued and its page written; a second failure is reported at the page"

# Failures, each at its page, the other pages written: a cell that fails, a task
# cancelled with scancel while its cell sleeps, and a task over the memory it asked for.
page() {
  printf -- '---\ntitle: %s\n---\n```{bash}\n%s\n```\n' "$2" "$3" > "$course/lessons/$1.md"
}
page 04-broken Broken 'echo about to fail; exit 3'
page 05-slow Slow 'sleep 600'
page 06-hungry Hungry 'head -c 900m /dev/zero | tail > /dev/null; echo survived'
sed -i 's|      - lessons/03-figures.md|      - lessons/03-figures.md\n      - lessons/04-broken.md\n      - lessons/05-slow.md\n      - lessons/06-hungry.md|' \
  "$course/waybill.yml"
chown -R "$user:" "$course"
rm -rf "$home/slurm/lessons"
(cd "$home" && set +e && runuser -u "$user" -- env HOME="$home" WAYBILL_HOME="$home/store" "${RUN_ENV[@]}" \
  "$waybill" site course -o "$home/slurm" --on slurm --mem 600m > "$home/fail.out" 2> "$home/fail.err"
  echo $? > "$home/fail.code") &
builder=$!
# The slow page's task: cancelled once its cell runs.
for _ in $(seq 900); do pgrep -u "$user" -x sleep > /dev/null && break; sleep 0.2; done
pgrep -u "$user" -x sleep > /dev/null || fail "the slow cell never started: $(cat "$home/fail.err")"
job=$(squeue -h -u "$user" -o %F | head -1)
task=$(/usr/bin/python3 -c 'import json,sys; print([p["page"] for p in json.load(open(sys.argv[1]))["pages"]].index("lessons/05-slow.md"))' \
    "$home/slurm/.waybill-batch/plan.json")
scancel "${job}_$task"
wait "$builder"
code=$(cat "$home/fail.code")
errors=$(cat "$home/fail.err")
[ "$code" = 1 ] || fail "three failed pages: exit $code, not 1: $errors"
echo "$errors" | grep "04-broken" | grep -q "error" || fail "the failing cell is not reported at its page: $errors"
echo "$errors" | grep "05-slow" | grep -q "CANCELLED" || fail "the cancelled task is not reported at its page: $errors"
echo "$errors" | grep "06-hungry" | grep -q "OUT_OF_MEMORY" || fail "the task over its memory is not reported at its page: $errors"
for p in index lessons/01-containers lessons/02-data lessons/03-figures; do
  [ -f "$home/slurm/$p.html" ] || fail "$p.html was not written beside the failed pages"
done
for p in 04-broken 05-slow 06-hungry; do
  [ ! -f "$home/slurm/lessons/$p.html" ] || fail "the failed page $p was written"
done
pass "a failing cell, a cancelled task and a task out of memory: each at its page, the other pages written, exit 1"

as_ok "$user" image fsck
pass "image fsck is clean after the runs"
