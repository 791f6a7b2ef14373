-- Each request a new comment: its own X-Forwarded-For address (the per-address limit is
-- exercised, never reached) and its own Idempotency-Key; wrk's threads never share a number.
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  n = 0
  run = tostring(os.time())
end

function request()
  n = n + 1
  local i = id * 4000000 + n
  local address = string.format("10.%d.%d.%d",
    math.floor(i / 65536) % 256, math.floor(i / 256) % 256, i % 256)
  local body = string.format(
    '{"text": "压力测试意见第%d条：建议在学校周边增设临时停车位。", "anonymous": true}', i)
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Forwarded-For"] = address,
    ["Idempotency-Key"] = string.format("bench-%s-%d-%d", run, id, n),
  }
  return wrk.format("POST", nil, headers, body)
end
