// The outbound side of tools/call against real local upstreams: per-call timeout, unreachable API,
// truncation, connection reuse, proxies from the environment, and what the upstream receives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDemo, rpc } from './lib/server.mjs';

const v1125 = { 'MCP-Protocol-Version': '2025-11-25' };
const call = (name, args = {}) => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } });

// An upstream API that records what it receives and counts the TCP connections it accepts.
function startUpstream() {
  const seen = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      const url = new URL(req.url, 'http://upstream');
      if (url.pathname.startsWith('/slow')) {
        setTimeout(() => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"late":true}'); }, 2000);
      } else if (url.pathname === '/big') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('x'.repeat(5000));
      } else if (url.pathname === '/unavailable') {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"error":"maintenance"}');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ path: url.pathname, query: Object.fromEntries(url.searchParams) }));
      }
    });
  });
  server.on('connection', () => { connections += 1; });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    server, seen, connections: () => connections, url: `http://127.0.0.1:${server.address().port}`,
  })));
}

// A forward proxy for plain HTTP: requests arrive with an absolute URI and are relayed.
function startProxy() {
  const relayed = [];
  const server = http.createServer((req, res) => {
    relayed.push(req.url);
    const target = new URL(req.url);
    const upstream = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search,
      method: req.method, headers: req.headers }, (reply) => { res.writeHead(reply.statusCode, reply.headers); reply.pipe(res); });
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    server, relayed, url: `http://127.0.0.1:${server.address().port}`,
  })));
}

function table(baseUrl, { timeoutMs = 300, server = '' } = {}) {
  return `${server}
upstream:
  base_url: ${baseUrl}
  timeout_ms: ${timeoutMs}
  max_response_bytes: 1000
  credential: { fallback: service-key-123 }
tools:
  - name: echo
    description: Echoes the call.
    input_schema: { type: object, properties: { q: { type: string } } }
    http: { method: GET, path: /echo }
  - name: slow
    description: Answers after two seconds.
    input_schema: { type: object }
    http: { method: GET, path: /slow }
  - name: big
    description: Answers 5000 bytes.
    input_schema: { type: object }
    http: { method: GET, path: /big }
  - name: unavailable
    description: Answers 503.
    input_schema: { type: object }
    http: { method: GET, path: /unavailable }
`;
}

let dir;
let upstream;
before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mcpedge-upstream-'));
  upstream = await startUpstream();
});
after(() => {
  upstream.server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function withGateway(baseUrl, env, fn, options = {}) {
  const config = path.join(dir, `t${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(config, table(baseUrl, options));
  const gateway = await startDemo({ config, env, args: ['--threads', '1', '--no-auth'] });
  try {
    await fn(gateway);
  } finally {
    assert.equal((await gateway.stop()).code, 0);
  }
}

const text = (res) => res.json.result.content[0].text;

test('per-call timeout becomes an isError result that names the timeout', async () => {
  await withGateway(upstream.url, {}, async (g) => {
    const started = Date.now();
    const res = await rpc(g.url, call('slow'), v1125);
    assert.equal(res.status, 200);
    assert.equal(res.json.result.isError, true);
    assert.match(text(res), /no complete answer within 300 ms/);
    assert.ok(Date.now() - started < 1500, 'the gateway did not wait for the slow upstream');
  });
});

test('an unreachable API becomes an isError result that says so', async () => {
  const closed = net.createServer();
  await new Promise((r) => closed.listen(0, '127.0.0.1', r));
  const port = closed.address().port;
  await new Promise((r) => closed.close(r));
  await withGateway(`http://127.0.0.1:${port}`, {}, async (g) => {
    const res = await rpc(g.url, call('echo'), v1125);
    assert.equal(res.json.result.isError, true);
    assert.match(text(res), /connection failed/);
  });
});

