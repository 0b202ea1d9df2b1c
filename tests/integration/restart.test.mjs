// What must survive `kill -9`: a user signs in, the process is killed without warning between the
// sign-in and the refresh, and the restarted server (same data directory, same address) still accepts
// the access token, rotates the refresh token, and remembers the rotation (reuse of the old one is
// detected), so no client has to sign in again after a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
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
    const reuse = await fetch(`${demo.origin}/token`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: before.refresh_token,
        client_id: provider.clientInformation().client_id }),
    });
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
