// mcpedge as an OAuth 2.1 authorization server, attacked: every row sends one wrong request (PKCE,
// redirect URIs, clients, state, codes, refresh tokens, consent CSRF, registration, audiences,
// scopes) and asserts the exact HTTP status and OAuth error code the wire must carry. One demo
// instance serves the file; a second one (another key ring, 30 s token and sign-in lifetimes) is
// started only for the cross-instance audience and expiry cases at the end.
import { test, describe, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseSync } from 'node:sqlite';
import { startDemo, rpc, demoTable } from './lib/server.mjs';
import { CookieJar, request, parseForms, submitForm, followAuthorization, pkcePair } from './lib/oauth_driver.mjs';

// The client's redirect URI. Nothing listens there: the driver stops at the redirect to it.
const CALLBACK = 'http://127.0.0.1:47999/callback';
const READ = 'workflows:read';
const WRITE = 'workflows:write';
const BOTH = `${READ} ${WRITE}`;
// The dev IdP lists two organisations; the demo's `mint` credential strategy sends the chosen org
// as org_id to the sample API, so the helper ticks one (ticking both brings up the org picker).
const ORG = 'org_acme_ops';

let demo;

before(async () => {
  demo = await startDemo();
});

after(async () => {
  await demo?.stop();
});

const died = (server) => server && (server.proc.exitCode !== null || server.proc.signalCode !== null);

// If a request crashed mcpedge, the test that sent it has already failed (its requests found the
// socket closed): say so with the server's last words, and start a fresh instance so the rows
// after it still test something.
afterEach(async (t) => {
  if (!demo) return;
  if (!t.passed && !died(demo)) await Promise.race([demo.exited, sleep(150)]);
  if (died(demo)) {
    const lastWords = demo.output().stderr.trim().split('\n').slice(-4).join(' | ');
    t.diagnostic(`mcpedge exited (code ${demo.proc.exitCode}, signal ${demo.proc.signalCode}) during this test: ${lastWords}`);
  }
});

beforeEach(async () => {
  if (died(demo)) {
    await demo.stop();
    demo = await startDemo();
  }
});

// --- helpers ---------------------------------------------------------------------------------

const issuerOf = (server) => server.origin;

async function readReply(res) {
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* HTML or empty */ }
  return { status: res.status, headers: res.headers, text, json };
}

