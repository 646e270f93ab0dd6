-- POST bodies from $BITSIEVE_BODIES to $BITSIEVE_PATH, round-robin, starting at a different line per thread.
package.path = package.path .. ";" .. (os.getenv("BITSIEVE_LUA_DIR") or ".") .. "/?.lua"
local common = require("common")
local bodies, i
ok, bad = 0, 0

setup = common.setup

function init(args)
  bodies = common.lines(assert(os.getenv("BITSIEVE_BODIES"), "set BITSIEVE_BODIES"))
  i = (id or 1) * 7919 % #bodies
end

function request()
  i = i % #bodies + 1
  return wrk.format("POST", os.getenv("BITSIEVE_PATH"), common.headers, bodies[i])
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 else bad = bad + 1 end
end

done = common.done
