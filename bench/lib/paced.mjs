// Runs bench/paced.cpp (open-loop load at a fixed rate; latency measured from when each request was
// due) and reads its one-line report.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const k_binary = process.env.BENCH_PACED ?? path.join(here, '../.out/paced');

// paced URL RATE SECONDS CONNECTIONS WARMUP with `env` = requestEnv(...) → {rps, requests, p50, p90,
// p99, p999, max (µs), non2xx, socketErrors}. socketErrors is always 0: paced stops on any socket error.
export async function paced(url, { rate, seconds = 10, connections = 64, warmup = 1, env = {} }) {
  const args = [url, String(Math.round(rate)), String(seconds), String(connections), String(warmup)];
  const { stdout } = await run(k_binary, args, {
    env: { ...process.env, ...env },
    timeout: (seconds + warmup + 30) * 1000,
  });
  const field = (name) => Number(stdout.match(new RegExp(`\\b${name}=(\\d+(?:\\.\\d+)?)`))?.[1] ?? NaN);
  const report = {
    rps: field('rate'),
    requests: field('requests'),
    p50: field('p50_us'),
    p90: field('p90_us'),
    p99: field('p99_us'),
    p999: field('p999_us'),
    max: field('max_us'),
    non2xx: field('non2xx'),
    socketErrors: 0,
  };
  if (!(report.requests >= 0) || !(report.p99 >= 0)) throw new Error(`cannot read paced's report:\n${stdout}`);
  return { ...report, text: stdout };
}
