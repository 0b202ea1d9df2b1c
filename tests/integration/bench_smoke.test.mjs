// The benchmark harness in smoke mode (bench/run.sh --smoke): every workload runs tiny against the
// binary under test and must work; the speed targets are not checked here (benchmarks are not part
// of the test run), only that each workload printed its row with numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { binary } from './lib/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const runner = path.resolve(here, '../../bench/run.sh');
const counter = path.resolve(here, '../../bench/instructions.mjs');
const k_timeout_ms = 90_000;
const number = String.raw`\d+(?:\.\d+)?`;

// A sanitizer build is several times slower and holds far more memory per connection: its numbers
// would say nothing, and its smoke run would not fit the time budget.
const sanitized = /asan/i.test(binary);

test('bench/run.sh --smoke runs every workload and prints its numbers', { skip: sanitized && `MCPEDGE_BIN=${binary} is a sanitizer build; the benchmark smoke run needs the release binary`, timeout: k_timeout_ms }, async () => {
  const proc = spawn('bash', [runner, '--smoke'], { env: { ...process.env, MCPEDGE_BIN: binary }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  const code = await new Promise((resolve) => proc.on('exit', resolve));
  assert.equal(code, 0, `bench/run.sh --smoke failed:\n${out}`);
  const rows = [
    ['1 tools/list', 'mcpedge \\(authenticated\\)'],
    ['1 tools/list', 'TypeScript SDK'],
    ['1 tools/list', 'nginx ceiling'],
    ['2 tools/call', 'mcpedge saturated'],
    ['2 tools/call', 'direct to upstream saturated'],
    ['2 tools/call', 'mcpedge at half saturation'],
    ['2 tools/call', 'direct, same rate'],
    ['5 /token', 'refresh grant'],
  ];
  for (const [workload, subject] of rows) {
    assert.match(out, new RegExp(`^\\| ${workload} \\| ${subject}[^|]*\\| ${number} \\| ${number} \\| ${number} \\|`, 'm'),
      `no row with numbers for ${workload} / ${subject}:\n${out}`);
  }
  assert.match(out, new RegExp(`^\\| 3 sse \\| \\d+ idle streams \\| n/a \\| ${number} \\| ${number} \\| ${number} KiB RSS per stream`, 'm'), `no SSE row:\n${out}`);
  assert.match(out, new RegExp(`^\\| 4 cold start \\| .* \\| ${number} ms to first 200; idle RSS ${number} MiB \\|`, 'm'), `no cold-start row:\n${out}`);
  assert.match(out, new RegExp(`^\\| 4 idle RSS floor \\| .* \\| idle RSS ${number} MiB \\|`, 'm'), `no idle-RSS floor row:\n${out}`);
  assert.match(out, /^\| target \| measured \| goal \| status \|/m, `no targets table:\n${out}`);
  assert.equal((out.match(/\| (met|MISSED) \|$/gm) ?? []).length, 10, `every target reported as met or MISSED:\n${out}`);
});

test('bench/instructions.mjs counts instructions per request of each kind under callgrind', { skip: sanitized && `MCPEDGE_BIN=${binary} is a sanitizer build; valgrind cannot run it`, timeout: k_timeout_ms }, async () => {
  const proc = spawn(process.execPath, [counter, '--requests', '5', binary], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  const code = await new Promise((resolve) => proc.on('exit', resolve));
  assert.equal(code, 0, `bench/instructions.mjs failed:\n${out}`);
  for (const kind of ['tools/list', 'tools/call', '/token']) {
    const m = out.match(new RegExp(`^  ${kind.replace('/', '\\/')} +([\\d,]+)  `, 'm'));
    assert.ok(m, `no count for ${kind}:\n${out}`);
    // A request through the gateway takes tens of thousands of instructions; a count near zero would
    // mean the counters were read before the requests ran.
    assert.ok(Number(m[1].replaceAll(',', '')) > 10_000, `${kind}: ${m[1]} instructions per request:\n${out}`);
  }
});
