// The TypeScript SDK client's own OAuth support against mcpedge's authorization server: discovery →
// registration → authorize (consent + upstream sign-in) → token → tools/call → refresh, once per
// credential strategy, with the upstream proving which credential it received.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { startDemo } from './lib/server.mjs';
import { startIdp, k_token_exchange } from './lib/idp.mjs';
import { answerPages, introspectionMintAuth, signIn, startAliceIdp, tableWith, whoami } from './lib/sign_in.mjs';

test('demo: development sign-in, minted per-user key, refresh, legacy SSE with the same token', async () => {
  const demo = await startDemo();
  try {
    const pages = answerPages({ name: 'Ada Lovelace' });
    const { provider, client } = await signIn(demo.url, pages);
    assert.deepEqual(pages.seen, ['consent', 'dev-sign-in']);
    const tokens = provider.tokens();
    assert.match(tokens.access_token, /^mcpat_/);
    assert.match(tokens.refresh_token, /^mcprt_/);
    const me = await whoami(client);
    assert.equal(me.key_kind, 'end_user');
    assert.equal(me.user_id, 'ada-lovelace');
    assert.match(me.key_prefix, /^wf_user_/, 'the upstream got the minted key, never the mcpat_ token');
    const spaces = await client.callTool({ name: 'list_spaces', arguments: {} });
    assert.ok(!spaces.isError, JSON.stringify(spaces));

    // Refresh through the SDK: a new access token and a rotated refresh token that still work.
    assert.equal(await auth(provider, { serverUrl: new URL(demo.url) }), 'AUTHORIZED');
    assert.notEqual(provider.tokens().refresh_token, tokens.refresh_token, 'rotated');
    const again = new Client({ name: 'oauth-test', version: '1.0.0' });
    await again.connect(new StreamableHTTPClientTransport(new URL(demo.url), { authProvider: provider }));
    assert.equal((await whoami(again)).user_id, 'ada-lovelace');

    // The legacy transport authenticates the same way.
    const legacy = new Client({ name: 'oauth-test-sse', version: '1.0.0' });
    await legacy.connect(new SSEClientTransport(new URL(`${demo.origin}/sse`), { authProvider: provider }));
    assert.equal((await whoami(legacy)).user_id, 'ada-lovelace');
    await Promise.all([client.close(), again.close(), legacy.close()]);
  } finally {
    assert.equal((await demo.stop()).code, 0);
  }
});

test('demo: a user in two organisations picks one in the picker, and tools act in it', async () => {
  const demo = await startDemo();
  try {
    const pages = answerPages({ name: 'Grace Hopper', orgs: ['org_acme_ops', 'org_acme_sales'], pick: 'org_acme_sales' });
    const { client } = await signIn(demo.url, pages);
    assert.deepEqual(pages.seen, ['consent', 'dev-sign-in', 'org-picker']);
    const me = await whoami(client);
    assert.equal(me.user_id, 'grace-hopper');
    assert.equal(me.org_id, 'org_acme_sales');
    await client.close();
  } finally {
    await demo.stop();
  }
});

test('oidc-provider: introspection identity + minted key (the PropelAuth chain)', async () => {
  const idp = await startAliceIdp();
  const config = tableWith(introspectionMintAuth(idp));
  const demo = await startDemo({ config });
  try {
    await idp.setRedirectUris('mcpedge', [`${demo.origin}/oauth/callback`]);
    const pages = answerPages();
    const { client } = await signIn(demo.url, pages);
    const me = await whoami(client);
    assert.deepEqual([me.key_kind, me.user_id, me.org_id], ['end_user', 'alice', 'org_wonder']);
    const token = idp.eventsFor('token')[0];
    assert.ok(token.body.code_verifier, 'mcpedge ran its own PKCE leg');
    assert.equal(token.clientAuth.method, 'basic');
    assert.ok(idp.eventsFor('introspection').length >= 1, 'identity came from RFC 7662 introspection');
    await client.close();
  } finally {
    await demo.stop();
    await idp.stop();
  }
});

// An upstream API that accepts the IdP's tokens: it introspects each one at the IdP.
// A gateway in front of the IdP-protected API: one whoami tool, scope `api`, and `authYaml` (the idp
// and credential keys of the auth section, indented by two spaces).
function whoamiTable(name, api, authYaml) {
  const config = path.join(mkdtempSync(path.join(tmpdir(), 'mcpedge-oauth-')), 'gateway.yaml');
  writeFileSync(config, `server: { name: ${name} }
upstream: { base_url: "${api.url}" }
auth:
  scopes: [api]${authYaml}
tools:
  - name: whoami
    description: Who the API sees.
    input_schema: { type: object }
    http: { method: GET, path: /whoami }
`);
  return config;
}

