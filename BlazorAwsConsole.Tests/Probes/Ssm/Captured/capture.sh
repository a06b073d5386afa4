#!/bin/bash
# Re-creates one capture: assembles the probe script exactly as SsmProbeScripts.Build does (shebang,
# the bash guard, the quoted BAC_ values given here, Scripts/common.sh, Scripts/<type>.sh), runs it
# with bash (optionally inside a network namespace) and writes its stdout verbatim below a comment
# header saying what produced it and when.
#   capture.sh OUT.txt TYPE "description" [netns|-] "BAC_X='v'" ...
set -eu
out=$1 type=$2 what=$3 ns=$4; shift 4
here=$(cd "$(dirname "$0")" && pwd)
scripts=$here/../../../../BlazorAwsConsole/Probes/Ssm/Scripts
script=$(mktemp)
{
  printf '#!/bin/bash\n# BlazorAwsConsole synthetic test (%s): values first, each single-quoted; the fixed logic follows.\n' "$type"
  printf '[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"\n'
  printf '%s\n' "$@"
  cat "$scripts/common.sh" "$scripts/$type.sh"
} > "$script"
{
  printf '# CAPTURED %s on %s (%s): %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(. /etc/os-release; echo "$PRETTY_NAME")" "$type" "$what"
  printf '# Produced by: capture.sh running the generated %s script%s with %s\n' "$type" "$([ "$ns" = - ] || echo " in network namespace $ns (netns.sh)")" "$*"
  printf '# Everything below this header is the script'"'"'s stdout, verbatim.\n'
  if [ "$ns" = - ]; then bash "$script"; else ip netns exec "$ns" bash "$script"; fi
} > "$out"
rm -f "$script"
