-- POST a contact to one of the cases (wrk -s post_contact.lua).
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local body = '{"channel": "phone", "direction": "inbound", '
  .. '"occurred_at": "2026-11-30T09:15:00+00:00", '
  .. '"summary": "Called about the same repair for the fourth time today."}'

function request()
  return wrk.format("POST", prefix .. "/cases/" .. pick() .. "/contacts",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
