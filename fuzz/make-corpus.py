#!/usr/bin/env python3
"""Builds the seed corpora fuzz/corpus/<target>/ from tests/vectors.

Seeds are named seed-<sha1 prefix> and are rewritten on each run; any other
file in a corpus directory (crash-*, regression-*: inputs a fuzzer once broke
hooksig with) is kept. At most MAX_FILES files per target, regressions first.

Usage: python3 fuzz/make-corpus.py   (from anywhere; no arguments)
"""
import base64
import hashlib
import hmac
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "tests", "vectors")
MAX_FILES = 50


def load(name):
    with open(os.path.join(VECTORS, name), encoding="utf-8") as f:
        return json.load(f)


def body_of(case):
    if case.get("payload_hex") is not None:
        return bytes.fromhex(case["payload_hex"])
    return case.get("payload", "").encode("utf-8")


def delivery(now, headers, body):
    """The verify targets' input layout: now line, header lines, blank line, body."""
    text = f"{now}\n"
    for name, value in headers:
        if value is not None:
            text += f"{name}: {value}\n"
    return text.encode("utf-8") + b"\n" + body


def base64_seeds():
    seeds = [c["input"].encode("utf-8") for c in load("encoding.json") if c["kind"] == "base64"]
    # Received signatures (44 characters, 32 bytes), as the Standard Webhooks decoder sees them.
    for c in load("standard-webhooks.json")["cases"]:
        for entry in (c.get("signature_header") or "").split(" "):
            if entry.startswith("v1,"):
                seeds.append(entry[3:].encode("utf-8"))
    return seeds


def hex_seeds():
    seeds = [c["input"].encode("utf-8") for c in load("encoding.json") if c["kind"] == "hex"]
    for c in load("rfc4231_hmac_sha256.json"):
        seeds.append(c["mac_hex"].encode())
        seeds.append(c["mac_hex"].upper().encode())
    return seeds


def secret_seeds():
    # First byte even: secret::parse; odd: secret::from_text.
    seeds = []
    for c in load("standard-webhooks.json")["cases"]:
        seeds.append(b"\x00" + c["secret"].encode("utf-8"))
    for c in load("schemes.json"):
        for s in c.get("secrets") or [c.get("secret")]:
            if s is not None:
                seeds.append(b"\x01" + s.encode("utf-8"))
                seeds.append(b"\x00" + s.encode("utf-8"))
    return seeds


def standard_verify_seeds():
    seeds = []
    for c in load("standard-webhooks.json")["cases"]:
        headers = [("webhook-id", c.get("msg_id")), ("webhook-timestamp", c.get("timestamp")),
                   ("webhook-signature", c.get("signature_header"))]
        seeds.append(delivery(c.get("now", 1700000000), headers, body_of(c)))
    for c in load("schemes.json"):
        if c["scheme"] == "svix":
            seeds.append(delivery(c["now"], list(c["headers"].items()), body_of(c)))
    return seeds


# fuzz_scheme_verify's first byte: index of the scheme in its make_targets().
SCHEME_INDEX = {"stripe": 0, "github": 1, "slack": 2, "shopify": 3, "raw-hex": 4, "raw-base64": 5, "raw-hex-custom": 6,
                "paddle": 7, "square": 8}


def scheme_verify_seeds():
    by_scheme = {}
    for c in load("schemes.json"):
        scheme = c["scheme"]
        headers = list(c["headers"].items())
        if scheme == "bitgo":
            value = c["headers"].get("x-signature-sha256", "")
            scheme = "raw-base64" if value.endswith("=") else "raw-hex"
        if scheme not in SCHEME_INDEX:
            continue
        seed = bytes([SCHEME_INDEX[scheme]]) + delivery(c.get("now", 1700000000), headers, body_of(c))
        by_scheme.setdefault(scheme, []).append(seed)
        if scheme == "raw-hex":
            custom = [("X-Custom-Signature" if n == "x-signature-sha256" else n, v) for n, v in headers]
            by_scheme.setdefault("raw-hex-custom", []).append(
                bytes([SCHEME_INDEX["raw-hex-custom"]]) + delivery(c.get("now", 1700000000), custom, body_of(c)))
    # Round robin, so every scheme keeps seeds under the file cap.
    seeds, lists = [], list(by_scheme.values())
    while any(lists):
        for l in lists:
            if l:
                seeds.append(l.pop(0))
    return seeds


