#!/usr/bin/env bash
# Measures how long a console takes to exit after SIGTERM with many tests scheduled, and whether every
# probe it finished was stored.
#   Usage: deploy/measure-shutdown.sh [TESTS=10000] [RUN_SECONDS=45] [SLOW_EVERY=50]
# TESTS HTTP tests at 60 s against a loopback target; every SLOW_EVERY-th asks /slow, which answers only
# after 20 s (so probes are in flight when SIGTERM comes). Prints the time from SIGTERM to exit, the
# runs the console says it finished and the results found in its database.
set -euo pipefail
cd "$(dirname "$0")/.."
TESTS=${1:-10000}; RUN_SECONDS=${2:-45}; SLOW_EVERY=${3:-50}
work=$(mktemp -d /tmp/bac-shutdown.XXXXXX)
target_pid=""; trap '[ -n "$target_pid" ] && kill $target_pid 2>/dev/null || true; [ -n "${console_pid:-}" ] && kill -9 $console_pid 2>/dev/null || true; rm -rf "$work"' EXIT
dotnet build BlazorAwsConsole -c Release -o "$work/bin" -nologo -v q >/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
target_port=$(free_port); console_port=$(free_port)
python3 deploy/slow_target.py "$target_port" 20 & target_pid=$!
settings=(--urls "http://127.0.0.1:$console_port" "--ConnectionStrings:Console=Data Source=$work/console.db" --Aws:Mode=Aws
  --Access:SandboxDemoAdmin=false --Fleet:PollOnSchedule=false --JumpServers:EnforceTtlOnSchedule=false --Logging:Json=false --Logging:LogLevel:Default=Warning
  --Logging:LogLevel:BlazorAwsConsole.Probes=Information --Logging:LogLevel:BlazorAwsConsole.Infrastructure.Shutdown=Information --Logging:LogLevel:Microsoft.Hosting.Lifetime=Information)
console() { dotnet "$work/bin/BlazorAwsConsole.dll" "$@" "${settings[@]}"; }
# In the background with its own pid (not a subshell's), so SIGTERM reaches the console itself.
start_console() { dotnet "$work/bin/BlazorAwsConsole.dll" "${settings[@]}" >"$1" 2>&1 & console_pid=$!; }
console migrate >/dev/null 2>&1
key=$(console apikey create --role Operator --name measure 2>/dev/null | tail -1)
post() { curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$1" "http://127.0.0.1:$console_port/api/synthetic/tests" >/dev/null; }

# Answers once the web server is up (200 or 503: either way it serves).
wait_ready() { until [ "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$console_port/healthz")" != 000 ]; do kill -0 $console_pid 2>/dev/null || { echo "the console exited:"; tail -20 "$1"; exit 1; }; sleep 0.5; done; }

# The templates are made through the API (validated, as a user would), with the console running once.
start_console "$work/setup.log"
wait_ready "$work/setup.log"
for i in $(seq 1 $((SLOW_EVERY - 1))); do post "{\"name\":\"fast $i\",\"type\":\"http\",\"target\":\"http://127.0.0.1:$target_port/fast\",\"frequencySeconds\":60,\"timeoutSeconds\":30,\"enabled\":false}"; done
post "{\"name\":\"slow\",\"type\":\"http\",\"target\":\"http://127.0.0.1:$target_port/slow\",\"frequencySeconds\":60,\"timeoutSeconds\":30,\"enabled\":false}"
kill -TERM $console_pid; wait $console_pid || true
python3 - "$work/console.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.execute("UPDATE SyntheticTests SET Enabled = 1"); db.execute("DELETE FROM ProbeResults"); db.commit()
PY
python3 deploy/clone_tests.py "$work/console.db" "$TESTS" >/dev/null

start_console "$work/console.log"
wait_ready "$work/console.log"
sleep "$RUN_SECONDS"
start=$(date +%s.%N)
kill -TERM $console_pid
wait $console_pid && code=0 || code=$?
end=$(date +%s.%N)
stored=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM ProbeResults').fetchone()[0])" "$work/console.db")
engine=$(grep -o 'Probe engine stopped.*' "$work/console.log" | tail -1 || true)
writer=$(grep -o 'Probe result writer stopped.*' "$work/console.log" | tail -1 || true)
printf 'tests scheduled:        %s (every %s-th in flight for 20 s)\n' "$TESTS" "$SLOW_EVERY"
printf 'ran for:                %s s before SIGTERM\n' "$RUN_SECONDS"
printf 'SIGTERM to exit:        %.1f s (exit code %s)\n' "$(echo "$end - $start" | bc)" "$code"
printf 'engine says:            %s\n' "${engine:-no summary line (a console from before the shutdown logging)}"
printf 'writer says:            %s\n' "${writer:-no summary line}"
printf 'results in the database: %s\n' "$stored"
console_pid=""
