#!/bin/bash
# client(10.77.1.2) -- router(10.77.1.1 | 10.77.2.1) -- far(10.77.2.2); router blackholes 10.77.8.0/24 and sends 10.77.9.0/24 to far, which blackholes it
set -e
for n in bacc bacr bacf; do ip netns del $n 2>/dev/null || true; done
[ "${1:-}" = down ] && exit 0
for n in bacc bacr bacf; do ip netns add $n; ip -n $n link set lo up; done
ip link add bac-c0 type veth peer name bac-r0
ip link add bac-r1 type veth peer name bac-f0
ip link set bac-c0 netns bacc; ip link set bac-r0 netns bacr; ip link set bac-r1 netns bacr; ip link set bac-f0 netns bacf
ip -n bacc addr add 10.77.1.2/24 dev bac-c0; ip -n bacc link set bac-c0 up
ip -n bacr addr add 10.77.1.1/24 dev bac-r0; ip -n bacr link set bac-r0 up
ip -n bacr addr add 10.77.2.1/24 dev bac-r1; ip -n bacr link set bac-r1 up
ip -n bacf addr add 10.77.2.2/24 dev bac-f0; ip -n bacf link set bac-f0 up
ip -n bacc route add default via 10.77.1.1
ip -n bacf route add default via 10.77.2.1
ip -n bacr route add blackhole 10.77.8.0/24
ip -n bacr route add 10.77.9.0/24 via 10.77.2.2
ip -n bacf route add blackhole 10.77.9.0/24
ip netns exec bacf sysctl -qw net.ipv4.ip_forward=1
ip netns exec bacr sysctl -qw net.ipv4.ip_forward=1
