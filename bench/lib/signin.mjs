// Real mcpedge tokens for the authenticated workloads: register a public client, then run the
// authorization-code flow with PKCE through consent and the demo's development sign-in, using the
// integration tests' browser stand-in (tests/integration/lib/oauth_driver.mjs).
import { CookieJar, followAuthorization, pkcePair } from '../../tests/integration/lib/oauth_driver.mjs';

const k_callback = 'http://127.0.0.1:1/callback';  // never requested: the driver stops at it
const k_org = 'org_acme_ops';

async function form(url, params) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${text}`);
  return JSON.parse(text);
}

export async function registerClient(origin) {
  const res = await fetch(`${origin}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'mcpedge bench', application_type: 'native', redirect_uris: [k_callback],
      grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none',
    }),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST ${origin}/register: ${res.status} ${text}`);
  return JSON.parse(text).client_id;
}

// Consent: approve; development sign-in: a name and one organisation; organisation picker: the first.
function answerPages(name) {
  return (url, html, forms) => {
    const consent = forms.find((f) => f.buttons.some((b) => b.name === 'decision' && b.value === 'approve'));
    if (consent) return { form: consent, overrides: { decision: 'approve' } };
    const devIdp = forms.find((f) => 'name' in f.fields);
    if (devIdp) return { form: devIdp, overrides: { name, orgs: [k_org] } };
    const picker = forms.find((f) => f.choices.org?.length);
    if (picker) return { form: picker, overrides: { org: picker.choices.org[0] } };
    return undefined;
  };
}

// One grant: {access_token, refresh_token}. `scope` must be in the server's auth.scopes.
export async function signIn(origin, clientId, { scope, name = 'Bench User', jar = new CookieJar() } = {}) {
  const pkce = pkcePair();
  const url = new URL(`${origin}/authorize`);
  const params = {
    response_type: 'code', client_id: clientId, redirect_uri: k_callback, state: 'bench',
    code_challenge: pkce.challenge, code_challenge_method: 'S256', scope, resource: `${origin}/mcp`,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const location = new URL(await followAuthorization(url.href, { jar, stopAt: k_callback, onPage: answerPages(name) }));
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`sign-in ended without a code: ${location}`);
  const tokens = await form(`${origin}/token`, {
    grant_type: 'authorization_code', code, code_verifier: pkce.verifier, redirect_uri: k_callback, client_id: clientId,
  });
  if (!tokens.access_token || !tokens.refresh_token) throw new Error(`no tokens: ${JSON.stringify(tokens)}`);
  return { access_token: tokens.access_token, refresh_token: tokens.refresh_token };
}

// `count` grants for one client (one refresh-token family each), `parallel` sign-ins at a time.
export async function signInMany(origin, clientId, count, { scope, parallel = 4 } = {}) {
  const grants = [];
  for (let i = 0; i < count; i += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - i) }, (_, j) => signIn(origin, clientId, { scope, name: `Bench User ${i + j}` }));
    grants.push(...(await Promise.all(batch)));
  }
  return grants;
}
