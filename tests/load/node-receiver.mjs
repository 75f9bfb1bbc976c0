// A minimal webhook receiver on Node's http module and the `standardwebhooks`
// npm package (tests/interop's pinned copy), as an application would write
// one: verify, de-duplicate by webhook-id in memory, answer. The baseline
// tests/load/run.sh measures hooksig-receiver against, in the same run.
//
//   node node-receiver.mjs PORT SECRET_FILE     (prints "listening PORT")
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import http from 'node:http';

const require = createRequire(new URL('../interop/package.json', import.meta.url));
const { Webhook } = require('standardwebhooks');

const [port, secretFile] = process.argv.slice(2);
const wh = new Webhook(readFileSync(secretFile, 'utf8').split('\n')[0].trim());
const seen = new Map(); // webhook-id -> expiry (ms), like the receiver's TTL store
const ttlMs = 9 * 3600 * 1000;

/** Answers `status` with a short text body (with Content-Length, so keep-alive needs no chunking). */
function reply(res, status, text, close = false) {
  const headers = { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) };
  if (close) headers.connection = 'close';
  res.writeHead(status, headers).end(text);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST') {
    reply(res, req.url === '/healthz' ? 200 : 404, 'ok\n');
    return;
  }
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > 1024 * 1024) {
      reply(res, 413, 'payload too large\n', true);
      req.destroy();
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    try {
      wh.verify(body, req.headers);
    } catch (e) {
      reply(res, 401, 'invalid\n');
      return;
    }
    const id = req.headers['webhook-id'];
    const now = Date.now();
    if ((seen.get(id) ?? 0) > now) {
      reply(res, 200, 'duplicate\n');
      return;
    }
    seen.set(id, now + ttlMs);
    reply(res, 200, 'accepted\n');
  });
});
server.keepAliveTimeout = 30000;
server.listen(Number(port), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
