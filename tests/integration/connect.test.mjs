// The /connect page in headless Chromium: sign-in through the dev IdP and through oidc-provider, every
// client card with its real configuration format, the install links decoded, copy buttons, a personal
// access token created (delivered only in the URL fragment), used by an MCP client, and revoked, a
// connected client revoked (its next call refused), strict CSP, no-JavaScript rendering, accessibility.
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startDemo, rpc } from './lib/server.mjs';
import { launchBrowser, screenshot } from './lib/browser.mjs';
import { answerPages, introspectionMintAuth, signIn, startAliceIdp, tableWith, whoami } from './lib/sign_in.mjs';

const k_cards = {
  'claude-ai': 'OAuth', 'claude-desktop': 'OAuth + API key', 'claude-code': 'OAuth + API key', chatgpt: 'OAuth',
  cursor: 'OAuth + API key', vscode: 'OAuth + API key', windsurf: 'OAuth + API key', 'gemini-cli': 'OAuth + API key',
  other: 'OAuth + API key',
};
const k_server_key = 'mcpedge-demo-workflows';

// Collects CSP violations and page errors, which must stay empty.
function watch(page) {
  const problems = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return problems;
}

async function devSignIn(page, origin, name, orgs = []) {
  await page.goto(`${origin}/connect`);
  await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/dev-idp/')), page.click('a[href="/connect/signin"]')]);
  await page.fill('input[name="name"]', name);
  for (const org of orgs) await page.check(`input[name="orgs"][value="${org}"]`);
  await Promise.all([page.waitForURL((u) => u.pathname === '/connect'), page.click('button[type="submit"]')]);
}

const text = (page, selector) => page.locator(selector).textContent();

// Accessibility the page promises: labelled controls, named buttons and links, text contrast ≥ 4.5:1.
async function accessibilityFaults(page) {
  return page.evaluate(() => {
    const faults = [];
    for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea'))
      if (!el.labels?.length && !el.getAttribute('aria-label')) faults.push(`unlabelled ${el.outerHTML}`);
    for (const el of document.querySelectorAll('button, a'))
      if (!el.hidden && !(el.textContent.trim() || el.getAttribute('aria-label'))) faults.push(`unnamed ${el.outerHTML}`);
    for (const img of document.querySelectorAll('img')) if (!img.hasAttribute('alt')) faults.push(`no alt: ${img.outerHTML}`);
    const rgb = (c) => c.match(/[\d.]+/g).slice(0, 4).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length < 4 || c[3] > 0) return c;
      }
      return [255, 255, 255];
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const checked = new Set();
    while (walker.nextNode()) {
      const el = walker.currentNode.parentElement;
      if (!walker.currentNode.textContent.trim() || checked.has(el) || !el.offsetParent) continue;
      checked.add(el);
      const a = lum(rgb(getComputedStyle(el).color));
      const b = lum(background(el));
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 4.5) faults.push(`contrast ${ratio.toFixed(2)} for "${walker.currentNode.textContent.trim().slice(0, 40)}"`);
    }
    return faults;
  });
}

