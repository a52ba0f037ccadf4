-- GET one of the cases' view (wrk -s get_case.lua).
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

function request()
  return wrk.format("GET", prefix .. "/cases/" .. pick(),
    {["Authorization"] = "Bearer " .. token})
end
