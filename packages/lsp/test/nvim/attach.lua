-- Neovim as a third-party LSP client of `mailconf lsp --stdio`: opens a file, attaches the
-- server, waits for its diagnostics, asks for a hover, and writes what it got as JSON.
-- Environment: MAILCONF_LSP_CMD (JSON array: the server command), MAILCONF_NVIM_FILE (the
-- file to open), MAILCONF_NVIM_OUT (where to write the result).
local cmd = vim.fn.json_decode(os.getenv('MAILCONF_LSP_CMD'))
local file = os.getenv('MAILCONF_NVIM_FILE')
local out = os.getenv('MAILCONF_NVIM_OUT')

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local uri = vim.uri_from_bufnr(buf)
local received = false

local config = {
  name = 'mailconf',
  cmd = cmd,
  root_dir = vim.fn.fnamemodify(file, ':p:h'),
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, cfg)
      vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, cfg)
      if result and result.uri == uri then
        received = true
      end
    end,
  },
}

-- vim.lsp.start exists from Neovim 0.8; Debian 12 ships 0.7, which has start_client.
local client_id
if vim.lsp.start then
  client_id = vim.lsp.start(config)
else
  client_id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(buf, client_id)
end

local ok = vim.wait(20000, function() return received end, 20)

local diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local lsp = d.user_data and d.user_data.lsp or {}
  table.insert(diagnostics, {
    line = d.lnum + 1,
    col = d.col + 1,
    severity = d.severity,
    code = lsp.code or d.code,
    message = d.message,
  })
end
table.sort(diagnostics, function(a, b) return a.line < b.line end)

-- A hover on `listen` (line 5, column 9), through Neovim's own request machinery.
local hover = ''
local responses = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
  textDocument = { uri = uri },
  position = { line = 4, character = 9 },
}, 10000)
for _, r in pairs(responses or {}) do
  if r.result and r.result.contents then
    hover = r.result.contents.value or ''
  end
end

local f = assert(io.open(out, 'w'))
f:write(vim.fn.json_encode({ received = ok, diagnostics = diagnostics, hover = hover }))
f:close()
vim.lsp.stop_client(client_id)
vim.cmd('qa!')
