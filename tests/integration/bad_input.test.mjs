// Malformed and hostile requests against one running demo: each row names what is wrong, the HTTP
// status and JSON-RPC error code the wire must carry, and the server still answers afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDemo, rpc, demoTable } from './lib/server.mjs';

// The demo's tools constrain every id with a pattern, which stops "../x" before the REST binding;
// one extra tool without a pattern lets the rows below reach the binding's own path checks.
const PROBE_TOOL = `
  - name: probe_workflow_by_raw_id
    description: Test-only twin of get_workflow whose id has no pattern, so path encoding is exercised.
    input_schema:
      type: object
      properties:
        workflow_id: { type: string }
      required: [workflow_id]
    http: { method: GET, path: "/workflows/{workflow_id}" }
`;

function tableWithProbe(dir) {
  const table = readFileSync(demoTable, 'utf8');
  const topLevelKeys = table.split('\n').filter((l) => /^[A-Za-z_]+:/.test(l));
  assert.equal(topLevelKeys.at(-1)?.trim(), 'tools:', 'examples/workflows.yaml ends with its tools list');
  const file = path.join(dir, 'table.yaml');
  writeFileSync(file, table.replace(/\n*$/, '\n') + PROBE_TOOL);
  return file;
}

const MODERN = '2026-07-28';
const META_VERSION = 'io.modelcontextprotocol/protocolVersion';
const META_CAPS = 'io.modelcontextprotocol/clientCapabilities';

// A complete 2026-07-28 request; `meta` and `headers` override parts of it (null removes a header).
function modern(method, params = {}, { meta = {}, headers = {} } = {}) {
  const name = method === 'tools/call' ? params.name : undefined;
  return {
    body: { jsonrpc: '2.0', id: 7, method, params: { ...params, _meta: { [META_VERSION]: MODERN, [META_CAPS]: {}, ...meta } } },
    headers: {
      'MCP-Protocol-Version': MODERN,
      'Mcp-Method': method,
      ...(name !== undefined ? { 'Mcp-Name': name } : {}),
      ...headers,
    },
  };
}

const call = (name, args) => ({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name, arguments: args } });
const v1125 = { 'MCP-Protocol-Version': '2025-11-25' };
const v0618 = { 'MCP-Protocol-Version': '2025-06-18' };
const v0326 = { 'MCP-Protocol-Version': '2025-03-26' };