def key_id(kind, text):
    key = base64.b64decode(text[len("whsec_"):] if text.startswith("whsec_") else text) if kind == "whsec" \
        else text.encode()
    return hmac.new(key, b"hooksig key id v1", hashlib.sha256).hexdigest()[:12]


def keyring_file_seeds():
    whsec = sorted({c["secret"] for c in load("standard-webhooks.json")["cases"]
                    if c["secret"].startswith("whsec_") and " " not in c["secret"] and "!" not in c["secret"]})
    texts = sorted({c["secret"] for c in load("schemes.json") if c.get("secret")})
    keys = [("whsec", s) for s in whsec] + [("text", s) for s in texts]
    header = "hooksig-keyring 1\n# key_id kind not_before not_after secret\n"
    line = lambda kind, s, nb="1700000000", na="-": f"{key_id(kind, s)} {kind} {nb} {na} {s}\n"
    seeds = []
    for i in range(len(keys)):  # rings of one to three keys, newest first, with grace windows
        ring = keys[i:i + 1 + i % 3]
        seeds.append(header + "".join(line(k, s, str(1700000000 - 3600 * j), "-" if j == 0 else str(1700003600))
                                      for j, (k, s) in enumerate(ring)))
    k, s = keys[0]
    seeds += [
        "",
        "hooksig-keyring 1\n",
        "hooksig-keyring 2\n" + line(k, s),
        header + line(k, s).replace("1700000000 -", "1700000000 1700000000"),  # empty window
        header + line(k, s) + line(k, s),  # duplicate
        header + line(k, s).replace("\n", "\r\n"),
        header + "000000000000" + line(k, s)[12:],  # wrong key id
        header + line(k, s).replace(" whsec ", " text "),
        header + line(k, s).replace(" - ", " +5 "),
        header + "\n\n#\n" + line(k, s),
    ]
    return [seed.encode() for seed in seeds]


def replay_store_seeds():
    # Capacity byte (value % 8 + 1 slots), then operations: 0 insert <key> <ttl>, 1 erase <key>,
    # 2 advance <seconds>, 3 key <prefix length> <prefix> <id length> <id>.
    ins = lambda k, ttl: bytes([0, k, ttl])
    era = lambda k: bytes([1, k])
    adv = lambda n: bytes([2, n])
    def key(prefix, ident):
        return bytes([3, len(prefix)]) + prefix + bytes([len(ident) % 256]) + ident[:255]
    seeds = [
        bytes([1]) + ins(0, 5) + ins(0, 5) + adv(6) + ins(0, 5),              # duplicate, then expired
        bytes([1]) + ins(0, 5) + ins(1, 5) + ins(2, 5) + ins(0, 5),           # early evictions in a 2-slot ring
        bytes([3]) + ins(0, 9) + era(0) + ins(0, 9) + ins(1, 0) + adv(7) + ins(1, 3),
        bytes([7]) + b"".join(ins(k % 6, k % 11 + 1) for k in range(20)) + adv(3) + b"".join(era(k) for k in range(6)),
    ]
    ids = [c["msg_id"].encode() for c in load("standard-webhooks.json")["cases"] if c.get("msg_id")][:4]
    ids += [b"body:" + b"ab" * 32, b"with space", b"\x00\xff", b"x" * 200]
    for i, ident in enumerate(ids):
        seeds.append(bytes([i]) + key(b"hooksig:", ident) + ins(i % 6, 3) + key(b"tenant-" + bytes([65 + i]) + b":", ident))
    return seeds


