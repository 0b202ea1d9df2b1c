// The OAuth test fixtures on their own: the oidc-provider IdP, the fetch-based driver and headless Chromium.
import { strict as assert } from 'node:assert';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import http from 'node:http';
import { after, before, test } from 'node:test';

import { launchBrowser, screenshot } from './lib/browser.mjs';
import { startIdp } from './lib/idp.mjs';
import { CookieJar, followAuthorization, parseForms, pkcePair, submitForm } from './lib/oauth_driver.mjs';

const client = { id: 'fixture', secret: 's3cret' };
const orgs = [{ id: 'org_a', name: 'A' }, { id: 'org_b', name: 'B' }];
const basicAuth = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;

let idp;
let app; // loopback stand-in for the application under test: callback, consent page, client redirect

before(async () => {
  // The IdP starts first without a redirect URI, as it will before mcpedge: the URI is set once the
  // application's port is known.
  idp = await startIdp({
    clients: [{
      client_id: client.id,
      client_secret: client.secret,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
  });
  app = await startApp();
  await idp.setRedirectUris(client.id, [app.callback]);
  idp.setAccount('alice', { name: 'Alice', orgs });
});

after(async () => {
  await app?.stop();
  await idp?.stop();
});

function authorizationUrl({ pkce, state = randomBytes(8).toString('hex'), scope = 'openid profile email orgs', extra = {} }) {
  const url = new URL(`${idp.issuer}/auth`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.id,
    redirect_uri: app.callback,
    scope,
    state,
    ...(pkce ? { code_challenge: pkce.challenge, code_challenge_method: pkce.method } : {}),
    ...extra,
  }).toString();
  return { url: url.href, state };
}

async function postForm(path, params) {
  const response = await fetch(`${idp.issuer}${path}`, {
    method: 'POST',
    headers: { authorization: basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  return { status: response.status, body: await response.json() };
}

// Verifies the id_token's RS256 signature against the IdP's /jwks and returns its payload.
async function verifiedIdToken(idToken) {
  const [header64, payload64, signature64] = idToken.split('.');
  const header = JSON.parse(Buffer.from(header64, 'base64url'));
  assert.equal(header.alg, 'RS256');
  const { keys } = await (await fetch(`${idp.issuer}/jwks`)).json();
  const jwk = keys.find((k) => k.kid === header.kid);
  assert.ok(jwk, `no key ${header.kid} in /jwks`);
  const valid = verify('sha256', Buffer.from(`${header64}.${payload64}`), createPublicKey({ key: jwk, format: 'jwk' }),
    Buffer.from(signature64, 'base64url'));
  assert.ok(valid, 'id_token signature does not verify with the published key');
  return JSON.parse(Buffer.from(payload64, 'base64url'));
}

test('authorization code + PKCE S256: code, tokens with orgs, userinfo, introspection, refresh, revocation', async () => {
  const pkce = pkcePair();
  const { url, state } = authorizationUrl({ pkce });
  const landed = new URL(await followAuthorization(url, { login: 'alice', stopAt: app.callback }));
  assert.equal(landed.searchParams.get('state'), state);
  assert.equal(landed.searchParams.get('iss'), idp.issuer); // RFC 9207
  const code = landed.searchParams.get('code');
  assert.ok(code, `no code in ${landed}`);

  const tokens = await postForm('/token', {
    grant_type: 'authorization_code', code, redirect_uri: app.callback, code_verifier: pkce.verifier,
  });
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  assert.equal(tokens.body.token_type, 'Bearer');
  assert.ok(tokens.body.access_token && tokens.body.refresh_token && tokens.body.id_token, JSON.stringify(tokens.body));
  assert.equal(tokens.body.expires_in, 3600);

  const claims = await verifiedIdToken(tokens.body.id_token);
  assert.equal(claims.iss, idp.issuer);
  assert.equal(claims.aud, client.id);
  assert.equal(claims.sub, 'alice');
  assert.equal(claims.name, 'Alice');
  assert.equal(claims.email, 'alice@example.test');
  assert.deepEqual(claims.orgs, orgs);

  const userinfo = await fetch(`${idp.issuer}/me`, { headers: { authorization: `Bearer ${tokens.body.access_token}` } });
  assert.equal(userinfo.status, 200);
  assert.deepEqual(await userinfo.json(), { sub: 'alice', name: 'Alice', email: 'alice@example.test', orgs });

  const introspected = await postForm('/token/introspection', { token: tokens.body.access_token });
  assert.equal(introspected.status, 200);
  assert.equal(introspected.body.active, true);
  assert.equal(introspected.body.sub, 'alice');
  assert.equal(introspected.body.client_id, client.id);
  assert.equal(introspected.body.token_type, 'Bearer');

  const refreshed = await postForm('/token', { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token });
  assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
  assert.ok(refreshed.body.access_token);
  assert.notEqual(refreshed.body.access_token, tokens.body.access_token);
  assert.equal((await postForm('/token/introspection', { token: refreshed.body.access_token })).body.active, true);

  const revoked = await fetch(`${idp.issuer}/token/revocation`, {
    method: 'POST',
    headers: { authorization: basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: refreshed.body.access_token }).toString(),
  });
  assert.equal(revoked.status, 200);
  assert.deepEqual((await postForm('/token/introspection', { token: refreshed.body.access_token })).body, { active: false });

  // What the IdP saw: the verifier on the code exchange, no resource indicator, no client secret.
  const [exchange] = idp.eventsFor('token').filter((e) => e.body?.grant_type === 'authorization_code');
  assert.equal(exchange.body.code_verifier, pkce.verifier);
  assert.equal(exchange.body.resource, undefined);
  assert.equal(exchange.body.client_secret, undefined);
  assert.deepEqual(exchange.clientAuth, { method: 'basic', clientId: client.id });
  assert.equal(exchange.status, 200);
  assert.equal(idp.eventsFor('authorization')[0].query.code_challenge, pkce.challenge);
  assert.ok(idp.eventsFor('introspection').length >= 3);
  assert.equal(idp.eventsFor('userinfo').length, 1);
});

test('an authorization request without code_challenge is refused with invalid_request', async () => {
  const { url, state } = authorizationUrl({ pkce: undefined });
  const landed = new URL(await followAuthorization(url, { stopAt: app.callback }));
  assert.equal(landed.searchParams.get('error'), 'invalid_request');
  assert.match(landed.searchParams.get('error_description'), /PKCE|code_challenge/);
  assert.equal(landed.searchParams.get('state'), state);
  assert.equal(landed.searchParams.get('code'), null);
});

test('a code verifier that does not match the challenge is refused with invalid_grant', async () => {
  const { url } = authorizationUrl({ pkce: pkcePair() });
  const code = new URL(await followAuthorization(url, { login: 'bob', stopAt: app.callback })).searchParams.get('code');
  const tokens = await postForm('/token', {
    grant_type: 'authorization_code', code, redirect_uri: app.callback, code_verifier: pkcePair().verifier,
  });
  assert.equal(tokens.status, 400);
  assert.equal(tokens.body.error, 'invalid_grant');
});

test('setRedirectUris replaces the registered redirect URIs of a running IdP', async () => {
  const other = await startIdp({ clients: [{ client_id: 'late', client_secret: 'x' }] });
  try {
    const pkce = pkcePair();
    const query = new URLSearchParams({
      response_type: 'code', client_id: 'late', redirect_uri: app.callback, scope: 'openid',
      code_challenge: pkce.challenge, code_challenge_method: 'S256',
    });
    const before = await fetch(`${other.issuer}/auth?${query}`, { redirect: 'manual' });
    assert.equal(before.status, 400);
    assert.match(await before.text(), /redirect_uri did not match/);

    await other.setRedirectUris('late', [app.callback]);
    const landed = new URL(await followAuthorization(`${other.issuer}/auth?${query}`, { stopAt: app.callback }));
    assert.ok(landed.searchParams.get('code'), `no code in ${landed}`);
  } finally {
    await other.stop();
  }
});

test('autoConsent skips the consent page; upstreamConsent deny ends in access_denied', async () => {
  const auto = await startIdp({
    autoConsent: true,
    clients: [{ client_id: 'auto', client_secret: 'x', redirect_uris: [app.callback] }],
  });
  try {
    const query = (pkce) => new URLSearchParams({
      response_type: 'code', client_id: 'auto', redirect_uri: app.callback, scope: 'openid orgs',
      code_challenge: pkce.challenge, code_challenge_method: 'S256', resource: 'http://127.0.0.1:1/mcp',
    });
    const trace = [];
    const landed = new URL(await followAuthorization(`${auto.issuer}/auth?${query(pkcePair())}`, { stopAt: app.callback, trace }));
    assert.ok(landed.searchParams.get('code'));
    assert.equal(trace.filter((t) => t.method === 'POST').length, 1, 'only the login form is submitted');
    // The resource indicator is not understood by this IdP, but it is recorded.
    assert.equal(auto.eventsFor('authorization')[0].query.resource, 'http://127.0.0.1:1/mcp');
  } finally {
    await auto.stop();
  }

  const { url } = authorizationUrl({ pkce: pkcePair() });
  const denied = new URL(await followAuthorization(url, { stopAt: app.callback, upstreamConsent: 'deny' }));
  assert.equal(denied.searchParams.get('error'), 'access_denied');
});

test('the driver answers application pages through onPage: consent form with org picker, cookies kept', async () => {
  const jar = new CookieJar();
  const seen = [];
  const landed = await followAuthorization(`${app.origin}/start`, {
    jar,
    login: 'alice',
    stopAt: app.clientRedirect,
    onPage(url, html, forms) {
      seen.push(new URL(url).pathname);
      const consent = forms.find((f) => f.buttons.some((b) => b.name === 'decision'));
      assert.ok(consent, `no consent form on ${url}`);
      assert.deepEqual(consent.choices.org, ['org_a', 'org_b']);
      assert.equal(consent.fields.org, 'org_a'); // the checked radio
      assert.deepEqual(consent.buttons.map((b) => b.value), ['approve', 'deny']);
      return { form: consent, overrides: { org: 'org_b', decision: 'approve' } };
    },
  });
  assert.deepEqual(seen, ['/oauth/callback']);
  const result = new URL(landed);
  assert.equal(result.searchParams.get('org'), 'org_b');
  assert.equal(result.searchParams.get('user'), 'alice');
  assert.ok(jar.get(`${app.origin}/`).app_session, 'the application cookie is kept');
});

test('parseForms reads hidden fields, entities, selects and buttons', () => {
  const [form] = parseForms(`
    <form method="post" action="/consent?x=1&amp;y=2">
      <input type="hidden" name="csrf" value="a&quot;b">
      <input type=text name=note>
      <input type="checkbox" name="remember" value="yes" checked>
      <select name="ttl"><option value="1">one</option><option value="2" selected>two</option></select>
      <input type="submit" name="decision" value="approve">
      <button type="button" name="ignored">x</button>
      <button name="decision" value="deny"><b>Deny</b></button>
    </form>`);
  assert.deepEqual(form, {
    action: '/consent?x=1&y=2',
    method: 'POST',
    fields: { csrf: 'a"b', note: '', remember: 'yes', ttl: '2' },
    buttons: [{ name: 'decision', value: 'approve', text: 'approve' }, { name: 'decision', value: 'deny', text: 'Deny' }],
    choices: { remember: ['yes'], ttl: ['1', '2'] },
  });
});

test('headless Chromium signs in at the IdP and reaches the callback', { timeout: 30_000 }, async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const { url, state } = authorizationUrl({ pkce: pkcePair() });
    await page.goto(url);
    await page.fill('input[name=login]', 'carol');
    await page.fill('input[name=password]', 'secret');
    await screenshot(page, 'idp-fixture-login');
    await page.click('button[type=submit]');
    await page.waitForSelector('input[name=prompt][value=consent]', { state: 'attached' });
    await page.click('button[type=submit]');
    await page.waitForURL((u) => u.href.startsWith(app.callback));
    const landed = new URL(page.url());
    assert.equal(landed.searchParams.get('state'), state);
    assert.ok(landed.searchParams.get('code'));
    assert.match(await page.textContent('body'), /callback received/);
    await screenshot(page, 'idp-fixture-callback');
  } finally {
    await browser.close();
  }
});

// A tiny application on loopback: /oauth/callback is the IdP redirect URI. /start begins a flow the way
// mcpedge will: it sets a cookie, sends the browser to the IdP, and on the callback shows a consent page
// with an org picker whose POST redirects to the "client" (clientRedirect) with the decision.
async function startApp() {
  const flows = new Map(); // state -> {pkce, session}
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, `http://${req.headers.host}`);
    const session = /app_session=(\w+)/.exec(req.headers.cookie ?? '')?.[1];
    if (url.pathname === '/start') {
      const pkce = pkcePair();
      const state = randomBytes(8).toString('hex');
      const id = randomBytes(8).toString('hex');
      flows.set(state, { pkce, session: id });
      res.writeHead(302, { location: authorizationUrl({ pkce, state }).url, 'set-cookie': `app_session=${id}; Path=/; HttpOnly` });
      return res.end();
    }
    if (url.pathname === '/oauth/callback') {
      const flow = flows.get(url.searchParams.get('state'));
      if (!flow || flow.session !== session) {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<p>callback received</p>');
      }
      // The application redeems the code itself, then asks the user.
      const tokens = await postForm('/token', {
        grant_type: 'authorization_code', code: url.searchParams.get('code'), redirect_uri: `${origin}/oauth/callback`,
        code_verifier: flow.pkce.verifier,
      });
      flow.user = JSON.parse(Buffer.from(tokens.body.id_token.split('.')[1], 'base64url')).sub;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(`<!DOCTYPE html><form method="post" action="/consent">
        <input type="hidden" name="state" value="${url.searchParams.get('state')}">
        <label><input type="radio" name="org" value="org_a" checked> A</label>
        <label><input type="radio" name="org" value="org_b"> B</label>
        <button type="submit" name="decision" value="approve">Approve</button>
        <button type="submit" name="decision" value="deny">Deny</button></form>`);
    }
    if (url.pathname === '/consent' && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      const flow = flows.get(form.get('state'));
      const ok = flow && flow.session === session && req.headers.origin === origin && form.get('decision') === 'approve';
      res.writeHead(302, {
        location: `${origin}/client-cb?${ok ? `org=${form.get('org')}&user=${flow.user}` : 'error=access_denied'}`,
      });
      return res.end();
    }
    res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    callback: `${origin}/oauth/callback`,
    clientRedirect: `${origin}/client-cb`,
    stop: () => new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    }),
  };
}
