-- wrk script: the refresh_token grant at /token. Each refresh rotates the token, so every reply's
-- new refresh token goes back into a pool that the next request takes from; with one token per
-- connection (BENCH_TOKENS_FILE has one per line, split over the threads) the pool never runs dry
-- unless a refresh fails. Give one token more than connections: wrk calls request() once on the
-- first thread to check the script, and that request is never sent.
--   BENCH_CLIENT_ID: the public client the tokens were issued to.
local thread_count = 0
function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

local pool = {}
local client_id
function init(args)
  client_id = os.getenv("BENCH_CLIENT_ID")
  local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local n = 0
  for line in io.lines(os.getenv("BENCH_TOKENS_FILE")) do
    if n % threads == thread_index then pool[#pool + 1] = line end
    n = n + 1
  end
end

function request()
  local token = table.remove(pool) or "mcprt_pool_ran_dry"
  local body = "grant_type=refresh_token&client_id=" .. client_id .. "&refresh_token=" .. token
  return wrk.format("POST", "/token", { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

function response(status, headers, body)
  local token = body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if token then pool[#pool + 1] = token end
end
