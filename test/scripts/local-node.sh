#!/usr/bin/env bash
# The host side of the real node: its address, forwarding and firewall (up), and the removal of
# everything the node and its pods left on the machine (down), also after the owning JVM was killed.
# `check` lists what is left and fails if anything is. Needs root.
#
#   local-node.sh up|down|check STATE_DIR
#
# Addresses exist only on this machine: the node's /32 sits on lo, pods live on the keepsake0
# bridge with routes to the node and the service range only, and forwarding between the pod network
# and any other interface is dropped.
set -uo pipefail

ACTION="${1:?usage: local-node.sh up|down|check STATE_DIR}"
STATE="${2:?usage: local-node.sh up|down|check STATE_DIR}"
NODE_IP="${KEEPSAKE_NODE_IP:-10.231.0.1}"
POD_CIDR="${KEEPSAKE_POD_CIDR:-10.232.0.0/24}"
BRIDGE=keepsake0
CHAIN=KEEPSAKE-NODE
CGROUP_ROOT=keepsake-node
log() { echo "[node] $*" >&2; }

# Processes that name the state folder, except this script (and its subshells) and whoever called it.
node_pids() {
  pgrep -af -- "$STATE" | grep -v -e 'local-node\.sh' -e 'keepsake-node-guard' | awk -v parent="$PPID" '$1 != parent {print $1}' || true
}