// A tools/call answered with an isError result whose text holds every needle, and never with the
// workflow list that a path escaping its segment would reach.
function isErrorResult(...needles) {
  return (res) => {
    assert.equal(res.json?.result?.isError, true, `expected an isError result, got ${res.text}`);
    const text = res.json.result.content.map((c) => c.text ?? '').join('\n');
    for (const needle of needles) assert.ok(text.includes(needle), `result text lacks ${JSON.stringify(needle)}: ${text}`);
    assert.ok(!/"workflows"\s*:\s*\[/.test(text), `the call reached the workflow list: ${text}`);
  };
}

const MiB = 1024 * 1024;

// expectCode: the JSON-RPC error.code of a JSON reply; a JSON error reply without one fails the row.
const rows = [
  // --- JSON and JSON-RPC framing --------------------------------------------------------------
  { name: 'broken JSON', body: '{"jsonrpc":"2.0","id":1,', expectStatus: 400, expectCode: -32700, expectText: 'Parse error' },
  { name: 'empty body', body: '', expectStatus: 400, expectCode: -32700 },
  { name: 'empty array (empty batch, 2025-03-26 by default)', body: '[]', expectStatus: 400, expectCode: -32600 },
  { name: 'batch on 2025-11-25 (batches were removed after 2025-03-26)', headers: v1125,
    body: [{ jsonrpc: '2.0', id: 1, method: 'ping' }, { jsonrpc: '2.0', id: 2, method: 'tools/list' }],
    expectStatus: 400, expectCode: -32600, expectText: 'batch' },
  { name: 'batch on 2025-06-18', headers: v0618, body: [{ jsonrpc: '2.0', id: 1, method: 'ping' }], expectStatus: 400, expectCode: -32600 },
  { name: 'body is a JSON string', body: '"tools/list"', expectStatus: 400, expectCode: -32600 },
  { name: 'body is JSON null', body: 'null', expectStatus: 400, expectCode: -32600 },
  { name: 'jsonrpc "1.0"', body: { jsonrpc: '1.0', id: 1, method: 'ping' }, expectStatus: 400, expectCode: -32600, expectText: '2.0' },
  { name: 'jsonrpc missing', body: { id: 1, method: 'ping' }, expectStatus: 400, expectCode: -32600 },
  { name: 'id null', body: { jsonrpc: '2.0', id: null, method: 'ping' }, expectStatus: 400, expectCode: -32600, expectText: 'id' },
  { name: 'id is an object', body: { jsonrpc: '2.0', id: { a: 1 }, method: 'ping' }, expectStatus: 400, expectCode: -32600 },
  { name: 'id is a fraction', body: { jsonrpc: '2.0', id: 1.5, method: 'ping' }, expectStatus: 400, expectCode: -32600 },
  { name: 'method is a number', body: { jsonrpc: '2.0', id: 1, method: 42 }, expectStatus: 400, expectCode: -32600, expectText: 'method' },
  { name: 'method is empty', body: { jsonrpc: '2.0', id: 1, method: '' }, expectStatus: 400, expectCode: -32600 },
  { name: 'neither method nor result', body: { jsonrpc: '2.0', id: 1 }, expectStatus: 400, expectCode: -32600 },
  { name: 'params is an array', body: { jsonrpc: '2.0', id: 1, method: 'tools/list', params: [1, 2] }, expectStatus: 400, expectCode: -32602 },
  { name: 'params is a string', body: { jsonrpc: '2.0', id: 1, method: 'tools/list', params: 'x' }, expectStatus: 400, expectCode: -32602 },
  { name: 'unknown method, no version header (2025-03-26)', body: { jsonrpc: '2.0', id: 1, method: 'tools/explode' },
    expectStatus: 200, expectCode: -32601, expectText: 'tools/explode' },
  { name: 'unknown method on 2025-11-25', headers: v1125, body: { jsonrpc: '2.0', id: 1, method: 'nope/nothing' }, expectStatus: 200, expectCode: -32601 },
  { name: 'unknown method on 2026-07-28 (HTTP 404)', ...modern('tools/explode'), expectStatus: 404, expectCode: -32601 },
  { name: 'notification only', body: { jsonrpc: '2.0', method: 'notifications/initialized' }, expectStatus: 202 },
  { name: 'response only (a client answer)', body: { jsonrpc: '2.0', id: 99, result: {} }, expectStatus: 202 },
  { name: 'batch on 2025-03-26 containing initialize', headers: v0326,
    body: [{ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 't', version: '1' } } },
      { jsonrpc: '2.0', id: 2, method: 'ping' }],
    expectStatus: 200,
    check: (res) => {
      assert.ok(Array.isArray(res.json), `expected an array, got ${res.text}`);
      const byId = Object.fromEntries(res.json.map((m) => [m.id, m]));
      assert.equal(byId[1]?.error?.code, -32600, 'initialize inside a batch is refused');
      assert.match(byId[1].error.message, /initialize/);
      assert.deepEqual(byId[2]?.result, {}, 'the ping beside it is answered');
    } },
  { name: 'batch on 2025-03-26 with one invalid member', headers: v0326,
    body: [{ jsonrpc: '2.0', id: 1, method: 'ping' }, { jsonrpc: '1.0', id: 2, method: 'ping' }, { jsonrpc: '2.0', method: 'notifications/initialized' }],
    expectStatus: 200,
    check: (res) => {
      assert.equal(res.json.length, 2, `two answers (the notification gets none): ${res.text}`);
      assert.deepEqual(res.json.find((m) => m.id === 1)?.result, {});
      assert.equal(res.json.find((m) => m.id === 2)?.error?.code, -32600);
    } },
  { name: 'batch of notifications only (2025-03-26)', headers: v0326, body: [{ jsonrpc: '2.0', method: 'notifications/initialized' }], expectStatus: 202 },

  // --- Method parameters ----------------------------------------------------------------------
  { name: 'tools/list with an invalid cursor', body: { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { cursor: 'not-a-cursor' } },
    expectStatus: 200, expectCode: -32602, expectText: 'cursor' },
  { name: 'tools/list with a numeric cursor', body: { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { cursor: 5 } }, expectStatus: 200, expectCode: -32602 },
  { name: 'initialize without protocolVersion', body: { jsonrpc: '2.0', id: 1, method: 'initialize', params: { capabilities: {} } },
    expectStatus: 200, expectCode: -32602, expectText: 'protocolVersion' },
  { name: 'logging/setLevel with an unknown level', headers: v1125, body: { jsonrpc: '2.0', id: 1, method: 'logging/setLevel', params: { level: 'loud' } },
    expectStatus: 200, expectCode: -32602 },
  { name: 'resources/read of an unknown resource (2025-11-25: -32002)', headers: v1125,
    body: { jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri: 'file:///etc/passwd' } }, expectStatus: 200, expectCode: -32002 },
  { name: 'tools/call without a name', body: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { arguments: {} } },
    expectStatus: 200, expectCode: -32602, expectText: 'name' },
  { name: 'tools/call of an unknown tool', body: call('no_such_tool', {}), expectStatus: 200, expectCode: -32602, expectText: 'no_such_tool' },
  { name: 'tools/call of an unknown tool on 2026-07-28 (HTTP 400)', ...modern('tools/call', { name: 'no_such_tool', arguments: {} }),
    expectStatus: 400, expectCode: -32602 },
  { name: 'tools/call with arguments as a string', body: call('list_workflows', 'limit=5'), expectStatus: 200, expectCode: -32602, expectText: 'arguments' },
  { name: 'tools/call with arguments as an array', body: call('list_workflows', [5]), expectStatus: 200, expectCode: -32602 },
  { name: 'missing required argument on 2025-11-25 (isError result)', headers: v1125, body: call('get_workflow', {}),
    expectStatus: 200, check: isErrorResult('workflow_id') },
  { name: 'missing required argument on 2025-06-18 (-32602)', headers: v0618, body: call('get_workflow', {}),
    expectStatus: 200, expectCode: -32602, expectText: 'workflow_id' },
  { name: 'wrong argument type on 2025-11-25 (isError result)', headers: v1125, body: call('get_workflow', { workflow_id: 42 }),
    expectStatus: 200, check: isErrorResult('workflow_id') },
  { name: 'wrong argument type on 2025-06-18 (-32602)', headers: v0618, body: call('get_workflow', { workflow_id: ['wf'] }),
    expectStatus: 200, expectCode: -32602, expectText: 'workflow_id' },
  { name: 'argument error text: one period per sentence', headers: v1125, body: call('get_workflow', {}), expectStatus: 200,
    check: (res) => {
      isErrorResult('workflow_id', 'Fix the arguments')(res);
      assert.doesNotMatch(res.json.result.content[0].text, /\.\.\s/, 'no doubled period');
    } },
  { name: 'argument error text: a wrong type names the expected type', headers: v1125, body: call('get_workflow', { workflow_id: 42 }), expectStatus: 200,
    check: (res) => {
      isErrorResult('workflow_id')(res);
      assert.match(res.json.result.content[0].text, /string/, 'says the argument must be a string (STYLE.md: what was wrong and what to do)');
    } },
  { name: 'enum violation on 2025-06-18 (-32602)', headers: v0618, body: call('list_workflows', { status: 'exploded' }),
    expectStatus: 200, expectCode: -32602, expectText: 'status' },

  // --- Path parameters cannot leave their segment ---------------------------------------------
  { name: 'demo tool: id "../workflows" fails the id pattern (isError, not the list)', headers: v1125,
    body: call('get_workflow', { workflow_id: '../workflows' }), expectStatus: 200, check: isErrorResult('workflow_id') },
  { name: 'path value "../workflows" stays one segment (upstream 404, not the list)', headers: v1125,
    body: call('probe_workflow_by_raw_id', { workflow_id: '../workflows' }), expectStatus: 200, check: isErrorResult('404', 'workflow ../workflows not found') },
  { name: 'path value "../../me" stays one segment', headers: v1125,
    body: call('probe_workflow_by_raw_id', { workflow_id: '../../me' }), expectStatus: 200, check: isErrorResult('404', 'workflow ../../me not found') },
  { name: 'path value ".."', headers: v1125, body: call('probe_workflow_by_raw_id', { workflow_id: '..' }),
    expectStatus: 200, check: isErrorResult('must not be ".."') },
  { name: 'path value "."', headers: v1125, body: call('probe_workflow_by_raw_id', { workflow_id: '.' }),
    expectStatus: 200, check: isErrorResult('must not be "."') },
  { name: 'path value "a/b" is encoded', headers: v1125, body: call('probe_workflow_by_raw_id', { workflow_id: 'a/b' }),
    expectStatus: 200, check: isErrorResult('404', 'a%2Fb', 'workflow a/b not found') },
  { name: 'path value "" (empty)', headers: v1125, body: call('probe_workflow_by_raw_id', { workflow_id: '' }),
    expectStatus: 200, check: isErrorResult('must not be empty') },
  { name: 'path value "%2e%2e" is encoded again', headers: v1125, body: call('probe_workflow_by_raw_id', { workflow_id: '%2e%2e' }),
    expectStatus: 200, check: isErrorResult('404', '%252e%252e') },
  { name: 'path value "x?y#z" cannot add a query or fragment', headers: v1125, body: call('probe_workflow_by_raw_id', { workflow_id: 'x?y#z' }),
    expectStatus: 200, check: isErrorResult('404', 'x%3Fy%23z') },

  // --- HTTP framing of POST /mcp --------------------------------------------------------------
  { name: 'Content-Type text/plain', headers: { 'Content-Type': 'text/plain' }, body: { jsonrpc: '2.0', id: 1, method: 'ping' },
    expectStatus: 415, expectCode: -32600, expectText: 'application/json' },
  { name: 'no Content-Type', headers: { 'Content-Type': null }, body: { jsonrpc: '2.0', id: 1, method: 'ping' }, expectStatus: 415, expectCode: -32600 },
  { name: 'Accept text/html only', headers: { Accept: 'text/html' }, body: { jsonrpc: '2.0', id: 1, method: 'ping' }, expectStatus: 406, expectCode: -32600 },
  { name: 'unsupported MCP-Protocol-Version "1999-01-01"', headers: { 'MCP-Protocol-Version': '1999-01-01' }, body: { jsonrpc: '2.0', id: 1, method: 'ping' },
    expectStatus: 400, expectCode: -32600, expectText: '1999-01-01' },
  { name: 'Origin http://evil.example', headers: { Origin: 'http://evil.example' }, body: { jsonrpc: '2.0', id: 1, method: 'ping' },
    expectStatus: 403, expectCode: -32600, expectText: 'evil.example' },
  { name: 'Host evil.example (DNS rebinding)', raw: true, headers: { Host: 'evil.example' }, body: { jsonrpc: '2.0', id: 1, method: 'ping' },
    expectStatus: 403, expectCode: -32600, expectText: 'evil.example' },
  { name: 'body over 1 MiB', raw: true, body: `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"${'x'.repeat(MiB + 16)}"}}`,
    expectStatus: 413 },
  { name: 'header over 16 KiB', raw: true, headers: { 'X-Padding': 'p'.repeat(17 * 1024) }, body: { jsonrpc: '2.0', id: 1, method: 'ping' },
    expectStatus: 431 },
  { name: 'unknown Mcp-Session-Id', headers: { 'Mcp-Session-Id': 'not-a-session' }, body: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
    expectStatus: 404, expectCode: -32001 },

  // --- 2026-07-28 per-request checks ----------------------------------------------------------
  { name: '2026: no MCP-Protocol-Version header', ...modern('tools/list', {}, { headers: { 'MCP-Protocol-Version': null } }),
    expectStatus: 400, expectCode: -32020, expectText: 'MCP-Protocol-Version' },
  { name: '2026: header and _meta disagree', ...modern('tools/list', {}, { headers: { 'MCP-Protocol-Version': '2025-11-25' } }),
    expectStatus: 400, expectCode: -32020 },
  { name: '2026: unsupported version in header and _meta', ...modern('tools/list', {}, { meta: { [META_VERSION]: '2099-01-01' }, headers: { 'MCP-Protocol-Version': '2099-01-01' } }),
    expectStatus: 400, expectCode: -32022,
    check: (res) => {
      assert.ok(res.json.error.data?.supported?.includes(MODERN), `data.supported: ${res.text}`);
      assert.equal(res.json.error.data?.requested, '2099-01-01');
    } },
  { name: '2026: _meta without clientCapabilities', ...modern('tools/list', {}, { meta: { [META_CAPS]: undefined } }),
    expectStatus: 400, expectCode: -32602, expectText: 'clientCapabilities' },
  { name: '2026: version header without _meta', headers: { 'MCP-Protocol-Version': MODERN, 'Mcp-Method': 'tools/list' },
    body: { jsonrpc: '2.0', id: 1, method: 'tools/list' }, expectStatus: 400, expectCode: -32602 },
  { name: '2026: no Mcp-Method header', ...modern('tools/list', {}, { headers: { 'Mcp-Method': null } }),
    expectStatus: 400, expectCode: -32020, expectText: 'Mcp-Method' },
  { name: '2026: Mcp-Method does not match the body', ...modern('tools/list', {}, { headers: { 'Mcp-Method': 'tools/call' } }),
    expectStatus: 400, expectCode: -32020 },
  { name: '2026: Mcp-Method with invalid base64 sentinel', ...modern('tools/list', {}, { headers: { 'Mcp-Method': '=?base64?dG9vbHMvbGlzdA?=' } }),
    expectStatus: 400, expectCode: -32020 },
  { name: '2026: Mcp-Name does not match params.name', ...modern('tools/call', { name: 'list_workflows', arguments: {} }, { headers: { 'Mcp-Name': 'get_workflow' } }),
    expectStatus: 400, expectCode: -32020, expectText: 'Mcp-Name' },
  { name: '2026: no Mcp-Name on tools/call', ...modern('tools/call', { name: 'list_workflows', arguments: {} }, { headers: { 'Mcp-Name': null } }),
    expectStatus: 400, expectCode: -32020 },
  { name: '2026: ping is not a method any more (HTTP 404)', ...modern('ping'), expectStatus: 404, expectCode: -32601 },
  { name: '2026: initialize is not a method any more (HTTP 404)', ...modern('initialize', { protocolVersion: MODERN, capabilities: {}, clientInfo: { name: 't', version: '1' } }),
    expectStatus: 404, expectCode: -32601 },

  // --- Other verbs and paths ------------------------------------------------------------------
  { name: 'DELETE /mcp without a session', method: 'DELETE', expectStatus: 400, expectCode: -32600, expectText: 'Mcp-Session-Id' },
  { name: 'DELETE /mcp with an unknown session', method: 'DELETE', headers: { 'Mcp-Session-Id': 'bogus' }, expectStatus: 404, expectCode: -32001 },
  { name: 'GET /mcp without Last-Event-ID', method: 'GET', headers: { Accept: 'text/event-stream' }, expectStatus: 405,
    check: (res) => assert.ok(res.headers.get('allow'), 'a 405 names what is allowed') },
  { name: 'GET /mcp with Accept application/json', method: 'GET', headers: { Accept: 'application/json' }, expectStatus: 406, expectCode: -32600 },
  { name: 'GET /mcp resuming an unknown stream', method: 'GET', headers: { Accept: 'text/event-stream', 'Last-Event-ID': 'nope.1' },
    expectStatus: 404, expectCode: -32600 },
  { name: 'PUT /mcp', method: 'PUT', body: { jsonrpc: '2.0', id: 1, method: 'ping' }, expectStatus: 405,
    check: (res) => {
      const allow = res.headers.get('allow') ?? '';
      for (const verb of ['GET', 'POST', 'DELETE']) assert.ok(allow.includes(verb), `Allow: ${allow}`);
    } },
  { name: 'GET /sse with Accept application/json', method: 'GET', path: '/sse', headers: { Accept: 'application/json' }, expectStatus: 406, expectCode: -32600 },
  // Against a demo of its own, which must survive it: this request once crashed the process (a
  // null query view handed to Boost.URL's parse_query).
  { name: 'POST /messages without a query string', path: '/messages', body: { jsonrpc: '2.0', id: 1, method: 'ping' },
    expectStatus: 400, expectCode: -32600, expectText: 'session_id', ownServer: true },
  { name: 'POST /messages with an empty session_id', path: '/messages?session_id=', body: { jsonrpc: '2.0', id: 1, method: 'ping' },
    expectStatus: 400, expectCode: -32600, expectText: 'session_id' },
  { name: 'POST /messages without session_id', path: '/messages?stream=1', body: { jsonrpc: '2.0', id: 1, method: 'ping' },
    expectStatus: 400, expectCode: -32600, expectText: 'session_id' },
  { name: 'POST /messages with an unknown session_id', path: '/messages?session_id=nope', body: { jsonrpc: '2.0', id: 1, method: 'ping' },
    expectStatus: 404, expectCode: -32600 },
  { name: 'unknown path', method: 'GET', path: '/mcpx', expectStatus: 404 },
  { name: 'unknown path under /mcp', path: '/mcp/extra', body: { jsonrpc: '2.0', id: 1, method: 'ping' }, expectStatus: 404 },
  { name: 'POST /healthz', path: '/healthz', body: {}, expectStatus: 405 },
];

