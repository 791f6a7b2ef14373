-- The requests of bench/bench_freeze.py, one script for its three wrk processes.
-- Script arguments: MODE PATH LABEL
--   comment: POST PATH with a JSON comment; every request its own X-Forwarded-For address and
--            Idempotency-Key (LABEL keeps keys distinct between runs)
--   bearer:  GET PATH with a made-up bearer token
--   probe:   GET PATH
-- done() prints one line, "FREEZE_REPORT {json}": status counts, wrk's error counters and
-- latency (microseconds), for the bench to parse.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  threads[#threads + 1] = thread
end

local mode, path, label
local sent = 0
statuses = {}

function init(args)
  mode, path, label = args[1], args[2], args[3] or "run"
end

local BODY = '{"text":"压力测试意见：建议在学校周边增设临时停车位。","anonymous":true}'

function request()
  sent = sent + 1
  if mode == "comment" then
    local n = id * 1000000 + sent
    local headers = {
      ["Content-Type"] = "application/json",
      ["X-Forwarded-For"] = string.format("10.%d.%d.%d", id % 256, math.floor(sent / 256) % 256, sent % 256),
      ["Idempotency-Key"] = string.format("freeze-%s-%d", label, n),
    }
    return wrk.format("POST", path, headers, BODY)
  elseif mode == "bearer" then
    return wrk.format("GET", path, { ["Authorization"] = "Bearer smx_made-up-token-" .. sent })
  end
  return wrk.format("GET", path)
end

function response(status, _headers, _body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, _requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("statuses")) do
      counts[key] = (counts[key] or 0) + count
    end
  end
  local parts = {}
  for key, count in pairs(counts) do
    parts[#parts + 1] = string.format('"%s":%d', key, count)
  end
  local e = summary.errors
  io.write(string.format(
    'FREEZE_REPORT {"statuses":{%s},"requests":%d,"duration_us":%d,'
      .. '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,'
      .. '"latency_us":{"p50":%d,"p99":%d,"max":%d}}\n',
    table.concat(parts, ","), summary.requests, summary.duration,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
