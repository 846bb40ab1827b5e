#!/usr/bin/env bash
# A single-node Slurm on this machine, for tests/end_to_end/test_slurm.py and for trying the SLURM
# profile (workflow/profiles/slurm) without a cluster. Debian's slurm-wlm and munge, one
# node "localhost" with this machine's cores and memory, one partition "debug", no cgroups,
# no accounting database. Everything it writes (configuration, munge key, state, logs) is
# under one folder, LEISURENET_SLURM_DIR (default /run/leisurenet-slurm), and its daemons
# talk through their own munge socket, so a system munge is left alone. The configuration
# is also linked from /run/slurm/conf/slurm.conf, where Slurm's commands look when neither
# SLURM_CONF nor /etc/slurm/slurm.conf names one: the executor plugin's job step clears
# SLURM_CONF before it calls srun inside the job. A machine with an /etc/slurm/slurm.conf
# of its own is therefore refused (exit 4): its Slurm is not ours to start or stop.
#
#   start.sh                 install the packages if missing (apt-get), configure, start;
#                            safe to run again: returns at once when Slurm is already up
#   start.sh --no-install    the same, but exit 2 if the packages are not installed
#   start.sh --install-only  only install the packages (for CI, before the tests)
#   start.sh --status        exit 0 if this Slurm is up and its node takes jobs, 1 if not
#   start.sh --stop          stop the daemons this script started, remove the link
#
# Needs root (slurmd launches jobs as their users). The client commands (sinfo, sbatch,
# squeue) find the configuration through the link, or through SLURM_CONF, which the
# script prints when Slurm is up. Exit codes: 0 up (or done), 1 not up (--status),
# 2 not installed, 3 not root, 4 a daemon did not start (the end of its log is printed)
# or the machine has a Slurm configuration of its own.
set -euo pipefail

DIR=${LEISURENET_SLURM_DIR:-/run/leisurenet-slurm}
CONF=$DIR/slurm.conf
MUNGE_DIR=$DIR/munge
FALLBACK_CONF=/run/slurm/conf/slurm.conf
SOCKET=$MUNGE_DIR/munge.socket
PACKAGES=(slurm-wlm munge)
export SLURM_CONF=$CONF

say() { echo "start.sh: $*" >&2; }

installed() {
    command -v slurmctld >/dev/null && command -v slurmd >/dev/null &&
        command -v munged >/dev/null && command -v sbatch >/dev/null
}

install_packages() {
    installed && return 0
    [[ $EUID -eq 0 ]] || {
        say "installing ${PACKAGES[*]} needs root"
        exit 3
    }
    command -v apt-get >/dev/null || {
        say "no apt-get: install ${PACKAGES[*]} yourself"
        exit 2
    }
    say "installing ${PACKAGES[*]}"
    local log
    log=$(mktemp)
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"; } >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        rm -f "$log"
        say "apt-get could not install ${PACKAGES[*]}"
        exit 2
    fi
    rm -f "$log"
}

munge_up() {
    [[ -S $SOCKET ]] && munge -S "$SOCKET" -n 2>/dev/null | unmunge -S "$SOCKET" >/dev/null 2>&1
}

node_state() {
    timeout 10 sinfo --noheader --nodes=localhost --format=%T 2>/dev/null | head -1
}

slurm_up() {
    munge_up && [[ -f $CONF ]] && timeout 10 scontrol ping 2>/dev/null | grep -q UP &&
        [[ $(node_state) =~ ^(idle|mixed|allocated|completing) ]]
}

# The daemon of this pid file runs (checked by name, so a reused pid is not mistaken for it).
pid_alive() { # pid file, daemon name
    local pid
    [[ -f $1 ]] && pid=$(cat "$1") && [[ -r /proc/$pid/comm && $(cat "/proc/$pid/comm") == "$2"* ]]
}

