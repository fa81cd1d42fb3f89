#!/usr/bin/env python3
"""Probes 127.0.0.1:PORT with a TCP connect every 10 ms until it is told to stop (SIGTERM) and
prints the downtime in ms: the time from the first refused probe to the next accepted one,
summed over every such span (with the 10 ms period as resolution)."""
import signal
import socket
import sys
import time

port = int(sys.argv[1])
stop = False


def on_term(*_):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_term)
down_since = None
downtime = 0.0
while not stop:
    t = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            pass
        if down_since is not None:
            downtime += t - down_since
            down_since = None
    except OSError:
        if down_since is None:
            down_since = t
    time.sleep(max(0.0, 0.010 - (time.monotonic() - t)))
if down_since is not None:
    downtime += time.monotonic() - down_since
print(f"{downtime * 1000:.0f}")
