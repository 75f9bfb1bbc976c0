#!/usr/bin/env node
// hooksig interop suite: checks the `hooksig` CLI against the webhook providers' own npm packages
// (standardwebhooks, svix, stripe, @octokit/webhooks-methods; exact versions in package.json) and,
// for providers without a package, against node:crypto following the provider's documented recipe.
//
//   node interop.mjs --cli PATH/TO/hooksig [--cases N] [--seed S] [--scheme NAME[,NAME..]]
//                    [--only INDEX] [--jobs N] [--keep-tmp]
//
// For every scheme and case index a PRNG seeded from (seed, scheme, index) draws a secret, a body,
// a message id and a timestamp, so one case can be re-run alone with --seed S --scheme X --only I.
// Per case:
//   (1) `hooksig sign` signs; its `Name: value` lines go to the provider package, which must accept.
//   (2) the package signs; `hooksig verify` must exit 0 and print `valid`.
//   (3) tampering (one byte/char of the body changed, another secret, an altered signature, and for
//       timestamped schemes a clock outside the 300 s window): the package must reject hooksig's
//       signature under every tampering, and `hooksig verify` must exit 1 (`invalid: ...` on stderr)
//       on the package's signature under one tampering (rotating with the case index).
// Any difference is a disagreement; the run exits 1 if there is one.
//
// Bodies. The npm packages take the payload as text: standardwebhooks/svix call Buffer#toString()
// (UTF-8), stripe decodes Buffers with TextDecoder('utf8') (which also drops a leading BOM), and
// octokit only accepts strings. Invalid UTF-8 would be altered before signing, so the schemes checked
// with a package (standard, svix, stripe, github) get random *valid UTF-8* bodies (ASCII, 2-, 3- and
// 4-byte characters, never a leading U+FEFF), and tampering replaces one character so the body stays
// valid UTF-8. Schemes checked with node:crypto (slack, shopify, raw-hex, raw-base64) get random raw
// bytes and tampering flips one byte. Half of the stripe bodies are JSON events, checked with
// stripe.webhooks.constructEvent (which parses the payload); the others are plain UTF-8 text checked
// with stripe.webhooks.signature.verifyHeader (same check, no JSON parse).
// Empty bodies: stripe's verifyHeader and octokit's sign/verify refuse an empty payload (TypeError /
// "No webhook payload was provided"), so for empty bodies those two schemes fall back to the
// documented formula in node:crypto; every other step still uses the package.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs/promises";
import fsSync from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Webhook as StdWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";
import Stripe from "stripe";
import { sign as ghSign, verify as ghVerify } from "@octokit/webhooks-methods";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MIB = 1048576;
const TOLERANCE = 300; // every timestamped provider package here uses 300 s

// ------------------------------------------------------------------------------------------ options
function usage(msg) {
  if (msg) console.error(`interop: ${msg}`);
  console.error("usage: node interop.mjs --cli PATH/TO/hooksig [--cases N] [--seed S] [--scheme NAME[,NAME..]]\n" +
    "                        [--only INDEX] [--jobs N] [--keep-tmp]\n" +
    `schemes: ${SCHEME_NAMES.join(", ")}`);
  process.exit(2);
}
const SCHEME_NAMES = ["standard", "svix", "stripe", "github", "slack", "shopify", "raw-hex", "raw-base64", "v1a", "discord"];
const opt = { cli: null, cases: 200, seed: null, schemes: SCHEME_NAMES, only: null, jobs: 4, keepTmp: false };
{
  const a = process.argv.slice(2);
  const val = (i) => { if (i + 1 >= a.length) usage(`${a[i]} needs a value`); return a[i + 1]; };
  const posInt = (s, name, min = 0) => { if (!/^\d+$/.test(s) || Number(s) < min) usage(`${name}: expected an integer >= ${min}`); return Number(s); };
  for (let i = 0; i < a.length; i++) {
    switch (a[i]) {
      case "--cli": opt.cli = val(i++); break;
      case "--cases": opt.cases = posInt(val(i++), "--cases", 1); break;
      case "--seed": opt.seed = val(i++); break;
      case "--scheme": opt.schemes = val(i++).split(",").filter(Boolean); break;
      case "--only": opt.only = posInt(val(i++), "--only"); break;
      case "--jobs": opt.jobs = posInt(val(i++), "--jobs", 1); break;
      case "--keep-tmp": opt.keepTmp = true; break;
      case "-h": case "--help": usage();
      default: usage(`unknown argument ${JSON.stringify(a[i])}`);
    }
  }
  if (!opt.cli) usage("--cli is required");
  for (const s of opt.schemes) if (!SCHEME_NAMES.includes(s)) usage(`unknown scheme ${JSON.stringify(s)}`);
  if (opt.seed === null) opt.seed = String(crypto.randomInt(1, 2 ** 31));
  opt.cli = path.resolve(opt.cli);
  try { fsSync.accessSync(opt.cli, fsSync.constants.X_OK); } catch { usage(`--cli ${opt.cli}: not an executable file`); }
}

// ----------------------------------------------------------------------------------- seeded PRNG
// sfc32, state from SHA-256 of "seed:scheme:index" so every case is independent of --cases/--only.
class Rng {
  constructor(label) {
    const h = crypto.createHash("sha256").update(label).digest();
    this.s = [h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12)];
    for (let i = 0; i < 16; i++) this.u32();
  }
  u32() {
    let [a, b, c, d] = this.s;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0; a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (c << 21) | (c >>> 11); c = (c + t) | 0;
    this.s = [a, b, c, d];
    return t >>> 0;
  }
  float() { return this.u32() / 4294967296; }
  int(lo, hi) { return lo + Math.floor(this.float() * (hi - lo + 1)); } // inclusive
  chance(p) { return this.float() < p; }
  pick(arr) { return arr[Math.floor(this.float() * arr.length)]; }
  bytes(n) {
    const b = Buffer.allocUnsafe(n);
    let i = 0;
    for (; i + 4 <= n; i += 4) b.writeUInt32LE(this.u32(), i);
    for (; i < n; i++) b[i] = this.u32() & 0xff;
    return b;
  }
}

// ----------------------------------------------------------------------------------- generators
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX = "0123456789abcdef";
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const alnum = (rng, n) => Array.from({ length: n }, () => rng.pick(ALNUM)).join("");

