#!/usr/bin/env python3
"""Helpers for bench/webhook_bench.sh (standard library only).

  probe.py startup PORT PATH CMD...
                                 start CMD, print ms until a GET of PATH on 127.0.0.1:PORT is
                                 answered 2xx (the server is up and serving); leave it running
                                 and print its pid.
  probe.py slow SECONDS NAME=PORT:PATH ...
                                 for each server in turn: two clients send a POST header, then
                                 one body byte per second; from 0.5 s on, a third sends a small
                                 request every 250 ms on a new connection. Prints, per server, when each slow
                                 client was dropped (or "held") and the third client's answers
                                 and worst latency.
"""
import socket
import subprocess
import sys
import threading
import time


def http_ok(port, path="/healthz", timeout=2.0, need_2xx=False):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            head = s.recv(64)
            return head.startswith(b"HTTP/1.") and (not need_2xx or head[9:10] == b"2")
    except OSError:
        return False


def startup(port, path, cmd):
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while time.monotonic() - start < 20:
        if http_ok(port, path, timeout=0.2, need_2xx=True):
            ms = (time.monotonic() - start) * 1000
            print(f"{ms:.1f} {proc.pid}")
            return
        time.sleep(0.002)
    proc.kill()
    print("timeout 0")


def slow_client(port, path, seconds, out, idx):
    start = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  f"X-GitHub-Event: push\r\nContent-Length: 7000\r\n\r\n{{".encode())
        s.settimeout(1.0)
        while time.monotonic() - start < seconds:
            try:
                data = s.recv(4096)
                if not data:
                    break  # closed by the server
                # An answer (e.g. 408) also ends it once the server closes.
                continue
            except socket.timeout:
                pass
            try:
                s.sendall(b" ")
            except OSError:
                break
        else:
            out[idx] = None
            s.close()
            return
        out[idx] = time.monotonic() - start
        s.close()
    except OSError:
        out[idx] = time.monotonic() - start


def prompt_client(port, seconds, out):
    start = time.monotonic()
    ok = 0
    total = 0
    worst = 0.0
    while time.monotonic() - start < seconds:
        t0 = time.monotonic()
        total += 1
        if http_ok(port, "/healthz", timeout=5):
            ok += 1
            worst = max(worst, time.monotonic() - t0)
        time.sleep(0.25)
    out["ok"], out["total"], out["worst_ms"] = ok, total, worst * 1000


def slow(seconds, targets):
    # One server at a time, so that the clients of one do not compete with another's for the
    # interpreter; the prompt client starts once the slow ones are connected and sending.
    for t in targets:
        name, rest = t.split("=", 1)
        port, path = rest.split(":", 1)
        port = int(port)
        res = {"slow": [None, None], "prompt": {}}
        threads = [threading.Thread(target=slow_client, args=(port, path, seconds, res["slow"], i))
                   for i in range(2)]
        for th in threads:
            th.start()
        time.sleep(0.5)
        prompt = threading.Thread(target=prompt_client, args=(port, seconds - 0.5, res["prompt"]))
        prompt.start()
        prompt.join()
        for th in threads:
            th.join()
        drops = " ".join("held" if d is None else f"{d:.1f}" for d in res["slow"])
        p = res["prompt"]
        print(f"SLOW {name} drops={drops} prompt_ok={p['ok']}/{p['total']} "
              f"prompt_worst_ms={p['worst_ms']:.1f}", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "startup":
        startup(int(sys.argv[2]), sys.argv[3], sys.argv[4:])
    elif sys.argv[1] == "slow":
        slow(float(sys.argv[2]), sys.argv[3:])
    else:
        sys.exit(__doc__)
