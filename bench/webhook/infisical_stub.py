#!/usr/bin/env python3
"""A minimal HTTPS Infisical for the benchmark: universal-auth login and one v4 listing.

    infisical_stub.py PORT CERT KEY COUNT_FILE

Writes the number of listings served to COUNT_FILE after each one, so the benchmark knows when
the agent has used TLS."""
import http.server
import json
import ssl
import sys

port, cert, key, count_file = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
served = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.answer({"accessToken": "bench-token", "expiresIn": 3600, "tokenType": "Bearer"})

    def do_GET(self):
        global served
        self.answer({"secrets": [{"secretKey": "DATABASE_URL", "secretValue": "bench-value",
                                  "secretValueHidden": False}], "imports": []})
        served += 1
        with open(count_file, "w") as f:
            f.write(str(served))


server = http.server.HTTPServer(("127.0.0.1", port), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