// Printable ASCII (0x20..0x7e), length 1..80, no leading/trailing space.
function textSecret(rng) {
  const n = rng.int(1, 80);
  const c = Array.from({ length: n }, () => String.fromCharCode(rng.int(0x20, 0x7e)));
  for (const i of [0, n - 1]) while (c[i] === " ") c[i] = String.fromCharCode(rng.int(0x21, 0x7e));
  return c.join("");
}
const whsecSecret = (rng) => "whsec_" + rng.bytes(rng.int(24, 64)).toString("base64");
const stripeSecret = (rng) => "whsec_" + alnum(rng, rng.int(24, 64));

// One random code point of at most `room` UTF-8 bytes (no surrogates; no U+FEFF where `noBom`).
function randomCodePoint(rng, room, noBom) {
  const r = rng.float();
  if (r < 0.5 || room < 2) {
    const q = rng.float();
    if (q < 0.03) return rng.pick([0x0a, 0x0d, 0x09, 0x00, 0x1b]); // a few controls, incl. NUL
    return rng.int(0x20, 0x7e);
  }
  if (r < 0.72 || room < 3) return rng.int(0x80, 0x7ff);
  if (r < 0.92 || room < 4) {
    for (;;) {
      const cp = rng.int(0x800, 0xffff);
      if ((cp < 0xd800 || cp > 0xdfff) && !(noBom && cp === 0xfeff)) return cp;
    }
  }
  return rng.int(0x10000, 0x10ffff);
}
// Random valid UTF-8 of exactly n bytes.
function utf8Body(rng, n) {
  const buf = Buffer.allocUnsafe(n);
  let off = 0;
  while (off < n) off += buf.write(String.fromCodePoint(randomCodePoint(rng, n - off, off === 0)), off, "utf8");
  return buf;
}
function randomJsonValue(rng, depth) {
  const r = rng.float();
  if (depth <= 0 || r < 0.45) {
    switch (rng.int(0, 5)) {
      case 0: return rng.int(-1e9, 1e9);
      case 1: return Math.round(rng.float() * 1e6) / 100;
      case 2: return rng.chance(0.5);
      case 3: return null;
      default: return utf8Body(rng, rng.int(0, 40)).toString("utf8");
    }
  }
  if (r < 0.7) return Array.from({ length: rng.int(0, 5) }, () => randomJsonValue(rng, depth - 1));
  const o = {};
  for (let i = rng.int(0, 5); i > 0; i--) o[alnum(rng, rng.int(1, 12))] = randomJsonValue(rng, depth - 1);
  return o;
}
// A Stripe-like event, padded with a random unicode string to roughly n bytes.
function stripeJsonBody(rng, n, ts) {
  const ev = {
    id: "evt_" + alnum(rng, 24), object: "event", api_version: "2025-01-27.acacia", created: ts,
    type: rng.pick(["payment_intent.succeeded", "charge.refunded", "customer.created", "invoice.paid"]),
    livemode: false, data: { object: randomJsonValue(rng, 4) },
  };
  const indent = rng.pick([0, 2]);
  const base = Buffer.byteLength(JSON.stringify(ev, null, indent));
  if (n > base + 16) ev.data.note = utf8Body(rng, n - base - 16).toString("utf8");
  return Buffer.from(JSON.stringify(ev, null, indent), "utf8");
}
// Body size for case `index`: case 0 is empty, a few cases are exactly 1 MiB, the rest mostly small.
function bodySize(rng, index) {
  if (index === 0) return 0;
  if (index % 67 === 1) return MIB;
  const r = rng.float();
  if (r < 0.03) return 0;
  if (r < 0.08) return rng.int(1, 3);
  if (r < 0.93) return Math.floor(Math.exp(rng.float() * Math.log(16384)));
  return rng.int(16384, 262144);
}
// Tampered copy of a body: text bodies get one character replaced by another (stays valid UTF-8),
// raw bodies get one byte XORed with a non-zero value. Empty bodies get one character/byte added.
function tamperBody(rng, body, text) {
  if (body.length === 0) return text ? Buffer.from(String.fromCharCode(rng.int(0x20, 0x7e))) : rng.bytes(1);
  if (!text) {
    const b = Buffer.from(body);
    b[rng.int(0, b.length - 1)] ^= rng.int(1, 255);
    return b;
  }
  const cps = Array.from(body.toString("utf8"));
  const i = rng.int(0, cps.length - 1);
  let c;
  do c = String.fromCodePoint(randomCodePoint(rng, 4, i === 0)); while (c === cps[i]);
  cps[i] = c;
  return Buffer.from(cps.join(""), "utf8");
}
// Ways to alter an encoded signature; case i uses mode floor(i / number of tamper kinds) % 6, so
// each mode is exercised about equally often. Every provider SDK compares the encoded text, so all
// of these must be rejected (hooksig: strict decoding, or canonical text compare).
const SIG_MODES = ["changed character", "case/padding", "one letter uppercase/non-canonical base64", "truncated", "empty", "extra bytes appended"];
function alterEncoded(s, alphabet, mode, d) {
  const data = s.replace(/=+$/, "");
  const replaceAt = (pos) => {
    const cur = alphabet.indexOf(s[pos]);
    const next = alphabet[((cur < 0 ? 0 : cur) + 1 + (d.step % (alphabet.length - 1))) % alphabet.length];
    return s.slice(0, pos) + next + s.slice(pos + 1);
  };
  if (data.length === 0) return alphabet[0];
  switch (SIG_MODES[mode]) {
    case "case/padding":
      if (alphabet === HEX && /[a-f]/.test(s)) return s.toUpperCase();
      if (alphabet === B64 && s.endsWith("=")) return data;                 // padding stripped
      break;
    case "one letter uppercase/non-canonical base64": {
      if (alphabet === HEX) {
        const letters = [...s].flatMap((ch, i) => (/[a-f]/.test(ch) ? [i] : []));
        if (letters.length) { const i = letters[Math.floor(d.pos * letters.length)]; return s.slice(0, i) + s[i].toUpperCase() + s.slice(i + 1); }
        break;
      }
      // Set unused low bits of the last base64 character: same bytes to a lenient decoder.
      const unused = (data.length * 6) % 8;
      if (unused === 0) break;
      const last = data.length - 1, bits = 1 + (d.step % ((1 << unused) - 1));
      return s.slice(0, last) + alphabet[alphabet.indexOf(s[last]) ^ bits] + s.slice(last + 1);
    }
    case "truncated": return s.slice(0, -2);
    case "empty": return "";
    case "extra bytes appended": // the MAC followed by 3 zero bytes (a prefix compare would accept it)
      return alphabet === HEX ? s + "000000" : Buffer.concat([Buffer.from(s, "base64"), Buffer.alloc(3)]).toString("base64");
  }
  return replaceAt(Math.floor(d.pos * data.length));
}

