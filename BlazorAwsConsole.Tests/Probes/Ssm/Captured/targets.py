# Loopback targets the captures ran against: HTTP on 18080, HTTPS (self-signed, cert.pem/key.pem
# made by openssl req) on 18443, a banner service on 18022 (sends a banner, echoes a line back).
import http.server, socketserver, ssl, threading, time, sys

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/ok":
            self.reply(200, b"<html><body>all good: status green</body></html>\n")
        elif self.path == "/json":
            self.reply(200, b'{"status": "degraded", "checks": [{"name": "db", "ok": true}], "version": "2.4.1"}\n', "application/json")
        elif self.path == "/missing":
            self.reply(404, b"not found\n")
        elif self.path == "/redirect":
            self.send_response(302); self.send_header("Location", "/ok"); self.send_header("Content-Length", "0"); self.end_headers()
        elif self.path == "/loop":
            self.send_response(302); self.send_header("Location", "/loop"); self.send_header("Content-Length", "0"); self.end_headers()
        elif self.path == "/slow":
            time.sleep(5); self.reply(200, b"late\n")
        else:
            self.reply(500, b"unknown path\n")
    do_POST = do_GET
    def reply(self, code, body, content_type="text/html"):
        self.send_response(code); self.send_header("Content-Type", content_type); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass

class Threaded(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

class Banner(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 bac-banner ready\r\n")
        line = self.rfile.readline(256)
        if line:
            self.wfile.write(b"ECHO " + line)

class ThreadedTcp(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True

plain = Threaded(("127.0.0.1", 18080), Handler)
tls = Threaded(("127.0.0.1", 18443), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
banner = ThreadedTcp(("127.0.0.1", 18022), Banner)
for s in (plain, tls, banner):
    threading.Thread(target=s.serve_forever, daemon=True).start()
print("ready", flush=True)
threading.Event().wait()
