// Load generator for the legacy SSE workload, run as a child process of the harness (IPC):
//   {cmd: 'open', port, token, count, localAddress, concurrency} → {cmd: 'opened', opened, failed, error}
//     opens `count` GET /sse streams from `localAddress` and waits for each one's endpoint event;
//   {cmd: 'deliver', connections} → {cmd: 'delivered', latencies (µs), failed}
//     POSTs one ping per stream to its /messages URL over `connections` keep-alive connections (one
//     request in flight on each) and times each from just before the POST is written to the arrival
//     of its `message` event on the stream;
//   {cmd: 'close'} → closes everything and exits.
// Raw sockets keep the client small enough to hold tens of thousands of streams in one process.
import net from 'node:net';

let port;
let token;
let localAddress;
const streams = [];  // {socket, endpoint, sentAt, done}

function now() {
  return Number(process.hrtime.bigint() / 1000n);
}

function openStream() {
  return new Promise((resolve) => {
    const stream = { socket: null, endpoint: null, sentAt: 0, done: null };
    let head = '';
    let settled = false;
    const finish = (ok) => {
      if (settled) return;
      settled = true;
      resolve(ok ? stream : null);
    };
    const socket = net.connect({ host: '127.0.0.1', port, localAddress });
    stream.socket = socket;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      socket.write(`GET /sse HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n` +
        `Authorization: Bearer ${token}\r\n\r\n`);
    });
    socket.on('data', (chunk) => {
      const text = chunk.toString('latin1');
      if (!stream.endpoint) {
        head += text;
        if (!head.startsWith('HTTP/1.1 200')) {
          if (head.length > 12) { socket.destroy(); finish(false); }
          return;
        }
        const m = head.match(/event: endpoint\r?\ndata: (\S+)/);
        if (m) {
          stream.endpoint = m[1];
          head = '';
          finish(true);
        }
        return;
      }
      if (stream.sentAt && text.includes('event: message')) {
        const at = now();
        stream.done?.(at - stream.sentAt);
        stream.done = null;
      }
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}

async function open({ count, concurrency }) {
  let next = 0;
  let failed = 0;
  let error = '';
  async function lane() {
    while (next < count) {
      next += 1;
      const stream = await openStream();
      if (stream) streams.push(stream);
      else failed += 1;
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  } catch (e) {
    error = String(e);
  }
  return { opened: streams.length, failed, error };
}

// One keep-alive connection that POSTs to one stream at a time.
function poster() {
  const socket = net.connect({ host: '127.0.0.1', port, localAddress });
  socket.setNoDelay(true);
  let pending = null;
  let buffer = '';
  socket.on('data', (chunk) => {
    buffer += chunk.toString('latin1');
    const end = buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const length = Number(buffer.slice(0, end).match(/content-length: (\d+)/i)?.[1] ?? 0);
    if (buffer.length < end + 4 + length) return;
    const status = Number(buffer.slice(9, 12));
    buffer = buffer.slice(end + 4 + length);
    const p = pending;
    pending = null;
    p?.(status);
  });
  const ready = new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return {
    ready,
    post(path, body) {
      return new Promise((resolve) => {
        pending = resolve;
        socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
          `Authorization: Bearer ${token}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      });
    },
    close() { socket.destroy(); },
  };
}

async function deliver({ connections }) {
  const posters = Array.from({ length: connections }, poster);
  await Promise.all(posters.map((p) => p.ready));
  const latencies = [];
  let failed = 0;
  let next = 0;
  async function lane(p) {
    while (next < streams.length) {
      const i = next++;
      const stream = streams[i];
      const arrived = new Promise((resolve) => {
        stream.done = resolve;
        setTimeout(() => resolve(-1), 10_000).unref();
      });
      stream.sentAt = now();
      const status = await p.post(stream.endpoint, `{"jsonrpc":"2.0","id":${i},"method":"ping"}`);
      const latency = status === 202 ? await arrived : -1;
      if (latency < 0) failed += 1;
      else latencies.push(latency);
    }
  }
  await Promise.all(posters.map(lane));
  posters.forEach((p) => p.close());
  return { latencies, failed };
}

process.on('message', async (message) => {
  if (message.cmd === 'open') {
    ({ port, token, localAddress } = message);
    process.send({ cmd: 'opened', ...(await open(message)) });
  } else if (message.cmd === 'deliver') {
    process.send({ cmd: 'delivered', ...(await deliver(message)) });
  } else if (message.cmd === 'close') {
    for (const s of streams) s.socket.destroy();
    process.exit(0);
  }
});
// The harness is gone (it failed or was killed before sending 'close'): exit rather than keep
// thousands of streams open against a replica nobody will stop.
process.on('disconnect', () => process.exit(0));