test('demo: sign in on /connect, every card, install links, copy, tokens, connected clients', async () => {
  const demo = await startDemo();
  const browser = await launchBrowser();
  try {
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: demo.origin });
    const page = await browser.newPage();
    const problems = watch(page);

    // Signed out: the URL and a sign-in link, under a CSP without inline code.
    const first = await page.goto(`${demo.origin}/connect`);
    const csp = first.headers()['content-security-policy'];
    assert.match(csp, /script-src 'self';/);
    assert.match(csp, /style-src 'self';/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(first.headers()['x-frame-options'], 'DENY');
    assert.equal(await page.locator('#mcp-url').textContent(), demo.url);
    assert.equal(await page.locator('.card').count(), 0, 'no cards before sign-in');
    await screenshot(page, 'connect-signed-out');

    await devSignIn(page, demo.origin, 'Ada Lovelace');
    assert.match(await text(page, 'header.top'), /Signed in as Ada Lovelace/);
    await screenshot(page, 'connect-signed-in');

    // Every card, its badge, and its configuration in the client's own format.
    const ids = await page.locator('.card').evaluateAll((cards) => cards.map((c) => c.id.replace(/^client-/, '')));
    assert.deepEqual(ids.sort(), Object.keys(k_cards).sort());
    for (const [id, badge] of Object.entries(k_cards))
      assert.equal(await text(page, `#client-${id} .badge`), badge, `${id} badge`);
    const json = async (id) => JSON.parse(await text(page, `#${id}`));
    assert.deepEqual((await json('cursor-oauth')).mcpServers[k_server_key], { url: demo.url });
    assert.deepEqual((await json('vscode-oauth')).servers[k_server_key], { type: 'http', url: demo.url });
    assert.deepEqual((await json('windsurf-oauth')).mcpServers[k_server_key], { serverUrl: demo.url });
    assert.deepEqual((await json('gemini-cli-oauth')).mcpServers[k_server_key], { httpUrl: demo.url });
    const desktop = (await json('claude-desktop-token')).mcpServers[k_server_key];
    assert.deepEqual(desktop.args.slice(0, 3), ['-y', 'mcp-remote', demo.url]);
    assert.equal(desktop.env.AUTH_HEADER, 'Bearer YOUR_TOKEN');
    const vscodeToken = await json('vscode-token');
    assert.equal(vscodeToken.inputs[0].password, true);
    assert.equal(vscodeToken.servers[k_server_key].headers.Authorization, `Bearer \${input:${vscodeToken.inputs[0].id}}`);
    assert.deepEqual((await json('other-stdio')).mcpServers[k_server_key].args, ['-y', 'mcp-remote', demo.url]);
    assert.equal(await text(page, '#claude-code-oauth'), `claude mcp add --transport http ${k_server_key} ${demo.url}`);
    assert.equal(await text(page, '#gemini-cli-command'), `gemini mcp add --transport http ${k_server_key} ${demo.url}`);
    for (const id of ['claude-ai', 'chatgpt']) assert.equal(await text(page, `#${id}-url`), demo.url);

    // One-click install links: Cursor's deeplink carries base64 JSON, VS Code's a percent-encoded one.
    const cursorHref = await page.locator('#client-cursor a.install:not([hidden])').first().getAttribute('href');
    const cursorLink = new URL(cursorHref);
    assert.equal(`${cursorLink.protocol}//${cursorLink.host}${cursorLink.pathname}`, 'cursor://anysphere.cursor-deeplink/mcp/install');
    assert.equal(cursorLink.searchParams.get('name'), k_server_key);
    assert.deepEqual(JSON.parse(Buffer.from(cursorLink.searchParams.get('config'), 'base64').toString()), { url: demo.url });
    const vscodeHref = await page.locator('#client-vscode a.install').first().getAttribute('href');
    assert.ok(vscodeHref.startsWith('vscode:mcp/install?'), vscodeHref);
    assert.deepEqual(JSON.parse(decodeURIComponent(vscodeHref.slice('vscode:mcp/install?'.length))),
      { name: k_server_key, type: 'http', url: demo.url });

    // Copy buttons (visible only with JavaScript) put the snippet on the clipboard.
    await page.click('button[data-copy="mcp-url"]');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), demo.url);
    await page.click('button[data-copy="cursor-oauth"]');
    assert.deepEqual(JSON.parse(await page.evaluate(() => navigator.clipboard.readText())).mcpServers[k_server_key], { url: demo.url });

    // Keyboard: Tab reaches the token form's controls.
    await page.focus('#token-name');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'token-expiry');
    assert.deepEqual(await accessibilityFaults(page), []);

    // A personal access token: created, delivered once in the fragment, written into the snippets.
    let location;
    page.on('response', (r) => { if (r.url().endsWith('/connect/tokens')) location = r.headers().location; });
    await page.fill('#token-name', 'CI laptop');
    await page.selectOption('#token-expiry', '7');
    await Promise.all([page.waitForSelector('#new-token:not([hidden])'), page.click('text=Create token')]);
    assert.match(location, /^\/connect#api_key=mcppat_[\w-]{43}$/, 'the token travels only in the fragment');
    const token = (await text(page, '#new-token-value')).trim();
    assert.equal(location, `/connect#api_key=${token}`);
    assert.equal(new URL(page.url()).hash, '', 'the page removed the fragment from the address bar');
    assert.equal((await json('cursor-token')).mcpServers[k_server_key].headers.Authorization, `Bearer ${token}`);
    assert.equal((await json('claude-desktop-token')).mcpServers[k_server_key].env.AUTH_HEADER, `Bearer ${token}`);
    const tokenLink = new URL(await page.locator('#client-cursor a[data-token-link]').getAttribute('href'));
    assert.deepEqual(JSON.parse(Buffer.from(tokenLink.searchParams.get('config'), 'base64').toString()),
      { url: demo.url, headers: { Authorization: `Bearer ${token}` } });
    await page.click('button[data-copy="new-token-value"]');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token);
    const row = page.locator('#token-list tr', { hasText: 'CI laptop' });
    assert.match(await row.textContent(), /not yet/);
    await screenshot(page, 'connect-new-token');

    // The token works as an MCP credential, as Ada, and never goes upstream: her minted key does.
    const client = new Client({ name: 'token-client', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(demo.url),
      { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    const me = await whoami(client);
    assert.deepEqual([me.key_kind, me.user_id], ['end_user', 'ada-lovelace']);
    assert.match(me.key_prefix, /^wf_user_/);
    await client.close();
    await page.reload();
    assert.equal(await text(page, '#new-token-value'), '', 'shown once: a reload does not show it again');
    assert.doesNotMatch(await page.locator('#token-list tr', { hasText: 'CI laptop' }).textContent(), /not yet/,
      'last use recorded');
    const { stdout, stderr } = demo.output();
    assert.ok(!stdout.includes(token) && !stderr.includes(token), 'the token is never logged');

    // Revoked: the next request with it is refused.
    await Promise.all([page.waitForURL(/notice=token-revoked/), page.locator('#token-list tr', { hasText: 'CI laptop' }).locator('button').click()]);
    assert.match(await text(page, 'p.notice'), /revoked/);
    assert.equal(await page.locator('#token-list tr', { hasText: 'CI laptop' }).count(), 0);
    const refused = await rpc(demo.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { Authorization: `Bearer ${token}` });
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate'), /invalid_token/);

    // Connected clients: an SDK client signs in as Ada; it is listed, revoked here, then refused.
    const { provider, client: sdk } = await signIn(demo.url, answerPages({ name: 'Ada Lovelace' }));
    assert.equal((await whoami(sdk)).user_id, 'ada-lovelace');
    await sdk.close();
    await page.reload();
    const listed = page.locator('#client-list tr', { hasText: 'mcpedge SDK test' });
    assert.equal(await listed.count(), 1);
    assert.match(await listed.textContent(), /http:\/\/127\.0\.0\.1:1\/callback/);
    assert.doesNotMatch(await listed.textContent(), /not yet/, 'first and last use recorded');
    await screenshot(page, 'connect-connected-clients');
    const access = provider.tokens().access_token;
    const before = await rpc(demo.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { Authorization: `Bearer ${access}` });
    assert.equal(before.status, 200);
    await Promise.all([page.waitForURL(/notice=client-revoked/), listed.locator('button').click()]);
    assert.equal(await page.locator('#client-list tr', { hasText: 'mcpedge SDK test' }).count(), 0);
    const after = await rpc(demo.url, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { Authorization: `Bearer ${access}` });
    assert.equal(after.status, 401, 'the revoked client is refused on its next request');
    const refresh = await fetch(`${demo.origin}/token`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: provider.tokens().refresh_token,
        client_id: provider.clientInformation().client_id }),
    });
    assert.equal(refresh.status, 400);
    assert.equal((await refresh.json()).error, 'invalid_grant');

    // Sign out ends the page's session.
    await Promise.all([page.waitForURL(/notice=signed-out/), page.click('text=Sign out')]);
    assert.equal(await page.locator('.card').count(), 0);
    assert.deepEqual(problems, [], 'no CSP violations or script errors');
  } finally {
    await browser.close();
    await demo.stop();
  }
});

