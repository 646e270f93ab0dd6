-- Mixed read/write: 9 of 10 requests search (k = 10), 1 of 10 adds 10 new documents with ids unique to this
-- thread. Counts acknowledged writes so the caller can check that every one of them is in the collection.
package.path = package.path .. ";" .. (os.getenv("BITSIEVE_LUA_DIR") or ".") .. "/?.lua"
local common = require("common")
local searches, vectors, i, n, coll
ok, bad, writes_ok = 0, 0, 0

setup = common.setup

function init(args)
  searches = common.lines(os.getenv("BITSIEVE_DIR") .. "/search.txt")
  vectors = common.lines(os.getenv("BITSIEVE_DIR") .. "/vectors.txt")
  coll = os.getenv("BITSIEVE_COLLECTION")
  i, n = (id or 1) * 7919, 0
end

function request()
  i = i + 1
  if i % 10 == 0 then
    n = n + 1
    local docs = {}
    for j = 1, 10 do
      docs[j] = string.format('{"id": "w%d-%d-%d", "vector": %s}', id, n, j, vectors[(i + j) % #vectors + 1])
    end
    return wrk.format("POST", "/v1/collections/" .. coll .. "/documents", common.headers,
      '{"mode": "add", "documents": [' .. table.concat(docs, ",") .. ']}')
  end
  return wrk.format("POST", "/v1/collections/" .. coll .. "/search", common.headers, searches[i % #searches + 1])
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
    if string.find(body, '"written"', 1, true) then writes_ok = writes_ok + 1 end
  else
    bad = bad + 1
  end
end

done = common.done
