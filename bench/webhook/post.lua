-- wrk script: POST the body in $BENCH_BODY with the headers in $BENCH_HEADERS (one
-- "Name: value" per line), to $BENCH_PATH.
local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end
wrk.method = "POST"
wrk.path = os.getenv("BENCH_PATH")
wrk.body = read(os.getenv("BENCH_BODY"))
for line in read(os.getenv("BENCH_HEADERS")):gmatch("[^\n]+") do
  local k, v = line:match("^([^:]+):%s*(.*)$")
  if k then
    wrk.headers[k] = v
  end
end
-- A new X-GitHub-Delivery per request, as GitHub sends (redeliveries aside).
local counter = 0
local prefix = string.format("%08x", math.random(0, 0x7fffffff))
function request()
  counter = counter + 1
  wrk.headers["X-GitHub-Delivery"] = string.format("%s-%d", prefix, counter)
  return wrk.format()
end

-- errors=status counts non-2xx/3xx answers: all of them for the invalid-signature runs.
function done(summary, latency, requests)
  io.write(string.format("BENCH rps=%.1f p50_us=%d p99_us=%d requests=%d non2xx=%d sockerr=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