// ----------------------------------------------------------------------------------- header helpers
// Headers are kept as [name, value] pairs (name case as given); lookups are case-insensitive.
const hget = (hs, name) => { const p = hs.find(([n]) => n.toLowerCase() === name.toLowerCase()); return p ? p[1] : undefined; };
const hobj = (hs) => Object.fromEntries(hs.map(([n, v]) => [n, v]));
const hset = (hs, name, v) => hs.map(([n, x]) => [n, n.toLowerCase() === name.toLowerCase() ? v : x]);
function parseHeaderLines(text) {
  const hs = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const i = line.indexOf(":");
    if (i <= 0) return { error: `not a 'Name: value' line: ${JSON.stringify(line.slice(0, 200))}` };
    hs.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
  }
  if (hs.length === 0) return { error: "no header lines on stdout" };
  return { hs };
}
const hmac = (key, ...parts) => { const h = crypto.createHmac("sha256", key); for (const p of parts) h.update(p); return h.digest(); };
// Runs fn with Date.now() at `now` (Unix s). Synchronous on purpose: no other case can run meanwhile.
function atNow(now, fn) {
  const real = Date.now; Date.now = () => now * 1000;
  try { return fn(); } finally { Date.now = real; }
}

// ----------------------------------------------------------------------------------- schemes
// Each scheme: cli (hooksig --scheme), ref (what checks it), timestamped, window ('both' | 'past'),
// text (UTF-8 bodies), secret(rng), body(rng, index, size, ts) -> {body, kind},
// sign(c) -> headers as the provider sends them, verify(v) -> true/false (v: secret, headers, body,
// now, kind, headerName), sig: {header, re, alphabet} (where the encoded signature sits),
// signedFields(hs, c) -> error text if hooksig signed other id/timestamp than asked.
const stripe = new Stripe("sk_test_interop");
const textBody = (rng, index, size) => ({ body: utf8Body(rng, size), kind: "utf8" });
const rawBody = (rng, index, size) => ({ body: rng.bytes(size), kind: "bytes" });
const stdSigned = (hs, c) => {
  const id = hget(hs, "webhook-id") ?? hget(hs, "svix-id"), ts = hget(hs, "webhook-timestamp") ?? hget(hs, "svix-timestamp");
  if (id !== c.id) return `id header is ${JSON.stringify(id)}, expected ${JSON.stringify(c.id)}`;
  if (ts !== String(c.ts)) return `timestamp header is ${JSON.stringify(ts)}, expected "${c.ts}"`;
  return null;
};
const rawVerify = (encode) => (v) => {
  const got = v.headerName ? hget(v.headers, v.headerName) : (v.headers.length === 1 ? v.headers[0][1] : undefined);
  return got === encode(hmac(v.secret, v.body));
};
const stripeFormulaVerify = (v) => { // stripe-node's check written out (used for empty bodies only)
  const h = hget(v.headers, "stripe-signature"); if (!h) return false;
  let t = -1; const sigs = [];
  for (const item of h.split(",")) { const kv = item.split("="); if (kv[0] === "t") t = parseInt(kv[1], 10); if (kv[0] === "v1") sigs.push(kv[1]); }
  if (t === -1 || !sigs.length) return false;
  const want = hmac(v.secret, `${t}.`, v.body).toString("hex");
  return sigs.includes(want) && v.now - t <= TOLERANCE;
};

// ----------------------------------------------------------------------------------- Ed25519 (node:crypto)
// Keys are drawn as 32-byte seeds and handed to node:crypto through the PKCS#8 prefix (RFC 8410);
// the public key is the last 32 bytes of the SPKI DER. hooksig gets the secret key as `whsk_` +
// base64 of the seed or of seed||public (both forms occur), the public key as `whpk_` + base64 of
// the 32 bytes or of the 44-byte SPKI, or for Discord as 64 hex characters (either case).
const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_ED25519 = Buffer.from("302a300506032b6570032100", "hex");
const edKeys = new Map(); // whsk_ text -> { priv, pub (32 bytes), pubKey }
function edKeyOf(whsk) {
  let k = edKeys.get(whsk);
  if (!k) {
    const seed = Buffer.from(whsk.slice(5), "base64").subarray(0, 32);
    const priv = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: "der", type: "pkcs8" });
    const pub = crypto.createPublicKey(priv).export({ format: "der", type: "spki" }).subarray(12);
    k = { priv, pub, pubKey: crypto.createPublicKey({ key: Buffer.concat([SPKI_ED25519, pub]), format: "der", type: "spki" }) };
    edKeys.set(whsk, k);
  }
  return k;
}
function edSecret(rng) {
  const seed = rng.bytes(32);
  const long = rng.chance(0.5); // svix-server's seed||public form, else the bare seed
  const text = "whsk_" + seed.toString("base64");
  return long ? "whsk_" + Buffer.concat([seed, edKeyOf(text).pub]).toString("base64") : text;
}
const edSign = (whsk, ...parts) => crypto.sign(null, Buffer.concat(parts.map((p) => Buffer.from(p))), edKeyOf(whsk).priv);
const edVerify = (whsk, sig, ...parts) => crypto.verify(null, Buffer.concat(parts.map((p) => Buffer.from(p))), edKeyOf(whsk).pubKey, sig);
// The key hooksig verify gets for a whsk_: `form` picks raw whpk_, SPKI whpk_, lower or upper hex.
function edPublicText(whsk, form) {
  const pub = edKeyOf(whsk).pub;
  switch (form) {
    case "spki": return "whpk_" + Buffer.concat([SPKI_ED25519, pub]).toString("base64");
    case "hex": return pub.toString("hex");
    case "HEX": return pub.toString("hex").toUpperCase();
    default: return "whpk_" + pub.toString("base64");
  }
}
// Strict padded standard base64 of exactly n bytes (what hooksig and the spec accept).
const canonicalB64 = (t, n) => /^[A-Za-z0-9+/]*={0,2}$/.test(t) && Buffer.from(t, "base64").length === n && Buffer.from(t, "base64").toString("base64") === t;
// The Standard Webhooks v1a check written from the spec with node:crypto: every `v1a,` entry of
// canonical base64 of 64 bytes is tried against the public key; other versions are skipped.
function v1aVerify(v) {
  const id = hget(v.headers, "webhook-id"), ts = hget(v.headers, "webhook-timestamp"), sig = hget(v.headers, "webhook-signature");
  if (id === undefined || ts === undefined || sig === undefined || !/^[1-9]\d*$/.test(ts) || Math.abs(v.now - Number(ts)) > TOLERANCE) return false;
  for (const e of sig.split(" ")) {
    if (!e.startsWith("v1a,") || !canonicalB64(e.slice(4), 64)) continue;
    if (edVerify(v.secret, Buffer.from(e.slice(4), "base64"), `${id}.${ts}.`, v.body)) return true;
  }
  return false;
}
// Discord's documented check (timestamp + body, hex signature) with node:crypto, plus the 300 s
// window hooksig applies (Discord's own libraries check none); the signature must be 128
// lower-case hex characters, as Discord sends it.
function discordVerify(v) {
  const sig = hget(v.headers, "x-signature-ed25519"), ts = hget(v.headers, "x-signature-timestamp");
  if (sig === undefined || ts === undefined || !/^[0-9a-f]{128}$/.test(sig) || !/^[1-9]\d*$/.test(ts) || Math.abs(v.now - Number(ts)) > TOLERANCE) return false;
  return edVerify(v.secret, Buffer.from(sig, "hex"), ts, v.body);
}

