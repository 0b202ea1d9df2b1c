// What must survive `kill -9`: a user signs in, the process is killed without warning between the
// sign-in and the refresh, and the restarted server (same data directory, same address) still accepts
// the access token, rotates the refresh token, and remembers the rotation (reuse of the old one is
// detected), so no client has to sign in again after a crash. Nor after an upgrade: refresh tokens
// issued before tokens were sealed still rotate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { startDemo, rpc } from './lib/server.mjs';
import { answerPages, signIn, whoami } from './lib/sign_in.mjs';

// A loopback port that was free a moment ago: the restarted server must come back on the same origin,
// because the issuer and the tokens' audience name it.
async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// POSTs a refresh grant for a public client.
function refreshGrant(origin, clientId, refreshToken) {
  return fetch(`${origin}/token`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }),
  });
}

test('kill -9 between sign-in and refresh: tokens, rotation and reuse detection survive the restart', async () => {
  const data = mkdtempSync(path.join(tmpdir(), 'mcpedge-restart-'));
  const listen = `127.0.0.1:${await freePort()}`;
  let demo = await startDemo({ data, listen });
  try {
    const { provider, client } = await signIn(demo.url, answerPages({ name: 'Ada Lovelace' }));
    assert.equal((await whoami(client)).user_id, 'ada-lovelace');
    await client.close();
    const before = provider.tokens();

    demo.proc.kill('SIGKILL');
    assert.equal((await demo.exited).signal, 'SIGKILL');
    demo = await startDemo({ data, listen });

    // The access token issued before the crash still opens (the key ring is in the data directory).
    const list = await rpc(demo.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      { Authorization: `Bearer ${before.access_token}` });
    assert.equal(list.status, 200, list.text);
    assert.ok(list.json.result.tools.length > 0);

    // The refresh token rotates (its family is in the store) and the new tokens work.
    assert.equal(await auth(provider, { serverUrl: new URL(demo.url) }), 'AUTHORIZED');
    const after = provider.tokens();
    assert.notEqual(after.refresh_token, before.refresh_token);
    const again = new Client({ name: 'after-restart', version: '1.0.0' });
    await again.connect(new StreamableHTTPClientTransport(new URL(demo.url), { authProvider: provider }));
    const me = await whoami(again);
    assert.deepEqual([me.key_kind, me.user_id], ['end_user', 'ada-lovelace'], 'the minted key survived too');
    await again.close();

    // Once the new refresh token is used, the pre-crash one is reuse: the whole family is revoked.
    assert.equal(await auth(provider, { serverUrl: new URL(demo.url) }), 'AUTHORIZED');
    const reuse = await refreshGrant(demo.origin, provider.clientInformation().client_id, before.refresh_token);
    assert.equal(reuse.status, 400);
    assert.equal((await reuse.json()).error, 'invalid_grant');
    const refused = await rpc(demo.url, { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      { Authorization: `Bearer ${provider.tokens().access_token}` });
    assert.equal(refused.status, 401, 'the family revoked by the reuse takes its access tokens with it');
  } finally {
    await demo.stop();
    rmSync(data, { recursive: true, force: true });
  }
});

test('a refresh token from before tokens were sealed rotates into a sealed one after the upgrade', async () => {
  const data = mkdtempSync(path.join(tmpdir(), 'mcpedge-upgrade-'));
  const listen = `127.0.0.1:${await freePort()}`;
  let demo = await startDemo({ data, listen });
  try {
    const { provider, client } = await signIn(demo.url, answerPages({ name: 'Ada Lovelace' }));
    await client.close();
    const clientId = provider.clientInformation().client_id;
    await demo.stop();

    // The store as store schema 4 leaves one written by an older mcpedge: the family's current token
    // is a random one (prefix and 43 characters), known by the hash of it, with a row of its own.
    const random = `mcprt_${randomBytes(32).toString('base64url')}`;
    const hash = createHash('sha256').update(random).digest('base64url');
    const now = Math.floor(Date.now() / 1000);
    const db = path.join(data, 'store.db');
    const sql = (statement) => execFileSync('sqlite3', ['-bail', db, statement], { encoding: 'utf8' }).trim();
    const family = sql('SELECT family_id FROM refresh_families');
    assert.match(family, /^\S+$/, 'one sign-in, one family');
    sql(`INSERT INTO refresh_tokens (token_hash, family_id, scopes, issued_at, expires_at)
         VALUES (CAST('${hash}' AS BLOB), '${family}', '${provider.tokens().scope ?? ''}', ${now}, ${now + 3600});
         UPDATE refresh_families SET current_hash = CAST('${hash}' AS BLOB), previous_hash = NULL, generation = 0,
           previous_generation = NULL, expires_at = ${now + 3600};`);
    demo = await startDemo({ data, listen });

    // The random token rotates; its successor is sealed and its access token works.
    const rotated = await refreshGrant(demo.origin, clientId, random);
    assert.equal(rotated.status, 200, await rotated.clone().text());
    const tokens = await rotated.json();
    assert.match(tokens.refresh_token, /^mcprt_/);
    assert.ok(tokens.refresh_token.length > random.length, 'a sealed token, not another random one');
    const list = await rpc(demo.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      { Authorization: `Bearer ${tokens.access_token}` });
    assert.equal(list.status, 200, list.text);

    // The sealed successor rotates in turn; then the random token is reuse and revokes the family.
    const next = await refreshGrant(demo.origin, clientId, tokens.refresh_token);
    assert.equal(next.status, 200, await next.clone().text());
    const newest = await next.json();
    const reuse = await refreshGrant(demo.origin, clientId, random);
    assert.equal(reuse.status, 400);
    assert.equal((await reuse.json()).error, 'invalid_grant');
    const revoked = await refreshGrant(demo.origin, clientId, newest.refresh_token);
    assert.equal(revoked.status, 400, 'the reuse revoked the whole family');
  } finally {
    await demo.stop();
    rmSync(data, { recursive: true, force: true });
  }
});
