// Instructions per request, counted by callgrind: what a CPU change does, without the noise of wall-clock
// CPU time on a shared VM. Runs `mcpedge demo` (bench.yaml, one server thread) under valgrind, signs in,
// zeroes the counters, sends N sequential requests of one kind over one kept-alive connection, dumps
// the counters and divides. Kinds: tools/list, tools/call (to the local nginx upstream), and /token
// (refresh grant; one family, each reply's token used next). User-space instructions only: the kernel's
// share (system calls, wake-ups) is not counted. Valgrind's CPU lacks some extensions of the real one
// (SHA-NI among them), so OpenSSL takes its generic code there: digests count more than they cost.
// Requests go one at a time, so every /token commit carries one refresh (no group commit).
//
//   node bench/instructions.mjs [--requests N] [--keep DIR] BINARY...
//
// Prints one line per binary and kind; compare binaries in one run. `--keep DIR` leaves each dump in
// DIR (for callgrind_annotate). Needs valgrind (Debian).
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startNginx } from './lib/nginx.mjs';
import { k_call_body, k_config, k_list_body, k_scope, mcpHeaders } from './lib/requests.mjs';
import { registerClient, signIn } from './lib/signin.mjs';

const args = process.argv.slice(2);
let requests = 2000;
let keep;
const binaries = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--requests') requests = Number(args[++i]);
  else if (args[i] === '--keep') keep = path.resolve(args[++i]);
  else binaries.push(path.resolve(args[i]));
}
try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  console.error('bench/instructions.mjs needs valgrind: apt-get install valgrind');
  process.exit(2);
}
if (!binaries.length || !(requests > 0)) {
  console.error('usage: node bench/instructions.mjs [--requests N] [--keep DIR] BINARY...');
  process.exit(2);
}

const k_bodies = { 'tools/list': k_list_body, 'tools/call': k_call_body };

async function post(url, body, headers) {
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${text}`);
  return text;
}

// Starts the binary under callgrind; resolves with its origin once it listens.
async function startUnderCallgrind(binary, outFile, upstream) {
  const data = mkdtempSync(path.join(tmpdir(), 'mcpedge-instr-'));
  const port = await freePort();
  const proc = spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${outFile}`, binary, 'demo', '--listen',
    `127.0.0.1:${port}`, '--data', data, '--config', k_config, '--threads', '1'],
  { env: { ...process.env, BENCH_UPSTREAM_URL: upstream }, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => { out += d; if (/listening on/.test(out)) resolve(); });
    proc.on('exit', (code) => reject(new Error(`${binary} under callgrind exited (${code}): ${out}`)));
  });
  return { proc, data, origin: `http://127.0.0.1:${port}` };
}

// Total instructions (Ir) in a callgrind dump.
function totalIr(file) {
  const m = readFileSync(file, 'utf8').match(/^(?:summary|totals): (\d+)/m);
  if (!m) throw new Error(`no totals in ${file}`);
  return Number(m[1]);
}

async function measure(binary, kind, upstream) {
  const dir = mkdtempSync(path.join(tmpdir(), 'mcpedge-cg-'));
  const out = path.join(dir, 'callgrind.out');
  const server = await startUnderCallgrind(binary, out, upstream);
  try {
    const clientId = await registerClient(server.origin);
    let grant = await signIn(server.origin, clientId, { scope: k_scope });
    const headers = mcpHeaders(grant.access_token);
    const refresh = async () => {
      const text = await post(`${server.origin}/token`, new URLSearchParams({
        grant_type: 'refresh_token', client_id: clientId, refresh_token: grant.refresh_token,
      }).toString(), { 'Content-Type': 'application/x-www-form-urlencoded' });
      grant = JSON.parse(text);
    };
    const once = kind === '/token' ? refresh : () => post(`${server.origin}/mcp`, k_bodies[kind], headers);
    for (let i = 0; i < 50; i++) await once();  // warm: first-use loads (libcurl), caches, connections
    execFileSync('callgrind_control', ['--zero', String(server.proc.pid)], { stdio: 'ignore' });
    for (let i = 0; i < requests; i++) await once();
    execFileSync('callgrind_control', ['--dump', String(server.proc.pid)], { stdio: 'ignore' });
    const dumps = execFileSync('sh', ['-c', `ls ${dir}/callgrind.out.* 2>/dev/null || true`]).toString().trim().split('\n').filter(Boolean);
    if (!dumps.length) throw new Error('callgrind wrote no dump');
    if (keep) {
      mkdirSync(keep, { recursive: true });
      copyFileSync(dumps[dumps.length - 1], path.join(keep, `${path.basename(binary)}.${kind.replace(/\W/g, '')}.out`));
    }
    return totalIr(dumps[dumps.length - 1]) / requests;
  } finally {
    server.proc.kill('SIGKILL');
    rmSync(server.data, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

const nginx = await startNginx({ workers: 1, ceilingBody: '{}' });
try {
  console.log(`instructions per request (callgrind, user space), ${requests} requests each`);
  for (const kind of ['tools/list', 'tools/call', '/token']) {
    for (const binary of binaries) {
      const ir = await measure(binary, kind, nginx.upstreamOrigin);
      console.log(`  ${kind.padEnd(10)} ${Math.round(ir).toLocaleString('en-US').padStart(9)}  ${binary}`);
    }
  }
} finally {
  await nginx.stop();
}
