// A fetch-based stand-in for a browser in OAuth flows: cookies, manual redirects and HTML form submission.
//
// followAuthorization() walks from an authorization URL to the redirect that starts with `stopAt`,
// answering oidc-provider's devInteractions login and consent pages itself and asking `onPage` about
// any other HTML page (mcpedge's consent and org picker). It never requests the `stopAt` URL.
// Cookies are kept per scheme://host:port (stricter than browsers, which ignore the port), so the IdP's
// and mcpedge's cookies on 127.0.0.1 never mix. POSTs carry an Origin header like a browser's.
import { createHash, randomBytes } from 'node:crypto';

const k_max_steps = 40;

export class CookieJar {
  #cookies = new Map(); // origin -> Map("name\0path" -> {name, value, path, expires})

  // Stores the Set-Cookie headers of `response`, received for a request to `url`.
  store(url, response) {
    const { origin, pathname } = new URL(url);
    const lines = response.headers.getSetCookie?.() ?? [];
    for (const line of lines) {
      const cookie = parseSetCookie(line, defaultPath(pathname));
      if (!cookie) continue;
      const jar = this.#cookies.get(origin) ?? new Map();
      this.#cookies.set(origin, jar);
      const key = `${cookie.name}\0${cookie.path}`;
      if (cookie.expires !== undefined && cookie.expires <= Date.now()) jar.delete(key);
      else jar.set(key, cookie);
    }
  }

  // The Cookie header value for a request to `url` (undefined when there is none).
  header(url) {
    const { origin, pathname } = new URL(url);
    const now = Date.now();
    const matching = [...(this.#cookies.get(origin)?.values() ?? [])]
      .filter((c) => (c.expires === undefined || c.expires > now) && pathMatches(pathname, c.path))
      .sort((a, b) => b.path.length - a.path.length); // RFC 6265 §5.4: longer paths first
    return matching.length ? matching.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  // {name: value} of the cookies that would be sent to `url`.
  get(url) {
    const header = this.header(url);
    if (!header) return {};
    return Object.fromEntries(header.split('; ').map((pair) => {
      const eq = pair.indexOf('=');
      return [pair.slice(0, eq), pair.slice(eq + 1)];
    }));
  }

  clear() {
    this.#cookies.clear();
  }
}

// One request as a browser makes it without following redirects: cookies from and into `jar`.
// Returns {response, text} (text is the body, read once).
export async function request(url, { method = 'GET', body, headers = {}, jar, referrer } = {}) {
  const all = { ...headers };
  const cookie = jar?.header(url);
  if (cookie) all.cookie = cookie;
  if (method !== 'GET' && method !== 'HEAD' && referrer) all.origin = new URL(referrer).origin;
  if (body !== undefined && !all['content-type']) all['content-type'] = 'application/x-www-form-urlencoded';
  const response = await fetch(url, { method, body, headers: all, redirect: 'manual' });
  jar?.store(url, response);
  const text = await response.text();
  return { response, text };
}

// Every <form> of `html`: [{action, method, fields: {name: value}, buttons: [{name, value, text}],
// choices: {name: [values]}}]. `fields` holds what a browser would submit without a click: hidden,
// text-like, checked radio and checkbox inputs, selected options and textareas; `choices` lists every
// value of radio inputs and selects; `buttons` lists submit buttons (name may be undefined).
// `action` is as written (entity-decoded; '' means the page itself); `method` is 'GET' or 'POST'.
export function parseForms(html) {
  const forms = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form\s*>/gi)) {
    const attrs = parseAttributes(match[1]);
    const inner = match[2];
    const form = {
      action: attrs.action ?? '',
      method: (attrs.method ?? 'get').toUpperCase(),
      fields: {},
      buttons: [],
      choices: {},
    };
    const controls = /<(input|button|select|textarea)\b([^>]*)>(?:([\s\S]*?)<\/\1\s*>)?/gi;
    for (const [, tag, rawAttrs, content = ''] of inner.matchAll(controls)) {
      const a = parseAttributes(rawAttrs);
      const kind = tag.toLowerCase();
      if ('disabled' in a) continue;
      if (kind === 'button') {
        if ((a.type ?? 'submit').toLowerCase() === 'submit') {
          form.buttons.push({ name: a.name, value: a.value ?? '', text: textOf(content) });
        }
        continue;
      }
      if (a.name === undefined) continue;
      if (kind === 'textarea') {
        form.fields[a.name] = decodeEntities(content);
      } else if (kind === 'select') {
        const options = [...content.matchAll(/<option\b([^>]*)>([^<]*)/gi)]
          .map(([, optionAttrs, label]) => ({ ...parseAttributes(optionAttrs), label: decodeEntities(label).trim() }));
        form.choices[a.name] = options.map((o) => o.value ?? o.label);
        const chosen = options.find((o) => 'selected' in o) ?? options[0];
        if (chosen) form.fields[a.name] = chosen.value ?? chosen.label;
      } else {
        const type = (a.type ?? 'text').toLowerCase();
        if (type === 'submit' || type === 'image') {
          form.buttons.push({ name: a.name, value: a.value ?? '', text: a.value ?? '' });
        } else if (type === 'radio' || type === 'checkbox') {
          (form.choices[a.name] ??= []).push(a.value ?? 'on');
          if ('checked' in a) form.fields[a.name] = a.value ?? 'on';
        } else if (type !== 'reset' && type !== 'button' && type !== 'file') {
          form.fields[a.name] = a.value ?? '';
        }
      }
    }
    forms.push(form);
  }
  return forms;
}

// Submits `form` (from parseForms of the page at `url`) with `overrides` applied: {name: value} adds or
// replaces a field (use it to name the clicked button, e.g. {decision: 'approve'}), {name: undefined}
// drops one. Does not follow redirects; returns {response, text, url} where url is the request URL.
export async function submitForm(url, form, overrides = {}, jar) {
  const values = { ...form.fields, ...overrides };
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    for (const one of Array.isArray(value) ? value : [value]) params.append(name, String(one));
  }
  const target = new URL(form.action || url, url);
  if (form.method === 'GET') {
    target.search = params.toString();
    return { ...(await request(target.href, { jar })), url: target.href };
  }
  const result = await request(target.href, { method: 'POST', body: params.toString(), jar, referrer: url });
  return { ...result, url: target.href };
}

