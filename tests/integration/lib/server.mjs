// Starts the real binary (`mcpedge demo`) on a free loopback port for a test, and a tiny JSON-RPC helper.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const binary = process.env.MCPEDGE_BIN ?? path.resolve(here, '../../../build/mcpedge');
// The demo's tool table as it stands in the tree; the binary embeds the copy it was configured with
// and uses that one when no `config` is given.
export const demoTable = path.resolve(here, '../../../examples/workflows.yaml');

const k_start_timeout_ms = 10_000;
const k_stop_timeout_ms = 20_000;  // above the default 10 s drain

// Spawns `mcpedge demo --listen 127.0.0.1:0 --data <fresh dir> [--config FILE]` and resolves once it
// prints its "listening" line. `env` is added to this process's environment. `data` reuses a data
// directory (kept on stop: a restart test starts the demo on it again) and `listen` fixes the address.
export async function startDemo({ config, env, args = [], data: reuse, listen = '127.0.0.1:0' } = {}) {
  const data = reuse ?? mkdtempSync(path.join(tmpdir(), 'mcpedge-it-'));
  const argv = ['demo', '--listen', listen, '--data', data, ...(config ? ['--config', config] : []), ...args];
  const proc = spawn(binary, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => resolve({ code, signal }));
    proc.on('error', (error) => resolve({ code: null, signal: null, error }));
  });

  const started = await new Promise((resolve, reject) => {
    let apiKey;
    let settled = false;
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      proc.kill('SIGKILL');
      if (!reuse) rmSync(data, { recursive: true, force: true });
      reject(new Error(`${binary} ${argv.join(' ')}: ${why}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`no "listening" line within ${k_start_timeout_ms} ms`), k_start_timeout_ms);
    proc.stdout.on('data', (d) => {
      stdout += d;
      apiKey ??= stdout.match(/^demo API key .*: (\S+)$/m)?.[1];
      const listening = stdout.match(/^mcpedge listening on (http:\/\/[^/\s]+)\/mcp with (\d+) tools/m);
      if (listening && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ origin: listening[1], toolCount: Number(listening[2]), apiKey });
      }
    });
    exited.then(({ code, signal, error }) => fail(error ? `cannot start: ${error.message}` : `exited early (code ${code}, signal ${signal})`));
  });

  const { origin } = started;
  let stopping;
  return {
    ...started,
    url: `${origin}/mcp`,
    port: Number(new URL(origin).port),
    proc,
    data,
    exited,
    output: () => ({ stdout, stderr }),
    // SIGTERM, then the exit status ({code, signal}); asserting code 0 is up to the test.
    stop() {
      stopping ??= (async () => {
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), k_stop_timeout_ms);
        const status = await exited;
        clearTimeout(timer);
        if (!reuse) rmSync(data, { recursive: true, force: true });
        return status;
      })();
      return stopping;
    },
  };
}

// POSTs one JSON-RPC body (an object, or a string sent as-is) and reads the reply: `json` is the
// parsed body, or the last `data:` of an SSE reply; null when the body is not JSON.
export async function rpc(url, body, headers = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let payload = text;
  if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    const data = text.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).filter(Boolean);
    payload = data.at(-1) ?? '';
  }
  let json = null;
  try { json = JSON.parse(payload); } catch { /* not JSON: the caller checks text */ }
  return { status: res.status, headers: res.headers, text, json };
}