const SCHEMES = {
  standard: {
    cli: "standard", ref: "standardwebhooks@1.1.1", timestamped: true, window: "both", text: true,
    secret: whsecSecret, body: textBody,
    sign: (c) => [["webhook-id", c.id], ["webhook-timestamp", String(c.ts)],
      ["webhook-signature", new StdWebhook(c.secret).sign(c.id, new Date(c.ts * 1000), c.body)]],
    verify: (v) => atNow(v.now, () => { new StdWebhook(v.secret).verify(v.body, hobj(v.headers), { jsonParse: false }); return true; }),
    sig: { header: "webhook-signature", re: /^(v1,)(.*)$/s, alphabet: B64 },
    signedFields: stdSigned,
  },
  svix: {
    // hooksig has no separate svix scheme: it signs with webhook-* names (renamed to svix-* here
    // before the svix package sees them) and accepts svix-* names when verifying.
    cli: "standard", ref: "svix@2.5.0", timestamped: true, window: "both", text: true,
    secret: whsecSecret, body: textBody,
    sign: (c) => [["svix-id", c.id], ["svix-timestamp", String(c.ts)],
      ["svix-signature", new SvixWebhook(c.secret).sign(c.id, new Date(c.ts * 1000), c.body)]],
    verify: (v) => atNow(v.now, () => {
      new SvixWebhook(v.secret).verify(v.body, hobj(v.headers.map(([n, x]) => [n.replace(/^webhook-/i, "svix-"), x])));
      return true;
    }),
    sig: { header: ["webhook-signature", "svix-signature"], re: /^(v1,)(.*)$/s, alphabet: B64 },
    signedFields: stdSigned,
  },
  stripe: {
    cli: "stripe", ref: "stripe@23.1.0", timestamped: true, window: "past", text: true,
    secret: stripeSecret,
    body: (rng, index, size, ts) => (size > 0 && rng.chance(0.5) ? { body: stripeJsonBody(rng, size, ts), kind: "json" } : textBody(rng, index, size)),
    sign: (c) => [["Stripe-Signature", stripe.webhooks.generateTestHeaderString({ payload: c.body.toString("utf8"), secret: c.secret, timestamp: c.ts })]],
    verify: (v) => {
      const h = hget(v.headers, "stripe-signature");
      if (!h) return false;
      if (v.body.length === 0) return stripeFormulaVerify(v); // stripe-node refuses empty payloads
      if (v.kind === "json") stripe.webhooks.constructEvent(v.body, h, v.secret, TOLERANCE, undefined, v.now * 1000);
      else stripe.webhooks.signature.verifyHeader(v.body, h, v.secret, TOLERANCE, undefined, v.now * 1000);
      return true;
    },
    sig: { header: "stripe-signature", re: /^(.*?\bv1=)([^,]*)(.*)$/s, alphabet: HEX },
    signedFields: (hs, c) => {
      const h = hget(hs, "stripe-signature") ?? "";
      return h.split(",").includes(`t=${c.ts}`) ? null : `Stripe-Signature ${JSON.stringify(h.slice(0, 200))} lacks t=${c.ts}`;
    },
  },
  github: {
    cli: "github", ref: "@octokit/webhooks-methods@6.0.0", timestamped: false, text: true,
    secret: textSecret, body: textBody,
    sign: async (c) => [["X-Hub-Signature-256", c.body.length === 0
      ? "sha256=" + hmac(c.secret, c.body).toString("hex") // octokit refuses empty payloads
      : await ghSign(c.secret, c.body.toString("utf8"))]],
    verify: async (v) => {
      const s = hget(v.headers, "x-hub-signature-256");
      if (!s) return false;
      if (v.body.length === 0) return s === "sha256=" + hmac(v.secret, v.body).toString("hex");
      return await ghVerify(v.secret, v.body.toString("utf8"), s);
    },
    sig: { header: "x-hub-signature-256", re: /^(sha256=)(.*)$/s, alphabet: HEX },
  },
  slack: {
    cli: "slack", ref: "node:crypto (Slack docs recipe)", timestamped: true, window: "both", text: false,
    secret: textSecret, body: rawBody,
    sign: (c) => [["X-Slack-Request-Timestamp", String(c.ts)],
      ["X-Slack-Signature", "v0=" + hmac(c.secret, `v0:${c.ts}:`, c.body).toString("hex")]],
    verify: (v) => {
      const ts = hget(v.headers, "x-slack-request-timestamp"), s = hget(v.headers, "x-slack-signature");
      if (!ts || !s || !/^\d+$/.test(ts) || Math.abs(v.now - Number(ts)) > TOLERANCE) return false;
      return s === "v0=" + hmac(v.secret, `v0:${ts}:`, v.body).toString("hex");
    },
    sig: { header: "x-slack-signature", re: /^(v0=)(.*)$/s, alphabet: HEX },
    signedFields: (hs, c) => (hget(hs, "x-slack-request-timestamp") === String(c.ts) ? null
      : `X-Slack-Request-Timestamp is ${JSON.stringify(hget(hs, "x-slack-request-timestamp"))}, expected "${c.ts}"`),
  },
  shopify: {
    cli: "shopify", ref: "node:crypto (Shopify docs recipe)", timestamped: false, text: false,
    secret: textSecret, body: rawBody,
    sign: (c) => [["X-Shopify-Hmac-Sha256", hmac(c.secret, c.body).toString("base64")]],
    verify: (v) => hget(v.headers, "x-shopify-hmac-sha256") === hmac(v.secret, v.body).toString("base64"),
    sig: { header: "x-shopify-hmac-sha256", re: /^()(.*)$/s, alphabet: B64 },
  },
  "raw-hex": {
    cli: "raw-hex", ref: "node:crypto (BitGo docs recipe)", timestamped: false, text: false, raw: true,
    secret: textSecret, body: rawBody,
    sign: (c) => [["x-signature-sha256", hmac(c.secret, c.body).toString("hex")]],
    verify: rawVerify((m) => m.toString("hex")),
    sig: { header: null, re: /^()(.*)$/s, alphabet: HEX },
  },
  "raw-base64": {
    cli: "raw-base64", ref: "node:crypto (HMAC of raw body, base64)", timestamped: false, text: false, raw: true,
    secret: textSecret, body: rawBody,
    sign: (c) => [["x-signature-sha256", hmac(c.secret, c.body).toString("base64")]],
    verify: rawVerify((m) => m.toString("base64")),
    sig: { header: null, re: /^()(.*)$/s, alphabet: B64 },
  },
};
// v1a: Ed25519 entries, in a third of the cases mixed with a v1 entry (hooksig signs with a whsec_
// and the whsk_; Node's header carries a v1 entry under a whsec_ and, sometimes, a decoy v1a entry
// of random bytes after the real one and an unknown `v2,` entry).
SCHEMES.v1a = {
  cli: "standard", ref: "node:crypto Ed25519 (Standard Webhooks v1a spec)", timestamped: true, window: "both", text: false, ed25519: true,
  secret: edSecret, body: rawBody,
  extra: (rng, c) => {
    c.keyForm = rng.chance(0.3) ? "spki" : "raw";
    c.mixWhsec = rng.chance(0.35) ? whsecSecret(rng) : null;
    c.whsecFirst = rng.chance(0.5);
    c.decoyEntry = rng.chance(0.3) ? "v1a," + rng.bytes(64).toString("base64") : null;
    c.unknownEntry = rng.chance(0.2) ? "v2," + rng.bytes(32).toString("base64") : null;
    c.v1Position = rng.int(0, 3);
    c.verifyWhsec = rng.chance(0.3) ? whsecSecret(rng) : null; // a whsec_ that matches nothing, beside the whpk_
  },
  signKeys: (c) => (c.mixWhsec ? (c.whsecFirst ? [c.mixWhsec, c.secret] : [c.secret, c.mixWhsec]) : [c.secret]),
  verifyKey: (secret, c) => edPublicText(secret, c.keyForm),
  verifyExtra: (c) => (c.verifyWhsec ? [c.verifyWhsec] : []),
  sign: (c) => {
    const entries = ["v1a," + edSign(c.secret, `${c.id}.${c.ts}.`, c.body).toString("base64")];
    if (c.decoyEntry) entries.push(c.decoyEntry); // after the real one: tampering alters the real entry
    if (c.unknownEntry) entries.splice(c.v1Position % (entries.length + 1), 0, c.unknownEntry);
    if (c.mixWhsec) {
      const key = Buffer.from(c.mixWhsec.slice(6), "base64");
      entries.splice(c.v1Position % (entries.length + 1), 0, "v1," + hmac(key, `${c.id}.${c.ts}.`, c.body).toString("base64"));
    }
    return [["webhook-id", c.id], ["webhook-timestamp", String(c.ts)], ["webhook-signature", entries.join(" ")]];
  },
  verify: v1aVerify,
  sig: { header: "webhook-signature", re: /^(.*?(?:^| )v1a,)([^ ]*)(.*)$/s, alphabet: B64 },
  signedFields: (hs, c) => {
    const bad = stdSigned(hs, c);
    if (bad) return bad;
    const sig = hget(hs, "webhook-signature") ?? "", entries = sig.split(" ");
    const want = c.mixWhsec ? 2 : 1;
    if (entries.length !== want) return `webhook-signature has ${entries.length} entries, expected ${want}: ${clip(sig)}`;
    if (c.mixWhsec) { // hooksig's v1 entry, checked with the whsec_ by node:crypto
      const mac = "v1," + hmac(Buffer.from(c.mixWhsec.slice(6), "base64"), `${c.id}.${c.ts}.`, c.body).toString("base64");
      if (!entries.includes(mac)) return `webhook-signature ${clip(sig)} lacks the v1 entry of the whsec_`;
    }
    return null;
  },
};
SCHEMES.discord = {
  cli: "discord", ref: "node:crypto Ed25519 (Discord docs recipe)", timestamped: true, window: "both", text: false, ed25519: true,
  secret: edSecret, body: rawBody,
  extra: (rng, c) => { c.keyForm = rng.pick(["hex", "hex", "HEX", "raw"]); },
  verifyKey: (secret, c) => edPublicText(secret, c.keyForm),
  sign: (c) => [["X-Signature-Ed25519", edSign(c.secret, String(c.ts), c.body).toString("hex")], ["X-Signature-Timestamp", String(c.ts)]],
  verify: discordVerify,
  sig: { header: "x-signature-ed25519", re: /^()(.*)$/s, alphabet: HEX },
  signedFields: (hs, c) => (hget(hs, "x-signature-timestamp") === String(c.ts) ? null
    : `X-Signature-Timestamp is ${JSON.stringify(hget(hs, "x-signature-timestamp"))}, expected "${c.ts}"`),
};
const RAW_HEADER = "x-signature-sha256";