// POST /register. `body` is an object (sent as JSON) or a string sent as-is.
async function register(body, { contentType = 'application/json', server = demo } = {}) {
  const res = await fetch(`${server.origin}/register`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return readReply(res);
}

// A freshly registered public native client (PKCE only) that may refresh.
async function publicClient({ server = demo, ...metadata } = {}) {
  const reply = await register({
    client_name: 'oauth-negative test client',
    application_type: 'native',
    redirect_uris: [CALLBACK],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'none',
    ...metadata,
  }, { server });
  assert.equal(reply.status, 201, `registration failed: ${reply.text}`);
  assert.match(reply.json.client_id, /^mcpc_/);
  return reply.json;
}

// A confidential web client authenticating at /token with `method`.
async function confidentialClient(method = 'client_secret_basic') {
  const reply = await register({
    client_name: `oauth-negative ${method}`,
    redirect_uris: ['https://app.example/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: method,
  });
  assert.equal(reply.status, 201, `registration failed: ${reply.text}`);
  assert.ok(reply.json.client_secret, 'a confidential client gets a secret');
  return reply.json;
}

// The /authorize URL for `client`; `params` overrides or (with undefined) removes parameters.
function authorizeUrl(client, params = {}, server = demo) {
  const all = {
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: CALLBACK,
    state: 'client-state-1',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    scope: BOTH,
    resource: `${server.origin}/mcp`,
    ...params,
  };
  const url = new URL(`${server.origin}/authorize`);
  for (const [k, v] of Object.entries(all)) if (v !== undefined) url.searchParams.set(k, v);
  return url.href;
}

// Answers mcpedge's pages during followAuthorization: approve consent, sign in at the dev IdP,
// pick the first organisation if the picker appears.
function answerPages({ name = 'Negative Tester', orgs = [ORG] } = {}) {
  return (url, html, forms) => {
    const consent = forms.find((f) => f.buttons.some((b) => b.name === 'decision' && b.value === 'approve'));
    if (consent) return { form: consent, overrides: { decision: 'approve' } };
    const devIdp = forms.find((f) => 'name' in f.fields);
    if (devIdp) return { form: devIdp, overrides: { name, orgs } };
    const picker = forms.find((f) => f.choices.org?.length);
    if (picker) return { form: picker, overrides: { org: picker.choices.org[0] } };
    return undefined;
  };
}

// Drives consent and the dev IdP up to mcpedge's redirect back to the client. Returns the code,
// its PKCE verifier and the final URL.
async function authorize(client, { params = {}, server = demo, pages = {}, jar = new CookieJar() } = {}) {
  const pkce = pkcePair();
  const location = await followAuthorization(authorizeUrl(client, { code_challenge: pkce.challenge, ...params }, server), {
    jar, stopAt: CALLBACK, onPage: answerPages(pages),
  });
  const back = new URL(location);
  assert.equal(back.searchParams.get('error'), null, `sign-in ended with an error: ${location}`);
  const code = back.searchParams.get('code');
  assert.match(code ?? '', /^mcpac_/, `no mcpac_ code in ${location}`);
  assert.equal(back.searchParams.get('iss'), issuerOf(server));
  return { code, verifier: pkce.verifier, location, jar };
}

// Drives the flow only as far as the dev IdP's redirect to mcpedge's /oauth/callback (not
// requested), so the callback can be replayed, tampered with or sent from another "browser".
async function reachCallback(client, { server = demo, jar = new CookieJar() } = {}) {
  const callback = await followAuthorization(authorizeUrl(client, {}, server), {
    jar, stopAt: `${server.origin}/oauth/callback`, onPage: answerPages(),
  });
  return { callback, jar };
}

// POST /token with form `params`; `headers` adds e.g. Basic authentication.
async function token(params, { headers = {}, server = demo } = {}) {
  const res = await fetch(`${server.origin}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
  });
  return readReply(res);
}

function exchange(client, { code, verifier }, extra = {}, server = demo) {
  return token({
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: CALLBACK,
    client_id: client.client_id,
    resource: `${server.origin}/mcp`,
    ...extra,
  }, { server });
}

function refresh(client, refreshToken, extra = {}) {
  return token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.client_id, ...extra });
}

async function revoke(client, tokenValue) {
  const res = await fetch(`${demo.origin}/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: tokenValue, client_id: client.client_id }).toString(),
  });
  return readReply(res);
}

function expectTokens(reply, what = 'token response') {
  assert.equal(reply.status, 200, `${what}: ${reply.status} ${reply.text}`);
  assert.match(reply.json.access_token, /^mcpat_/);
  assert.equal(reply.json.token_type, 'Bearer');
  assert.match(reply.headers.get('cache-control') ?? '', /no-store/);
  return reply.json;
}

// A complete, independent sign-in: a new client, consent, dev IdP, code exchange.
async function signIn({ scope = BOTH, server = demo } = {}) {
  const client = await publicClient({ server });
  const grant = await authorize(client, { params: { scope }, server });
  const tokens = expectTokens(await exchange(client, grant, {}, server), 'sign-in code exchange');
  assert.match(tokens.refresh_token ?? '', /^mcprt_/, 'a client registered for refresh_token gets one');
  return { client, tokens, grant };
}

const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
const callTool = (name, args) => ({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name, arguments: args } });

function mcp(accessToken, body = ping, server = demo) {
  return rpc(`${server.origin}/mcp`, body, accessToken === undefined ? {} : { Authorization: `Bearer ${accessToken}` });
}

// RFC 6749 §5.2 error body with the exact status and code.
function expectOAuthError(reply, status, error) {
  assert.equal(reply.status, status, `expected ${status} ${error}, got ${reply.status} ${reply.text}`);
  assert.equal(reply.json?.error, error, `expected error ${error}, got ${reply.text}`);
  assert.equal(typeof reply.json.error_description, 'string');
}

// An error redirect to the client (RFC 6749 §4.1.2.1 + RFC 9207 iss), never with a code.
function expectErrorRedirect(response, error, { state = 'client-state-1', server = demo } = {}) {
  assert.equal(response.status, 302, `expected a redirect carrying ${error}, got ${response.status}`);
  const location = new URL(response.headers.get('location'));
  assert.equal(`${location.origin}${location.pathname}`, CALLBACK, `redirected to ${location.href}`);
  assert.equal(location.searchParams.get('error'), error, location.href);
  assert.equal(location.searchParams.get('state'), state, location.href);
  assert.equal(location.searchParams.get('iss'), issuerOf(server), location.href);
  assert.equal(location.searchParams.get('code'), null);
}

