-- wrk script of Tools/bench/serve.sh: replays a list of requests, one per line of the file named by
-- SERVE_REQUESTS ("GET /path?query" or "POST /path {json body}"), each wrk thread from its own offset,
-- and prints one JSON line "WRK_JSON {…}" with requests, duration, errors and latency percentiles (µs).

local threads = {}
local counter = 0

function setup(thread)
    counter = counter + 1
    thread:set("thread_number", counter)
    table.insert(threads, thread)
end

local requests = {}
local position = 1

function init(args)
    local path = os.getenv("SERVE_REQUESTS")
    local file = assert(io.open(path, "r"), "cannot open SERVE_REQUESTS=" .. tostring(path))
    for line in file:lines() do
        local method, target, body = line:match("^(%u+) (%S+) ?(.*)$")
        if method == "POST" then
            table.insert(requests, wrk.format("POST", target, { ["Content-Type"] = "application/json" }, body))
        elseif method then
            table.insert(requests, wrk.format(method, target))
        end
    end
    file:close()
    assert(#requests > 0, "no requests in " .. path)
    -- Threads start far apart in the list so that they do not ask for the same things in step.
    position = ((thread_number - 1) * 7919) % #requests + 1
end

function request()
    local r = requests[position]
    position = position % #requests + 1
    return r
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
        '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
        summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