// Case inputs. Every random draw happens here, before any await, so a case is reproducible.
function makeCase(name, index) {
  const s = SCHEMES[name];
  const rng = new Rng(`${opt.seed}:${name}:${index}`);
  const c = { scheme: name, index, secret: s.secret(rng), id: "msg_" + alnum(rng, rng.int(8, 32)), ts: rng.int(1650000000, 1780000000) };
  Object.assign(c, s.body(rng, index, bodySize(rng, index), c.ts));
  c.tamperedBody = tamperBody(rng, c.body, s.text);
  do c.otherSecret = s.secret(rng); while (c.otherSecret === c.secret);
  do c.decoySecret = s.secret(rng); while (c.decoySecret === c.secret);
  // Verifier clock for the valid checks: mostly the signing time, sometimes at the window edges.
  const r = rng.float();
  c.now = !s.timestamped || r < 0.5 ? c.ts : r < 0.6 ? c.ts + TOLERANCE : r < 0.7 ? c.ts - TOLERANCE : c.ts + rng.int(-TOLERANCE, TOLERANCE);
  const stale = TOLERANCE + 1 + (rng.chance(0.3) ? 0 : rng.int(0, 86400));
  c.staleNow = s.window === "both" && rng.chance(0.5) ? c.ts - stale : c.ts + stale; // stripe-node only rejects old ones
  c.kinds = ["body", "secret", "signature", ...(s.timestamped ? ["stale"] : [])];
  c.sigDraw = { mode: Math.floor(index / c.kinds.length) % SIG_MODES.length, pos: rng.float(), step: rng.u32() };
  c.cliTamper = c.kinds[index % c.kinds.length];
  c.signHeaderName = s.raw && rng.chance(0.5) ? RAW_HEADER : null; // (1): also hooksig's default name
  c.useDecoy = rng.chance(0.2);          // (2): verify holding two secrets, the right one and a decoy
  c.decoyFirst = rng.chance(0.5);
  c.headerArgs = rng.chance(0.25);       // (2): pass headers as --header args instead of --headers-file
  c.lowerNames = rng.chance(0.3);        // (2): send header names lowercased (names are case-insensitive)
  s.extra?.(rng, c);                     // scheme-specific draws (last: the other schemes' cases are unchanged)
  return c;
}
// Headers with the signature altered; null if the signature cannot be found.
function alterSig(s, hs, draw, headerName) {
  const name = [s.sig.header ?? []].flat().find((n) => hget(hs, n) !== undefined)
    ?? (s.sig.header ? null : headerName ?? (hs.length === 1 ? hs[0][0] : null));
  const value = name == null ? undefined : hget(hs, name);
  if (value === undefined) return null;
  const m = s.sig.re.exec(value);
  if (!m) return null;
  return hset(hs, name, m[1] + alterEncoded(m[2], s.sig.alphabet, draw.mode, draw) + (m[3] ?? ""));
}
// (secret, headers, body, now) for a tampering kind, starting from the untampered ones.
function tampered(s, c, kind, hs, headerName) {
  const v = { secret: c.secret, headers: hs, body: c.body, now: c.now, kind: c.kind, headerName };
  if (kind === "body") v.body = c.tamperedBody;
  else if (kind === "secret") v.secret = c.otherSecret;
  else if (kind === "stale") v.now = c.staleNow;
  else if (kind === "signature") v.headers = alterSig(s, hs, c.sigDraw, headerName);
  return v;
}

