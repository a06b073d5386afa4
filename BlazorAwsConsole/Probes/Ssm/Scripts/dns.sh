# No link-local guard here: the queried name is only asked about, never connected to, and the resolver
# is an IP address the test names, under the console's rule as before (169.254.169.253 is the VPC's own).
# dig when the instance has it (bind-utils, dnsutils), else host (bind9-host), which prints the same
# message sections with -v; one try, no search list (the name ends with a dot).
bac_server=()
if command -v dig >/dev/null 2>&1; then
  echo "BAC tool=dig"
  bac_cmd=(dig +tries=1 +time="$BAC_WAIT" +noall +comments +answer +stats -t "$BAC_TYPE" -q "$BAC_NAME")
  if [ "$BAC_PROTOCOL" = tcp ]; then bac_cmd+=(+tcp); fi
  if [ -n "$BAC_SERVER" ]; then bac_cmd+=(-p "$BAC_PORT" "@$BAC_SERVER"); fi
elif command -v host >/dev/null 2>&1; then
  echo "BAC tool=host"
  bac_cmd=(host -v -R 1 -W "$BAC_WAIT" -t "$BAC_TYPE")
  if [ "$BAC_PROTOCOL" = tcp ]; then bac_cmd+=(-T); fi
  if [ -n "$BAC_SERVER" ]; then bac_cmd+=(-p "$BAC_PORT"); bac_server=("$BAC_SERVER"); fi
  bac_cmd+=("$BAC_NAME" "${bac_server[@]}")
else
  echo "BAC missing=dig or host"
  bac_done 127
fi
timeout "$BAC_DEADLINE" "${bac_cmd[@]}" 2>&1
bac_done $?