async function startIdpProtectedApi(idp) {
  const seen = [];
  const server = http.createServer(async (req, res) => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    seen.push({ path: req.url, token, user: req.headers['x-mcpedge-user'] });
    const answer = await fetch(`${idp.issuer}/token/introspection`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('api:api-secret').toString('base64')}` },
      body: new URLSearchParams({ token }),
    }).then((r) => r.json());
    res.writeHead(answer.active ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ active: answer.active, sub: answer.sub, exchanged: answer.exchanged ?? false,
      audience: answer.audience ?? null, token_prefix: token.slice(0, 8) }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

test('oidc-provider: idp_token with id_token identity; access tokens never outlive the IdP token; refresh renews it', async () => {
  const idp = await startIdp({
    clients: [
      { client_id: 'mcpedge', client_secret: 's3cret', grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' },
      { client_id: 'api', client_secret: 'api-secret', grant_types: [], response_types: [], redirect_uris: [] },
    ],
    autoConsent: true,
    accessTokenTtl: 40,
  });
  const api = await startIdpProtectedApi(idp);
  const config = whoamiTable('idp-token-test', api, `
  idp: { issuer: "${idp.issuer}", client_id: mcpedge, client_secret: s3cret, identity: id_token, scopes: [openid, profile] }
  credential: { strategy: idp_token }`);
  const demo = await startDemo({ config });
  try {
    await idp.setRedirectUris('mcpedge', [`${demo.origin}/oauth/callback`]);
    const { provider, client } = await signIn(demo.url, answerPages());
    assert.ok(provider.tokens().expires_in <= 40, `expires_in ${provider.tokens().expires_in} is bounded by the IdP token's 40 s`);
    const me = await whoami(client);
    assert.equal(me.active, true);
    assert.equal(me.sub, 'alice');
    assert.ok(!api.seen[0].token.startsWith('mcpat_'), 'the upstream got the IdP token, not the client token');
    const before = api.seen[0].token;
    // The IdP token expires within the renewal margin, so the refresh grant renews it at the IdP.
    assert.equal(await auth(provider, { serverUrl: new URL(demo.url) }), 'AUTHORIZED');
    assert.ok(idp.eventsFor('token').some((e) => e.body.grant_type === 'refresh_token'), 'renewed with the IdP refresh token');
    const again = new Client({ name: 'oauth-test', version: '1.0.0' });
    await again.connect(new StreamableHTTPClientTransport(new URL(demo.url), { authProvider: provider }));
    assert.equal((await whoami(again)).sub, 'alice');
    assert.notEqual(api.seen.at(-1).token, before, 'a fresh IdP token went upstream');
    await Promise.all([client.close(), again.close()]);
  } finally {
    await demo.stop();
    await api.close();
    await idp.stop();
  }
});

test('oidc-provider: service credential plus identity headers', async () => {
  const idp = await startIdp({
    clients: [{ client_id: 'mcpedge', client_secret: 's3cret', grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' }],
    autoConsent: true,
  });
  const config = tableWith(`auth:
  scopes: [workflows:read, workflows:write]
  idp: { issuer: "${idp.issuer}", client_id: mcpedge, client_secret: s3cret, identity: id_token }
  credential:
    strategy: service
    service: { credential: "\${MCPEDGE_DEMO_API_KEY}", headers: { X-Mcpedge-User: "{subject}" } }`);
  const demo = await startDemo({ config });
  try {
    await idp.setRedirectUris('mcpedge', [`${demo.origin}/oauth/callback`]);
    const { client } = await signIn(demo.url, answerPages());
    const me = await whoami(client);
    assert.deepEqual([me.key_kind, me.user_id], ['service', 'alice']);
    await client.close();
  } finally {
    await demo.stop();
    await idp.stop();
  }
});

test('oidc-provider: token_exchange (RFC 8693) sends the API a token exchanged for its audience', async () => {
  const idp = await startIdp({
    clients: [
      { client_id: 'mcpedge', client_secret: 's3cret', grant_types: ['authorization_code', 'refresh_token', k_token_exchange],
        response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' },
      { client_id: 'api', client_secret: 'api-secret', grant_types: [], response_types: [], redirect_uris: [] },
    ],
    autoConsent: true,
  });
  const api = await startIdpProtectedApi(idp);
  const config = whoamiTable('token-exchange-test', api, `
  idp: { issuer: "${idp.issuer}", client_id: mcpedge, client_secret: s3cret, identity: userinfo, scopes: [openid, profile] }
  credential:
    strategy: token_exchange
    token_exchange: { audience: "https://api.example.test" }`);
  const demo = await startDemo({ config });
  try {
    await idp.setRedirectUris('mcpedge', [`${demo.origin}/oauth/callback`]);
    const { client } = await signIn(demo.url, answerPages());
    const me = await whoami(client);
    assert.deepEqual([me.active, me.sub, me.exchanged, me.audience], [true, 'alice', true, 'https://api.example.test']);
    const exchange = idp.eventsFor('token').find((e) => e.body.grant_type === k_token_exchange);
    assert.ok(exchange, 'mcpedge called the IdP with the token-exchange grant');
    assert.equal(exchange.body.subject_token_type, 'urn:ietf:params:oauth:token-type:access_token');
    assert.ok(!api.seen[0].token.startsWith('mcpat_'));
    await client.close();
  } finally {
    await demo.stop();
    await api.close();
    await idp.stop();
  }
});
