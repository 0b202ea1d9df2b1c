-- wrk script: one fixed request from the environment, optionally paced.
--   BENCH_METHOD (default POST), BENCH_BODY, BENCH_HEADERS ("Name: value" lines),
--   BENCH_DELAY_MS: wait this long after each reply before the next request on that connection.
wrk.method = os.getenv("BENCH_METHOD") or "POST"
wrk.body = os.getenv("BENCH_BODY")
for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  if name then wrk.headers[name] = value end
end

local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "")
if pause and pause > 0 then
  function delay()
    return pause
  end
end
