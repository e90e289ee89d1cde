-- wrk script: POST a different idea each time (moderation sends near-duplicate texts to review, so
-- every text is made of random syllables, like tests/support/ideas.py), and print the figures as one
-- JSON line for benchmarks/load.py.
local syllables = {}
for consonant in ("bdfgklmnprstvwz"):gmatch(".") do
  for vowel in ("aeiou"):gmatch(".") do
    table.insert(syllables, consonant .. vowel)
  end
end

local function word()
  local parts = {}
  for _ = 1, math.random(2, 4) do
    parts[#parts + 1] = syllables[math.random(#syllables)]
  end
  return table.concat(parts)
end

local function text(words)
  local parts = {}
  for i = 1, words do
    parts[i] = word()
  end
  return table.concat(parts, " ") .. "."
end

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + thread_id)
  sent = 0
  accepted = 0
end

function request()
  sent = sent + 1
  local body = string.format(
    '{"title": "%s", "description": "%s", "category": "other", "author": {"name": "Bench", "email": "bench-%d-%d@example.org"}}',
    text(3), text(14), thread_id, sent)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status == 202 then
    accepted = accepted + 1
  end
end

function done(summary, latency, requests)
  local total_accepted = 0
  for _, thread in ipairs(threads) do
    total_accepted = total_accepted + thread:get("accepted")
  end
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "accepted": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}}\n',
    summary.requests, total_accepted, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    summary.errors.status))
end
