// An upstream OpenID Connect identity provider for tests: oidc-provider@9 in-process on a free loopback port.
//
// Order of start-up with mcpedge: mcpedge's configuration needs the IdP's issuer and mcpedge's port is
// only known once it listens, so start the IdP FIRST (client redirect_uris may be omitted: a
// placeholder that matches nothing is used), then start mcpedge, then call
//   await idp.setRedirectUris('mcpedge', [`${mcpedge.origin}/oauth/callback`]);
// Clients live in the provider's Client adapter (not its static `clients`), so changed metadata takes
// effect on the next request. `setClient(metadata)` adds or replaces a whole client the same way.
//
// What a caller must send to get what it wants:
// - PKCE is required for every client, S256 only: an authorization request without code_challenge is
//   answered with error=invalid_request at the redirect_uri.
// - scope must contain `openid` (the IdP is an OpenID Provider); `profile` gives `name`, `email` gives
//   `email`, and the custom scope `orgs` gives `orgs` ([{id, name}]). Claims are put in the id_token
//   too (conformIdTokenClaims: false), not only in userinfo.
// - Refresh tokens: issued by the authorization_code grant whenever the client's grant_types contain
//   `refresh_token`; no `offline_access` scope or `prompt=consent` is needed (oidc-provider drops
//   offline_access unless prompt=consent is sent, so do not rely on it). Tokens do not end with the
//   IdP's browser session.
// - Access tokens are opaque (the resourceIndicators feature is disabled, so a `resource` parameter is
//   ignored and recorded in `events`), usable at userinfo and introspectable by any authenticated
//   client at /token/introspection (RFC 7662).
// - devInteractions serves the login form (any login, any password; the login becomes the account
//   id) and then a consent form, unless `autoConsent: true` grants whatever is requested.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';

const k_long_ttl = 14 * 24 * 3600;
const k_placeholder_redirect_uri = 'http://127.0.0.1/redirect-uri-not-set-yet';
const k_recorded_routes = new Set(['authorization', 'token', 'introspection', 'revocation', 'userinfo']);
// Client credentials never go into `events`; tokens and codes do, so tests can match them.
const k_secret_params = new Set(['client_secret', 'client_assertion']);

quietOidcProviderNotices();
// Imported after the filter is in place: oidc-provider warns about the Node version as it loads.
const { default: Provider } = await import('oidc-provider');
const { createMemoryAdapter } = await import('oidc-provider/lib/adapters/memory_adapter.js');

