// One nginx for three roles: the ceiling (POST /mcp answered with a fixed body: the exact bytes of
// mcpedge's tools/list reply), the REST upstream of the tools/call workload (GET /item), and a
// reverse proxy in front of that upstream (GET /item on a third port, passed on over kept-alive
// connections): what the cheapest possible gateway costs on the machine.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';

// The upstream's reply to GET /item (what get_item returns).
export const k_item_body = '{"id":"item_1","name":"Blue mug","price_cents":1200,"currency":"EUR","stock":42,"tags":["kitchen","gift"]}';

export function nginxBinary() {
  for (const candidate of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (existsSync(candidate)) return candidate;
  return 'nginx';
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Starts nginx with `workers` worker processes; `ceilingBody` is served to POST /mcp on one port,
// the item to GET /item on another. Resolves once both ports answer.
export async function startNginx({ workers, ceilingBody }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'mcpedge-bench-nginx-'));
  writeFileSync(path.join(dir, 'list.json'), ceilingBody);
  const ceilingPort = await freePort();
  const upstreamPort = await freePort();
  const proxyPort = await freePort();
  // POST to a static file is 405 in nginx; error_page turns that into an internal GET of the file,
  // answered 200 with the file's bytes.
  const conf = `
daemon off;
master_process on;
user root;
worker_processes ${workers};
worker_rlimit_nofile 16384;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  server_tokens off;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${ceilingPort} reuseport;
    location = /mcp {
      error_page 405 =200 /list.json;
      return 405;
    }
    location = /list.json {
      internal;
      root ${dir};
      types { }
      default_type application/json;
      etag off;
      add_header Last-Modified "" always;
    }
  }
  server {
    listen 127.0.0.1:${upstreamPort} reuseport;
    location = /item {
      default_type application/json;
      return 200 '${k_item_body}';
    }
  }
  upstream item_upstream {
    server 127.0.0.1:${upstreamPort};
    keepalive 256;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${proxyPort} reuseport;
    location = /item {
      proxy_pass http://item_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`;
  writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const proc = spawn(nginxBinary(), ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const deadline = Date.now() + 5000;
  for (;;) {
    const ready = await Promise.all([
      fetch(`http://127.0.0.1:${upstreamPort}/item`).then((r) => r.ok, () => false),
      fetch(`http://127.0.0.1:${proxyPort}/item`).then((r) => r.ok, () => false),
      fetch(`http://127.0.0.1:${ceilingPort}/mcp`, { method: 'POST', body: '{}' }).then((r) => r.ok, () => false),
    ]);
    if (ready.every(Boolean)) break;
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL');
      const log = existsSync(path.join(dir, 'error.log')) ? readFileSync(path.join(dir, 'error.log'), 'utf8') : '';
      throw new Error(`nginx did not start: ${stderr}${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    ceilingUrl: `http://127.0.0.1:${ceilingPort}/mcp`,
    upstreamOrigin: `http://127.0.0.1:${upstreamPort}`,
    proxyOrigin: `http://127.0.0.1:${proxyPort}`,
    pid: proc.pid,
    // nginx opens the file on every request, so the ceiling can be set once mcpedge has answered.
    setCeilingBody(bytes) {
      writeFileSync(path.join(dir, 'list.json'), bytes);
    },
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGQUIT');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
