// Node's Ed25519 (OpenSSL) on the messages BM_verify_v1a signs, for comparison
// in bench/README.md:  taskset -c 1 node bench/node-ed25519.mjs
import { generateKeyPairSync, sign, verify, createPrivateKey, createPublicKey } from 'node:crypto';

const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
const priv = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
const pub = createPublicKey(priv);
const chunk = '{"type":"invoice.paid","data":{"id":"in_1NqXyZ","amount":4200}},';
const body = (n) => { let s = ''; while (s.length < n) s += chunk.slice(0, Math.min(chunk.length, n - s.length)); return s; };

for (const size of [64, 1024, 16384, 1048576]) {
  const message = Buffer.from('msg_2KWPBgLlAfxdpx2AI54pPJ85f4W.1700000000.' + body(size));
  const signature = sign(null, message, priv);
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const iterations = size >= 1048576 ? 30 : 400;
    let ok = true;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) ok = verify(null, message, pub, signature) && ok;
    const t1 = process.hrtime.bigint();
    if (!ok) throw new Error('does not verify');
    runs.push(Number(t1 - t0) / iterations);
  }
  runs.sort((a, b) => a - b);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 100; i++) sign(null, message, priv);
  const signNs = Number(process.hrtime.bigint() - t0) / 100;
  console.log(`node ${process.version} ed25519 ${size} B: verify median ${(runs[2] / 1000).toFixed(1)} us, sign ${(signNs / 1000).toFixed(1)} us`);
}
