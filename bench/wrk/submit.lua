-- wrk script for bench/service_bench.py: POST each pre-computed presentation exactly once.
--
--   wrk -t N -c N -d <bound> --timeout 10s --latency -s submit.lua http://127.0.0.1:PORT/ \
--       -- BODIES N CONNECTION DURATION_S
--
-- BODIES has one request per line, "<index>\t<JSON body>"; wrk thread i (0-based) takes
-- lines i, i + N, i + 2N, ... CONNECTION is "close" (a new connection per request: each
-- request says "Connection: close" and wrk reconnects after the answer) or "keep-alive".
-- Each thread has exactly one connection (-t equal to -c), so every answer belongs to the
-- request its thread sent last: each request is timed on its own (CLOCK_MONOTONIC, through
-- LuaJIT's ffi) and kept with its status and answer body, for the benchmark's percentiles,
-- error count and admission checks. (wrk's own histogram, which done() also reports, adds
-- synthetic samples to correct for "coordinated omission" in an open-loop load, which
-- this closed-loop run is not.)
--
-- A thread stops (wrk.thread:stop()) after the answer to its last body, or after its first
-- answer at least DURATION_S seconds after its first request, leaving the rest unsent: no
-- body is ever sent twice, as a replayed challenge would be refused (409). A request that
-- gets no answer (wrk reconnects after a socket error, or its -d runs out first) is
-- recorded with status 0. wrk calls
-- request() once before the threads start, only to parse what it returns; that call gets a
-- GET /healthz, which is never sent.
--
-- On stderr each thread writes "zkattest-wrk: thread <i> ready" when it has read its bodies
-- (wrk starts it right after) and "zkattest-wrk: thread <i> done" when it has stopped. wrk
-- itself sleeps through its whole -d, so the benchmark interrupts it (SIGINT) once every
-- thread is done; done() then prints one line, "zkattest-wrk-result <JSON>", with every
-- request as [index, status, start_us, latency_us, body] and each thread's status counts.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } zkattest_timespec;
int clock_gettime(int clock_id, zkattest_timespec *tp);
]])
local CLOCK_MONOTONIC = 1
local clock = ffi.new("zkattest_timespec")

local function now_us()
   ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
   return tonumber(clock.tv_sec) * 1000000 + math.floor(tonumber(clock.tv_nsec) / 1000)
end

-- main state: one entry per thread, for done() ------------------------------------------

local threads = {}