// Walks an authorization flow from `startUrl` and returns the first redirect target that starts with
// `stopAt` (a string), without requesting it.
//   jar: CookieJar (a fresh one by default; pass one to keep the IdP session between flows)
//   login / password: what to type into oidc-provider's devInteractions login form
//   upstreamConsent: 'approve' (submit the IdP's consent form) or 'deny' (follow its abort link)
//   onPage(url, html, forms, response): for any other page; return {form, overrides} to submit, or
//     {url} to GET next; returning nothing makes the walk fail with the page in the error.
//   trace: an array that receives {method, url, status} for every request made.
export async function followAuthorization(startUrl, {
  jar = new CookieJar(), login = 'alice', password = 'any-password', stopAt, onPage,
  upstreamConsent = 'approve', trace = [],
} = {}) {
  if (typeof stopAt !== 'string' || !stopAt) throw new Error('followAuthorization: stopAt (a URL prefix) is required');
  let next = { url: startUrl, method: 'GET' };
  for (let step = 0; step < k_max_steps; step++) {
    const { response, text, url } = next.form
      ? await submitForm(next.url, next.form, next.overrides, jar)
      : { ...(await request(next.url, { jar })), url: next.url };
    trace.push({ method: next.form?.method ?? 'GET', url, status: response.status });

    if (response.status >= 300 && response.status < 400) {
      const header = response.headers.get('location');
      if (!header) throw new Error(`${url}: ${response.status} without a Location header`);
      const location = new URL(header, url).href;
      if (location.startsWith(stopAt)) return location;
      if (!/^https?:$/.test(new URL(location).protocol)) {
        throw new Error(`${url}: redirected to ${location}, which is neither http(s) nor under stopAt ${stopAt}`);
      }
      next = { url: location };
      continue;
    }
    const pageDescription = () => `${url}: ${response.status}\n${text.slice(0, 2000)}`;
    if (response.status !== 200 || !/html/i.test(response.headers.get('content-type') ?? '')) {
      throw new Error(`followAuthorization: unexpected response from ${pageDescription()}`);
    }

    const forms = parseForms(text);
    const idpLogin = forms.find((f) => f.fields.prompt === 'login' && 'login' in f.fields && 'password' in f.fields);
    const idpConsent = forms.find((f) => f.fields.prompt === 'consent');
    if (idpLogin) {
      next = { url, form: idpLogin, overrides: { login, password } };
    } else if (idpConsent && upstreamConsent === 'deny') {
      const abort = text.match(/href="([^"]*\/interaction\/[^"]*\/abort)"/);
      if (!abort) throw new Error(`followAuthorization: no abort link on the IdP consent page ${pageDescription()}`);
      next = { url: new URL(decodeEntities(abort[1]), url).href };
    } else if (idpConsent) {
      next = { url, form: idpConsent, overrides: {} };
    } else {
      const answer = await onPage?.(url, text, forms, response);
      if (answer?.form) next = { url, form: answer.form, overrides: answer.overrides ?? {} };
      else if (answer?.url) next = { url: new URL(answer.url, url).href };
      else throw new Error(`followAuthorization: no answer for the page ${pageDescription()}`);
    }
  }
  throw new Error(`followAuthorization: more than ${k_max_steps} steps without reaching ${stopAt}:\n`
    + trace.map((t) => `${t.method} ${t.url} -> ${t.status}`).join('\n'));
}

// PKCE (RFC 7636 §4.1-4.2): a random verifier and its S256 challenge.
export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge, method: 'S256' };
}

function parseAttributes(text) {
  const attrs = {};
  for (const [, name, dq, sq, bare] of text.matchAll(/([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    attrs[name.toLowerCase()] = decodeEntities(dq ?? sq ?? bare ?? '');
  }
  return attrs;
}

const k_named_entities = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity) => {
    if (entity[0] === '#') {
      const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return k_named_entities[entity.toLowerCase()] ?? whole;
  });
}

function textOf(html) {
  return decodeEntities(html.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();
}

// RFC 6265 §5.2: Set-Cookie without Domain is host-only; Max-Age wins over Expires.
function parseSetCookie(line, fallbackPath) {
  const [pair, ...attributes] = line.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  const cookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), path: fallbackPath };
  let maxAge;
  for (const attribute of attributes) {
    const [rawKey, ...rest] = attribute.split('=');
    const key = rawKey.trim().toLowerCase();
    const value = rest.join('=').trim();
    if (key === 'path' && value.startsWith('/')) cookie.path = value;
    else if (key === 'max-age' && /^-?\d+$/.test(value)) maxAge = Number(value);
    else if (key === 'expires' && !Number.isNaN(Date.parse(value))) cookie.expires = Date.parse(value);
  }
  if (maxAge !== undefined) cookie.expires = Date.now() + maxAge * 1000;
  return cookie;
}

// RFC 6265 §5.1.4
function defaultPath(pathname) {
  if (!pathname.startsWith('/') || pathname.lastIndexOf('/') === 0) return '/';
  return pathname.slice(0, pathname.lastIndexOf('/'));
}

function pathMatches(requestPath, cookiePath) {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}
