--- A fuzzy picker for lists of strings.
-- @module picker
local util = require("picker.util")

local M = {}

local Picker = {}
Picker.__index = Picker

--- Creates a picker over the given items.
---@param items string[]
---@return table
function Picker:new(items, opts)
  opts = opts or {}
  local picker = setmetatable({ items = items, prompt = opts.prompt or "> " }, self)
  picker.matches = {}
  return picker
end

function Picker:filter(query)
  self.matches = {}
  for _, item in ipairs(self.items) do
    if util.fuzzy_match(item, query) then
      table.insert(self.matches, item)
    end
  end
  return self.matches
end

function Picker.close() end

local function score(item, query)
  return #query / #item
end

M.sorter = function(a, b)
  return score(a, M.query) > score(b, M.query)
end

function M.setup(config)
  M.config = vim.tbl_deep_extend("force", M.config or {}, config or {})
end

M.Picker = Picker

M.cached_score = util.memoize(function(item, query)
  return score(item, query)
end)

local handlers = {}
handlers["<CR>"] = function(picker) picker:close() end

do
  local default_prompt = "> "
  function M.default_prompt()
    return default_prompt
  end
end

return M