def hmac_seeds():
    # Key length byte, key, split count byte, two bytes per split, message.
    cases = [(bytes.fromhex(c["key_hex"]), bytes.fromhex(c["data_hex"])) for c in load("rfc4231_hmac_sha256.json")]
    wycheproof = load(os.path.join("wycheproof", "hmac_sha256_test.json"))
    for group in wycheproof["testGroups"]:
        if group["tagSize"] != 256:
            continue
        for t in group["tests"][:12]:
            if t["result"] == "valid":
                cases.append((bytes.fromhex(t["key"]), bytes.fromhex(t["msg"])))
    seeds = []
    for i, (key, msg) in enumerate(cases):
        splits = [len(msg) // 3, len(msg) // 2][: i % 3]
        seeds.append(bytes([len(key)]) + key + bytes([len(splits)]) +
                     b"".join(struct.pack(">H", s) for s in splits) + msg)
    return seeds


# fuzz_ed25519_keys' first byte: 0 key text, 1 raw whsk_ bytes, 2 raw whpk_ bytes, 3 discord key text.
SMALL_ORDER_HEX = ["01" + "00" * 31, "ec" + "ff" * 30 + "7f", "00" * 32,
                   "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
                   "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
                   "ed" + "ff" * 30 + "7f"]
SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")


def ed25519_keys_seeds():
    v = load("v1a-vectors.json")
    seeds = []
    for k in ("K1", "K2"):
        key = v["keys"][k]
        seed, public = bytes.fromhex(key["seed_hex"]), bytes.fromhex(key["public_hex"])
        for field in ("whpk", "whpk_spki", "whsk_seed", "whsk_seed_pub"):
            seeds.append(b"\x00" + key[field].encode())
        seeds += [b"\x01" + seed, b"\x01" + seed + public, b"\x02" + public, b"\x02" + SPKI_PREFIX + public,
                  b"\x03" + key["public_hex"].encode(), b"\x03" + key["public_hex"].upper().encode()]
    k1, k2 = v["keys"]["K1"], v["keys"]["K2"]
    seeds.append(b"\x01" + bytes.fromhex(k1["seed_hex"]) + bytes.fromhex(k2["public_hex"]))  # mismatched pair
    for c in v["cases"]:
        if c.get("producer_key"):
            seeds.append(b"\x00" + c["producer_key"].encode())
        for key in c.get("verifier", {}).get("keys", []):
            seeds.append(b"\x00" + key.encode())
    for h in SMALL_ORDER_HEX:
        seeds += [b"\x02" + bytes.fromhex(h), b"\x03" + h.encode(),
                  b"\x00whpk_" + base64.b64encode(bytes.fromhex(h))]
    return seeds


def mixed_verify_seeds():
    seeds = []
    for c in load("v1a-vectors.json")["cases"]:
        if c.get("kind") != "webhook":
            continue
        body = base64.b64decode(c.get("body_b64", ""))
        seeds.append(delivery(c["verifier"]["now"], list(c["headers"].items()), body))
    return seeds


TARGETS = {
    "fuzz_base64": base64_seeds,
    "fuzz_hex": hex_seeds,
    "fuzz_secret_parse": secret_seeds,
    "fuzz_standard_verify": standard_verify_seeds,
    "fuzz_hmac_differential": hmac_seeds,
    "fuzz_scheme_verify": scheme_verify_seeds,
    "fuzz_keyring_file": keyring_file_seeds,
    "fuzz_replay_store": replay_store_seeds,
    "fuzz_ed25519_keys": ed25519_keys_seeds,
    "fuzz_mixed_verify": mixed_verify_seeds,
}


def write(target, seeds):
    directory = os.path.join(HERE, "corpus", target)
    os.makedirs(directory, exist_ok=True)
    kept = []
    for name in sorted(os.listdir(directory)):
        if name.startswith("seed-"):
            os.remove(os.path.join(directory, name))
        else:
            kept.append(name)
    unique = list(dict.fromkeys(seeds))[: max(0, MAX_FILES - len(kept))]
    for seed in unique:
        name = "seed-" + hashlib.sha1(seed).hexdigest()[:16]
        with open(os.path.join(directory, name), "wb") as f:
            f.write(seed)
    print(f"{target}: {len(unique)} seeds, {len(kept)} regression inputs kept")


def main():
    for target, make in TARGETS.items():
        write(target, make())


if __name__ == "__main__":
    main()
