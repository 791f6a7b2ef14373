-- Each request a new application to the same meeting: its own mobile number (one application
-- per phone and meeting), its own X-Forwarded-For address (two per address and meeting, five an
-- hour: never reached) and its own Idempotency-Key. Numbers never repeat: BENCH_WRK_BLOCK (set
-- by bench_applications.py, a new one for every wrk run on a database) picks a block of 50
-- million, each of wrk's threads its own 5 million of it.
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  n = 0
  block = tonumber(os.getenv("BENCH_WRK_BLOCK") or "0")
  run = tostring(os.time())
end

function request()
  n = n + 1
  if n >= 5000000 then
    error("more than 5 million requests in one thread: numbers would repeat")
  end
  local i = block * 50000000 + id * 5000000 + n
  -- 13000000001 and up: 11 digits, 1 then 3-9 (publisher.contact); below 2^53, exact
  local phone = string.format("%.0f", 13000000000 + i)
  -- a unique-local IPv6 address from the same number: 48 bits, far more than phones
  local address = string.format("fd00::%x:%x:%x",
    math.floor(i / 4294967296) % 65536, math.floor(i / 65536) % 65536, i % 65536)
  local body = string.format(
    '{"applicant_name": "压力测试申请人%d", "phone": "%s", "category": "citizen", '
      .. '"statement": "关注学校周边停车问题，申请列席。"}', i, phone)
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Forwarded-For"] = address,
    ["Idempotency-Key"] = string.format("bench-%s-%d-%d-%d", run, block, id, n),
  }
  return wrk.format("POST", nil, headers, body)
end
