bac_need traceroute
bac_guard "$BAC_TARGET" 4 "$BAC_DEADLINE"
bac_out=$(timeout "$BAC_DEADLINE" traceroute -n -q "$BAC_PROBES" -m "$BAC_MAX_HOPS" -w "$BAC_WAIT" -- "$bac_addr" 2>&1)
bac_rc=$?
printf '%s\n' "$bac_out"
# Reverse DNS of each hop: only strings traceroute printed that look like IP addresses are looked up.
for bac_a in $(printf '%s\n' "$bac_out" | tail -n +2 | grep -oE '([0-9]{1,3}\.){3}[0-9]{1,3}|[0-9a-fA-F]*:[0-9a-fA-F:]+' | sort -u); do
  bac_name=$(timeout 2 getent hosts "$bac_a" | awk '{ print $2; exit }')
  if [ -n "$bac_name" ]; then echo "BAC rdns=$bac_a $bac_name"; fi
done
bac_done $bac_rc
