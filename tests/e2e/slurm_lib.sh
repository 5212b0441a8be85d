# A real one-node Slurm cluster on 127.0.0.1 for the scale-out tests (issue 21), from
# Debian's slurm-wlm and munge: a munge key, munged as user munge, slurmctld and slurmd
# on free ports, all in a folder of the test's own, stopped by their pids when it ends.
# Sourced after rootless_lib.sh (skip, fail). Sets SLURM_CONF, which every Slurm command
# of the test and of waybill reads.
for tool in munged slurmctld slurmd sbatch scontrol; do
  command -v $tool > /dev/null || skip "$tool is missing (apt-get install slurm-wlm munge; quickstart.sh test installs them)"
done
getent passwd munge > /dev/null || skip "no munge user (the munge package makes it)"

slurm_dir=$(mktemp -d /tmp/waybill-slurm.XXXXXX)
chmod 755 "$slurm_dir"
slurm_stop() {
  local f
  for f in slurmd slurmctld munge/munged; do
    [ -s "$slurm_dir/$f.pid" ] && kill "$(cat "$slurm_dir/$f.pid")" 2> /dev/null || true
  done
  for f in slurmd slurmctld munge/munged; do
    for _ in $(seq 50); do
      [ -s "$slurm_dir/$f.pid" ] && kill -0 "$(cat "$slurm_dir/$f.pid")" 2> /dev/null || break
      sleep 0.1
    done
  done
  [ -z "${WAYBILL_KEEP_SLURM_LOGS:-}" ] || cp -r "$slurm_dir/log" "$WAYBILL_KEEP_SLURM_LOGS"
  rm -rf "$slurm_dir"
}

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# slurm_start [CPUS [MEMORY_MB]]: the cluster, up and idle, or the test fails saying why.
# The node is this machine: it offers no more than its cores and 90% of its memory, or
# slurmd would find less than it claims and the node would drain.
slurm_start() {
  local have_cpus have_memory cpus memory node
  have_cpus=$(nproc)
  have_memory=$(awk '/^MemTotal:/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
  cpus=${1:-$have_cpus}
  memory=${2:-$have_memory}
  [ "$cpus" -le "$have_cpus" ] || cpus=$have_cpus
  [ "$memory" -le "$have_memory" ] || memory=$have_memory
  node=$(hostname -s)
  mkdir -p "$slurm_dir/munge" "$slurm_dir/state" "$slurm_dir/spool" "$slurm_dir/log"
  chown munge: "$slurm_dir/munge"
  dd if=/dev/urandom of="$slurm_dir/munge/munge.key" bs=1024 count=1 status=none
  chown munge: "$slurm_dir/munge/munge.key"
  chmod 400 "$slurm_dir/munge/munge.key"
  runuser -u munge -- /usr/sbin/munged --key-file="$slurm_dir/munge/munge.key" --socket="$slurm_dir/munge/munge.sock" \
    --pid-file="$slurm_dir/munge/munged.pid" --log-file="$slurm_dir/munge/munged.log" \
    --seed-file="$slurm_dir/munge/seed" || fail "munged did not start: $(tail -3 "$slurm_dir/munge/munged.log")"
  cat > "$slurm_dir/slurm.conf" << CONF
ClusterName=waybilltest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
AuthType=auth/munge
AuthInfo=socket=$slurm_dir/munge/munge.sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$slurm_dir/state
SlurmdSpoolDir=$slurm_dir/spool
SlurmctldPidFile=$slurm_dir/slurmctld.pid
SlurmdPidFile=$slurm_dir/slurmd.pid
SlurmctldLogFile=$slurm_dir/log/slurmctld.log
SlurmdLogFile=$slurm_dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=1
JobAcctGatherParams=OverMemoryKill
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SchedulerParameters=sched_interval=1
MinJobAge=3600
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$slurm_dir/slurm.conf
  slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start: $(tail -5 "$slurm_dir/log/slurmctld.log")"
  slurmd -f "$SLURM_CONF" || fail "slurmd did not start: $(tail -5 "$slurm_dir/log/slurmd.log")"
  for _ in $(seq 100); do
    sinfo -h -o %T 2> /dev/null | grep -q idle && return 0
    sleep 0.2
  done
  fail "the node never became idle: $(sinfo 2>&1; tail -5 "$slurm_dir/log/slurmctld.log" "$slurm_dir/log/slurmd.log")"
}
