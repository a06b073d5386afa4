#!/bin/bash
# Re-creates the dns-*.txt and tls-*.txt captures: starts the targets they ran against on loopback —
# dnsmasq with the zone of the DNS tests (Fixtures/DnsmasqServer.cs) on 18053, a UDP port that never
# answers on 18054, openssl s_server with certificates made here by openssl req (a CA-signed localhost
# certificate for 90 days with its CA as the chain on 18444, a self-signed one expiring in 5 days on
# 18445, one for other.test on 18446, TLS 1.2 only on 18447), a TCP port that sends a banner and
# one that never speaks (python3) — then runs capture.sh for each case and stops them.
# Needs dnsmasq-base, dnsutils (dig), bind9-host (host), openssl, python3. Run as root from anywhere.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }

dnsmasq --no-daemon --conf-file=/dev/null --pid-file= --user=root --port=18053 --listen-address=127.0.0.1 --bind-interfaces \
  --no-resolv --no-hosts --log-facility=- --local=/zone.test/ --auth-server=ns.zone.test --auth-zone=zone.test \
  --host-record=name.zone.test,192.0.2.7 --host-record=multi.zone.test,192.0.2.1,2001:db8::1 --host-record=multi.zone.test,192.0.2.2 \
  --cname=www.zone.test,name.zone.test --mx-host=zone.test,mail.zone.test,10 "--txt-record=zone.test,v=spf1 -all" \
  --srv-host=_sip._tcp.zone.test,sip.zone.test,5060,10,20 --caa-record=zone.test,0,issue,letsencrypt.org \
  --ptr-record=7.2.0.192.in-addr.arpa,name.zone.test >/dev/null 2>&1 & pids+=($!)
python3 -c 'import socket,time; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("127.0.0.1",18054)); time.sleep(3600)' & pids+=($!)

cd "$work"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 365 -subj "/O=BlazorAwsConsole tests/CN=BAC Test Root CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout good.key -out good.csr -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > san.ext
openssl x509 -req -in good.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 90 -extfile san.ext -out good.crt 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout soon.key -out soon.crt -days 5 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.crt -days 90 -subj "/CN=other.test" -addext "subjectAltName=DNS:other.test" 2>/dev/null
openssl s_server -accept 127.0.0.1:18444 -cert good.crt -key good.key -cert_chain ca.crt -www -quiet >/dev/null 2>&1 & pids+=($!)
openssl s_server -accept 127.0.0.1:18445 -cert soon.crt -key soon.key -www -quiet >/dev/null 2>&1 & pids+=($!)
openssl s_server -accept 127.0.0.1:18446 -cert other.crt -key other.key -www -quiet >/dev/null 2>&1 & pids+=($!)
openssl s_server -accept 127.0.0.1:18447 -cert good.crt -key good.key -cert_chain ca.crt -tls1_2 -www -quiet >/dev/null 2>&1 & pids+=($!)
python3 -c '
import socket,threading
def serve(port, banner):
    s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1); s.bind(("127.0.0.1",port)); s.listen(8)
    keep=[]
    while True:
        c,_=s.accept(); keep.append(c)
        if banner: c.sendall(b"SSH-2.0-capture\r\n")
threading.Thread(target=serve,args=(18448,True),daemon=True).start()
serve(18449,False)' & pids+=($!)
for p in 18053 18444 18445 18446 18447 18448 18449; do wait_port $p; done
cd "$here"

