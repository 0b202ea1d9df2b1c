// The official TypeScript SDK client (v1) against the real demo: Streamable HTTP on /mcp and /mcp/,
// legacy HTTP+SSE on /sse, the caller's credential passed through to the API, and SIGTERM draining.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { startDemo, rpc, demoTable } from './lib/server.mjs';

// The HTTP method of each tool in the demo table, read from the YAML: each `  - name:` entry and
// the `method:` of its `http:` block (GET when absent, as in docs/configuration.md).
function methodsByTool(yamlText) {
  const methods = new Map();
  for (const chunk of yamlText.split(/^ {2}- name: /m).slice(1)) {
    const name = chunk.match(/^(\S+)/)[1];
    const binding = chunk.slice(chunk.search(/^ {4}http:/m));
    methods.set(name, (binding.match(/\bmethod:\s*([A-Za-z]+)/)?.[1] ?? 'GET').toUpperCase());
  }
  return methods;
}
const tableText = readFileSync(demoTable, 'utf8');
const methods = methodsByTool(tableText);
const serverName = tableText.match(/^server:\n(?: {2}.*\n)*? {2}name: (\S+)/m)?.[1];

// `mcpedge demo` as a user runs it: the tool table built into the binary from examples/workflows.yaml.
let server;
before(async () => { server = await startDemo({ args: ['--no-auth'] }); });
after(async () => {
  const { code, signal } = await server.stop();
  assert.deepEqual({ code, signal }, { code: 0, signal: null }, 'the demo exits 0 on SIGTERM');
});

// fetch that records what the SDK sends, so tests can see the DELETE and any redirect.
function recordingFetch(log) {
  return async (url, init = {}) => {
    const res = await fetch(url, init);
    log.push({ method: init.method ?? 'GET', url: String(url), status: res.status });
    return res;
  };
}

function textOf(result) {
  return result.content.filter((c) => c.type === 'text').map((c) => c.text).join('\n');
}

async function connectStreamable(endpoint, headers, log = []) {
  const transport = new StreamableHTTPClientTransport(new URL(endpoint), { requestInit: { headers }, fetch: recordingFetch(log) });
  const client = new Client({ name: 'mcpedge-integration', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, log };
}

// The whole Streamable HTTP conversation, run on /mcp and on /mcp/.
async function streamableConversation(endpoint) {
  const { client, transport, log } = await connectStreamable(endpoint, { 'X-API-Key': server.apiKey });
  assert.equal(transport.protocolVersion, '2025-11-25', 'the SDK and the server agree on its latest revision');
  const sessionId = transport.sessionId;
  assert.ok(sessionId, 'initialize issued an Mcp-Session-Id');
  assert.equal(client.getServerVersion()?.name, serverName, 'serverInfo.name comes from the table\'s server block');

  const { tools } = await client.listTools();
  assert.ok(tools.length >= 20, `${tools.length} tools`);
  const names = tools.map((t) => t.name);
  for (const name of ['list_workflows', 'get_workflow', 'start_execution', 'get_execution', 'search_cases']) {
    assert.ok(names.includes(name), `${name} is listed`);
  }
  assert.deepEqual([...names].sort(), [...methods.keys()].sort(), 'tools/list serves exactly the tools of examples/workflows.yaml (a stale build embeds an older table)');
  for (const tool of tools) {
    assert.equal(tool.inputSchema?.type, 'object', `${tool.name}: inputSchema.type`);
    if (methods.get(tool.name) === 'GET') assert.equal(tool.annotations?.readOnlyHint, true, `${tool.name} (GET) is read-only`);
  }
  const writers = tools.filter((t) => ['POST', 'PATCH', 'PUT', 'DELETE'].includes(methods.get(t.name)) && t.annotations?.readOnlyHint === true);
  assert.deepEqual(writers.map((t) => t.name).sort(), ['filter_cases', 'generate_workflow'],
    'only the two POST tools the table marks read-only claim readOnlyHint');

  const listed = await client.callTool({ name: 'list_workflows', arguments: { limit: 3 } });
  assert.notEqual(listed.isError, true, textOf(listed));
  assert.ok(listed.structuredContent, 'structuredContent is present');
  const parsed = JSON.parse(textOf(listed));
  assert.equal(parsed.workflows.length, 3);
  assert.deepEqual(listed.structuredContent, parsed, 'structuredContent carries the same JSON as the text');

  const missing = await client.callTool({ name: 'get_workflow', arguments: { workflow_id: 'wf_doesnotexist0' } });
  assert.equal(missing.isError, true);
  assert.match(textOf(missing), /404/, textOf(missing));

  const invalid = await client.callTool({ name: 'get_workflow', arguments: {} });
  assert.equal(invalid.isError, true, '2025-11-25: invalid arguments are an isError result, not a JSON-RPC error');
  assert.match(textOf(invalid), /workflow_id/, textOf(invalid));

  // v1's Client.close() only aborts; terminateSession() is what sends the DELETE.
  await transport.terminateSession();
  await client.close();
  assert.ok(log.some((r) => r.method === 'DELETE' && r.status === 200), `DELETE sent and accepted: ${JSON.stringify(log)}`);
  assert.ok(log.every((r) => r.status < 300 || r.status >= 400), `no redirect: ${JSON.stringify(log)}`);

  const after = await rpc(endpoint, { jsonrpc: '2.0', id: 1, method: 'tools/list' },
    { 'X-API-Key': server.apiKey, 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '2025-11-25' });
  assert.equal(after.status, 404, `the ended session is gone: ${after.text}`);
}

test('Streamable HTTP client on /mcp: list, call, errors, DELETE ends the session', async () => {
  await streamableConversation(`${server.origin}/mcp`);
});

test('Streamable HTTP client on /mcp/ (trailing slash), served without a redirect', async () => {
  const res = await fetch(`${server.origin}/mcp/`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'X-API-Key': server.apiKey },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
  });
  assert.equal(res.status, 200, `POST /mcp/ answers itself (got ${res.status} ${res.headers.get('location') ?? ''})`);
  assert.equal((await res.json()).result.protocolVersion, '2025-11-25');
  await streamableConversation(`${server.origin}/mcp/`);
});

