// The benchmark harness (bench/run.sh runs it): every workload of the benchmark issue against
// mcpedge and its peers in one run, then a table of numbers and ratios, each target met or missed.
//   node harness.mjs [--smoke] [--json FILE]     (MCPEDGE_BIN names the binary)
// --smoke runs every workload tiny and exits non-zero when something does not work; a full run
// exits non-zero only on such failures too, never on a missed target.
import { fork, spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNginx, freePort, k_item_body } from './lib/nginx.mjs';
import { registerClient, signIn, signInMany } from './lib/signin.mjs';
import { k_call_body, k_config, k_list_body, k_scope, mcpHeaders } from './lib/requests.mjs';
import { wrk, requestEnv, scripts } from './lib/wrk.mjs';
import { paced } from './lib/paced.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const smoke = argv.includes('--smoke');
const jsonOut = argv.includes('--json') ? argv[argv.indexOf('--json') + 1] : undefined;
// --only 1,3: just those workloads (for before/after comparisons of one fix).
const only = argv.includes('--only') ? new Set(argv[argv.indexOf('--only') + 1].split(',')) : undefined;
const wanted = (n) => !only || only.has(String(n));
if (!process.env.MCPEDGE_BIN) process.env.MCPEDGE_BIN = path.resolve(here, '../build-bench/mcpedge');
const binary = process.env.MCPEDGE_BIN;
const { startDemo } = await import('../tests/integration/lib/server.mjs');

const threads = Number(process.env.BENCH_THREADS ?? os.availableParallelism());
const plan = smoke
  ? { seconds: 1, warmup: 0, connections: 8, sseStreams: 200, ssePerProcess: 100, coldRuns: 2, idleMs: 200, refreshFamilies: 4 }
  : { seconds: 10, warmup: 2, connections: 64, sseStreams: 50_000, ssePerProcess: 0, coldRuns: 7, idleMs: 1000, refreshFamilies: 32 };
// BENCH_REFRESH_FAMILIES: /token connections (one refresh-token family each), for scaling runs.
if (process.env.BENCH_REFRESH_FAMILIES) plan.refreshFamilies = Number(process.env.BENCH_REFRESH_FAMILIES);
// BENCH_SSE_PER_PROCESS: SSE streams per mcpedge replica at most (0: as many as the fd limit allows);
// the smoke plan's 100 makes its 200 streams take the multi-replica path.
if (process.env.BENCH_SSE_PER_PROCESS) plan.ssePerProcess = Number(process.env.BENCH_SSE_PER_PROCESS);
const k_streams_per_client = 15_000;  // each client process stays under the per-process fd limit
const k_poster_connections = 4;       // per client process, for the SSE delivery workload

const failures = [];
const cleanups = [];
function fail(what) {
  failures.push(what);
  console.error(`FAILED: ${what}`);
}
function log(text) {
  console.log(`  ${text}`);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function percentile(xs, p) {
  if (!xs.length) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
// CPU seconds (user + system) a process and its threads have used so far.
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / k_clock_ticks;
}
const k_clock_ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

// A saturated wrk run that also returns the CPU µs per request spent by each process on the path:
// the server under test (`pids.server`, absent for direct calls), the nginx workers, and wrk.
async function loadWithCpu(label, url, options, pids) {
  const sample = () => ({
    server: pids.server ? cpuSeconds(pids.server) : 0,
    nginx: pids.nginx.reduce((sum, p) => sum + cpuSeconds(p), 0),
  });
  if (plan.warmup) await wrk(url, { ...options, seconds: plan.warmup });
  const before = sample();
  const result = await load(label, url, { ...options, warmup: false });
  const after = sample();
  const us = (seconds) => (seconds * 1e6) / Math.max(1, result.requests);
  result.cpuUs = { server: us(after.server - before.server), nginx: us(after.nginx - before.nginx), wrk: us(result.cpuSeconds) };
  result.cpuUs.total = result.cpuUs.server + result.cpuUs.nginx + result.cpuUs.wrk;
  const c = result.cpuUs;
  log(`  CPU per request: ${pids.server ? `mcpedge ${c.server.toFixed(1)} µs, ` : ''}nginx ${c.nginx.toFixed(1)} µs, wrk ${c.wrk.toFixed(1)} µs; total ${c.total.toFixed(1)} µs`);
  return result;
}

function rssKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/^VmRSS:\s+(\d+)/m)[1]);
}