write_config() {
    local cpus mem_total real_memory controller
    cpus=$(nproc)
    mem_total=$(free -m | awk '/^Mem:/ {print $2}')
    # A margin for the daemons and the submitting Snakemake: 10%, at least 512 MB.
    real_memory=$((mem_total - (mem_total / 10 > 512 ? mem_total / 10 : 512)))
    controller=$(hostname -s)
    mkdir -p "$DIR/state/ctld" "$DIR/state/d" "$DIR/log"
    cat >"$CONF.new" <<CONF
# Written by tests/slurm/start.sh: a single-node Slurm for testing, not for production.
ClusterName=leisurenet
SlurmctldHost=$controller(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCKET
StateSaveLocation=$DIR/state/ctld
SlurmdSpoolDir=$DIR/state/d
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups: processes tracked through /proc, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
# No accounting database (no slurmdbd): sacct does not work, squeue does. Finished jobs
# stay visible to squeue for MinJobAge seconds and are written to the job completion log.
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.log
MinJobAge=600
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# A job that asks for no memory gets 1 GB per CPU, not the whole node.
DefMemPerCPU=1024
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SlurmdTimeout=60
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$real_memory State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
    mv "$CONF.new" "$CONF"
    mkdir -p "$(dirname "$FALLBACK_CONF")"
    ln -sfn "$CONF" "$FALLBACK_CONF"
}

check_no_system_config() {
    local target
    if [[ -e /etc/slurm/slurm.conf ]]; then
        say "/etc/slurm/slurm.conf exists: this machine has a Slurm configuration of its own," \
            "which jobs would read instead of this script's"
        exit 4
    fi
    if [[ -e $FALLBACK_CONF || -L $FALLBACK_CONF ]]; then
        target=$(readlink "$FALLBACK_CONF" || true)
        if [[ $target != "$CONF" ]]; then
            say "$FALLBACK_CONF exists and is not this script's (a configless slurmd?)"
            exit 4
        fi
    fi
}

start_munge() {
    munge_up && return 0
    mkdir -p "$MUNGE_DIR"
    chmod 0700 "$MUNGE_DIR"
    if [[ ! -s $MUNGE_DIR/munge.key ]]; then
        mungekey --create --keyfile="$MUNGE_DIR/munge.key" 2>/dev/null ||
            dd if=/dev/urandom of="$MUNGE_DIR/munge.key" bs=1024 count=1 status=none
        chmod 0400 "$MUNGE_DIR/munge.key"
    fi
    rm -f "$SOCKET" "$SOCKET.lock"
    # --force: munged as root, with its files in this private folder.
    munged --force --socket="$SOCKET" --key-file="$MUNGE_DIR/munge.key" \
        --pid-file="$MUNGE_DIR/munged.pid" --log-file="$DIR/log/munged.log" \
        --seed-file="$MUNGE_DIR/munged.seed"
    echo munged >>"$DIR/started"
    wait_for munge_up 10 munged "$DIR/log/munged.log"
}

wait_for() { # condition, seconds, name, log
    local i
    for ((i = 0; i < $2 * 4; i++)); do
        "$1" && return 0
        sleep 0.25
    done
    say "$3 did not come up in $2 s; the end of $4:"
    tail -n 30 "$4" >&2 2>/dev/null || true
    exit 4
}

ctld_up() { timeout 5 scontrol ping 2>/dev/null | grep -q UP; }
node_ready() {
    local state
    state=$(node_state)
    if [[ $state =~ ^(down|drain) ]]; then
        scontrol update nodename=localhost state=resume >/dev/null 2>&1 || true
    fi
    [[ $state =~ ^idle ]]
}

start() {
    if [[ -f $CONF ]] && slurm_up; then
        say "Slurm is already up"
        echo "SLURM_CONF=$CONF"
        return 0
    fi
    [[ $EUID -eq 0 ]] || {
        say "starting Slurm needs root (slurmd runs jobs as their users)"
        exit 3
    }
    check_no_system_config
    mkdir -p "$DIR"
    write_config
    start_munge
    if ! pid_alive "$DIR/slurmctld.pid" slurmctld; then
        # -c: a clean start, no jobs left over from an earlier run.
        slurmctld -c -f "$CONF"
        echo slurmctld >>"$DIR/started"
    fi
    wait_for ctld_up 30 slurmctld "$DIR/log/slurmctld.log"
    if ! pid_alive "$DIR/slurmd.pid" slurmd; then
        slurmd -f "$CONF" -N localhost
        echo slurmd >>"$DIR/started"
    fi
    wait_for node_ready 60 slurmd "$DIR/log/slurmd.log"
    say "Slurm is up: $(sinfo --noheader --format='partition %P, node %N, %c CPUs, %m MB, %T')"
    echo "SLURM_CONF=$CONF"
}

stop() {
    [[ -f $DIR/started ]] || {
        say "no daemons started by this script"
        return 0
    }
    local name pidfile pid i
    for name in slurmd slurmctld munged; do
        grep -qx "$name" "$DIR/started" || continue
        case $name in
            munged) pidfile=$MUNGE_DIR/munged.pid ;;
            *) pidfile=$DIR/$name.pid ;;
        esac
        pid_alive "$pidfile" "$name" || continue
        pid=$(cat "$pidfile")
        kill "$pid"
        for ((i = 0; i < 40; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
        say "stopped $name ($pid)"
    done
    rm -f "$DIR/started"
    [[ $(readlink "$FALLBACK_CONF" 2>/dev/null) == "$CONF" ]] && rm -f "$FALLBACK_CONF"
    return 0
}

case ${1:-} in
    "") install_packages && start ;;
    --no-install)
        installed || {
            say "Slurm or munge is not installed (apt-get install ${PACKAGES[*]})"
            exit 2
        }
        start
        ;;
    --install-only) install_packages ;;
    --status) installed && slurm_up ;;
    --stop) stop ;;
    *)
        sed -n '2,/^set -euo/p' "$0" | sed '$d'
        exit 1
        ;;
esac