// ----------------------------------------------------------------------------------- CLI runner
// The CLI runs are started by a small helper process: fork() cost grows with the parent's memory
// (this process holds the npm packages and MiB-sized bodies, ~150+ MB; the helper ~40 MB), and
// thousands of runs from the big process would spend most of the suite's time in the kernel.
const HELPER = `
const { execFile } = require("node:child_process");
process.on("message", ({ id, file, args, timeout }) => {
  execFile(file, args, { encoding: "utf8", timeout, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
    let code = 0, errno = null;
    if (err) {
      if (typeof err.code === "number") code = err.code;
      else { errno = err.code ?? null; code = err.killed ? "killed (timeout " + timeout / 1000 + " s)" : String(err.signal ?? err.code); }
    }
    process.send({ id, code, errno, message: err ? err.message : "", stdout: String(stdout ?? ""), stderr: String(stderr ?? "") });
  });
});
process.on("disconnect", () => process.exit(0));
`;
let helper = null, helperSeq = 0;
const helperWaiting = new Map();
function startHelper() {
  helper = spawn(process.execPath, ["-e", HELPER], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  helper.on("message", (m) => { const done = helperWaiting.get(m.id); helperWaiting.delete(m.id); done?.(m); });
  helper.on("exit", (code, sig) => {
    if (helperWaiting.size) fatal(`spawn helper exited (${code ?? sig})`);
  });
}
async function hooksig(args) {
  const m = await new Promise((resolve) => {
    const id = helperSeq++;
    helperWaiting.set(id, resolve);
    helper.send({ id, file: opt.cli, args, timeout: 60000 });
  });
  if (m.errno === "ENOENT" || m.errno === "EACCES" || m.errno === "ETXTBSY") fatal(`cannot run ${opt.cli}: ${m.message}`);
  return { code: m.code, stdout: m.stdout, stderr: m.stderr };
}
const clip = (t, n = 300) => { t = String(t ?? "").trim(); return JSON.stringify(t.length > n ? t.slice(0, n) + "..." : t); };
const shq = (a) => (/^[A-Za-z0-9_\/.,:=+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
const cmdline = (args) => ["hooksig", ...args].map(shq).join(" ");
const expectValid = (r) => (r.code === 0 && r.stdout.trim() === "valid" ? null
  : `expected exit 0 and "valid", got exit ${r.code}, stdout ${clip(r.stdout)}, stderr ${clip(r.stderr)}`);
const expectInvalid = (r) => (r.code === 1 && /^invalid\b/.test(r.stderr.trim()) && r.stdout.trim() !== "valid" ? null
  : `expected exit 1 and "invalid: ..." on stderr, got exit ${r.code}, stdout ${clip(r.stdout)}, stderr ${clip(r.stderr)}`);

// ----------------------------------------------------------------------------------- one case
let TMP;
// Unrecoverable (CLI missing or replaced mid-run, helper died): remove the temp dir and exit 2.
function fatal(msg) {
  console.error(`interop: ${msg}`);
  if (TMP && !opt.keepTmp) fsSync.rmSync(TMP, { recursive: true, force: true });
  process.exit(2);
}
async function runCase(name, index) {
  const s = SCHEMES[name];
  const c = makeCase(name, index);
  const fails = [];
  const fail = (check, detail, args) => fails.push({ check, detail, args });
  const dir = path.join(TMP, `${name}-${index}`);
  await fs.mkdir(dir);
  const bodyFile = path.join(dir, "body"), tamperedFile = path.join(dir, "body.tampered");
  await fs.writeFile(bodyFile, c.body);
  await fs.writeFile(tamperedFile, c.tamperedBody);
  const pkgCheck = async (v) => { try { return v.headers ? await s.verify(v) : false; } catch { return false; } };
  const refName = s.ref.split(" ")[0];

  // (1) hooksig signs, the package verifies.
  const signArgs = ["sign", "--scheme", s.cli];
  for (const k of s.signKeys ? s.signKeys(c) : [c.secret]) signArgs.push("--secret", k);
  if (name === "standard" || name === "svix" || name === "v1a") signArgs.push("--id", c.id);
  if (s.timestamped) signArgs.push("--timestamp", String(c.ts));
  signArgs.push("--body-file", bodyFile);
  if (c.signHeaderName) signArgs.push("--header-name", c.signHeaderName);
  const r1 = await hooksig(signArgs);
  if (r1.code !== 0) {
    fail("hooksig sign", `exit ${r1.code}, stderr ${clip(r1.stderr)}`, signArgs);
  } else {
    const p = parseHeaderLines(r1.stdout);
    if (p.error) fail("hooksig sign output", p.error, signArgs);
    else {
      const hs = p.hs;
      const bad = s.signedFields?.(hs, c);
      if (bad) fail("hooksig sign output", bad, signArgs);
      if (c.signHeaderName && hget(hs, c.signHeaderName) === undefined)
        fail("hooksig sign output", `--header-name ${c.signHeaderName} given but printed ${clip(r1.stdout)}`, signArgs);
      const v = { secret: c.secret, headers: hs, body: c.body, now: c.now, kind: c.kind, headerName: c.signHeaderName };
      if (!(await pkgCheck(v))) fail(`hooksig sign -> ${refName} verify`, `rejected (now=ts${fmtOff(c.now - c.ts)}); hooksig printed ${clip(r1.stdout)}`, signArgs);
      for (const kind of c.kinds) {
        const t = tampered(s, c, kind, hs, c.signHeaderName);
        if (kind === "signature" && !t.headers) continue; // already reported above
        if (await pkgCheck(t)) fail(`tampered (${kind}): ${refName} verify of hooksig's signature`, `accepted ${describeTamper(c, kind, t)}`, signArgs);
      }
    }
  }

  // (2) the package signs, hooksig verifies.
  let pkgHeaders;
  try { pkgHeaders = await s.sign(c); } catch (e) { fail(`${refName} sign`, `threw ${e.message}`); }
  if (pkgHeaders) {
    const verifyArgs = async (v, tag) => {
      const a = ["verify", "--scheme", s.cli];
      const secrets = v.secret === c.secret && c.useDecoy ? (c.decoyFirst ? [c.decoySecret, c.secret] : [c.secret, c.decoySecret]) : [v.secret];
      for (const x of secrets) a.push("--secret", s.verifyKey ? s.verifyKey(x, c) : x);
      for (const x of s.verifyExtra?.(c) ?? []) a.push("--secret", x);
      const lines = v.headers.map(([n, x]) => `${c.lowerNames ? n.toLowerCase() : n}: ${x}`);
      if (c.headerArgs) for (const l of lines) a.push("--header", l);
      else {
        const hf = path.join(dir, `headers.${tag}`);
        await fs.writeFile(hf, lines.join("\n") + "\n");
        a.push("--headers-file", hf);
      }
      a.push("--now", String(v.now), "--body-file", v.body === c.body ? bodyFile : tamperedFile);
      if (s.raw) a.push("--header-name", RAW_HEADER);
      return a;
    };
    const valid = { secret: c.secret, headers: pkgHeaders, body: c.body, now: c.now };
    const a2 = await verifyArgs(valid, "valid");
    const e2 = expectValid(await hooksig(a2));
    if (e2) fail(`${refName} sign -> hooksig verify`, `${e2} (now=ts${fmtOff(c.now - c.ts)})`, a2);

    // (3) hooksig must reject the package's signature under one tampering.
    const t = tampered(s, c, c.cliTamper, pkgHeaders, RAW_HEADER);
    if (t.headers) {
      const a3 = await verifyArgs(t, "tampered");
      const e3 = expectInvalid(await hooksig(a3));
      if (e3) fail(`tampered (${c.cliTamper}): hooksig verify of ${refName}'s signature`, `${e3}; ${describeTamper(c, c.cliTamper, t)}`, a3);
    } else fail(`${refName} sign`, `signature not found in ${JSON.stringify(pkgHeaders)}`);
  }
  if (!opt.keepTmp) await fs.rm(dir, { recursive: true, force: true });
  // Keep only what the report needs: bodies (up to 1 MiB each) are not retained.
  return { c: { scheme: name, index, bodyLen: c.body.length, kind: c.kind, secret: c.secret, id: c.id, ts: c.ts }, fails };
}
const fmtOff = (d) => (d === 0 ? "" : d > 0 ? `+${d}` : `${d}`);
function describeTamper(c, kind, t) {
  switch (kind) {
    case "body": return `body with one ${c.kind === "bytes" ? "byte" : "character"} changed (${c.body.length} -> ${t.body.length} bytes)`;
    case "secret": return `other secret ${JSON.stringify(t.secret)}`;
    case "stale": return `clock at ts${fmtOff(t.now - c.ts)} s`;
    case "signature": return `signature ${SIG_MODES[c.sigDraw.mode]}: ${clip(JSON.stringify(t.headers), 400)}`;
  }
}

// ----------------------------------------------------------------------------------- documented vectors
async function docsVectors() {
  const out = [];
  const check = async (label, args, expect) => {
    const r = await hooksig(args);
    const e = expect === "valid" ? expectValid(r) : typeof expect === "function" ? expect(r) : null;
    if (e) out.push({ check: label, detail: e, args });
  };
  const want = (name, value) => (r) => {
    if (r.code !== 0) return `exit ${r.code}, stderr ${clip(r.stderr)}`;
    const p = parseHeaderLines(r.stdout);
    if (p.error) return p.error;
    return hget(p.hs, name) === value ? null : `${name} is ${clip(hget(p.hs, name))}, expected ${JSON.stringify(value)}`;
  };
  const dir = path.join(TMP, "docs");
  await fs.mkdir(dir);
  const file = async (n, data) => { const f = path.join(dir, n); await fs.writeFile(f, data); return f; };
  let n = 0;
  const want_ = (sch) => opt.schemes.includes(sch);

  if (want_("github")) { // docs.github.com, "Validating webhook deliveries"
    const secret = "It's a Secret to Everybody", sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    const b = await file("github", "Hello, World!");
    if (!(await ghVerify(secret, "Hello, World!", sig))) out.push({ check: "github docs vector", detail: "octokit rejects the docs vector itself" });
    await check("github docs vector: hooksig verify", ["verify", "--scheme", "github", "--secret", secret, "--header", `X-Hub-Signature-256: ${sig}`, "--now", "1700000000", "--body-file", b], "valid");
    await check("github docs vector: hooksig sign", ["sign", "--scheme", "github", "--secret", secret, "--body-file", b], want("x-hub-signature-256", sig));
    n += 2;
  }
  if (want_("slack")) { // api.slack.com/authentication/verifying-requests-from-slack, from tests/vectors/schemes.json
    const all = JSON.parse(await fs.readFile(path.join(HERE, "..", "vectors", "schemes.json"), "utf8"));
    const v = all.find((x) => x.scheme === "slack" && x.name === "docs vector");
    if (!v) out.push({ check: "slack docs vector", detail: "not found in tests/vectors/schemes.json" });
    else {
      const b = await file("slack", v.payload);
      const hf = await file("slack.headers", Object.entries(v.headers).map(([k, x]) => `${k}: ${x}`).join("\n") + "\n");
      await check("slack docs vector: hooksig verify", ["verify", "--scheme", "slack", "--secret", v.secret, "--headers-file", hf, "--now", String(v.now), "--body-file", b], "valid");
      await check("slack docs vector: hooksig sign", ["sign", "--scheme", "slack", "--secret", v.secret, "--timestamp", v.timestamp, "--body-file", b], want("x-slack-signature", v.headers["X-Slack-Signature"]));
      n += 2;
    }
  }
  if (want_("svix") || want_("standard")) { // docs.svix.com manual verification example
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", id = "msg_p5jXN8AQM9LWM0D4loKWxJek", ts = "1614265330";
    const sig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body = '{"test": 2432232314}';
    const b = await file("svix", body);
    if (new SvixWebhook(secret).sign(id, new Date(Number(ts) * 1000), body) !== sig) out.push({ check: "svix docs vector", detail: "svix package disagrees with the docs vector" });
    for (const p of ["svix", "webhook"])
      await check(`svix docs vector (${p}-* headers): hooksig verify`, ["verify", "--scheme", "standard", "--secret", secret,
        "--header", `${p}-id: ${id}`, "--header", `${p}-timestamp: ${ts}`, "--header", `${p}-signature: ${sig}`, "--now", ts, "--body-file", b], "valid");
    await check("svix docs vector: hooksig sign", ["sign", "--scheme", "standard", "--secret", secret, "--id", id, "--timestamp", ts, "--body-file", b], want("webhook-signature", sig));
    n += 3;
  }
  if (want_("v1a")) { // the shared v1a vectors (tests/vectors/v1a-vectors.json, made with node:crypto)
    const all = JSON.parse(await fs.readFile(path.join(HERE, "..", "vectors", "v1a-vectors.json"), "utf8"));
    for (const v of all.cases.filter((x) => x.kind === "webhook")) {
      const b = await file(`v1a-${v.name}`, Buffer.from(v.body_b64 ?? "", "base64"));
      const args = ["verify", "--scheme", "standard", ...v.verifier.keys.flatMap((k) => ["--secret", k]),
        ...Object.entries(v.headers).flatMap(([k, x]) => ["--header", `${k}: ${x}`]), "--now", String(v.verifier.now), "--body-file", b];
      // Invalid: exit 1, or exit 2 where hooksig refuses the key itself (the small-order key).
      await check(`v1a vector ${v.name}: hooksig verify`, args, v.expected.valid ? "valid" : (r) =>
        (r.code !== 0 && r.stdout.trim() !== "valid" ? null : `expected a refusal, got exit ${r.code}, stdout ${clip(r.stdout)}`));
      n += 1;
    }
  }
  return { n, fails: out };
}

// ----------------------------------------------------------------------------------- main
async function pool(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => { while (next < tasks.length) { const i = next++; results[i] = await tasks[i](); } };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

async function main() {
  const t0 = Date.now();
  TMP = await fs.mkdtemp(path.join(os.tmpdir(), "hooksig-interop-"));
  startHelper();
  const cleanup = () => { if (!opt.keepTmp) fsSync.rmSync(TMP, { recursive: true, force: true }); };
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => { cleanup(); process.exit(sig === "SIGINT" ? 130 : 143); });
  const indices = opt.only !== null ? [opt.only] : Array.from({ length: opt.cases }, (_, i) => i);
  console.log(`hooksig interop: cli ${opt.cli}`);
  console.log(`seed ${opt.seed}; ${opt.only !== null ? `case ${opt.only} only` : `${opt.cases} cases per scheme`}; ` +
    `jobs ${opt.jobs}; node ${process.version}`);
  for (const name of opt.schemes) console.log(`  ${name.padEnd(10)} hooksig --scheme ${SCHEMES[name].cli.padEnd(10)} checked with ${SCHEMES[name].ref}`);
  console.log(`reproduce: node interop.mjs --cli ${shq(opt.cli)} --seed ${opt.seed}${opt.cases !== 200 ? ` --cases ${opt.cases}` : ""}` +
    `${opt.schemes !== SCHEME_NAMES ? ` --scheme ${opt.schemes.join(",")}` : ""}`);

  let total = 0;
  try {
    if (opt.only === null) {
      const d = await docsVectors();
      total += d.fails.length;
      for (const f of d.fails) console.log(`FAIL docs: [${f.check}] ${f.detail}${f.args ? `\n    ${cmdline(f.args)}` : ""}`);
      if (d.n) console.log(`docs-vectors: ${d.n} cases, ${d.fails.length} disagreements`);
    }
    const tasks = [];
    for (const name of opt.schemes) for (const i of indices) tasks.push(() => runCase(name, i));
    const results = await pool(tasks, opt.jobs);
    for (const name of opt.schemes) {
      const rs = results.filter((r) => r.c.scheme === name);
      const failing = rs.filter((r) => r.fails.length);
      const count = failing.reduce((a, r) => a + r.fails.length, 0);
      total += count;
      // Per kind of check: how many cases failed it, and the smallest failing case.
      const groups = new Map();
      for (const r of failing) for (const f of r.fails) {
        const g = groups.get(f.check) ?? { n: 0, best: null };
        g.n++;
        if (!g.best || r.c.bodyLen < g.best.r.c.bodyLen) g.best = { r, f };
        groups.set(f.check, g);
      }
      for (const [check, g] of groups) {
        const { r: { c }, f } = g.best;
        console.log(`FAIL ${name} [${check}]: ${g.n} case(s); smallest: #${c.index}, body ${c.bodyLen} B (${c.kind}), ` +
          `secret ${JSON.stringify(c.secret)}, id ${c.id}, ts ${c.ts}\n    ${f.detail}` +
          (f.args ? `\n    ${cmdline(f.args)}` : "") +
          `\n    re-run: node interop.mjs --cli ${shq(opt.cli)} --seed ${opt.seed} --scheme ${name} --only ${c.index} --keep-tmp`);
      }
      console.log(`${name}: ${rs.length} cases, ${count} disagreements${count ? ` (in ${failing.length} cases)` : ""}`);
    }
  } finally {
    const exited = new Promise((r) => helper.once("exit", r));
    helper.disconnect();
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
    cleanup();
    if (opt.keepTmp) console.log(`temporary files kept in ${TMP}`);
  }
  console.log(`${total === 0 ? "OK" : "FAILED"}: ${total} disagreements in ${((Date.now() - t0) / 1000).toFixed(1)} s (seed ${opt.seed})`);
  process.exit(total === 0 ? 0 : 1);
}
main().catch((e) => fatal(e?.stack ?? String(e)));
