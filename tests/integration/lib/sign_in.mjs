// The TypeScript SDK client's OAuth sign-in against mcpedge, shared by the OAuth, connect-page and
// restart tests: an in-memory OAuthClientProvider, the page answerer, and the demo table with another
// auth section.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { demoTable } from './server.mjs';
import { startIdp } from './idp.mjs';
import { CookieJar, followAuthorization } from './oauth_driver.mjs';

export const k_redirect = 'http://127.0.0.1:1/callback';  // never requested: the driver stops at it

// An OAuthClientProvider that keeps everything in memory and records the authorization URL.
export class MemoryProvider {
  constructor() { this.saved = {}; }
  get redirectUrl() { return k_redirect; }
  get clientMetadata() {
    return {
      client_name: 'mcpedge SDK test', redirect_uris: [k_redirect], application_type: 'native',
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() { return this.saved.client; }
  saveClientInformation(info) { this.saved.client = info; }
  tokens() { return this.saved.tokens; }
  saveTokens(tokens) { this.saved.tokens = tokens; }
  saveCodeVerifier(verifier) { this.saved.verifier = verifier; }
  codeVerifier() { return this.saved.verifier; }
  redirectToAuthorization(url) { this.authorizationUrl = url; }
}

// Answers mcpedge's consent page, the demo's development sign-in and the organisation picker.
export function answerPages({ name = 'Ada Lovelace', orgs = [], pick } = {}) {
  const seen = [];
  const onPage = (url, html, forms) => {
    const consent = forms.find((f) => f.action.endsWith('/consent'));
    if (consent) { seen.push('consent'); return { form: consent, overrides: { decision: 'approve' } }; }
    const devSignIn = forms.find((f) => 'name' in f.fields && new URL(f.action, url).pathname.endsWith('/dev-idp/authorize'));
    if (devSignIn) { seen.push('dev-sign-in'); return { form: devSignIn, overrides: { name, orgs: orgs.length ? orgs : undefined } }; }
    const picker = forms.find((f) => f.action.endsWith('/oauth/org'));
    if (picker) { seen.push('org-picker'); return { form: picker, overrides: { org: pick } }; }
    throw new Error(`unexpected page ${url}: ${html.slice(0, 300)}`);
  };
  return { onPage, seen };
}

// The SDK's whole flow: connect (401) → auth() redirects → the driver signs in → finishAuth → connect.
export async function signIn(url, pages) {
  const provider = new MemoryProvider();
  const first = new Client({ name: 'oauth-test', version: '1.0.0' });
  await assert.rejects(first.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider })),
    (e) => e instanceof UnauthorizedError);
  assert.ok(provider.authorizationUrl, 'the SDK asked for a browser redirect');
  assert.equal(provider.authorizationUrl.searchParams.get('code_challenge_method'), 'S256');
  const final = await followAuthorization(provider.authorizationUrl.href, { jar: new CookieJar(), stopAt: k_redirect, onPage: pages.onPage });
  const back = new URL(final);
  assert.ok(back.searchParams.get('code'), `the client got a code, not ${final}`);
  assert.equal(back.searchParams.get('iss'), new URL(url).origin, 'RFC 9207 iss on the redirect');
  const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
  await transport.finishAuth(back.searchParams.get('code'));
  const client = new Client({ name: 'oauth-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }));
  return { provider, client };
}

export async function whoami(client) {
  const result = await client.callTool({ name: 'whoami', arguments: {} });
  assert.ok(!result.isError, JSON.stringify(result));
  return result.structuredContent ?? JSON.parse(result.content[0].text);
}

// The demo's table with its auth section replaced.
export function tableWith(authYaml, extra = '') {
  const text = readFileSync(demoTable, 'utf8').replace(/^auth:\n(?:(?:[ #].*)?\n)*/m, `${authYaml}\n`);
  const dir = mkdtempSync(path.join(tmpdir(), 'mcpedge-oauth-'));
  const file = path.join(dir, 'gateway.yaml');
  writeFileSync(file, text + extra);
  return file;
}

export const k_mint = `    strategy: mint
    mint:
      url: \${MCPEDGE_DEMO_API_URL}/end_user_api_keys
      headers: { X-API-Key: "\${MCPEDGE_DEMO_API_KEY}" }
      body: { user_id: "{subject}", org_id: "{org}", expires_at_seconds: "{expires_at}" }
      token_field: api_key_token`;

// oidc-provider with a confidential client for mcpedge and Alice, a member of Wonderland.
export function startAliceIdp() {
  return startIdp({
    clients: [{ client_id: 'mcpedge', client_secret: 's3cret', grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' }],
    autoConsent: true,
    accounts: { alice: { name: 'Alice Liddell', orgs: [{ id: 'org_wonder', name: 'Wonderland' }] } },
  });
}

// The auth section that signs in through `idp` with introspection identity and a minted key: the
// PropelAuth chain.
export function introspectionMintAuth(idp) {
  return `auth:
  scopes: [workflows:read, workflows:write]
  idp: { issuer: "${idp.issuer}", client_id: mcpedge, client_secret: s3cret, identity: introspection, scopes: [openid, profile, orgs] }
  credential:
${k_mint}`;
}