// A wrk run with a warm-up first; records a failure when any reply was not 2xx or a socket failed.
async function load(label, url, options) {
  if (plan.warmup && options.warmup !== false) await wrk(url, { ...options, seconds: plan.warmup });
  const result = await wrk(url, { seconds: plan.seconds, ...options });
  if (result.requests === 0 || result.non2xx > 0 || result.socketErrors > 0) {
    fail(`${label}: ${result.requests} requests, ${result.non2xx} not 2xx, ${result.socketErrors} socket errors\n${result.text}`);
  }
  log(`${label}: ${Math.round(result.rps)} req/s, p50 ${Math.round(result.p50)} µs, p99 ${Math.round(result.p99)} µs`);
  return result;
}

// An open-loop run at a fixed rate (bench/paced.cpp); a failure when any reply was not 2xx or the
// rate was not reached (a generator that cannot keep up would understate the latency).
async function openLoop(label, url, options) {
  const result = await paced(url, options);
  if (result.requests === 0 || result.non2xx > 0) fail(`${label}: ${result.requests} requests, ${result.non2xx} not 2xx\n${result.text}`);
  if (result.rps < options.rate * 0.95) fail(`${label}: ${Math.round(result.rps)}/s sent, ${Math.round(options.rate)}/s wanted\n${result.text}`);
  log(`${label}: ${Math.round(result.rps)} req/s, p50 ${result.p50} µs, p99 ${result.p99} µs, p99.9 ${result.p999} µs`);
  return result;
}

async function startMcpedge() {
  const demo = await startDemo({
    config: k_config,
    env: { BENCH_UPSTREAM_URL: nginx.upstreamOrigin },
    args: ['--threads', String(threads)],
  });
  cleanups.push(() => demo.stop());
  const clientId = await registerClient(demo.origin);
  const grant = await signIn(demo.origin, clientId, { scope: k_scope });
  return { demo, clientId, grant };
}

async function startTsPeer(toolsFile) {
  const proc = spawn(process.execPath, [path.join(here, 'ts_peer.mjs'), toolsFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => proc.kill('SIGKILL'));
  const port = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (\d+)/);
      if (m) resolve(Number(m[1]));
    });
    proc.on('exit', (code) => reject(new Error(`the TypeScript peer exited (${code})`)));
  });
  return `http://127.0.0.1:${port}/mcp`;
}

// --- start-up ----------------------------------------------------------------------------------
console.log(`mcpedge benchmarks${smoke ? ' (smoke)' : ''}: ${binary}, ${threads} server threads, wrk -t1 -c${plan.connections}, ${plan.seconds} s per run`);
const nginx = await startNginx({ workers: threads, ceilingBody: '{}' });
cleanups.push(() => nginx.stop());
const results = { machine: {}, plan, threads, rows: {}, targets: [] };