test('legacy SSE client on /sse: connect, list, call; the stream is bound to its caller', async () => {
  const headers = { 'X-API-Key': server.apiKey };
  const log = [];
  // v1.32.2 puts requestInit.headers on the GET /sse (through its eventSource fetch) and on every
  // POST to the endpoint the stream announces.
  const transport = new SSEClientTransport(new URL(`${server.origin}/sse`), { requestInit: { headers }, fetch: recordingFetch(log) });
  const client = new Client({ name: 'mcpedge-integration-sse', version: '1.0.0' });
  await client.connect(transport);
  try {
    const { tools } = await client.listTools();
    assert.ok(tools.length >= 20, `${tools.length} tools`);
    const result = await client.callTool({ name: 'list_workflows', arguments: { limit: 2 } });
    assert.notEqual(result.isError, true, textOf(result));
    assert.equal(JSON.parse(textOf(result)).workflows.length, 2);

    const endpoint = log.find((r) => r.method === 'POST')?.url;
    assert.match(endpoint ?? '', /\/messages\?session_id=/, `POSTs went to the announced endpoint: ${JSON.stringify(log)}`);
    assert.ok(log.filter((r) => r.method === 'POST').every((r) => r.status === 202), JSON.stringify(log));
    for (const other of [{}, { 'X-API-Key': 'wf_demo_someone_else' }]) {
      const res = await rpc(endpoint, { jsonrpc: '2.0', id: 9, method: 'ping' }, other);
      assert.equal(res.status, 404, `another caller cannot post into this stream (${JSON.stringify(other)}): ${res.text}`);
    }
  } finally {
    await client.close();
  }
});

test('credentials pass through: none -> upstream 401 explained; wrong key -> 401; Bearer works', async () => {
  const anonymous = await connectStreamable(`${server.origin}/mcp`, {});
  try {
    const result = await anonymous.client.callTool({ name: 'list_workflows', arguments: {} });
    assert.equal(result.isError, true);
    assert.match(textOf(result), /401/, textOf(result));
    assert.match(textOf(result), /missing API key/, 'the upstream reason is passed on');
    assert.match(textOf(result), /API key|sign in/i, 'and what to do about it');
  } finally {
    await anonymous.client.close();
  }

  const wrong = await connectStreamable(`${server.origin}/mcp`, { 'X-API-Key': 'wf_demo_not_the_key' });
  try {
    const result = await wrong.client.callTool({ name: 'get_account', arguments: {} });
    assert.equal(result.isError, true);
    assert.match(textOf(result), /401/, textOf(result));
    assert.match(textOf(result), /invalid API key/, textOf(result));
  } finally {
    await wrong.client.close();
  }

  const bearer = await connectStreamable(`${server.origin}/mcp`, { Authorization: `Bearer ${server.apiKey}` });
  try {
    const result = await bearer.client.callTool({ name: 'get_account', arguments: {} });
    assert.notEqual(result.isError, true, textOf(result));
    assert.equal(result.structuredContent.key_prefix, server.apiKey.slice(0, 12), 'the API saw the caller\'s key');
  } finally {
    await bearer.client.close();
  }
});

test('SIGTERM ends an open /sse stream within 5 s and the process exits 0', async () => {
  const own = await startDemo({ args: ['--no-auth'] });
  let stopped;
  try {
    const res = await fetch(`${own.origin}/sse`, { headers: { Accept: 'text/event-stream', 'X-API-Key': own.apiKey } });
    assert.equal(res.status, 200);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    while (!seen.includes('event: endpoint')) {
      const { value, done } = await reader.read();
      assert.ok(!done, 'the stream announces its endpoint before anything else');
      seen += decoder.decode(value, { stream: true });
    }

    const sentAt = Date.now();
    stopped = own.stop();
    const ended = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return Date.now() - sentAt;
        seen += decoder.decode(value, { stream: true });
      }
    })();
    const limit = new Promise((_, reject) => setTimeout(() => reject(new Error('the /sse stream was still open 5 s after SIGTERM')), 5000).unref());
    const tookMs = await Promise.race([ended, limit]);
    assert.ok(tookMs < 5000, `${tookMs} ms`);
    assert.match(seen, /^retry: \d+$/m, `the drained stream tells the client when to reconnect: ${JSON.stringify(seen)}`);
  } finally {
    const { code, signal } = await (stopped ?? own.stop());
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, `exit status; stderr: ${own.output().stderr.slice(-500)}`);
  }
});