dig_q() { # OUT "what" NAME TYPE PROTOCOL SERVER PORT WAIT
  ./capture.sh "$1" dns "$2" - "BAC_NAME='$3'" "BAC_TYPE='$4'" "BAC_PROTOCOL='$5'" "BAC_SERVER='$6'" "BAC_PORT='$7'" "BAC_WAIT='$8'" "BAC_DEADLINE='$(( $8 + 1 ))'"
}
dig_q dns-dig-a-two-answers.txt "dig, A of multi.zone.test from dnsmasq" multi.zone.test. A udp 127.0.0.1 18053 3
dig_q dns-dig-nxdomain.txt "dig, A of a name dnsmasq's zone lacks" nope.zone.test. A udp 127.0.0.1 18053 3
dig_q dns-dig-refused.txt "dig, A of a name outside dnsmasq's zone" example.org. A udp 127.0.0.1 18053 3
dig_q dns-dig-nodata-aaaa.txt "dig, AAAA of a name with only an A record" name.zone.test. AAAA udp 127.0.0.1 18053 3
dig_q dns-dig-timeout.txt "dig, a resolver port that never answers, 2 s" name.zone.test. A udp 127.0.0.1 18054 2
dig_q dns-dig-mx-tcp.txt "dig over TCP, MX of zone.test" zone.test. MX tcp 127.0.0.1 18053 3
dig_q dns-dig-txt.txt "dig, TXT of zone.test" zone.test. TXT udp 127.0.0.1 18053 3
dig_q dns-dig-srv.txt "dig, SRV of _sip._tcp.zone.test" _sip._tcp.zone.test. SRV udp 127.0.0.1 18053 3
dig_q dns-dig-caa.txt "dig, CAA of zone.test" zone.test. CAA udp 127.0.0.1 18053 3
dig_q dns-dig-soa.txt "dig, SOA of zone.test" zone.test. SOA udp 127.0.0.1 18053 3
dig_q dns-dig-cname.txt "dig, A of www.zone.test (a CNAME)" www.zone.test. A udp 127.0.0.1 18053 3
dig_q dns-dig-ptr.txt "dig, PTR of 192.0.2.7" 7.2.0.192.in-addr.arpa. PTR udp 127.0.0.1 18053 3
dig_q dns-dig-system-resolver.txt "dig, the system resolver (no server given), asked for localhost. (dig reads no /etc/hosts: NXDOMAIN there)" localhost. A udp "" 53 3

# The same with host: a PATH holding every command of this machine except dig.
nodig=$(mktemp -d); for f in /usr/local/bin/* /usr/bin/* /bin/*; do [ "$(basename "$f")" = dig ] || ln -sf "$f" "$nodig/" 2>/dev/null || true; done
PATH=$nodig dig_q dns-host-a-two-answers.txt "host (dig absent), A of multi.zone.test" multi.zone.test. A udp 127.0.0.1 18053 3
PATH=$nodig dig_q dns-host-nxdomain.txt "host (dig absent), A of a name dnsmasq's zone lacks" nope.zone.test. A udp 127.0.0.1 18053 3
PATH=$nodig dig_q dns-host-timeout.txt "host (dig absent), a resolver port that never answers, 2 s" name.zone.test. A udp 127.0.0.1 18054 2
PATH=$nodig dig_q dns-host-txt-tcp.txt "host (dig absent) over TCP, TXT of zone.test" zone.test. TXT tcp 127.0.0.1 18053 3
rm -f "$nodig/host"
PATH=$nodig dig_q dns-neither-dig-nor-host.txt "neither dig nor host on the PATH" name.zone.test. A udp 127.0.0.1 18053 3
rm -rf "$nodig"

tls_q() { # OUT "what" HOST PORT SNI CHECK_NAME CHECK_IP DEADLINE
  ./capture.sh "$1" tls "$2" - "BAC_HOST='$3'" "BAC_PORT='$4'" "BAC_SNI='$5'" "BAC_CHECK_NAME='$6'" "BAC_CHECK_IP='$7'" "BAC_DEADLINE='$8'"
}
tls_q tls-ca-chain-90-days.txt "localhost certificate for 90 days signed by a CA of its own (sent as the chain)" 127.0.0.1 18444 localhost localhost 0 5
tls_q tls-ip-target-no-sni.txt "the same server by IP, no SNI, the IP checked" 127.0.0.1 18444 "" 127.0.0.1 1 5
tls_q tls-expiring-5-days.txt "self-signed localhost certificate expiring in 5 days" 127.0.0.1 18445 localhost localhost 0 5
tls_q tls-other-name.txt "certificate for other.test, asked as localhost" 127.0.0.1 18446 localhost localhost 0 5
tls_q tls-tls12-only.txt "a server speaking TLS 1.2 only" 127.0.0.1 18447 localhost localhost 0 5
tls_q tls-refused.txt "a closed port" 127.0.0.1 18450 localhost localhost 0 5
tls_q tls-not-tls.txt "a port that sends an SSH banner, not TLS" 127.0.0.1 18448 localhost localhost 0 5
tls_q tls-silent-timeout.txt "a port that accepts and never speaks, 2 s" 127.0.0.1 18449 localhost localhost 0 2
tls_q tls-unknown-host.txt "a name that does not resolve" no-such-host.invalid 443 no-such-host.invalid no-such-host.invalid 0 5
