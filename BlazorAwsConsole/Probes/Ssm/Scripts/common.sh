# --- fixed logic from here on: it reads the BAC_ values above and never evaluates them as code ---
export LC_ALL=C
# Microseconds now, into BAC_NOW: bash 5's EPOCHREALTIME needs no fork; date is the fallback.
bac_now() { if [ -n "${EPOCHREALTIME:-}" ]; then BAC_NOW=${EPOCHREALTIME/[.,]/}; else BAC_NOW=$(( $(date +%s%N) / 1000 )); fi; }
# Milliseconds (with microseconds) between two bac_now stamps.
bac_ms() { local us=$(( $2 - $1 )); printf '%d.%03d' $(( us / 1000 )) $(( us % 1000 )); }
bac_now; bac_start=$BAC_NOW
# The script itself always ends with 0 so SSM reports Success; the tool's own code travels in "BAC exit=".
bac_done() { bac_now; echo "BAC exit=$1"; echo "BAC elapsed_ms=$(bac_ms "$bac_start" "$BAC_NOW")"; exit 0; }
bac_need() { command -v "$1" >/dev/null 2>&1 || { echo "BAC missing=$1"; bac_done 127; }; }
# --- link-local guard: a test run on an instance must never reach the instance's own metadata (role
# credentials) or time service. Addresses are compared as 32 hex digits, IPv4 in its IPv4-mapped form
# (::ffff:a.b.c.d, which reaches the same service), against prefixes written the same way:
# 169.254.0.0/16, fe80::/10, fd00:ec2::254 (metadata) and fd00:ec2::123 (time). BAC_ALLOW holds the
# console's Probes:LinkLocalAllowList in this form; loopback (a local health endpoint) is never refused.
bac_refused_nets=(00000000000000000000ffffa9fe0000/112 fe800000000000000000000000000000/10 fd000ec2000000000000000000000254/128 fd000ec2000000000000000000000123/128)
# The 32 hex digits of address $1 into bac_hex; fails when $1 is not an IP address. A %zone is dropped.
bac_to_hex() {
  local a=${1%%\%*} g fill
  local -a head=() tail=()
  a=${a,,}
  if [[ $a =~ ^(.*:)?([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]]; then
    for g in 2 3 4 5; do [ $(( 10#${BASH_REMATCH[g]} )) -le 255 ] || return 1; done
    printf -v g '%02x%02x:%02x%02x' $(( 10#${BASH_REMATCH[2]} )) $(( 10#${BASH_REMATCH[3]} )) $(( 10#${BASH_REMATCH[4]} )) $(( 10#${BASH_REMATCH[5]} ))
    a="${BASH_REMATCH[1]:-::ffff:}$g"
  fi
  [[ $a =~ ^[0-9a-f:]+$ ]] || return 1
  if [[ $a == *::* ]]; then
    [[ ${a#*::} != *::* ]] || return 1
    IFS=: read -ra head <<<"${a%%::*}"
    IFS=: read -ra tail <<<"${a#*::}"
    fill=$(( 8 - ${#head[@]} - ${#tail[@]} ))
    [ "$fill" -ge 1 ] || return 1
  else
    IFS=: read -ra head <<<"$a"
    fill=0
    [ ${#head[@]} -eq 8 ] || return 1
  fi
  bac_hex=""
  for g in "${head[@]}"; do [[ $g =~ ^[0-9a-f]{1,4}$ ]] || return 1; printf -v g '%04x' $(( 16#$g )); bac_hex+=$g; done
  while [ "$fill" -gt 0 ]; do bac_hex+=0000; fill=$(( fill - 1 )); done
  for g in "${tail[@]}"; do [[ $g =~ ^[0-9a-f]{1,4}$ ]] || return 1; printf -v g '%04x' $(( 16#$g )); bac_hex+=$g; done
}
# True when hex address $1 lies in network $2 (HEX/BITS).
bac_in_net() {
  local net=${2%/*} bits=${2#*/}
  local n=$(( bits / 4 )) r=$(( bits % 4 ))
  [ "${1:0:n}" = "${net:0:n}" ] || return 1
  [ "$r" -eq 0 ] || [ $(( (16#${1:n:1} ^ 16#${net:n:1}) >> (4 - r) )) -eq 0 ]
}
# True when address $1 must not be reached (an address that cannot be read is refused too).
bac_refused() {
  local net
  bac_to_hex "$1" || return 0
  for net in "${BAC_ALLOW[@]}"; do if bac_in_net "$bac_hex" "$net"; then return 1; fi; done
  for net in "${bac_refused_nets[@]}"; do if bac_in_net "$bac_hex" "$net"; then return 0; fi; done
  return 1
}
# Resolves host $1 on the instance (getent: /etc/hosts, then DNS, as the tools would) within $3 seconds and
# checks every address, not only the first a tool would try. Sets bac_addrs to all of them, in getent's
# order, and bac_addr to the address the tool is then pointed at, so that a second lookup (DNS rebinding)
# cannot lead it elsewhere: the first one getent gives, or with $2 = 4 the first IPv4 one (ping and
# traceroute of an old iputils take IPv4 by default). When an address is refused it prints why and ends
# the run (hop $4: 0 the target, N the Nth redirect); so it does when the name does not resolve.
bac_guard() {
  local addr first="" first4=""
  local -a addrs=()
  bac_addrs=()
  # Even an IP address goes through getent: it gives the address as the tools will read it (0251.0376.0251.0376,
  # 2852039166 and 0xa9.0xfe.0xa9.0xfe are all 169.254.169.254 to them), and the tool is given that form.
  mapfile -t addrs < <(timeout "$3" getent ahosts -- "$1" | awk '!seen[$1]++ { print $1 }')
  for addr in "${addrs[@]}"; do
    if bac_refused "$addr"; then
      echo "BAC refused_host=$1"; echo "BAC refused_addr=$addr"; echo "BAC refused_hop=${4:-0}"
      bac_done 1
    fi
    bac_addrs+=("$addr")
    if [ -z "$first" ]; then first=$addr; fi
    if [ -z "$first4" ] && [[ $addr != *:* ]]; then first4=$addr; fi
  done
  if [ -z "$first" ]; then echo "BAC unresolved=$1"; bac_done 2; fi
  bac_addr=$first
  if [ "$2" = 4 ] && [ -n "$first4" ]; then bac_addr=$first4; fi
}
