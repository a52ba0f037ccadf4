-- Shared by the wrk scripts: case ids from BENCH_IDS (one a line), a bearer token from
-- BENCH_TOKEN, the path prefix from BENCH_PREFIX; done() prints one JSON line for the bench.
local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
prefix = os.getenv("BENCH_PREFIX") or "/api/v1"
token = os.getenv("BENCH_TOKEN") or ""
counter = 0
thread_no = 0

function setup(thread)
  thread:set("thread_no", thread_no)
  thread_no = thread_no + 1
end

function pick()
  counter = counter + 1
  return ids[((counter * 7 + thread_no * 131) % #ids) + 1]
end

function done(summary, latency, requests)
  local p = function(q) return latency:percentile(q) / 1000.0 end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_s": %.3f, "non2xx": %d, "socket_errors": %d, '
    .. '"p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    p(50), p(95), p(99), latency.max / 1000.0))
end