// An HTML error page shown in the browser, never a redirect (the redirect URI is not trusted).
function expectErrorPage(response, text, status, code) {
  assert.equal(response.status, status, `expected a ${status} page (${code}), got ${response.status}: ${text.slice(0, 500)}`);
  assert.equal(response.headers.get('location'), null, 'an untrusted request must not redirect');
  assert.match(response.headers.get('content-type') ?? '', /text\/html/);
  assert.ok(text.includes(code), `the page does not name ${code}: ${text.replace(/<style>[\s\S]*?<\/style>/, '').slice(0, 800)}`);
}

const expectedChallenge = (server) =>
  `Bearer resource_metadata="${server.origin}/.well-known/oauth-protected-resource/mcp", scope="${BOTH}"`;

// Flips one character in the middle of a token so that its bytes really change.
function tamper(value) {
  const i = Math.floor(value.length / 2);
  return value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
}

// --- positive control: the flow the negative cases deviate from --------------------------------

describe('positive control', () => {
  test('metadata: issuer byte-identical in PRM and both AS documents', async () => {
    const issuer = issuerOf(demo);
    const docs = {};
    for (const p of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const reply = await readReply(await fetch(`${demo.origin}${p}`));
      assert.equal(reply.status, 200, p);
      docs[p] = reply.json;
    }
    assert.deepEqual(docs['/.well-known/oauth-protected-resource/mcp'].authorization_servers, [issuer]);
    assert.equal(docs['/.well-known/oauth-protected-resource/mcp'].resource, `${demo.origin}/mcp`);
    assert.equal(docs['/.well-known/oauth-authorization-server'].issuer, issuer);
    assert.equal(docs['/.well-known/openid-configuration'].issuer, issuer);
    assert.deepEqual(docs['/.well-known/oauth-authorization-server'].code_challenge_methods_supported, ['S256']);
  });

  test('consent page: anti-framing, no-store and a SameSite=Strict __Host- CSRF cookie', async () => {
    const client = await publicClient();
    const { response, text } = await request(authorizeUrl(client), { jar: new CookieJar() });
    assert.equal(response.status, 200, text.slice(0, 500));
    assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    assert.match(response.headers.get('cache-control') ?? '', /no-store/);
    const csrf = response.headers.getSetCookie().find((c) => c.startsWith('__Host-mcpedge_csrf='));
    assert.ok(csrf, 'the consent page sets the CSRF cookie');
    assert.match(csrf, /SameSite=Strict/i);
    const form = parseForms(text).find((f) => f.action.endsWith('/consent'));
    assert.ok(form?.fields.request && form.fields.csrf, 'hidden request and csrf fields');
    assert.deepEqual(form.buttons.map((b) => `${b.name}=${b.value}`).sort(), ['decision=approve', 'decision=deny']);
  });

  test('sign-in with a name and one organisation issues mcpat_/mcprt_ tokens that work at /mcp', async () => {
    const { tokens } = await signIn();
    assert.equal(tokens.scope, BOTH);
    assert.ok(tokens.expires_in > 0);
    const reply = await mcp(tokens.access_token);
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json?.result, {});
  });

  test('sign-in with only a name (no organisation ticked) issues tokens', async () => {
    const client = await publicClient();
    const grant = await authorize(client, { pages: { orgs: undefined } });
    expectTokens(await exchange(client, grant));
  });
});

// --- /authorize: requests refused with a redirect or with a page ------------------------------

// redirect: the error goes back to the (trusted) redirect URI; page: shown to the user (400).
const authorizeRows = [
  { name: 'PKCE: code_challenge missing', params: { code_challenge: undefined }, redirect: 'invalid_request' },
  { name: 'PKCE: code_challenge_method plain', params: { code_challenge_method: 'plain' }, redirect: 'invalid_request' },
  { name: 'PKCE: code_challenge_method absent (means plain)', params: { code_challenge_method: undefined }, redirect: 'invalid_request' },
  { name: 'response_type token (implicit)', params: { response_type: 'token' }, redirect: 'unsupported_response_type' },
  { name: 'resource of another server', params: { resource: 'https://evil.example/mcp' }, redirect: 'invalid_target' },
  { name: 'unknown scope', params: { scope: `${READ} workflows:admin` }, redirect: 'invalid_scope' },
  { name: 'redirect_uri with a path that was not registered', params: { redirect_uri: 'http://127.0.0.1:47999/elsewhere' }, page: [400, 'invalid_request'] },
  { name: 'redirect_uri on another host', params: { redirect_uri: 'https://evil.example/callback' }, page: [400, 'invalid_request'] },
  { name: 'redirect_uri with an added query', params: { redirect_uri: `${CALLBACK}?next=https://evil.example` }, page: [400, 'invalid_request'] },
  { name: 'unknown client_id', params: { client_id: 'mcpc_never_issued_by_this_server' }, page: [400, 'invalid_client'] },
  { name: 'tampered client_id', tamperClient: true, page: [400, 'invalid_client'] },
  { name: 'CIMD client_id on a loopback address (SSRF)', params: { client_id: 'https://127.0.0.1:9/client.json' }, page: [400, 'invalid_client'] },
  { name: 'CIMD client_id on localhost (SSRF)', params: { client_id: 'https://localhost/x.json' }, page: [400, 'invalid_client'] },
];

