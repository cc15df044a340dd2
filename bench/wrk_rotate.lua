-- wrk script: each request takes a random path from PATHS_FILE and a random bearer token from
-- TOKENS_FILE (many users, as in real traffic, so per-user throttles do not cap the run), with the
-- method from METHOD (GET, or TOGGLE to alternate POST and DELETE for like/unlike, or POST with a random
-- JSON body from BODIES_FILE, e.g. logins).
local paths, tokens, bodies = {}, {}, {}
local method = "GET"
local counter = 0

local function read_lines(name, into)
  local f = io.open(name, "r")
  if f == nil then return end
  for line in f:lines() do
    if #line > 0 then table.insert(into, line) end
  end
  f:close()
end

function init(args)
  read_lines(os.getenv("PATHS_FILE") or "", paths)
  read_lines(os.getenv("TOKENS_FILE") or "", tokens)
  read_lines(os.getenv("BODIES_FILE") or "", bodies)
  method = os.getenv("METHOD") or "GET"
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  counter = counter + 1
  local path = paths[math.random(#paths)]
  local headers = {}
  if #tokens > 0 then
    headers["Authorization"] = "Bearer " .. tokens[math.random(#tokens)]
  end
  local verb = method
  local body = nil
  if method == "TOGGLE" then
    if counter % 2 == 0 then verb = "DELETE" else verb = "POST" end
  elseif #bodies > 0 then
    body = bodies[math.random(#bodies)]
    headers["Content-Type"] = "application/json"
  end
  return wrk.format(verb, path, headers, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '\nRESULT {"requests": %d, "seconds": %.2f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "non_2xx": %d, "socket_errors": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