test('replies above max_response_bytes are cut with a note; 5xx explains itself', async () => {
  await withGateway(upstream.url, {}, async (g) => {
    const big = await rpc(g.url, call('big'), v1125);
    assert.equal(big.json.result.isError, false);
    assert.match(text(big), /^x{1000}\n\[truncated: the API's reply exceeded 1000 bytes/);
    const down = await rpc(g.url, call('unavailable'), v1125);
    assert.equal(down.json.result.isError, true);
    assert.match(text(down), /503 Service Unavailable to GET \/unavailable\. The API failed on its side/);
  });
});

test('the upstream gets the fallback credential and the query, and one connection serves many calls', async () => {
  await withGateway(upstream.url, {}, async (g) => {
    const before = upstream.connections();
    const from = upstream.seen.length;
    for (let i = 0; i < 5; i += 1) {
      const res = await rpc(g.url, call('echo', { q: `a b/${i}` }), v1125);
      assert.equal(res.json.result.isError, false, text(res));
      assert.deepEqual(res.json.result.structuredContent, { path: '/echo', query: { q: `a b/${i}` } });
    }
    const calls = upstream.seen.slice(from);
    assert.equal(calls.length, 5);
    for (const c of calls) {
      assert.equal(c.headers['x-api-key'], 'service-key-123');
      assert.equal(c.headers.authorization, undefined);
    }
    assert.equal(upstream.connections() - before, 1, 'five sequential calls on one worker reuse one connection');
  });
});

test('http_proxy from the environment carries upstream calls', async () => {
  const proxy = await startProxy();
  try {
    await withGateway(upstream.url, { http_proxy: proxy.url, HTTP_PROXY: proxy.url, no_proxy: '', NO_PROXY: '' }, async (g) => {
      const res = await rpc(g.url, call('echo', { q: 'via-proxy' }), v1125);
      assert.equal(res.json.result.isError, false, text(res));
      assert.ok(proxy.relayed.some((u) => u === `${upstream.url}/echo?q=via-proxy`), `proxy saw ${proxy.relayed}`);
    });
  } finally {
    proxy.server.close();
  }
});

test('SIGTERM lets a call in flight finish, then exits 0', async () => {
  const config = path.join(dir, 'drain.yaml');
  writeFileSync(config, table(upstream.url, { timeoutMs: 5000 }));
  const g = await startDemo({ config, args: ['--threads', '1', '--no-auth'] });
  const pending = rpc(g.url, call('slow'), v1125);
  await new Promise((r) => setTimeout(r, 300));  // the call is now waiting on the upstream
  const stopped = g.stop();
  const res = await pending;
  assert.equal(res.status, 200);
  assert.equal(res.json.result.isError, false, JSON.stringify(res.json));
  assert.deepEqual(res.json.result.structuredContent, { late: true });
  assert.equal((await stopped).code, 0);
});

// Raw socket helpers for clients that stall.
function rawExchange(port, bytes, waitMs) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => { if (bytes) socket.write(bytes); });
    let received = '';
    const started = Date.now();
    socket.setEncoding('utf8');
    socket.on('data', (d) => { received += d; });
    const done = () => resolve({ received, closed: true, afterMs: Date.now() - started });
    socket.on('close', done);
    socket.on('error', () => {});
    setTimeout(() => { socket.destroy(); resolve({ received, closed: false, afterMs: Date.now() - started }); }, waitMs);
  });
}

test('a client that stalls mid-request gets 408 and is closed; an idle one is closed quietly', async () => {
  const server = 'server: { limits: { read_timeout_ms: 300, idle_timeout_ms: 400 } }';
  await withGateway(upstream.url, {}, async (g) => {
    const stalled = await rawExchange(g.port, 'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n', 5000);
    assert.ok(stalled.closed, 'the server closed the stalled connection');
    assert.match(stalled.received, /^HTTP\/1\.1 408 /);
    assert.match(stalled.received, /did not arrive in time/);
    assert.ok(stalled.afterMs < 3000, `closed after ${stalled.afterMs} ms`);

    const idle = await rawExchange(g.port, '', 5000);
    assert.ok(idle.closed, 'the server closed the idle connection');
    assert.equal(idle.received, '');
    assert.ok(idle.afterMs < 3000, `closed after ${idle.afterMs} ms`);

    const fine = await rpc(g.url, call('echo', { q: 'still serving' }), v1125);
    assert.equal(fine.json.result.isError, false);
  }, { server });
});