describe('/authorize refuses', () => {
  for (const row of authorizeRows) {
    test(row.name, async () => {
      const client = await publicClient();
      const params = { ...row.params };
      if (row.tamperClient) params.client_id = tamper(client.client_id);
      const { response, text } = await request(authorizeUrl(client, params), { jar: new CookieJar() });
      if (row.redirect) expectErrorRedirect(response, row.redirect);
      else expectErrorPage(response, text, ...row.page);
      assert.equal(response.headers.getSetCookie().some((c) => c.startsWith('__Host-mcpedge_auth=')), false,
        'no sign-in cookie before consent');
    });
  }
});

// --- /register -------------------------------------------------------------------------------

const registrationRows = [
  { name: 'body larger than 16384 bytes', body: { redirect_uris: ['https://app.example/cb'], client_name: 'x'.repeat(17_000) }, error: 'invalid_client_metadata' },
  { name: 'Content-Type text/plain', body: JSON.stringify({ redirect_uris: ['https://app.example/cb'] }), contentType: 'text/plain', error: 'invalid_client_metadata' },
  { name: 'body is not JSON', body: 'redirect_uris=https://app.example/cb', error: 'invalid_client_metadata' },
  { name: 'truncated JSON', body: '{"redirect_uris": ["https://app.example/cb"', error: 'invalid_client_metadata' },
  { name: 'redirect_uris missing', body: { client_name: 'no redirect' }, error: 'invalid_redirect_uri' },
  { name: 'redirect_uris empty', body: { redirect_uris: [] }, error: 'invalid_redirect_uri' },
  { name: 'web client with an http (non-loopback) redirect', body: { redirect_uris: ['http://app.example/cb'] }, error: 'invalid_redirect_uri' },
  { name: 'application_type web with an http loopback redirect', body: { application_type: 'web', redirect_uris: ['http://localhost:47999/cb'] }, error: 'invalid_redirect_uri' },
  { name: 'javascript: redirect', body: { application_type: 'native', redirect_uris: ['javascript:alert(document.cookie)'] }, error: 'invalid_redirect_uri' },
  { name: 'data: redirect', body: { application_type: 'native', redirect_uris: ['data:text/html,<script>alert(1)</script>'] }, error: 'invalid_redirect_uri' },
  { name: 'redirect with a fragment', body: { redirect_uris: ['https://app.example/cb#frag'] }, error: 'invalid_redirect_uri' },
  { name: 'unsupported token_endpoint_auth_method', body: { redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'private_key_jwt' }, error: 'invalid_client_metadata' },
];

describe('/register refuses', () => {
  for (const row of registrationRows) {
    test(row.name, async () => {
      const reply = await register(row.body, row.contentType ? { contentType: row.contentType } : {});
      expectOAuthError(reply, 400, row.error);
      assert.equal(reply.json.client_id, undefined);
    });
  }
});

// --- POST /consent ---------------------------------------------------------------------------

// A consent page as a browser holds it: the jar has the CSRF cookie, the form its hidden fields.
async function consentPage() {
  const client = await publicClient();
  const url = authorizeUrl(client);
  const jar = new CookieJar();
  const { response, text } = await request(url, { jar });
  assert.equal(response.status, 200, text.slice(0, 500));
  const form = parseForms(text).find((f) => f.action.endsWith('/consent'));
  assert.ok(form, 'the consent page has its form');
  return { url, jar, form };
}

const consentPost = ({ form, jar }, fields, origin) => request(`${demo.origin}/consent`, {
  method: 'POST', body: new URLSearchParams({ ...form.fields, ...fields }).toString(), jar, referrer: origin,
});

