// What the authenticated workloads send: the gateway's config and scope, the two MCP request bodies
// and their headers. Shared by the harness (bench/run.sh) and the instruction counter.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const k_config = path.join(path.dirname(fileURLToPath(import.meta.url)), '../bench.yaml');
export const k_scope = 'shop';
export const k_list_body = '{"jsonrpc":"2.0","id":1,"method":"tools/list"}';
export const k_call_body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_item","arguments":{}}}';
export const mcpHeaders = (token) => ({
  'Content-Type': 'application/json',
  Accept: 'application/json, text/event-stream',
  'MCP-Protocol-Version': '2025-11-25',
  ...(token ? { Authorization: `Bearer ${token}` } : {}),
});