// options: {
//   clients: [client metadata],   // oidc-provider client metadata; redirect_uris may come later
//   accessTokenTtl: 3600,         // seconds
//   autoConsent: false,           // true: no consent page, every requested scope is granted
//   accounts: { id: {name, orgs} } // initial accounts (any other id also signs in)
// }
export async function startIdp(options = {}) {
  const { clients: clientList = [], accessTokenTtl = 3600, autoConsent = false } = options;

  const server = http.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;

  const clients = new Map();
  for (const metadata of clientList) clients.set(metadata.client_id, withDefaults(metadata));
  const accounts = new Map(Object.entries(options.accounts ?? {}));
  const events = [];

  const memory = createMemoryAdapter();
  const clientAdapter = {
    async find(id) {
      const metadata = clients.get(id);
      return metadata && structuredClone(metadata);
    },
    async upsert() { throw new Error('clients are managed by idp.setClient()'); },
    async destroy() {},
  };

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    adapter: (model) => (model === 'Client' ? clientAdapter : memory(model)),
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'idp-test-key', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], profile: ['name'], email: ['email'], orgs: ['orgs'] },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: true },
      introspection: { enabled: true, allowedPolicy: async () => true },
      revocation: { enabled: true, allowedPolicy: async (ctx, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: true },
      resourceIndicators: { enabled: false },
    },
    issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    ttl: {
      AccessToken: accessTokenTtl,
      IdToken: 3600,
      RefreshToken: k_long_ttl,
      Grant: k_long_ttl,
      Session: k_long_ttl,
      Interaction: 3600,
    },
    findAccount: async (ctx, id) => ({
      accountId: id,
      claims: async () => {
        const account = accounts.get(id) ?? {};
        return { sub: id, name: account.name ?? id, email: `${id}@example.test`, orgs: account.orgs ?? [] };
      },
    }),
    // Like PropelAuth's, introspection answers with the user's name and organisations: they ride on
    // the access token as extra claims.
    extraTokenClaims: async (ctx, token) => {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const account = accounts.get(token.accountId) ?? {};
      return { ...(token.extra ?? {}), name: account.name ?? token.accountId, orgs: account.orgs ?? [] };
    },
    ...(autoConsent ? { loadExistingGrant: grantEverythingRequested } : {}),
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!DOCTYPE html><title>IdP error</title><pre id="error">${escapeHtml(JSON.stringify(out))}</pre>`;
    },
  });

  registerTokenExchange(provider);

  provider.use(async (ctx, next) => {
    await next();
    const route = ctx.oidc?.route;
    if (!k_recorded_routes.has(route)) return;
    events.push({
      route,
      method: ctx.method,
      path: ctx.path,
      query: Object.fromEntries(new URLSearchParams(ctx.querystring)),
      body: withoutSecrets(ctx.oidc.body),
      clientAuth: clientAuthOf(ctx),
      status: ctx.status,
      location: ctx.response.get('location') || undefined,
      error: typeof ctx.body === 'object' && ctx.body !== null ? ctx.body.error : undefined,
    });
  });
  provider.on('server_error', (ctx, error) => {
    events.push({ route: 'server_error', method: ctx.method, path: ctx.path, error: error.message });
  });

  server.on('request', provider.callback());

  // Builds each client once, so bad metadata fails here and not in the middle of a test.
  const validate = async (id) => {
    if (!(await provider.Client.find(id))) throw new Error(`idp: client ${id} is not valid`);
  };
  for (const id of clients.keys()) await validate(id);

  let stopping;
  return {
    issuer,
    port,
    provider,
    clients,
    accounts,
    events,
    // Claims for an account id: {name, orgs: [{id, name}]}; merged into what was set before.
    setAccount(id, claims) {
      accounts.set(id, { ...accounts.get(id), ...claims });
    },
    async setRedirectUris(clientId, uris) {
      const current = clients.get(clientId);
      if (!current) throw new Error(`idp: no client ${clientId}`);
      clients.set(clientId, { ...current, redirect_uris: [...uris] });
      await validate(clientId);
    },
    async setClient(metadata) {
      clients.set(metadata.client_id, withDefaults(metadata));
      await validate(metadata.client_id);
    },
    // The recorded requests of one route ('token', 'introspection', 'userinfo', 'authorization', ...).
    eventsFor(route) {
      return events.filter((e) => e.route === route);
    },
    stop() {
      stopping ??= new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}

function withDefaults(metadata) {
  return { redirect_uris: [k_placeholder_redirect_uri], ...structuredClone(metadata) };
}

// oidc-provider's `loadExistingGrant` hook, used to skip consent: the session's grant for the client
// (or a new one) gains every scope and claim the request asks for.
async function grantEverythingRequested(ctx) {
  const { provider, client, session, params } = ctx.oidc;
  const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
  const grant = (grantId && (await provider.Grant.find(grantId)))
    || new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  if (params.scope) grant.addOIDCScope(params.scope);
  if (params.claims) {
    const requested = JSON.parse(params.claims);
    grant.addOIDCClaims(Object.keys({ ...requested.userinfo, ...requested.id_token }));
  }
  await grant.save();
  return grant;
}

function withoutSecrets(body) {
  if (!body || typeof body !== 'object') return undefined;
  return Object.fromEntries(Object.entries(body).filter(([key]) => !k_secret_params.has(key)));
}

// How the caller authenticated: 'basic' (with the client_id from the header), 'post', 'bearer', or 'none'.
function clientAuthOf(ctx) {
  const header = ctx.get('authorization');
  if (/^basic /i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    return { method: 'basic', clientId: decodeURIComponent(decoded.split(':')[0]) };
  }
  if (/^bearer /i.test(header)) return { method: 'bearer' };
  if (ctx.oidc?.body?.client_secret) return { method: 'post', clientId: ctx.oidc.body.client_id };
  return { method: 'none', clientId: ctx.oidc?.body?.client_id };
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// oidc-provider prints development notices (devInteractions, default policies) through console.warn
// and console.info; they say nothing about the test. IDP_VERBOSE=1 keeps them.
function quietOidcProviderNotices() {
  if (process.env.IDP_VERBOSE || globalThis.__mcpedgeIdpQuiet) return;
  globalThis.__mcpedgeIdpQuiet = true;
  for (const level of ['warn', 'info']) {
    const original = console[level];
    console[level] = (...args) => {
      if (typeof args[0] === 'string' && /^(\x1b\[[\d;]*m)?oidc-provider (WARNING|NOTICE):/.test(args[0])) return;
      original.apply(console, args);
    };
  }
}

// RFC 8693 token exchange, which oidc-provider leaves to the deployment: the subject token must be an
// access token this IdP issued and still considers valid; the new token is for the same user and grant,
// marked `exchanged` and carrying the requested audience, so an API that introspects it can tell.
export const k_token_exchange = 'urn:ietf:params:oauth:grant-type:token-exchange';
function registerTokenExchange(provider) {
  const { errors } = Provider;
  provider.registerGrantType(k_token_exchange, async (ctx) => {
    const { subject_token: subjectToken, subject_token_type: subjectType, audience } = ctx.oidc.params;
    if (subjectType !== 'urn:ietf:params:oauth:token-type:access_token')
      throw new errors.InvalidRequest('subject_token_type must be urn:ietf:params:oauth:token-type:access_token');
    const subject = await provider.AccessToken.find(subjectToken);
    if (!subject || subject.isExpired) throw new errors.InvalidGrant('subject_token is not an active access token');
    const exchanged = new provider.AccessToken({
      accountId: subject.accountId,
      client: ctx.oidc.client,
      grantId: subject.grantId,
      scope: subject.scope,
      gty: 'token_exchange',
      extra: { exchanged: true, audience: audience ?? null, name: subject.extra?.name, orgs: subject.extra?.orgs },
    });
    const value = await exchanged.save();
    ctx.body = {
      access_token: value,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: exchanged.expiration,
      scope: subject.scope,
    };
  }, ['subject_token', 'subject_token_type', 'requested_token_type', 'audience', 'scope', 'resource']);
}