up() {
  mkdir -p "$STATE"
  # What existed before, so that down removes only what the node made.
  ls /var/run/netns 2>/dev/null | sort > "$STATE/netns.before"
  for dir in /var/lib/kubelet /var/run/netns /run/containerd; do
    [[ -e "$dir" ]] && echo "$dir"
  done > "$STATE/dirs.before"
  cat /proc/sys/net/ipv4/ip_forward > "$STATE/ip_forward.before"
  ip -4 addr show dev lo | grep -q " $NODE_IP/32" || ip addr add "$NODE_IP/32" dev lo
  echo 1 > /proc/sys/net/ipv4/ip_forward
  iptables -w -N "$CHAIN" 2>/dev/null || iptables -w -F "$CHAIN"
  iptables -w -A "$CHAIN" -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
  iptables -w -A "$CHAIN" -i "$BRIDGE" -j DROP
  iptables -w -A "$CHAIN" -o "$BRIDGE" -j DROP
  iptables -w -C FORWARD -j "$CHAIN" 2>/dev/null || iptables -w -I FORWARD 1 -j "$CHAIN"
  echo "$NODE_IP" > "$STATE/node-ip"
  # The kubelet's cgroupRoot must exist in every hierarchy (cgroup v1 here; v2 has one).
  local hierarchy
  for hierarchy in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
    [[ -f "$hierarchy/cgroup.procs" ]] || continue
    [[ "$hierarchy" == */unified/ ]] && continue
    if [[ "$hierarchy" == /sys/fs/cgroup/ ]] && ! [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then continue; fi
    mkdir -p "$hierarchy$CGROUP_ROOT"
    if [[ -f "$hierarchy/cpuset.cpus" ]]; then
      cat "$hierarchy/cpuset.cpus" > "$hierarchy$CGROUP_ROOT/cpuset.cpus"
      cat "$hierarchy/cpuset.mems" > "$hierarchy$CGROUP_ROOT/cpuset.mems"
    fi
  done
}

kill_leftovers() {
  local pids pid
  # Containers first (their processes sit in the node's cgroups), then the shims and servers.
  find /sys/fs/cgroup -path "*/$CGROUP_ROOT/*" -name cgroup.procs 2>/dev/null | while read -r procs; do
    for pid in $(cat "$procs" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
  done
  pids="$(node_pids)"
  [[ -n "$pids" ]] && kill -KILL $pids 2>/dev/null
  sleep 0.5
}

unmount_all() {
  local point
  # Deepest first; a lazy unmount for what is still busy.
  for _ in 1 2 3; do
    awk -v state="$STATE" '$5 ~ "^"state || $5 ~ "^/var/run/netns/cni-" || $5 ~ "^/run/netns/cni-" || $5 ~ "^/var/lib/kubelet/" {print $5}' /proc/self/mountinfo \
      | sort -r | while read -r point; do
        if [[ "$point" == */netns/cni-* ]] && grep -qx "$(basename "$point")" "$STATE/netns.before" 2>/dev/null; then continue; fi
        umount "$point" 2>/dev/null || umount -l "$point" 2>/dev/null
      done
  done
}

# kube-proxy --cleanup leaves the kubelet's own chains (KUBE-FIREWALL, the canaries); rewrite each
# table without any KUBE- chain or jump, everything else as it was.
remove_kube_chains() {
  local family table
  for family in iptables ip6tables; do
    command -v "$family-save" >/dev/null || continue
    for table in filter nat mangle; do
      "$family-save" -t "$table" 2>/dev/null | grep -q -- 'KUBE-' || continue
      "$family-save" -t "$table" | grep -v -e '^:KUBE-' -e '-j KUBE-' -e '^-A KUBE-' | "$family-restore" -w -T "$table"
    done
  done
}

remove_cgroups() {
  local dir
  find /sys/fs/cgroup -depth -type d -path "*/$CGROUP_ROOT*" 2>/dev/null | while read -r dir; do
    rmdir "$dir" 2>/dev/null
  done
}

down() {
  [[ -d "$STATE" ]] || return 0
  kill_leftovers
  unmount_all
  local ns
  for ns in $(ls /var/run/netns 2>/dev/null); do
    grep -qx "$ns" "$STATE/netns.before" 2>/dev/null || ip netns delete "$ns" 2>/dev/null || rm -f "/var/run/netns/$ns"
  done
  ip link show "$BRIDGE" >/dev/null 2>&1 && ip link delete "$BRIDGE"
  [[ -x "$STATE/kube-proxy" ]] && "$STATE/kube-proxy" --cleanup >/dev/null 2>&1
  remove_kube_chains
  iptables -w -D FORWARD -j "$CHAIN" 2>/dev/null
  iptables -w -F "$CHAIN" 2>/dev/null && iptables -w -X "$CHAIN" 2>/dev/null
  conntrack -D -s "$POD_CIDR" >/dev/null 2>&1
  conntrack -D -d "$POD_CIDR" >/dev/null 2>&1
  remove_cgroups
  local node_ip
  node_ip="$(cat "$STATE/node-ip" 2>/dev/null || echo "$NODE_IP")"
  ip -4 addr show dev lo | grep -q " $node_ip/32" && ip addr del "$node_ip/32" dev lo
  [[ -f "$STATE/ip_forward.before" ]] && cat "$STATE/ip_forward.before" > /proc/sys/net/ipv4/ip_forward
  for dir in /var/lib/kubelet /var/run/netns /run/containerd; do
    grep -qx "$dir" "$STATE/dirs.before" 2>/dev/null || rm -rf "$dir"
  done
  rm -rf "$STATE"
}

check() {
  local left=()
  local pids
  pids="$(node_pids)"
  pids="$(echo $pids)"
  [[ -n "$pids" ]] && left+=("processes: $(ps -o pid=,args= -p "${pids// /,}" | cut -c1-120 | head -3 | tr '\n' ';')")
  grep -q " $STATE" /proc/self/mountinfo && left+=("mounts under $STATE")
  ls /var/run/netns 2>/dev/null | grep -q '^cni-' && left+=("network namespaces: $(ls /var/run/netns | grep '^cni-' | xargs)")
  ip link show "$BRIDGE" >/dev/null 2>&1 && left+=("interface $BRIDGE")
  ip -o link show type veth 2>/dev/null | grep -q . && left+=("veth interfaces: $(ip -o link show type veth | awk -F': ' '{print $2}' | xargs)")
  iptables -w -S 2>/dev/null | grep -qE -- "-N ($CHAIN|KUBE-)" && left+=("iptables filter chains: $(iptables -w -S | grep -oE -- "-N ($CHAIN|KUBE-)[A-Z0-9-]*" | cut -c4- | xargs)")
  local family table
  for family in iptables ip6tables; do
    for table in nat mangle; do
      "$family" -w -t "$table" -S 2>/dev/null | grep -qE -- "-N (KUBE-|CNI-)" \
        && left+=("$family $table chains: $("$family" -w -t "$table" -S | grep -oE -- "-N (KUBE-|CNI-)[A-Z0-9-]*" | cut -c4- | head -5 | xargs)")
    done
  done
  ip6tables -w -S 2>/dev/null | grep -qE -- "-N KUBE-" && left+=("ip6tables filter chains: $(ip6tables -w -S | grep -oE -- "-N KUBE-[A-Z0-9-]*" | cut -c4- | xargs)")
  find /sys/fs/cgroup -maxdepth 2 -type d -name "$CGROUP_ROOT" 2>/dev/null | grep -q . && left+=("cgroups: $(find /sys/fs/cgroup -maxdepth 2 -type d -name "$CGROUP_ROOT" | xargs)")
  ip -4 addr show dev lo | grep -q " $NODE_IP/32" && left+=("address $NODE_IP on lo")
  if ((${#left[@]})); then
    printf 'left behind: %s\n' "${left[@]}"
    return 1
  fi
  echo "nothing left behind"
}

case "$ACTION" in
  up) up ;;
  down) down ;;
  check) check ;;
  *) log "unknown action $ACTION"; exit 2 ;;
esac
