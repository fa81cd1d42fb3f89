#!/usr/bin/env python3
"""Reads `perf script -F tid,ip,sym,dso` output (with or without call chains) of the agent and
prints where its samples went: self time per symbol, and the share of samples whose stack holds
each phase of a delivery (inclusive, so phases nest). Symbols of the agent binary are resolved
here with `nm` (the perf of Debian 12 shows addresses only for this binary).

  perf_phases.py BINARY CPU_US_PER_REQUEST < perf-script-output
"""
import bisect
import collections
import re
import subprocess
import sys

# (label, regular expression on a demangled frame), in the order printed.
PHASES = [
    ("serve one request (session)", r"agent::\(anonymous namespace\)::serve_request|"
                                    r"agent::run_session"),
    ("  read and parse the HTTP request", r"agent::read_head|agent::read_body|"
                                          r"agent::request_reader::"),
    ("  route + github handler", r"agent::router::handle|agent::router::github|"
                                 r"agent::webhook_endpoints::github|"
                                 r"agent::webhook_endpoints::accept_push"),
    ("    classify (intake)", r"agent::classify_github_delivery"),
    ("      HMAC-SHA256 of the body", r"one_shot_hmac|keyed_hmac|^HMAC$|agent::hmac_sha256|"
                                      r"agent::hmac_hex|agent::hmac_digest|agent::github_mac"),
    ("      peek repository (SAX)", r"agent::peek_string_member"),
    ("      parse verified payload", r"classify_verified_payload|agent::read_github_payload"),
    ("    replay key (SHA-256)", r"agent::push_replay_key"),
    ("    already accepted? (before: SQLite read)", r"agent::store::delivery_accepted|"
                                                   r"agent::acceptor::seen"),
    ("    note: count + queue the record", r"record_noted|agent::acceptor::note|"
                                          r"agent::group_committer::submit|"
                                          r"metrics::count_delivery"),
    ("    log budget (duplicates)", r"agent::line_budget::admit|"
                                  r"agent::client_log_budget::admit"),
    ("    answer body (JSON)", r"agent::github_message|agent::json_writer"),
    ("  write the answer", r"agent::write_response"),
    ("  request metrics", r"count_request"),
    ("log lines (spdlog)", r"spdlog::"),
    ("record deliveries (writer thread)", r"agent::group_committer::run|"
                                          r"agent::group_committer::commit"),
    ("  SQLite", r"^sqlite3|sqlite3VdbeExec|sqlite3BtreeInsert"),
    ("malloc/free", r"^(malloc|_int_malloc|_int_free|cfree|free|malloc_consolidate|"
                    r"unlink_chunk|operator new|operator delete)"),
    ("kernel (syscalls, TCP, scheduling)", r"^\[k\]"),
]


def load_symbols(binary):
    out = subprocess.run(["nm", "-C", "--defined-only", binary], capture_output=True, text=True,
                         check=True).stdout
    table = []
    for line in out.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[1] in "tTwWiI":
            table.append((int(parts[0], 16), parts[2]))
    table.sort()
    return [a for a, _ in table], [n for _, n in table]


def short(name, width=110):
    # Template arguments say little here and make lines unreadable.
    out, depth = [], 0
    for ch in name:
        if ch == "<":
            depth += 1
            if depth == 1:
                out.append("<…>")
            continue
        if ch == ">":
            depth -= 1
            continue
        if depth == 0:
            out.append(ch)
    s = "".join(out)
    return s if len(s) <= width else s[: width - 1] + "…"


def main():
    binary, cpu_us = sys.argv[1], float(sys.argv[2])
    base = binary.rsplit("/", 1)[-1]
    addrs, names = load_symbols(binary)
    phases = [(label, re.compile(rx)) for label, rx in PHASES]

    def resolve(ip, sym, dso):
        if dso.endswith(base) and (not sym or sym == "[unknown]" or sym.startswith("0x")):
            i = bisect.bisect_right(addrs, ip) - 1
            return names[i] if i >= 0 else "?"
        if "kernel" in dso or dso.startswith("[k"):
            return "[k] " + sym
        return sym or "?"

    samples, self_time, inclusive, threads = 0, collections.Counter(), collections.Counter(), \
        collections.Counter()
    frame_re = re.compile(r"^\s+([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$")
    head_re = re.compile(r"^\s*(\d+)\s+([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$")
    stack = []
    tid = None

    def flush():
        nonlocal samples
        if not stack:
            return
        samples += 1
        threads[tid] += 1
        self_time[stack[0]] += 1
        for label, rx in phases:
            if any(rx.search(f) for f in stack):
                inclusive[label] += 1

    for line in sys.stdin:
        m = head_re.match(line)
        if m:  # a sample without call chain, or the first line of one with
            flush()
            tid = m.group(1)
            stack = [resolve(int(m.group(2), 16), m.group(3), m.group(4))]
            continue
        if re.match(r"^\s*(\d+)\s*$", line):  # the first line of a sample with a call chain
            flush()
            stack, tid = [], line.split()[0]
            continue
        m = frame_re.match(line)
        if m:
            stack.append(resolve(int(m.group(1), 16), m.group(2), m.group(3)))
    flush()
    if samples == 0:
        sys.exit("no samples")
    per_sample = cpu_us / samples
    print(f"{samples} samples; µs per request below = share × {cpu_us:.1f} µs CPU per request")
    print("\nThreads:")
    for t, n in threads.most_common(4):
        print(f"  tid {t}: {100 * n / samples:5.1f} %")
    print("\nPhases (inclusive: a sample counts for every phase on its stack):")
    for label, _ in PHASES:
        n = inclusive[label]
        print(f"  {label:<44} {100 * n / samples:5.1f} %  {n * per_sample:6.2f} µs")
    print("\nTop symbols (self):")
    for name, n in self_time.most_common(int(sys.argv[3]) if len(sys.argv) > 3 else 40):
        print(f"  {100 * n / samples:5.1f} %  {n * per_sample:5.2f} µs  {short(name)}")


if __name__ == "__main__":
    main()