function setup(thread)
   thread:set("thread_id", #threads)
   threads[#threads + 1] = thread
end

-- thread state ---------------------------------------------------------------------------

local requests = {}  -- formatted HTTP requests, this thread's share
local indices = {}   -- their indices in the benchmark's list
local sent = 0       -- requests handed to wrk
local limit_us = 0
local finished = false
local fallback = ""  -- a harmless request, never sent before the thread stops
local verifying = false

-- read by done() through thread:get
rec_index, rec_status, rec_start_us, rec_latency_us, rec_body = {}, {}, {}, {}, {}
statuses = {}
lost = 0
in_flight = nil  -- {index, start_us} of the request awaiting its answer
first_sent_us = nil
last_answer_us = nil

function init(args)
   local path, count, connection = args[1], tonumber(args[2]), args[3]
   limit_us = tonumber(args[4]) * 1000000
   local headers = { ["Host"] = wrk.headers["Host"], ["Content-Type"] = "application/json" }
   if connection == "close" then
      headers["Connection"] = "close"
   end
   local line_number = 0
   for line in io.lines(path) do
      if line_number % count == thread_id then
         local tab = line:find("\t", 1, true)
         indices[#indices + 1] = tonumber(line:sub(1, tab - 1))
         requests[#requests + 1] = wrk.format("POST", "/v1/presentations", headers, line:sub(tab + 1))
      end
      line_number = line_number + 1
   end
   fallback = wrk.format("GET", "/healthz", { ["Host"] = wrk.headers["Host"], ["Connection"] = "close" })
   -- wrk calls request() once in the first thread's state before starting, only to parse
   -- the request it returns; that call must not use up a body
   verifying = thread_id == 0
   io.stderr:write(string.format("zkattest-wrk: thread %d ready\n", thread_id))
   io.stderr:flush()
end

local function finish()
   if not finished then
      finished = true
      io.stderr:write(string.format("zkattest-wrk: thread %d done\n", thread_id))
      io.stderr:flush()
   end
   wrk.thread:stop()
end

local function record(status, t, body)
   local n = #rec_status + 1
   rec_index[n] = in_flight[1]
   rec_status[n] = status
   rec_start_us[n] = in_flight[2]
   rec_latency_us[n] = t - in_flight[2]
   rec_body[n] = body
   statuses[status] = (statuses[status] or 0) + 1
   in_flight = nil
end

local function exhausted(t)
   return sent >= #requests or (first_sent_us ~= nil and t - first_sent_us >= limit_us)
end

function request()
   if verifying then
      verifying = false
      return fallback
   end
   local t = now_us()
   if in_flight then
      -- wrk reconnected after a socket error: the last request will get no answer
      lost = lost + 1
      record(0, t, "")
   end
   if finished or exhausted(t) then
      finish()  -- the event loop stops before this request is answered
      return fallback
   end
   sent = sent + 1
   in_flight = { indices[sent], t }
   first_sent_us = first_sent_us or t
   return requests[sent]
end

function response(status, headers, body)
   local t = now_us()
   if not in_flight then
      return
   end
   last_answer_us = t
   record(status, t, body)
   if exhausted(t) then
      finish()
   end
end

-- main state: the result -----------------------------------------------------------------

local escapes = { ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }

local function json_string(s)
   local escaped = s:gsub('[%c"\\]', function(c)
      return escapes[c] or string.format("\\u%04x", c:byte())
   end)
   return '"' .. escaped .. '"'
end

local function json_int(n)
   return n == nil and "null" or string.format("%d", n)
end

function done(summary, latency, requests_stats)
   local out = {}
   local function add(s)
      out[#out + 1] = s
   end
   add('{"threads":[')
   for i, thread in ipairs(threads) do
      local index, status = thread:get("rec_index"), thread:get("rec_status")
      local start, took, body = thread:get("rec_start_us"), thread:get("rec_latency_us"), thread:get("rec_body")
      local counts = {}
      for code, n in pairs(thread:get("statuses")) do
         counts[#counts + 1] = string.format('"%d":%d', code, n)
      end
      local pending = thread:get("in_flight")  -- unanswered when wrk's -d ran out
      add(i > 1 and "," or "")
      add(string.format(
         '{"id":%d,"sent":%d,"lost":%d,"first_sent_us":%s,"last_answer_us":%s,"statuses":{%s},"records":[',
         i - 1, #status + (pending and 1 or 0), thread:get("lost"), json_int(thread:get("first_sent_us")),
         json_int(thread:get("last_answer_us")), table.concat(counts, ",")))
      for n = 1, #status do
         add(string.format('%s[%d,%d,%d,%d,', n > 1 and "," or "", index[n], status[n], start[n], took[n]))
         add(json_string(body[n]))
         add("]")
      end
      if pending then
         add(string.format('%s[%d,0,%d,%d,""]', #status > 0 and "," or "", pending[1], pending[2],
            now_us() - pending[2]))
      end
      add("]}")
   end
   local e = summary.errors
   add(string.format(
      '],"summary":{"duration_us":%d,"requests":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,'
         .. '"write":%d,"status":%d,"timeout":%d}},',
      summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout))
   add(string.format(
      '"wrk_latency_ms":{"p50":%.3f,"p90":%.3f,"p99":%.3f,"max":%.3f,"mean":%.3f}}',
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, latency.mean / 1000))
   io.write("zkattest-wrk-result ", table.concat(out), "\n")
   io.flush()
end