let server;
let config;
let configDir;
before(async () => {
  configDir = mkdtempSync(path.join(tmpdir(), 'mcpedge-bad-input-'));
  config = tableWithProbe(configDir);
  server = await startDemo({ config, args: ['--no-auth'] });
});
after(async () => {
  const { code } = await server.stop();
  rmSync(configDir, { recursive: true, force: true });
  assert.equal(code, 0, 'the demo exits 0 on SIGTERM');
});

function headersFor(row, target = server) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'X-API-Key': target.apiKey };
  for (const [name, value] of Object.entries(row.headers ?? {})) {
    const existing = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
    if (existing) delete headers[existing];
    if (value !== null && value !== undefined) headers[name] = value;
  }
  return headers;
}

function bodyOf(row) {
  if (row.body === undefined) return undefined;
  return typeof row.body === 'string' ? row.body : JSON.stringify(row.body);
}

function parseReply(status, headers, text) {
  let json = null;
  const type = headers.get('content-type') ?? '';
  if (type.startsWith('application/json')) json = JSON.parse(text);
  if (type.startsWith('text/event-stream')) {
    const data = text.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).filter(Boolean);
    json = data.length ? JSON.parse(data.at(-1)) : null;
  }
  return { status, headers, text, json };
}

// node:http, for what fetch will not send: a Host of our choosing, and oversized requests. A large
// body goes out as curl sends it: `Expect: 100-continue`, then the body on 100 or after 1 s of
// silence, so a server that refuses by Content-Length answers before the body is on the wire (a
// server that closes while a client still writes may make the client lose the answer to a reset).
function rawRequest(row, target) {
  return new Promise((resolve, reject) => {
    const body = bodyOf(row) ?? '';
    const large = body.length > 64 * 1024;
    const headers = { 'Content-Length': Buffer.byteLength(body), ...(large ? { Expect: '100-continue' } : {}), ...headersFor(row, target) };
    const req = http.request({ host: '127.0.0.1', port: target.port, method: row.method ?? 'POST', path: row.path ?? '/mcp', headers });
    let sent = false;
    const sendBody = () => { if (!sent) { sent = true; req.end(body); } };
    const timer = large ? setTimeout(sendBody, 1000) : null;
    req.on('continue', sendBody);
    req.on('response', (res) => {
      clearTimeout(timer);
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve(parseReply(res.statusCode, new Headers(Object.entries(res.headers).map(([k, v]) => [k, String(v)])), text)));
      res.on('error', reject);
    });
    req.on('error', (e) => { clearTimeout(timer); if (!req.res) reject(e); });
    if (large) req.flushHeaders();
    else sendBody();
  });
}