try {
  const main = await startMcpedge();
  const { demo, grant } = main;
  const listReply = await fetch(demo.url, { method: 'POST', headers: mcpHeaders(grant.access_token), body: k_list_body });
  const listBytes = Buffer.from(await listReply.arrayBuffer());
  if (listReply.status !== 200) throw new Error(`tools/list: ${listReply.status} ${listBytes}`);
  const tools = JSON.parse(listBytes).result.tools;
  nginx.setCeilingBody(listBytes);
  const toolsFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'mcpedge-bench-')), 'tools.json');
  writeFileSync(toolsFile, JSON.stringify(tools));
  const tsUrl = await startTsPeer(toolsFile);
  const tsReply = await fetch(tsUrl, { method: 'POST', headers: mcpHeaders(), body: k_list_body });
  const tsTools = (await tsReply.json()).result?.tools ?? [];
  if (tsTools.length !== tools.length) fail(`the TypeScript peer lists ${tsTools.length} tools, mcpedge ${tools.length}`);
  const ceilingBytes = Buffer.from(await (await fetch(nginx.ceilingUrl, { method: 'POST', body: k_list_body })).arrayBuffer());
  if (!ceilingBytes.equals(listBytes)) fail('the nginx ceiling does not answer with mcpedge\'s tools/list bytes');
  console.log(`tools/list: ${tools.length} tools, ${listBytes.length} bytes`);

  // --- 1. tools/list ----------------------------------------------------------------------------
  if (wanted(1)) {
    console.log('1. authenticated tools/list (Streamable HTTP, JSON reply)');
    const listEnv = (token) => requestEnv({ body: k_list_body, headers: mcpHeaders(token) });
    const w1 = {
      mcpedge: await load('mcpedge', demo.url, { connections: plan.connections, env: listEnv(grant.access_token) }),
      typescript: await load('TypeScript SDK', tsUrl, { connections: plan.connections, env: listEnv() }),
      nginx: await load('nginx ceiling', nginx.ceilingUrl, { connections: plan.connections, env: listEnv() }),
    };
    results.rows.tools_list = w1;
  }

  // --- 2. tools/call ----------------------------------------------------------------------------
  if (wanted(2)) {
    console.log('2. authenticated tools/call to a local REST upstream vs calling it directly');
    const probe = await (await fetch(demo.url, { method: 'POST', headers: mcpHeaders(grant.access_token), body: k_call_body })).json();
    if (probe.result?.isError !== false && probe.result?.isError !== undefined) fail(`tools/call get_item: ${JSON.stringify(probe)}`);
    if (!JSON.stringify(probe).includes('item_1')) fail(`tools/call get_item did not return the upstream's body: ${JSON.stringify(probe)}`);
    const callEnv = requestEnv({ body: k_call_body, headers: mcpHeaders(grant.access_token) });
    const directEnv = requestEnv({ method: 'GET', body: '', headers: {} });
    const itemUrl = `${nginx.upstreamOrigin}/item`;
    const nginxWorkers = execFileSync('pgrep', ['-P', String(nginx.pid)]).toString().trim().split('\n').map(Number);
    const satCall = await loadWithCpu('mcpedge saturated', demo.url, { connections: plan.connections, env: callEnv }, { server: demo.proc.pid, nginx: nginxWorkers });
    const satDirect = await loadWithCpu('direct saturated', itemUrl, { connections: plan.connections, env: directEnv }, { nginx: nginxWorkers });
    // The reference for both targets: nginx as a plain reverse proxy in front of the same upstream
    // (kept-alive upstream connections, same number of workers), the cheapest gateway there is.
    const proxyUrl = `${nginx.proxyOrigin}/item`;
    const satProxy = await loadWithCpu('nginx reverse proxy saturated', proxyUrl, { connections: plan.connections, env: directEnv }, { nginx: nginxWorkers });
    // Half of mcpedge's saturation rate, open loop (bench/paced.cpp): requests are due at evenly
    // spaced instants whatever the server does, and each latency counts from when the request was
    // due, so queueing is never hidden. The direct calls get the same rate and connections.
    const halfRate = satCall.rps / 2;
    const pacedOptions = { rate: halfRate, seconds: plan.seconds, warmup: plan.warmup || 0.2, connections: plan.connections };
    const halfCall = await openLoop(`mcpedge at ${Math.round(halfRate)}/s open loop`, demo.url, { ...pacedOptions, env: callEnv });
    const halfDirect = await openLoop('direct, same rate', itemUrl, { ...pacedOptions, env: directEnv });
    const halfProxy = await openLoop('nginx reverse proxy, same rate', proxyUrl, { ...pacedOptions, env: directEnv });
    results.rows.tools_call = {
      saturated: { mcpedge: satCall, direct: satDirect, proxy: satProxy },
      half: { mcpedge: halfCall, direct: halfDirect, proxy: halfProxy, connections: plan.connections, targetRate: halfRate },
    };
  }

  // --- 5. /token (refresh grant) ----------------------------------------------------------------
  if (wanted(5)) {
    console.log('5. /token refresh grant');
    // One family per connection, plus the one wrk's script check takes (wrk/refresh.lua).
    const families = await signInMany(demo.origin, main.clientId, plan.refreshFamilies + 1, { scope: k_scope });
    const tokensFile = path.join(path.dirname(toolsFile), 'refresh_tokens.txt');
    writeFileSync(tokensFile, families.map((g) => g.refresh_token).join('\n') + '\n');
    const refreshEnv = { BENCH_TOKENS_FILE: tokensFile, BENCH_CLIENT_ID: main.clientId };
    // No warm-up: a warm-up run would leave its in-flight tokens rotated but unused.
    const cpuBefore = cpuSeconds(demo.proc.pid);
    const token = await wrk(`${demo.origin}/token`, { script: scripts.refresh, connections: plan.refreshFamilies, seconds: plan.seconds, env: refreshEnv });
    token.cpuUs = { server: ((cpuSeconds(demo.proc.pid) - cpuBefore) * 1e6) / Math.max(1, token.requests), wrk: (token.cpuSeconds * 1e6) / Math.max(1, token.requests) };
    if (token.requests === 0 || token.non2xx > plan.refreshFamilies || token.socketErrors > 0) {
      fail(`/token: ${token.requests} requests, ${token.non2xx} not 2xx, ${token.socketErrors} socket errors\n${token.text}`);
  }
  log(`/token refresh: ${Math.round(token.rps)} req/s, p50 ${Math.round(token.p50)} µs, p99 ${Math.round(token.p99)} µs, ${token.non2xx} not 2xx; CPU per refresh: mcpedge ${token.cpuUs.server.toFixed(1)} µs, wrk ${token.cpuUs.wrk.toFixed(1)} µs`);
  results.rows.token = token;
  }
  await demo.stop();

  // --- 3. legacy SSE streams --------------------------------------------------------------------
  if (wanted(3)) {
    console.log('3. idle legacy SSE streams: RSS per stream, then one message per stream');
    results.rows.sse = await sseWorkload();
  }

  // --- 4. cold start ----------------------------------------------------------------------------
  if (wanted(4)) {
    console.log('4. cold start (exec → first authenticated tools/list answered 200) and idle RSS');
    results.rows.cold = await coldStart();
  }
} catch (error) {
  fail(error.stack ?? String(error));
} finally {
  for (const cleanup of cleanups.reverse()) {
    try { await cleanup(); } catch { /* already gone */ }
  }
}

