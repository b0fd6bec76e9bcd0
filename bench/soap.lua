-- wrk script: POSTs SOAP 1.1 envelopes and checks every answer is a SUCCESS.
--
--   wrk -s bench/soap.lua <url> -- <mode> <file> <soapaction> <tag> [<marker>
--       [<invoices> <start> <threads>]]
--
-- mode "list":     <file> holds one complete envelope per line; requests cycle through them
--                  (getTransactionInformation, one ticket per line, round-robin).
-- mode "template": <file> holds one envelope with the marker @REF@ (once or more); each
--                  request replaces every one with <tag>-<thread>-<counter>, unique per
--                  request and per run (createTransactionPayment: payer and order).
-- mode "caja":     <file> holds one notificarPago envelope with the markers @ID@ (the unique
--                  value above: idTransaccion), @NONCE@ (the same, as Base64 text), @CREATED@
--                  (the second it is sent, UTC) and @INVOICE@ / @VALUE@: the next line of
--                  <invoices> ("reference value"), each paid once; the lines from <start> on
--                  (1-based), thread k of <threads> taking start+k-1, start+k-1+threads, ...
-- <marker>: the text every answer must contain (default ">SUCCESS<").
-- At the end one line "BENCH_JSON {...}" carries the figures the harness reads.

local threads = {}
local next_id = 0

function setup(thread)
   next_id = next_id + 1
   thread:set("id", next_id)
   table.insert(threads, thread)
end

local mode, requests, pieces, tag, marker
local index, counter = 0, 0
local headers = {}
local invoices, start, stride
-- globals: done() reads them from each thread with thread:get()
checked, failed, first_failure = 0, 0, nil
-- caja: invoices handed out by this thread, and requests sent after its share ran out
taken, exhausted = 0, 0

local function read(path)
   local f = assert(io.open(path, "rb"))
   local data = f:read("*a")
   f:close()
   return data
end

-- The template cut at its @NAME@ markers: text, name, text, name, ..., text.
local function split(template)
   local parts, at = {}, 1
   while true do
      local first, last, name = string.find(template, "@(%u+)@", at)
      if first == nil then break end
      table.insert(parts, string.sub(template, at, first - 1))
      table.insert(parts, name)
      at = last + 1
   end
   table.insert(parts, string.sub(template, at))
   return parts
end

local function fill(parts, values)
   local out = {}
   for i, part in ipairs(parts) do
      if i % 2 == 1 then out[i] = part else out[i] = values[part] end
   end
   return table.concat(out)
end

function init(args)
   mode = args[1]
   local path = args[2]
   headers["Content-Type"] = "text/xml; charset=utf-8"
   headers["SOAPAction"] = '"' .. args[3] .. '"'
   tag = (args[4] or "run") .. "-" .. tostring(id)
   marker = args[5] or ">SUCCESS<"
   if mode == "caja" then
      pieces = split(read(path))
      invoices = {}
      for line in io.lines(args[6]) do
         local reference, value = string.match(line, "^(%S+) (%S+)$")
         if reference then table.insert(invoices, {reference, value}) end
      end
      stride = tonumber(args[8] or "1")
      start = tonumber(args[7] or "1") + id - 1
      return
   end
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
   if mode == "caja" then
      local unique = tag .. "-" .. counter
      local nonce = string.gsub(unique, "[^%w]", "x")
      nonce = nonce .. string.rep("A", (4 - #nonce % 4) % 4)
      local position = start + taken * stride
      local invoice = invoices[position]
      if invoice == nil then
         -- out of invoices: pay the last one again, which the server refuses (the run fails)
         exhausted = exhausted + 1
         invoice = invoices[#invoices]
      else
         taken = taken + 1
      end
      return wrk.format("POST", nil, headers, fill(pieces, {
         ID = unique, NONCE = nonce, CREATED = os.date("!%Y-%m-%dT%H:%M:%SZ"),
         INVOICE = invoice[1], VALUE = invoice[2],
      }))
   end
   local value = tag .. "-" .. counter
   return wrk.format("POST", nil, headers, table.concat(pieces, value))
end

function response(status, hdrs, body)
   checked = checked + 1
   if status ~= 200 or not string.find(body, marker, 1, true) then
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
   local most_taken, total_exhausted = 0, 0
   for _, thread in ipairs(threads) do
      total_checked = total_checked + thread:get("checked")
      total_failed = total_failed + thread:get("failed")
      failure = failure or thread:get("first_failure")
      most_taken = math.max(most_taken, thread:get("taken"))
      total_exhausted = total_exhausted + thread:get("exhausted")
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
   io.write(string.format('"invoices_used": %d, "invoices_exhausted": %d, ',
      most_taken * #threads, total_exhausted))
   io.write(string.format('"checked": %d, "failed": %d, "first_failure": %s}\n',
      total_checked, total_failed, failure and quote(failure) or "null"))
end