async function send(row, target = server) {
  if (row.raw) return rawRequest(row, target);
  const res = await fetch(target.origin + (row.path ?? '/mcp'), { method: row.method ?? 'POST', headers: headersFor(row, target), body: bodyOf(row) });
  return parseReply(res.status, res.headers, await res.text());
}

// A row that may take the process down runs against a demo of its own, which must survive it.
async function sendToOwnServer(row) {
  const own = await startDemo({ config, args: ['--no-auth'] });
  try {
    const res = await send(row, own);
    const health = await fetch(`${own.origin}/healthz`).catch((e) => ({ status: `unreachable (${e.cause?.code ?? e.message})` }));
    assert.equal(health.status, 200, 'the server is still up after this request');
    return res;
  } finally {
    const { code, signal } = await own.stop();
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, `exit status after this request; stderr: ${own.output().stderr.slice(-500)}`);
  }
}

test('the table has at least 45 rows', () => { assert.ok(rows.length >= 45, `${rows.length} rows`); });

for (const row of rows) {
  test(row.name, { todo: row.todo }, async () => {
    const res = row.ownServer ? await sendToOwnServer(row) : await send(row);
    assert.equal(res.status, row.expectStatus, `HTTP status; body: ${res.text.slice(0, 500)}`);
    if (row.expectCode !== undefined) {
      assert.equal(res.json?.error?.code, row.expectCode, `JSON-RPC error code; body: ${res.text.slice(0, 500)}`);
    } else if (res.json && !Array.isArray(res.json) && res.json.error) {
      assert.fail(`unexpected JSON-RPC error (row states no expectCode): ${res.text.slice(0, 500)}`);
    }
    if (row.expectText) {
      const message = res.json?.error?.message ?? res.text;
      assert.ok(message.includes(row.expectText), `reply lacks ${JSON.stringify(row.expectText)}: ${message.slice(0, 500)}`);
    }
    if (row.check) row.check(res);
  });
}

test('after the table: /healthz answers 200 and tools/list still works', async () => {
  const health = await fetch(`${server.origin}/healthz`);
  assert.equal(health.status, 200);
  const list = await rpc(server.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { 'X-API-Key': server.apiKey });
  assert.equal(list.status, 200);
  assert.ok(list.json.result.tools.some((t) => t.name === 'get_workflow'), list.text.slice(0, 300));
});
