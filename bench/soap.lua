-- wrk script: POSTs SOAP 1.1 envelopes and checks every answer is a SUCCESS.
--
--   wrk -s bench/soap.lua <url> -- <mode> <file> <soapaction> <tag>
--
-- mode "list":     <file> holds one complete envelope per line; requests cycle through them
--                  (getTransactionInformation, one ticket per line, round-robin).
-- mode "template": <file> holds one envelope with the marker @REF@ (once or more); each
--                  request replaces every one with <tag>-<thread>-<counter>, unique per
--                  request and per run (createTransactionPayment: payer and order).
-- At the end one line "BENCH_JSON {...}" carries the figures the harness reads.

local threads = {}
local next_id = 0

function setup(thread)
   next_id = next_id + 1
   thread:set("id", next_id)
   table.insert(threads, thread)
end

local mode, requests, pieces, tag
local index, counter = 0, 0
local headers = {}
-- globals: done() reads them from each thread with thread:get()
checked, failed, first_failure = 0, 0, nil

local function read(path)
   local f = assert(io.open(path, "rb"))
   local data = f:read("*a")
   f:close()
   return data
end

function init(args)
   mode = args[1]
   local path = args[2]
   headers["Content-Type"] = "text/xml; charset=utf-8"
   headers["SOAPAction"] = '"' .. args[3] .. '"'
   tag = (args[4] or "run") .. "-" .. tostring(id)
   if mode == "list" then
      requests = {}
      for line in io.lines(path) do
         if #line > 0 then
            table.insert(requests, wrk.format("POST", nil, headers, line))
         end
      end
      -- threads start at different offsets so they do not ask for the same ticket in step
      index = (id * 7919) % #requests
   else
      local template = read(path)
      pieces = {}
      local start = 1
      while true do
         local at = string.find(template, "@REF@", start, true)
         if at == nil then break end
         table.insert(pieces, string.sub(template, start, at - 1))
         start = at + 5
      end
      table.insert(pieces, string.sub(template, start))
   end
end

function request()
   if mode == "list" then
      index = index % #requests + 1
      return requests[index]
   end
   counter = counter + 1
   local value = tag .. "-" .. counter
   return wrk.format("POST", nil, headers, table.concat(pieces, value))
end

function response(status, hdrs, body)
   checked = checked + 1
   if status ~= 200 or not string.find(body, ">SUCCESS<", 1, true) then
      failed = failed + 1
      if first_failure == nil then
         first_failure = status .. " " .. string.sub(body, 1, 300)
      end
   end
end

local function quote(s)
   return '"' .. string.gsub(s, '[%c"\\]', function(c)
      return string.format("\\u%04x", string.byte(c))
   end) .. '"'
end

function done(summary, latency, requests_stats)
   local total_checked, total_failed, failure = 0, 0, nil
   for _, thread in ipairs(threads) do
      total_checked = total_checked + thread:get("checked")
      total_failed = total_failed + thread:get("failed")
      failure = failure or thread:get("first_failure")
   end
   local e = summary.errors
   io.write("BENCH_JSON {")
   io.write(string.format('"requests": %d, "duration_us": %d, "bytes": %d, ',
      summary.requests, summary.duration, summary.bytes))
   io.write(string.format('"latency_mean_us": %.1f, "latency_stdev_us": %.1f, ',
      latency.mean, latency.stdev))
   io.write(string.format('"latency_p50_us": %d, "latency_p90_us": %d, "latency_p99_us": %d, "latency_max_us": %d, ',
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
   io.write(string.format('"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ',
      e.connect, e.read, e.write, e.status, e.timeout))
   io.write(string.format('"checked": %d, "failed": %d, "first_failure": %s}\n',
      total_checked, total_failed, failure and quote(failure) or "null"))
end
