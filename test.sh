#!/usr/bin/env bash
# Runs every test of BlazorAwsConsole, installing what the tests need when it is missing:
# Debian's Chromium (browser tests), nginx-light (the shipped nginx config), iproute2 (traceroute tests build network namespaces), dnsmasq, dig and host (DNS tests), PostgreSQL (the tests on PostgreSQL), systemd-analyze (the agent's unit file), moto (the AWS endpoint) and the AWS CLI (events tests). Usage: ./test.sh [dotnet test args]
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ ! -x /usr/bin/chromium ]; then
  echo "test.sh: installing Debian's chromium for the browser tests"
  apt_install chromium
fi

if ! command -v ip >/dev/null 2>&1; then
  echo "test.sh: installing iproute2 (network namespaces for the traceroute tests)"
  apt_install iproute2
fi
# The SSM probe scripts are run locally by their safety tests (ping, traceroute, curl, openssl).
for tool in ping:iputils-ping traceroute:traceroute curl:curl openssl:openssl; do
  if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
    echo "test.sh: installing ${tool#*:} for the SSM probe script tests"
    apt_install "${tool#*:}"
  fi
done

# DNS tests start a real dnsmasq on loopback; the SSM dns script is run locally with dig and host.
for tool in /usr/sbin/dnsmasq:dnsmasq-base /usr/bin/dig:dnsutils /usr/bin/host:bind9-host; do
  if [ ! -x "${tool%%:*}" ]; then
    echo "test.sh: installing ${tool#*:} for the DNS tests"
    apt_install "${tool#*:}"
  fi
done

# The PostgreSQL tests start a private server from Debian's package (initdb into a temporary folder).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "test.sh: installing postgresql (the PostgreSQL tests run a private server of their own)"
  apt_install postgresql
fi

# The deploy tests check deploy/nginx.conf with `nginx -t` and run it in front of two consoles.
if [ ! -x /usr/sbin/nginx ]; then
  echo "test.sh: installing nginx-light for the deploy/nginx.conf tests"
  apt_install nginx-light
fi

# The deploy tests check deploy/probe-agent.service with systemd's own `systemd-analyze verify`.
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "test.sh: installing systemd for the deploy/probe-agent.service test (systemd-analyze)"
  apt_install systemd
fi

if ! python3 -c "import moto.server" 2>/dev/null; then
  echo "test.sh: installing moto[server] (the AWS endpoint the tests run against)"
  python3 -m pip install --quiet 'moto[server]'
fi

# The EC2 events tests build their queue and EventBridge rule with the AWS CLI commands the Regions tab shows.
if ! command -v aws >/dev/null 2>&1; then
  echo "test.sh: installing awscli (the events tests run the Regions tab's setup commands against moto)"
  python3 -m pip install --quiet awscli
fi

# A TRX file as well, so that a failed run ends with the failing tests and their messages
# (a CI log is often read from its tail, far from where the failure was printed).
results="$PWD/TestResults"
rm -f "$results/tests.trx"
status=0
dotnet test BlazorAwsConsole.sln --logger "console;verbosity=normal" \
  --logger "trx;LogFileName=tests.trx" --results-directory "$results" "$@" || status=$?
if [ "$status" -ne 0 ] && [ -f "$results/tests.trx" ]; then
  python3 - "$results/tests.trx" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
failed = [r for r in ET.parse(sys.argv[1]).getroot().iterfind(".//t:UnitTestResult", ns)
          if r.get("outcome") == "Failed"]
print(f"\ntest.sh: {len(failed)} test(s) failed:")
for r in failed:
    message = r.findtext(".//t:ErrorInfo/t:Message", default="", namespaces=ns).strip()
    stack = r.findtext(".//t:ErrorInfo/t:StackTrace", default="", namespaces=ns).strip().splitlines()
    where = [line for line in stack if "BlazorAwsConsole" in line] or stack
    print(f"- {r.get('testName')} ({r.get('duration')})")
    print("    " + message[:1500].replace("\n", "\n    "))
    for line in where[:6]:
        print("    " + line.strip())
PY
fi
exit "$status"
