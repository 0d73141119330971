#!/usr/bin/env bash
# Stops the one-node cluster tools/slurm/start-cluster.sh started: slurmctld and slurmd (cancelling
# what is still queued), then munged if it started it, and removes its folder and the /etc/slurm/slurm.conf link.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then exec sudo -n --preserve-env=OURO_SLURM_DIR "$0" "$@"; fi

dir=${OURO_SLURM_DIR:-/tmp/ouroboros-slurm}
conf=$dir/slurm.conf
[ -f "$conf" ] || { echo "slurm: no cluster of ours at $dir"; exit 0; }
export SLURM_CONF=$conf

stop() {
  local pidfile=$1
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
scancel --user="$(id -un)" 2>/dev/null || true
scontrol shutdown >/dev/null 2>&1 || true
stop "$dir/slurmd.pid"
stop "$dir/slurmctld.pid"
[ "$(readlink /etc/slurm/slurm.conf 2>/dev/null)" = "$conf" ] && rm -f /etc/slurm/slurm.conf
[ ! -f "$dir/started-munged" ] || stop /run/munge/munged.pid
rm -rf "$dir"
echo "slurm: stopped"