// How many streams one mcpedge process holds here, and what bounds it: the open-file limit (the
// server needs one descriptor per stream plus its own: listeners, SQLite, epoll, posters), or
// BENCH_SSE_PER_PROCESS / the smoke plan, which cap it lower to exercise the replica path.
function sseRoom() {
  const shell = (command) => Number(execFileSync('sh', ['-c', command]).toString().trim());
  const limit = shell('ulimit -n');
  const hard = shell('ulimit -Hn');
  const fdRoom = Math.max(0, limit - 300);
  const fdWhy = limit === hard ? `hard fd limit ${limit} per process` : `fd limit ${limit} per process (ulimit -n; hard ${hard})`;
  const capped = plan.ssePerProcess > 0 && plan.ssePerProcess < fdRoom;
  const room = capped ? plan.ssePerProcess : fdRoom;
  if (room < 1) throw new Error(`SSE: no room for a stream in one process (${fdWhy})`);
  const capWhy = capped ? `${process.env.BENCH_SSE_PER_PROCESS ? 'BENCH_SSE_PER_PROCESS' : 'smoke plan'}: ≤ ${room} per replica` : fdWhy;
  return { limit, fdRoom, fdWhy, room, capped, capWhy };
}

// `total` split into `parts` sizes that differ by one at most.
function evenSplit(total, parts) {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

function sseClient(clients) {
  const child = fork(path.join(here, 'sse_client.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  clients.push(child);
  return child;
}

// One request to a client process and its reply; a client that dies first fails it instead of
// leaving the harness waiting forever.
function ask(child, message, reply) {
  return new Promise((resolve, reject) => {
    child.once('message', (m) => (m.cmd === reply ? resolve(m) : reject(new Error(JSON.stringify(m)))));
    child.once('exit', (code, signal) => reject(new Error(`SSE client exited (${code ?? signal}) before '${reply}'`)));
    child.send(message);
  });
}

// One replica for `share` streams: its own mcpedge (demo, port, data dir, sign-in), warmed up with
// a few streams and one message each before its RSS baseline.
async function sseReplica(share, clients) {
  const { demo, grant } = await startMcpedge();
  const warm = sseClient(clients);
  await ask(warm, { cmd: 'open', port: demo.port, token: grant.access_token, count: 10, localAddress: '127.0.0.1', concurrency: 10 }, 'opened');
  await ask(warm, { cmd: 'deliver', connections: 1 }, 'delivered');
  warm.send({ cmd: 'close' });
  await sleep(300);
  return { demo, grant, share, clients: [], rssBeforeKiB: rssKb(demo.proc.pid) };
}

// Opens a replica's streams from client processes of ≤ k_streams_per_client streams each, every one
// bound to its own source address from `firstAddress` on: a (source, destination) pair has ~28k
// ephemeral ports, and a client holds one descriptor per stream under the same fd limit.
async function openReplicaStreams(replica, firstAddress, clients) {
  const started = Date.now();
  const counts = evenSplit(replica.share, Math.ceil(replica.share / k_streams_per_client));
  const opened = await Promise.all(counts.map((count, i) => {
    const child = sseClient(clients);
    replica.clients.push(child);
    const open = { cmd: 'open', port: replica.demo.port, token: replica.grant.access_token, count, localAddress: `127.0.0.${firstAddress + i}`, concurrency: 256 };
    return ask(child, open, 'opened');
  }));
  replica.openSeconds = (Date.now() - started) / 1000;
  replica.streams = opened.reduce((a, o) => a + o.opened, 0);
  const failed = opened.reduce((a, o) => a + o.failed, 0);
  if (failed) fail(`SSE: ${failed} of ${replica.share} streams did not open on port ${replica.demo.port} ${opened.map((o) => o.error).join(' ')}`);
  return counts.length;
}

// One message per stream of a replica, POSTed to that same replica (the endpoint event's relative
// /messages URL), k_poster_connections per client process.
async function deliverReplica(replica) {
  const delivered = await Promise.all(replica.clients.map((c) => ask(c, { cmd: 'deliver', connections: k_poster_connections }, 'delivered')));
  replica.latencies = delivered.flatMap((d) => d.latencies);
  replica.lost = delivered.reduce((a, d) => a + d.failed, 0);
  replica.p50 = percentile(replica.latencies, 50);
  replica.p99 = percentile(replica.latencies, 99);
}

// N idle streams over R = ceil(N / room) replicas (one process each, the product's scale story) when
// one process cannot hold them all; RSS per stream and delivery latency are pooled over all streams.
async function sseWorkload() {
  const { limit, fdRoom, fdWhy, room, capped, capWhy } = sseRoom();
  const wanted = plan.sseStreams;
  const shares = evenSplit(wanted, Math.ceil(wanted / room));
  const why = shares.length > 1 ? capWhy : '';
  const alsoCapped = why && capped ? `, and ${why}` : '';
  if (why) log(`${wanted} streams on ${shares.length} replicas (${shares.join(' + ')}): one process holds at most ~${fdRoom} (${fdWhy})${alsoCapped}`);
  const replicas = [];
  const clients = [];
  try {
    // One after another: each start signs in, which is no part of what is measured.
    for (const share of shares) replicas.push(await sseReplica(share, clients));
    let nextAddress = 2;
    for (const replica of replicas) nextAddress += await openReplicaStreams(replica, nextAddress, clients);
    await sleep(smoke ? 200 : 2000);
    for (const [i, replica] of replicas.entries()) {
      replica.rssAfterKiB = rssKb(replica.demo.proc.pid);
      replica.perStreamKiB = (replica.rssAfterKiB - replica.rssBeforeKiB) / Math.max(1, replica.streams);
      log(`replica ${i + 1} (port ${replica.demo.port}): ${replica.streams} streams open in ${replica.openSeconds.toFixed(1)} s (${replica.clients.length} client processes); RSS ${replica.rssBeforeKiB} → ${replica.rssAfterKiB} KiB: ${replica.perStreamKiB.toFixed(2)} KiB per stream`);
    }
    const streams = replicas.reduce((a, r) => a + r.streams, 0);
    const rssBeforeKiB = replicas.reduce((a, r) => a + r.rssBeforeKiB, 0);
    const rssAfterKiB = replicas.reduce((a, r) => a + r.rssAfterKiB, 0);
    const perStreamKiB = (rssAfterKiB - rssBeforeKiB) / Math.max(1, streams);
    const openSeconds = replicas.reduce((a, r) => a + r.openSeconds, 0);
    log(`${streams} streams open in ${openSeconds.toFixed(1)} s on ${replicas.length} replica(s); RSS ${rssBeforeKiB} → ${rssAfterKiB} KiB in all: ${perStreamKiB.toFixed(2)} KiB per stream`);
    // One replica at a time: deployed, each replica has cores of its own; all at once on these
    // 2 cores would measure the replicas' contention for them, not a replica's delivery.
    for (const [i, replica] of replicas.entries()) {
      await deliverReplica(replica);
      log(`replica ${i + 1}: delivery over ${k_poster_connections * replica.clients.length} POST connections (one in flight each): p50 ${replica.p50} µs, p99 ${replica.p99} µs, ${replica.latencies.length} delivered, ${replica.lost} lost`);
    }
    const latencies = replicas.flatMap((r) => r.latencies);
    const lost = replicas.reduce((a, r) => a + r.lost, 0);
    if (lost) fail(`SSE: ${lost} of ${streams} messages were not delivered`);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    log(`delivery of one message per stream, pooled over ${replicas.length} replica(s): p50 ${p50} µs, p99 ${p99} µs; ${latencies.length} delivered, ${lost} lost`);
    const perReplica = replicas.map((r) => ({
      port: r.demo.port, streams: r.streams, rssBeforeKiB: r.rssBeforeKiB, rssAfterKiB: r.rssAfterKiB, perStreamKiB: r.perStreamKiB,
      openSeconds: r.openSeconds, delivered: r.latencies.length, lost: r.lost, p50: r.p50, p99: r.p99,
    }));
    return { wanted, streams, limit, why, capped, oneProcessMax: fdRoom, oneProcessWhy: fdWhy, replicas: perReplica, rssBeforeKiB, rssAfterKiB, perStreamKiB, openSeconds, delivered: latencies.length, lost, p50, p99 };
  } finally {
    for (const c of clients) if (c.connected) c.send({ cmd: 'close' });
    // A replica whose start failed is not in `replicas`: startMcpedge's entry in `cleanups` stops it.
    await Promise.all(replicas.map((r) => r.demo.stop()));
  }
}

async function coldStart() {
  const helper = process.env.BENCH_COLDSTART ?? path.join(here, '.out/coldstart');
  const data = mkdtempSync(path.join(os.tmpdir(), 'mcpedge-bench-cold-'));
  const port = await freePort();
  const args = ['demo', '--listen', `127.0.0.1:${port}`, '--data', data, '--config', k_config, '--threads', String(threads)];
  const env = { ...process.env, BENCH_UPSTREAM_URL: nginx.upstreamOrigin };
  // A first start creates the data directory (key ring, store) and signs in; the measured starts
  // are restarts on that directory, answering an authenticated tools/list.
  const first = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((resolve, reject) => {
    let out = '';
    first.stdout.on('data', (d) => { out += d; if (/listening on/.test(out)) resolve(); });
    first.on('exit', (code) => reject(new Error(`mcpedge demo exited (${code})`)));
  });
  const origin = `http://127.0.0.1:${port}`;
  const grant = await signIn(origin, await registerClient(origin), { scope: k_scope });
  const stopped = new Promise((r) => first.on('exit', r));
  first.kill('SIGTERM');
  await stopped;
  const request = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${Object.entries(mcpHeaders(grant.access_token)).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\nContent-Length: ${k_list_body.length}\r\nConnection: close\r\n\r\n${k_list_body}`;
  const requestFile = path.join(data, 'request.http');
  writeFileSync(requestFile, request);
  const runs = [];
  for (let i = 0; i < plan.coldRuns; i++) {
    const out = execFileSync(helper, [String(port), requestFile, String(plan.idleMs), '--', binary, ...args], { env }).toString();
    const m = out.match(/ready_us=(\d+) idle_rss_kb=(\d+)/);
    if (!m) throw new Error(`coldstart printed ${out}`);
    runs.push({ readyUs: Number(m[1]), idleRssKiB: Number(m[2]) });
  }
  rmSync(data, { recursive: true, force: true });
  const readyUs = median(runs.map((r) => r.readyUs));
  const idleRssKiB = median(runs.map((r) => r.idleRssKiB));
  const floorKiB = await rssFloor();
  log(`cold start: median ${(readyUs / 1000).toFixed(1)} ms over ${runs.length} starts (${runs.map((r) => (r.readyUs / 1000).toFixed(1)).join(', ')}); idle RSS ${(idleRssKiB / 1024).toFixed(1)} MiB; a process that only loads mcpedge's libraries: ${(floorKiB / 1024).toFixed(1)} MiB`);
  return { runs, readyUs, idleRssKiB, floorKiB };
}

// VmRSS of bench/rss_floor.cpp once it has loaded and initialized mcpedge's shared libraries.
async function rssFloor() {
  const proc = spawn(path.join(here, '.out/rss_floor'), [], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((resolve, reject) => {
      proc.stdout.on('data', (d) => { if (/ready/.test(String(d))) resolve(); });
      proc.on('exit', (code) => reject(new Error(`rss_floor exited (${code})`)));
    });
    await sleep(plan.idleMs);
    return rssKb(proc.pid);
  } finally {
    proc.kill('SIGTERM');
  }
}

// --- the table -----------------------------------------------------------------------------------
const r = results.rows;
const fmt = (x, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const lines = [];
lines.push('');
lines.push('| workload | subject | req/s | p50 µs | p99 µs | other |');
lines.push('|---|---|---:|---:|---:|---|');
const row = (w, s, x, other = '') => lines.push(`| ${w} | ${s} | ${fmt(x?.rps)} | ${fmt(x?.p50)} | ${fmt(x?.p99)} | ${other} |`);
if (r.tools_list) {
  row('1 tools/list', 'mcpedge (authenticated)', r.tools_list.mcpedge);
  row('1 tools/list', 'TypeScript SDK 1.32.2 + express', r.tools_list.typescript);
  row('1 tools/list', `nginx ceiling (${threads} workers)`, r.tools_list.nginx);
}
if (r.tools_call) {
  const cpu = (c) => `CPU µs per call: ${c.server ? `mcpedge ${fmt(c.server, 1)}, ` : ''}nginx ${fmt(c.nginx, 1)}, wrk ${fmt(c.wrk, 1)}`;
  row('2 tools/call', 'mcpedge saturated', r.tools_call.saturated.mcpedge, cpu(r.tools_call.saturated.mcpedge.cpuUs));
  row('2 tools/call', 'direct to upstream saturated', r.tools_call.saturated.direct, cpu(r.tools_call.saturated.direct.cpuUs));
  row('2 tools/call', 'mcpedge at half saturation', r.tools_call.half.mcpedge, `open loop at ${fmt(r.tools_call.half.targetRate)}/s, ${r.tools_call.half.connections} conns; p99.9 ${fmt(r.tools_call.half.mcpedge.p999)} µs`);
  row('2 tools/call', 'direct, same rate', r.tools_call.half.direct, `p99.9 ${fmt(r.tools_call.half.direct.p999)} µs`);
  row('2 tools/call', 'nginx reverse proxy saturated', r.tools_call.saturated.proxy, cpu(r.tools_call.saturated.proxy.cpuUs));
  row('2 tools/call', 'nginx reverse proxy, same rate', r.tools_call.half.proxy, `p99.9 ${fmt(r.tools_call.half.proxy.p999)} µs`);
}
if (r.sse) {
  const { replicas } = r.sse;
  const spread = replicas.length > 1 ? `; on ${replicas.length} replicas (${r.sse.why})` : '';
  lines.push(`| 3 sse | ${r.sse.streams} idle streams | n/a | ${fmt(r.sse.p50)} | ${fmt(r.sse.p99)} | ${fmt(r.sse.perStreamKiB, 2)} KiB RSS per stream; ${r.sse.delivered} messages delivered, ${r.sse.lost} lost${spread} |`);
  if (replicas.length > 1) {
    for (const [i, x] of replicas.entries()) {
      lines.push(`| 3 sse | replica ${i + 1} of ${replicas.length}: ${x.streams} streams | n/a | ${fmt(x.p50)} | ${fmt(x.p99)} | ${fmt(x.perStreamKiB, 2)} KiB RSS per stream (RSS ${x.rssBeforeKiB} → ${x.rssAfterKiB} KiB); ${x.delivered} delivered |`);
    }
  }
  // Informational: what a single process can hold here, whatever the replicas held.
  lines.push(`| 3 sse | one process at most | n/a | n/a | n/a | ~${r.sse.oneProcessMax} streams (${r.sse.oneProcessWhy}) |`);
}
if (r.cold) {
  lines.push(`| 4 cold start | mcpedge demo restart | n/a | n/a | n/a | ${fmt(r.cold.readyUs / 1000, 1)} ms to first 200; idle RSS ${fmt(r.cold.idleRssKiB / 1024, 1)} MiB |`);
  lines.push(`| 4 idle RSS floor | its shared libraries alone (bench/rss_floor.cpp) | n/a | n/a | n/a | idle RSS ${fmt(r.cold.floorKiB / 1024, 1)} MiB |`);
}
if (r.token) row('5 /token', 'refresh grant', r.token, `${r.token.non2xx} not 2xx; CPU µs per refresh: mcpedge ${fmt(r.token.cpuUs.server, 1)}, wrk ${fmt(r.token.cpuUs.wrk, 1)}`);

const target = (name, value, goal, met, shown) => results.targets.push({ name, value, goal, met, shown });
if (r.tools_list) {
  const vsTs = r.tools_list.mcpedge.rps / r.tools_list.typescript.rps;
  const vsNginx = r.tools_list.mcpedge.rps / r.tools_list.nginx.rps;
  target('tools/list vs TypeScript SDK', vsTs, '≥ 25×', vsTs >= 25, `${fmt(vsTs, 1)}×`);
  target('tools/list vs nginx ceiling', vsNginx, '≥ 60%', vsNginx >= 0.6, `${fmt(vsNginx * 100, 0)}%`);
}
if (r.tools_call) {
  const { half, saturated } = r.tools_call;
  const added = half.mcpedge.p99 - half.direct.p99;
  const share = saturated.mcpedge.rps / saturated.direct.rps;
  // What nginx as a reverse proxy gets on the same measures, shown beside each (not a target).
  const proxyAdded = half.proxy.p99 - half.direct.p99;
  const proxyShare = saturated.proxy.rps / saturated.direct.rps;
  target('tools/call added p99 at half saturation', added, '≤ 150 µs', added <= 150, `${fmt(added)} µs (nginx proxy: ${fmt(proxyAdded)} µs)`);
  target('tools/call throughput vs direct', share, '≥ 50%', share >= 0.5, `${fmt(share * 100, 0)}% (nginx proxy: ${fmt(proxyShare * 100, 0)}%)`);
}
if (r.sse) {
  // Met only when every one of the 50,000 streams was held and got its message, on however many
  // replicas; the shown text names them and what one process holds.
  const count = (x) => x.toLocaleString('en-US');
  const held = r.sse.streams >= 50_000 && r.sse.delivered === r.sse.streams;
  const shortfall = r.sse.delivered < r.sse.streams ? `, ${count(r.sse.delivered)} delivered` : '';
  const cap = r.sse.why && r.sse.capped ? ` (${r.sse.why})` : '';
  const spread = r.sse.replicas.length > 1 ? ` on ${r.sse.replicas.length} replicas${cap}; one process: ≤ ${count(r.sse.oneProcessMax)} (fd limit)` : '';
  target('SSE streams held', r.sse.streams, '50,000', held, `${count(r.sse.streams)}${shortfall}${spread}`);
  target('SSE RSS per stream', r.sse.perStreamKiB, '≤ 4 KiB', r.sse.perStreamKiB <= 4, `${fmt(r.sse.perStreamKiB, 2)} KiB`);
  target('SSE delivery p99', r.sse.p99, '≤ 5 ms', r.sse.p99 <= 5000, `${fmt(r.sse.p99 / 1000, 2)} ms`);
}
if (r.cold) {
  target('cold start', r.cold.readyUs, '≤ 30 ms', r.cold.readyUs <= 30_000, `${fmt(r.cold.readyUs / 1000, 1)} ms`);
  target('idle RSS', r.cold.idleRssKiB, '≤ 15 MB', r.cold.idleRssKiB * 1024 <= 15e6, `${fmt((r.cold.idleRssKiB * 1024) / 1e6, 1)} MB (libraries alone: ${fmt((r.cold.floorKiB * 1024) / 1e6, 1)} MB)`);
}
if (r.token) target('/token refresh throughput', r.token.rps, '≥ 20,000/s', r.token.rps >= 20_000, `${fmt(r.token.rps)}/s`);

lines.push('');
lines.push('| target | measured | goal | status |');
lines.push('|---|---:|---|---|');
for (const t of results.targets) lines.push(`| ${t.name} | ${t.shown} | ${t.goal} | ${t.met ? 'met' : 'MISSED'} |`);
console.log(lines.join('\n'));
if (jsonOut) {
  writeFileSync(jsonOut, JSON.stringify(results, (k, v) => (k === 'text' ? undefined : v), 2));
}
if (failures.length) {
  console.log(`\n${failures.length} failure(s): the harness did not work as intended`);
  process.exit(1);
}
console.log(`\n${results.targets.filter((t) => t.met).length} of ${results.targets.length} targets met`);
