-- Shared by the bitsieve wrk scripts: replay request bodies from a file (one JSON body per line), count
-- responses by status, and print a machine-readable summary line at the end.
local M = {}

function M.lines(path)
  local t = {}
  for line in io.lines(path) do
    if #line > 0 then t[#t + 1] = line end
  end
  assert(#t > 0, "no bodies in " .. path)
  return t
end

M.headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer " .. assert(os.getenv("BITSIEVE_KEY"), "set BITSIEVE_KEY"),
}

local threads = {}
function M.setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function M.done(summary, latency, requests, extra)
  local ok, bad = 0, 0
  local writes = 0
  for _, t in ipairs(threads) do
    ok = ok + (t:get("ok") or 0)
    bad = bad + (t:get("bad") or 0)
    writes = writes + (t:get("writes_ok") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f ok=%d non2xx=%d "
    .. "connect_err=%d read_err=%d write_err=%d timeouts=%d status_err=%d writes_ok=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    ok, bad, e.connect, e.read, e.write, e.timeout, e.status, writes))
end

return M
