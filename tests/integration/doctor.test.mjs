// `mcpedge doctor URL` from outside: the demo passes for every client profile; a demo reached through
// another address than its public URL and an imitation of a broken gateway are reported fault by fault.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFile } from 'node:child_process';
import { binary, startDemo } from './lib/server.mjs';

const k_clients = ['Claude', 'ChatGPT', 'Cursor', 'VS Code', 'Claude Code', 'Gemini CLI', 'Windsurf',
  'mcp-remote (2025-03-26)', 'spec client (2025-11-25)'];

// Runs the binary without blocking this process's event loop (the fake gateway below lives here).
function doctor(...args) {
  return new Promise((resolve) => {
    execFile(binary, ['doctor', ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

async function doctorJson(url) {
  const run = await doctor(url, '--json', '--timeout-ms', '3000');
  let report;
  try { report = JSON.parse(run.stdout); } catch { assert.fail(`not JSON (exit ${run.code}): ${run.stdout}\n${run.stderr}`); }
  return { ...run, report };
}

function client(report, name) {
  const found = report.clients.find((c) => c.client === name);
  assert.ok(found, `no "${name}" in ${report.clients.map((c) => c.client).join(', ')}`);
  return found;
}

function check(report, clientName, checkName) {
  const c = client(report, clientName);
  const found = c.checks.find((k) => k.check === checkName);
  assert.ok(found, `${clientName}: no "${checkName}" row in ${JSON.stringify(c.checks.map((k) => k.check))}`);
  return found;
}

let demo;
before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

test('the demo passes for every client profile', async () => {
  const { code, report } = await doctorJson(demo.url);
  const faults = report.clients.flatMap((c) => c.checks.filter((k) => k.result === 'fail').map((k) => `${c.client}: ${k.check}: ${k.reason}`));
  assert.deepEqual(faults, []);
  assert.equal(code, 0);
  assert.deepEqual(report.clients.map((c) => c.client), k_clients);
  assert.deepEqual(report.summary, { clients: k_clients.length, ready: k_clients.length, with_faults: 0 });
  for (const c of report.clients) assert.ok(c.ready, c.client);
  // The chain was really walked: a registration for the DCR clients, an /authorize answer, the legacy /sse.
  assert.match(check(report, 'ChatGPT', 'registration').reason, /^DCR .*\/register: HTTP 201/);
  assert.match(check(report, 'Cursor', 'authorize').reason, /HTTP 200/);
  assert.match(check(report, 'Claude Code', 'registration').reason, /CIMD/);
  assert.equal(check(report, 'mcp-remote (2025-03-26)', 'legacy sse').result, 'pass');
  assert.equal(check(report, 'Claude', 'cors').result, 'pass');
  assert.match(check(report, 'Gemini CLI', '401 challenge').reason, /resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"/);

  const text = await doctor(demo.url);
  assert.equal(text.code, 0, text.stdout + text.stderr);
  for (const name of k_clients) assert.match(text.stdout, new RegExp(`^${name.replace(/[()]/g, '\\$&')} — ready$`, 'm'));
  assert.match(text.stdout, /^doctor: 9 clients, 9 ready, 0 with faults$/m);
});

test('a server reached through another address than its public URL: resource and issuer mismatches', async () => {
  // The demo's public URL is http://127.0.0.1:PORT; a user pasting http://localhost:PORT/mcp is what
  // a wrong server.public_url behind a proxy looks like.
  const url = `http://localhost:${demo.port}/mcp`;
  const { code, report } = await doctorJson(url);
  assert.equal(code, 1);
  assert.equal(report.summary.ready, 0);
  for (const name of ['Claude', 'Cursor', 'spec client (2025-11-25)']) {
    const prm = check(report, name, 'prm via challenge');
    assert.equal(prm.result, 'fail');
    assert.ok(prm.reason.includes(`resource is "${demo.origin}/mcp", expected "${url}"`), prm.reason);
    assert.match(prm.reason, /RFC 9728 §3\.3; check server\.public_url/);
    assert.equal(check(report, name, 'prm path-aware').result, 'fail');
    assert.equal(check(report, name, 'as metadata').result, 'skip');
  }
  // The 2025-03-26 client builds the metadata URL from the origin it used, so the issuer differs.
  const issuer = check(report, 'mcp-remote (2025-03-26)', 'issuer');
  assert.equal(issuer.result, 'fail');
  assert.ok(issuer.reason.includes(`issuer is "${demo.origin}", expected "http://localhost:${demo.port}"`), issuer.reason);
  assert.equal(check(report, 'mcp-remote (2025-03-26)', '401 challenge').result, 'pass');
});

// One fault per path: a challenge without resource_metadata, a redirect on /mcp/, no root PRM, no
// CORS, an issuer with a trailing slash, no S256, no registration endpoint, no token auth "none",
// and a legacy /sse that streams without a token.
function startBrokenGateway() {
  const server = http.createServer((req, res) => {
    const origin = `http://127.0.0.1:${server.address().port}`;
    const json = (body) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); };
    const path = req.url.split('?')[0];
    if (req.method === 'POST' && path === '/mcp') {
      res.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="gateway"' });
      return res.end();
    }
    if (req.method === 'POST' && path === '/mcp/') {
      res.writeHead(307, { Location: '/mcp' });
      return res.end();
    }
    if (path === '/.well-known/oauth-protected-resource/mcp') {
      return json({ resource: `${origin}/mcp`, authorization_servers: [origin] });
    }
    if (path === '/.well-known/oauth-authorization-server') {
      return json({
        issuer: `${origin}/`, authorization_endpoint: `${origin}/authorize`, token_endpoint: `${origin}/token`,
        response_types_supported: ['code'], code_challenge_methods_supported: ['plain'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
      });
    }
    if (path === '/sse') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      return res.end('event: endpoint\ndata: /messages?session=1\n\n');
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('a broken gateway: each fault is reported by name with its reason', async () => {
  const server = await startBrokenGateway();
  const origin = `http://127.0.0.1:${server.address().port}`;
  try {
    const { code, report } = await doctorJson(`${origin}/mcp`);
    assert.equal(code, 1);
    assert.equal(report.summary.with_faults, k_clients.length);
    const expect = (clientName, checkName, pattern) => {
      const row = check(report, clientName, checkName);
      assert.equal(row.result, 'fail', `${clientName} ${checkName}: ${row.reason}`);
      assert.match(row.reason, pattern, `${clientName} ${checkName}`);
    };
    for (const name of ['Claude', 'ChatGPT', 'Cursor', 'Gemini CLI', 'spec client (2025-11-25)']) {
      expect(name, '401 challenge', /WWW-Authenticate is "Bearer realm=\\?"gateway\\?""; expected Bearer resource_metadata/);
      expect(name, 'trailing slash', /POST .*\/mcp\/ answered HTTP 307 to \/mcp; clients do not re-POST/);
      expect(name, 'prm root', /oauth-protected-resource: expected 200 .*got HTTP 404/);
      assert.equal(check(report, name, 'prm path-aware').result, 'pass');
      expect(name, 'issuer', new RegExp(`issuer is "${origin}/", expected "${origin}" \\(authorization_servers\\[0\\]\\) exactly \\(RFC 8414 §3\\.3\\)`));
      expect(name, 'pkce S256', /code_challenge_methods_supported is \[plain\]; clients refuse/);
      expect(name, 'token auth none', /\[client_secret_basic\]; public clients need none/);
      expect(name, 'registration', /no registration_endpoint/);
    }
    expect('Claude', 'cors', /without Access-Control-Allow-Origin/);
    expect('VS Code', 'cors', /Origin https:\/\/vscode\.dev/);
    expect('Claude Code', 'registration', /no registration_endpoint and no CIMD/);
    // The 2025-03-26 client needs no resource_metadata but still meets the redirect and the issuer;
    // with no metadata registration it falls back to /register, which is not there.
    assert.equal(check(report, 'mcp-remote (2025-03-26)', '401 challenge').result, 'pass');
    expect('mcp-remote (2025-03-26)', 'registration', /DCR POST .*\/register: expected 201, got HTTP 404/);
    expect('mcp-remote (2025-03-26)', 'legacy sse', /GET .*\/sse without a token: expected 401, got HTTP 200/);

    const text = await doctor(`${origin}/mcp`);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^Claude — FAULTS$/m);
    assert.match(text.stdout, /^ {2}trailing slash +FAIL {4}POST /m);
    assert.match(text.stdout, /^doctor: 9 clients, 0 ready, 9 with faults$/m);
  } finally {
    server.close();
  }
});

test('no server, or not a URL: said once, with exit 1 and 2', async () => {
  const closed = http.createServer();
  await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = closed.address().port;
  await new Promise((resolve) => closed.close(resolve));
  const down = await doctor(`http://127.0.0.1:${port}/mcp`, '--timeout-ms', '2000');
  assert.equal(down.code, 1);
  assert.match(down.stdout, /^mcpedge doctor: no answer from the server: POST http:\/\/127\.0\.0\.1:\d+\/mcp: .*is the server running/);
  assert.equal(down.stdout.trim().split('\n').length, 1);

  const bad = await doctor('mcp.example.com/mcp');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /is not an absolute URL; pass the MCP URL/);
});
