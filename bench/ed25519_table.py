#!/usr/bin/env python3
"""The Ed25519 table of bench/README.md from one run of both binaries (JSON in /tmp/ed-*.json) and
node-ed25519.mjs output (/tmp/node-ed.txt); see the commands there. Standard library only."""
import json,sys,re
def med(path):
    d=json.load(open(path)); out={}
    for b in d['benchmarks']:
        if b.get('aggregate_name')=='median': out[b['run_name']]=(b['real_time'], b.get('allocs_per_op'))
    return out
a=med('/tmp/ed-hooksig_bench.json'); b=med('/tmp/ed-hooksig_bench_ed25519_botan.json')
node={}
for line in open('/tmp/node-ed.txt'):
    m=re.search(r'ed25519 (\d+) B: verify median ([\d.]+) us, sign ([\d.]+) us',line)
    if m: node[int(m.group(1))]=(float(m.group(2)),float(m.group(3)))
names={64:'64 B',1024:'1 KiB',16384:'16 KiB',1048576:'1 MiB'}
us=lambda ns: f"{ns/1e3:.1f} µs" if ns<1e6 else f"{ns/1e6:.2f} ms"
rows=["| body | floor: libsodium verify | `v1a` verify, libsodium (ratio, allocs) | `v1a` verify, Botan (ratio to its run's floor, allocs) | mixed `v1`+`v1a`, libsodium | `v1a` sign, libsodium / Botan | Node verify / sign |","|---:|---:|---:|---:|---:|---:|---:|"]
for s in [64,1024,16384,1048576]:
    fa=a[f'BM_floor_ed25519_verify/{s}'][0]; fb=b[f'BM_floor_ed25519_verify/{s}'][0]
    va=a[f'BM_verify_v1a/{s}']; vb=b[f'BM_verify_v1a_botan/{s}']; ma=a[f'BM_verify_mixed/{s}']
    sa=a[f'BM_sign_v1a/{s}'][0]; sb=b[f'BM_sign_v1a_botan/{s}'][0]
    n=node.get(s,(0,0))
    rows.append(f"| {names[s]} | {us(fa)} | {us(va[0])} ({va[0]/fa:.2f}×, {va[1]:g}) | {us(vb[0])} ({vb[0]/fb:.2f}×, {vb[1]:.1f}) | {us(ma[0])} ({ma[0]/fa:.2f}×) | {us(sa)} / {us(sb)} | {n[0]:.0f} / {n[1]:.0f} µs |")
wa=[a[f'BM_verify_v1_with_ed25519_keys/{s}'] for s in [64,1024,16384,1048576]]
rows.append("")
rows.append("`BM_verify_v1_with_ed25519_keys/` (a `v1` delivery, the verifier also holding a `whpk_`): "+", ".join(f"{us(w[0]) if w[0]>=1000 else str(round(w[0]))+' ns'}" for w in wa)+f" at 64 B … 1 MiB, {max(w[1] for w in wa):g} allocations.")
print("\n".join(rows))