test('connect: forms need the page\'s CSRF token and a same-origin Origin', async () => {
  const demo = await startDemo();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await devSignIn(page, demo.origin, 'Mallory Target');
    const cookies = await browser.context.cookies(demo.origin);
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const csrf = await page.locator('form.create input[name="csrf"]').getAttribute('value');
    const post = (body, origin = demo.origin) => fetch(`${demo.origin}/connect/tokens`, {
      method: 'POST', redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie, Origin: origin },
      body: new URLSearchParams(body),
    });
    assert.equal((await post({ name: 'x', expires_in_days: '7' })).status, 403, 'no CSRF token');
    assert.equal((await post({ csrf: 'wrong', name: 'x', expires_in_days: '7' })).status, 403, 'wrong CSRF token');
    assert.equal((await post({ csrf, name: 'x', expires_in_days: '7' }, 'https://evil.example')).status, 403, 'foreign Origin');
    assert.equal((await post({ csrf, name: '', expires_in_days: '7' })).status, 400, 'empty name');
    assert.equal((await post({ csrf, name: 'x', expires_in_days: '9999' })).status, 400, 'expiry beyond the maximum');
    assert.equal((await post({ csrf, name: 'x', expires_in_days: 'never' })).status, 400, 'no-expiry not allowed');
    const ok = await post({ csrf, name: 'scripted', expires_in_days: '30' });
    assert.equal(ok.status, 303);
    assert.match(ok.headers.get('location'), /^\/connect#api_key=mcppat_/);
    const noSession = await fetch(`${demo.origin}/connect/tokens`, {
      method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, name: 'x', expires_in_days: '7' }),
    });
    assert.equal(noSession.status, 401, 'no session cookie');
    // Another user's token id cannot be revoked from this session.
    assert.equal((await fetch(`${demo.origin}/connect/tokens/revoke`, {
      method: 'POST', redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie, Origin: demo.origin },
      body: new URLSearchParams({ csrf, id: 'someone-elses' }),
    })).headers.get('location'), '/connect');
  } finally {
    await browser.close();
    await demo.stop();
  }
});