describe('/consent refuses', () => {
  test('CSRF: no cookie (the form posted from another browser)', async () => {
    const page = await consentPage();
    const { response, text } = await submitForm(page.url, page.form, { decision: 'approve' }, new CookieJar());
    expectErrorPage(response, text, 403, 'invalid_request');
  });

  test('CSRF: csrf field does not match the cookie', async () => {
    const page = await consentPage();
    const { response, text } = await submitForm(page.url, page.form, { decision: 'approve', csrf: 'A'.repeat(32) }, page.jar);
    expectErrorPage(response, text, 403, 'invalid_request');
  });

  test('CSRF: Origin of another site', async () => {
    const page = await consentPage();
    const { response, text } = await consentPost(page, { decision: 'approve' }, 'https://evil.example/');
    expectErrorPage(response, text, 403, 'invalid_request');
    assert.equal(response.headers.getSetCookie().some((c) => c.startsWith('__Host-mcpedge_auth=')), false);
  });

  test('tampered request field', async () => {
    const page = await consentPage();
    const { response, text } = await submitForm(page.url, page.form,
      { decision: 'approve', request: tamper(page.form.fields.request) }, page.jar);
    expectErrorPage(response, text, 400, 'invalid_request');
  });

  test('deny: access_denied back to the client with state and iss', async () => {
    const page = await consentPage();
    const { response } = await submitForm(page.url, page.form, { decision: 'deny' }, page.jar);
    expectErrorRedirect(response, 'access_denied');
    assert.equal(response.headers.getSetCookie().some((c) => /^__Host-mcpedge_auth=[^;]/.test(c)), false,
      'no sign-in cookie after a denial');
  });
});

// --- GET /oauth/callback ---------------------------------------------------------------------
// The state lives 10 minutes in the demo, too long to wait for here: the expired case runs on the
// second instance below with login_ttl_s 30. These rows cover tampered, missing, replayed and
// cross-browser state.

describe('/oauth/callback refuses', () => {
  test('tampered state', async () => {
    const { callback, jar } = await reachCallback(await publicClient());
    const url = new URL(callback);
    url.searchParams.set('state', tamper(url.searchParams.get('state')));
    const { response, text } = await request(url.href, { jar });
    expectErrorPage(response, text, 400, 'invalid_request');
  });

  test('missing state', async () => {
    const { callback, jar } = await reachCallback(await publicClient());
    const url = new URL(callback);
    url.searchParams.delete('state');
    const { response, text } = await request(url.href, { jar });
    expectErrorPage(response, text, 400, 'invalid_request');
  });

  test('another browser (no __Host-mcpedge_auth cookie)', async () => {
    const { callback } = await reachCallback(await publicClient());
    const { response, text } = await request(callback, { jar: new CookieJar() });
    expectErrorPage(response, text, 400, 'invalid_request');
  });

  test('another sign-in\'s __Host-mcpedge_auth cookie', async () => {
    const client = await publicClient();
    const { callback } = await reachCallback(client);
    const other = await reachCallback(client);
    const { response, text } = await request(callback, { jar: other.jar });
    expectErrorPage(response, text, 400, 'invalid_request');
  });

  test('the same callback URL replayed ("already used")', async () => {
    const { callback, jar } = await reachCallback(await publicClient());
    const replayJar = new CookieJar();
    const cookie = jar.header(callback);
    const first = await request(callback, { jar });
    assert.equal(first.response.status, 302, `the first callback completes: ${first.text.slice(0, 300)}`);
    const back = new URL(first.response.headers.get('location'));
    assert.match(back.searchParams.get('code') ?? '', /^mcpac_/, back.href);
    const { response, text } = await request(callback, { jar: replayJar, headers: { cookie } });
    expectErrorPage(response, text, 400, 'invalid_request');
    assert.match(text, /already used/i);
  });
});

// --- POST /token: authorization_code -----------------------------------------------------------

