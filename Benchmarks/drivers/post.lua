-- wrk script: POST the body in $BENCH_BODY_FILE with a bearer key, as JSON or as
-- $BENCH_CONTENT_TYPE when set (a prebuilt multipart body), and print one machine-readable line
-- at the end:
--   BENCH requests=N duration_us=N bytes=N connect_errors=N read_errors=N write_errors=N
--         status_errors=N timeouts=N p50_us=N p90_us=N p99_us=N max_us=N
-- (status_errors counts answers outside 2xx/3xx.)

local path = os.getenv("BENCH_BODY_FILE")
if path == nil then
  error("set BENCH_BODY_FILE to the request body file")
end
local file = assert(io.open(path, "rb"))
local body = file:read("*a")
file:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") or "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"

function done(summary, latency, requests)
  io.write(string.format(
    "BENCH requests=%d duration_us=%d bytes=%d connect_errors=%d read_errors=%d write_errors=%d " ..
    "status_errors=%d timeouts=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
