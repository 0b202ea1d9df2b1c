// Runs wrk and reads its report: requests/s, latency percentiles (µs), failures.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
export const scripts = { post: path.join(here, '../wrk/post.lua'), refresh: path.join(here, '../wrk/refresh.lua') };

const k_units_us = { us: 1, ms: 1000, s: 1_000_000 };

function microseconds(text) {
  const m = text.match(/^([\d.]+)(us|ms|s)$/);
  return m ? Number(m[1]) * k_units_us[m[2]] : NaN;
}

// wrk's text report → {rps, requests, p50, p75, p90, p99 (µs), non2xx, socketErrors}.
export function parseReport(text) {
  const number = (re) => Number(text.match(re)?.[1] ?? NaN);
  const percentile = (p) => microseconds(text.match(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm'))?.[1] ?? '');
  const errors = text.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  return {
    rps: number(/Requests\/sec:\s+([\d.]+)/),
    requests: number(/(\d+) requests in/),
    p50: percentile(50),
    p75: percentile(75),
    p90: percentile(90),
    p99: percentile(99),
    non2xx: number(/Non-2xx or 3xx responses: (\d+)/) || 0,
    socketErrors: errors ? errors.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
  };
}

const k_clock = /(\d+)m([\d.]+)s/g;

// wrk -t threads -c connections -d seconds --latency -s script url, with `env` for the script.
// The result's cpuSeconds is the CPU time (user + system) wrk itself used, read from bash's `times`.
export async function wrk(url, { threads = 1, connections = 32, seconds = 10, script = scripts.post, env = {} } = {}) {
  const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, url];
  const { stdout } = await run('bash', ['-c', 'wrk "$@" && times', 'wrk', ...args], {
    env: { ...process.env, BENCH_THREADS: String(threads), ...env },
    maxBuffer: 1 << 20,
    timeout: (seconds + 30) * 1000,
  });
  const report = parseReport(stdout);
  if (!(report.rps >= 0) || !(report.requests >= 0)) throw new Error(`cannot read wrk's report:\n${stdout}`);
  // `times` prints the shell's own times, then its children's: "0m1.234s 0m0.567s".
  const children = stdout.trim().split('\n').at(-1);
  const cpuSeconds = [...children.matchAll(k_clock)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
  return { ...report, cpuSeconds, text: stdout };
}

// The environment post.lua reads: method, body, headers {name: value}, pacing delay.
export function requestEnv({ method = 'POST', body = '', headers = {}, delayMs } = {}) {
  return {
    BENCH_METHOD: method,
    BENCH_BODY: body,
    BENCH_HEADERS: Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n'),
    ...(delayMs ? { BENCH_DELAY_MS: String(delayMs) } : {}),
  };
}