describe('/token authorization_code refuses', () => {
  const codeRows = [
    { name: 'PKCE: code_verifier missing', extra: { code_verifier: undefined }, status: 400, error: 'invalid_request' },
    { name: 'PKCE: code_verifier does not match', extra: { code_verifier: pkcePair().verifier }, status: 400, error: 'invalid_grant' },
    { name: 'redirect_uri differs from the authorization request', extra: { redirect_uri: 'http://127.0.0.1:47999/elsewhere' }, status: 400, error: 'invalid_grant' },
    { name: 'resource of another server', extra: { resource: 'https://evil.example/mcp' }, status: 400, error: 'invalid_target' },
    { name: 'code that was never issued', extra: { code: 'mcpac_never_issued' }, status: 400, error: 'invalid_grant' },
    { name: 'tampered code', tamperCode: true, status: 400, error: 'invalid_grant' },
    { name: 'unknown client_id', extra: { client_id: 'mcpc_never_issued_by_this_server' }, status: 401, error: 'invalid_client' },
  ];
  for (const row of codeRows) {
    test(row.name, async () => {
      const client = await publicClient();
      const grant = await authorize(client);
      const extra = { ...row.extra };
      if (row.tamperCode) extra.code = tamper(grant.code);
      const form = Object.fromEntries(Object.entries({
        grant_type: 'authorization_code', code: grant.code, code_verifier: grant.verifier, redirect_uri: CALLBACK,
        client_id: client.client_id, resource: `${demo.origin}/mcp`, ...extra,
      }).filter(([, v]) => v !== undefined));
      const reply = await token(form);
      expectOAuthError(reply, row.status, row.error);
      assert.match(reply.headers.get('cache-control') ?? '', /no-store/);
    });
  }

  test('a code issued to client A, presented by client B', async () => {
    const a = await publicClient();
    const b = await publicClient();
    const grant = await authorize(a);
    expectOAuthError(await exchange(b, grant), 400, 'invalid_grant');
  });

  test('code used twice: invalid_grant, and the first exchange\'s tokens are revoked', async () => {
    const client = await publicClient();
    const grant = await authorize(client);
    const first = expectTokens(await exchange(client, grant), 'first exchange');
    assert.equal((await mcp(first.access_token)).status, 200, 'the access token works before the replay');
    expectOAuthError(await exchange(client, grant), 400, 'invalid_grant');
    const afterReplay = await mcp(first.access_token);
    assert.equal(afterReplay.status, 401, `the access token of the replayed code is refused: ${afterReplay.text}`);
    assert.match(afterReplay.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    expectOAuthError(await refresh(client, first.refresh_token), 400, 'invalid_grant');
  });
});

// --- POST /token: client authentication and grant types --------------------------------------

describe('/token refuses clients and grant types', () => {
  const anyCode = { grant_type: 'authorization_code', code: 'mcpac_x', code_verifier: pkcePair().verifier, redirect_uri: CALLBACK };
  const basic = (id, secret) => ({ authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}` });

  test('confidential client (client_secret_basic) with a wrong secret', async () => {
    const client = await confidentialClient('client_secret_basic');
    expectOAuthError(await token(anyCode, { headers: basic(client.client_id, 'not-the-secret') }), 401, 'invalid_client');
  });

  test('confidential client (client_secret_post) with a wrong secret', async () => {
    const client = await confidentialClient('client_secret_post');
    expectOAuthError(await token({ ...anyCode, client_id: client.client_id, client_secret: 'not-the-secret' }), 401, 'invalid_client');
  });

  test('confidential client without its secret', async () => {
    const client = await confidentialClient('client_secret_basic');
    expectOAuthError(await token({ ...anyCode, client_id: client.client_id }), 401, 'invalid_client');
  });

  // Nothing in mcpedge's own API revokes a whole registered client yet; another replica, or an
  // operator, writes it into the shared store's revocation list. Each replica reloads that list
  // every 5 s and checks it in memory (no store read per /token or /authorize).
  test('a registered client revoked in the store: invalid_client within one reload of the revocation list', async () => {
    const { client, tokens } = await signIn();
    let current = expectTokens(await refresh(client, tokens.refresh_token), 'refresh before the revocation').refresh_token;
    const db = new DatabaseSync(path.join(demo.data, 'store.db'));
    try {
      db.exec('PRAGMA busy_timeout = 5000');
      db.prepare('INSERT INTO revocations (kind, id, expires_at) VALUES (?, ?, ?)')
        .run('client', client.client_id, Math.floor(Date.now() / 1000) + 3600);
    } finally {
      db.close();
    }
    const deadline = Date.now() + 8000;  // one 5 s period, with room for a slow machine
    let reply;
    for (;;) {
      reply = await refresh(client, current);
      if (reply.status !== 200 || Date.now() > deadline) break;
      current = reply.json.refresh_token;  // not reloaded yet: the rotation went through
      await sleep(200);
    }
    expectOAuthError(reply, 401, 'invalid_client');
    assert.match(reply.json.error_description, /revoked/);
    const { response, text } = await request(authorizeUrl(client), { jar: new CookieJar() });
    expectErrorPage(response, text, 400, 'invalid_client');
    // Another client of the same user is not affected.
    const other = await signIn();
    expectTokens(await refresh(other.client, other.tokens.refresh_token), 'another client still refreshes');
  });

  test('unsupported grant_type (password)', async () => {
    const client = await publicClient();
    expectOAuthError(await token({ grant_type: 'password', username: 'a', password: 'b', client_id: client.client_id }), 400, 'unsupported_grant_type');
  });

  test('unsupported grant_type (client_credentials)', async () => {
    const client = await publicClient();
    expectOAuthError(await token({ grant_type: 'client_credentials', client_id: client.client_id }), 400, 'unsupported_grant_type');
  });

  test('grant_type missing', async () => {
    const client = await publicClient();
    const { grant_type: _, ...rest } = anyCode;
    expectOAuthError(await token({ ...rest, client_id: client.client_id }), 400, 'invalid_request');
  });
});

// --- refresh_token grant ---------------------------------------------------------------------

describe('/token refresh_token refuses', () => {
  test('reuse of a superseded refresh token revokes the whole family', async () => {
    const { client, tokens } = await signIn();
    const r0 = tokens.refresh_token;
    const second = expectTokens(await refresh(client, r0), 'first rotation');
    assert.notEqual(second.refresh_token, r0, 'rotation returns a new refresh token');
    const third = expectTokens(await refresh(client, second.refresh_token), 'second rotation');
    // r0 is now two rotations old (superseded, past its grace): presenting it is a theft signal.
    expectOAuthError(await refresh(client, r0), 400, 'invalid_grant');
    expectOAuthError(await refresh(client, third.refresh_token), 400, 'invalid_grant');
    for (const [what, at] of [['code', tokens.access_token], ['first refresh', second.access_token], ['second refresh', third.access_token]]) {
      const reply = await mcp(at);
      assert.equal(reply.status, 401, `the access token from the ${what} is refused after reuse: ${reply.text}`);
      assert.match(reply.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    }
  });

  test('grace: the previous refresh token works once more while its successor is unused', async () => {
    const { client, tokens } = await signIn();
    const lost = expectTokens(await refresh(client, tokens.refresh_token), 'rotation whose answer is "lost"');
    const retried = expectTokens(await refresh(client, tokens.refresh_token), 'retry with the previous token');
    assert.notEqual(retried.refresh_token, lost.refresh_token);
    assert.equal((await mcp(retried.access_token)).status, 200);
  });

  test('scope wider than granted', async () => {
    const { client, tokens } = await signIn({ scope: READ });
    assert.equal(tokens.scope, READ);
    expectOAuthError(await refresh(client, tokens.refresh_token, { scope: BOTH }), 400, 'invalid_scope');
  });

  test('refresh token of client A presented by client B', async () => {
    const { tokens } = await signIn();
    const b = await publicClient();
    expectOAuthError(await refresh(b, tokens.refresh_token), 400, 'invalid_grant');
  });

  test('refresh token that was never issued', async () => {
    const client = await publicClient();
    expectOAuthError(await refresh(client, 'mcprt_never_issued'), 400, 'invalid_grant');
  });
});

// --- POST /revoke ----------------------------------------------------------------------------

describe('/revoke', () => {
  test('revoked access token is refused at /mcp', async () => {
    const { client, tokens } = await signIn();
    assert.equal((await mcp(tokens.access_token)).status, 200);
    const reply = await revoke(client, tokens.access_token);
    assert.equal(reply.status, 200, reply.text);
    const after = await mcp(tokens.access_token);
    assert.equal(after.status, 401, after.text);
    assert.match(after.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  test('revoked refresh token: its grant is gone (access token 401, refresh invalid_grant)', async () => {
    const { client, tokens } = await signIn();
    const reply = await revoke(client, tokens.refresh_token);
    assert.equal(reply.status, 200, reply.text);
    const after = await mcp(tokens.access_token);
    assert.equal(after.status, 401, after.text);
    expectOAuthError(await refresh(client, tokens.refresh_token), 400, 'invalid_grant');
  });

  test('a token that was never issued: still 200 (RFC 7009 §2.2)', async () => {
    const client = await publicClient();
    assert.equal((await revoke(client, 'mcpat_never_issued')).status, 200);
  });
});

// --- /mcp as a protected resource --------------------------------------------------------------

describe('/mcp refuses', () => {
  test('no credential: 401 challenge with resource_metadata and scope, without error=', async () => {
    const reply = await mcp(undefined);
    assert.equal(reply.status, 401, reply.text);
    assert.equal(reply.headers.get('www-authenticate'), expectedChallenge(demo));
  });

  test('garbage mcpat_ token: 401 invalid_token', async () => {
    const reply = await mcp('mcpat_garbage');
    assert.equal(reply.status, 401, reply.text);
    const challenge = reply.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^Bearer /);
    assert.match(challenge, /error="invalid_token"/);
    assert.ok(challenge.includes(`resource_metadata="${demo.origin}/.well-known/oauth-protected-resource/mcp"`), challenge);
  });

  // Stands in for the forged-expiry case too: an access token's expiry is inside its sealed body,
  // so changing it is this same tampering (real expiry runs on the second instance below).
  test('tampered access token: 401 invalid_token', async () => {
    const { tokens } = await signIn();
    const reply = await mcp(tamper(tokens.access_token));
    assert.equal(reply.status, 401, reply.text);
    assert.match(reply.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  test('read-only token calling a write tool: 403 insufficient_scope (and a read tool works)', async () => {
    const { tokens } = await signIn({ scope: READ });
    const write = await mcp(tokens.access_token, callTool('create_workflow', { name: 'Scope probe', folder_id: 'fld_abc', steps: [] }));
    assert.equal(write.status, 403, write.text);
    const challenge = write.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^Bearer /);
    assert.match(challenge, /error="insufficient_scope"/);
    assert.match(challenge, /scope="workflows:write"/);
    const read = await mcp(tokens.access_token, callTool('list_spaces', {}));
    assert.equal(read.status, 200, read.text);
    assert.notEqual(read.json?.result?.isError, true, read.text);
  });
});

// --- a second instance: another key ring, and lifetimes short enough to wait out --------------

// The demo's own tool table with the shortest lifetimes the loader accepts (access and sign-in
// state 30 s, authorization code 5 s).
function shortLivedConfig(dir) {
  const table = readFileSync(demoTable, 'utf8');
  const marker = /^( {2})api_key_passthrough: true$/m;
  assert.match(table, marker, 'examples/workflows.yaml has auth.api_key_passthrough');
  const file = path.join(dir, 'short-lived.yaml');
  writeFileSync(file, table.replace(marker, '$1api_key_passthrough: true\n$1access_token_ttl_s: 30\n$1login_ttl_s: 30\n$1code_ttl_s: 5'));
  return file;
}

describe('second instance', () => {
  let other;
  let dir;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'oauth-negative-'));
    other = await startDemo({ config: shortLivedConfig(dir) });
  });
  after(async () => {
    await other?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('wrong audience: an access token of instance A presented to instance B is 401 invalid_token', async () => {
    const { tokens } = await signIn();
    assert.equal((await mcp(tokens.access_token)).status, 200, 'works where it was issued');
    const reply = await mcp(tokens.access_token, ping, other);
    assert.equal(reply.status, 401, reply.text);
    assert.match(reply.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.ok((reply.headers.get('www-authenticate') ?? '').includes(`resource_metadata="${other.origin}/`));
  });

  test('expired access token, authorization code and sign-in state', async (t) => {
    // Everything that is to expire is made first, then one wait covers all three.
    const { tokens } = await signIn({ server: other });
    assert.ok(tokens.expires_in <= 30, `expires_in ${tokens.expires_in} follows access_token_ttl_s`);
    assert.equal((await mcp(tokens.access_token, ping, other)).status, 200);
    const codeClient = await publicClient({ server: other });
    const grant = await authorize(codeClient, { server: other });
    const { callback, jar } = await reachCallback(await publicClient({ server: other }), { server: other });
    const cookie = jar.header(callback); // the cookie's own Max-Age ends too; send it regardless
    await sleep(32_000);

    await t.test('expired access token: 401 invalid_token', async () => {
      const reply = await mcp(tokens.access_token, ping, other);
      assert.equal(reply.status, 401, reply.text);
      const challenge = reply.headers.get('www-authenticate') ?? '';
      assert.match(challenge, /error="invalid_token"/);
      assert.match(challenge, /expired/, 'refused for its age, not as garbage');
    });
    await t.test('expired authorization code: invalid_grant', async () => {
      const reply = await exchange(codeClient, grant, {}, other);
      expectOAuthError(reply, 400, 'invalid_grant');
      assert.match(reply.json.error_description, /expired/);
    });
    await t.test('expired sign-in state at the callback: 400 page', async () => {
      const { response, text } = await request(callback, { headers: { cookie } });
      expectErrorPage(response, text, 400, 'invalid_request');
      assert.match(text, /expired/i, 'refused for its age, not as tampered or from another browser');
    });
  });
});