test('connect: without JavaScript the page works except copy buttons and the token reader', async () => {
  const demo = await startDemo();
  const browser = await launchBrowser({ javaScriptEnabled: false });
  try {
    const page = await browser.newPage();
    await devSignIn(page, demo.origin, 'Noscript User');
    assert.equal(await page.locator('.card').count(), Object.keys(k_cards).length);
    assert.equal(await page.locator('button[data-copy]:visible').count(), 0, 'copy buttons stay hidden');
    assert.ok(await page.locator('noscript').count() >= 1);
    // Forms still post: creating a token redirects (the fragment has nobody to read it).
    await Promise.all([page.waitForURL((u) => u.pathname === '/connect'), page.fill('#token-name', 'no-js'), page.click('text=Create token')]);
    assert.equal(await page.locator('#token-list tr', { hasText: 'no-js' }).count(), 1);
    await screenshot(page, 'connect-no-javascript');
  } finally {
    await browser.close();
    await demo.stop();
  }
});

test('oidc-provider: sign in on /connect through a real OpenID provider, then a token for that user', async () => {
  const idp = await startAliceIdp();
  const config = tableWith(introspectionMintAuth(idp), `
connect:
  product: Wonderland Workflows
  intro: Connect your assistant to Wonderland.
  clients: [cursor, vscode, other]
  personal_tokens: { max_days: 30 }
  logo: wonderland.svg
`);
  writeFileSync(path.join(path.dirname(config), 'wonderland.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#0b57d0"/></svg>');
  const demo = await startDemo({ config });
  const browser = await launchBrowser();
  try {
    await idp.setRedirectUris('mcpedge', [`${demo.origin}/oauth/callback`]);
    const page = await browser.newPage();
    const problems = watch(page);
    await page.goto(`${demo.origin}/connect`);
    assert.match(await page.title(), /Wonderland Workflows/);
    assert.equal(await page.locator('img.logo').evaluate((img) => img.complete && img.naturalWidth), 40, 'the configured logo');
    const logo = await fetch(`${demo.origin}/connect/logo`);
    assert.equal(logo.headers.get('content-type'), 'image/svg+xml');
    assert.match(logo.headers.get('content-security-policy'), /default-src 'none'/, 'an SVG opened directly runs no script');
    await Promise.all([page.waitForURL((u) => u.origin === new URL(idp.issuer).origin), page.click('a[href="/connect/signin"]')]);
    await page.fill('input[name="login"]', 'alice');
    await page.fill('input[name="password"]', 'any-password');
    await screenshot(page, 'connect-oidc-provider-login');
    await Promise.all([page.waitForURL((u) => u.origin === demo.origin && u.pathname === '/connect'), page.click('button[type="submit"]')]);
    assert.match(await text(page, 'header.top'), /Signed in as Alice Liddell · Wonderland/);
    assert.match(await text(page, 'main'), /Connect your assistant to Wonderland\./);
    const ids = await page.locator('.card').evaluateAll((cards) => cards.map((c) => c.id));
    assert.deepEqual(ids, ['client-cursor', 'client-vscode', 'client-other'], 'the configured cards, in order');
    assert.deepEqual(await page.locator('#token-expiry option').evaluateAll((o) => o.map((x) => x.value)), ['7', '30']);
    await Promise.all([page.waitForSelector('#new-token:not([hidden])'), page.fill('#token-name', 'wonder'), page.click('text=Create token')]);
    const token = (await text(page, '#new-token-value')).trim();
    await screenshot(page, 'connect-oidc-provider-token');
    const client = new Client({ name: 'token-client', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(demo.url),
      { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    const me = await whoami(client);
    assert.deepEqual([me.key_kind, me.user_id, me.org_id], ['end_user', 'alice', 'org_wonder']);
    await client.close();
    assert.ok(idp.eventsFor('token')[0].body.code_verifier, 'the IdP leg used PKCE');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await demo.stop();
    await idp.stop();
  }
});
