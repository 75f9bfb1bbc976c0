#!/usr/bin/env python3
"""Turns hooksig_bench's JSON output into a markdown table and an SVG plot.

    build/release/bench/hooksig_bench --benchmark_repetitions=3 --benchmark_min_time=0.2 \\
        --benchmark_format=json --benchmark_out=bench.json
    python3 bench/report.py bench.json --markdown bench/RESULTS.md --svg bench/throughput.svg

Times are each benchmark's median over its repetitions (the single run when
there are none), real time unless --time cpu. Ratios are to the floor
(BM_floor_sha256, Botan's SHA-256 of the same signed content) at the same body
size, all from the one run in the file. --check-allocs exits 1 unless every
verify benchmark made zero heap allocations per operation (the CI smoke step).
Standard library only.
"""

import argparse
import json
import math
import statistics
import sys
from collections import defaultdict

FLOOR = "BM_floor_sha256"
BOTAN_HMAC = "BM_botan_hmac"
VERIFY = "BM_verify_standard"
SIGN = "BM_sign_standard"
ROTATION = "BM_verify_rotation"
ROTATION_FIRST = "BM_verify_rotation_first_match"
SCHEMES = [
    ("BM_verify_stripe", "Stripe"),
    ("BM_verify_github", "GitHub"),
    ("BM_verify_slack", "Slack"),
    ("BM_verify_shopify", "Shopify"),
    ("BM_verify_raw_hex", "raw hex"),
    ("BM_verify_raw_base64", "raw base64"),
    ("BM_verify_paddle", "Paddle"),
    ("BM_verify_square", "Square"),
]
SHARED_RING = "BM_verify_keyring_shared"
THREADS = "threads"  # results[THREADS][(family, size, threads)] = verifications per second
TO_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def load(path, clock):
    """Returns ({family: {size: {"ns": time, "allocs": allocs}}}, context)."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    medians, singles, threads = {}, defaultdict(list), defaultdict(list)
    for b in data.get("benchmarks", []):
        if b.get("error_occurred"):
            raise SystemExit(f"{b['name']}: {b.get('error_message', 'error')}")
        family, _, size = b["run_name"].partition("/")
        if "/threads:" in size:
            # BM_x/<bytes>[/real_time]/threads:<n>: each run's verifications per
            # second, their median taken below (aggregates would count twice).
            if b.get("run_type") == "aggregate":
                continue
            parts = size.split("/")
            threads[(family, int(parts[0]), int(parts[-1].split(":")[1]))].append(b.get("items_per_second", 0.0))
            continue
        if not size.isdigit():
            continue
        key = (family, int(size))
        scale = TO_NS[b.get("time_unit", "ns")]
        row = {
            "ns": b[clock + "_time"] * scale,
            "real": b["real_time"] * scale,
            "cpu": b["cpu_time"] * scale,
            "allocs": b.get("allocs_per_op", float("nan")),
        }
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[key] = row
        else:
            singles[key].append(row)
    results = defaultdict(dict)
    for key, rows in singles.items():
        results[key[0]][key[1]] = medians.get(key) or {
            "ns": statistics.median(r["ns"] for r in rows),
            "real": statistics.median(r["real"] for r in rows),
            "cpu": statistics.median(r["cpu"] for r in rows),
            "allocs": max(r["allocs"] for r in rows),
        }
    for key, row in medians.items():
        results[key[0]][key[1]] = row
    results[THREADS] = {key: statistics.median(v) for key, v in threads.items()}
    return results, data.get("context", {})


def human_size(n):
    for unit, step in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= step and n % step == 0:
            return f"{n // step} {unit}"
    return f"{n} B"


def human_time(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def ratio(results, family, size, base=FLOOR, clock="ns"):
    try:
        return results[family][size][clock] / results[base][size][clock]
    except (KeyError, ZeroDivisionError):
        return None


def cell(results, family, size, base=FLOOR):
    row = results.get(family, {}).get(size)
    if row is None:
        return "–"
    r = ratio(results, family, size, base)
    return human_time(row["ns"]) + (f" ({r:.2f}×)" if r is not None else "")


def targets(results, sizes):
    """(description, {clock: measured value}, limit, strict) for every target of
    issue 6; clock is "real" or "cpu"."""
    out = []

    def both(family, size, base):
        return {c: ratio(results, family, size, base, c) for c in ("real", "cpu")}

    for size, limit in ((64, 2.0), (1024, 1.10), (1 << 20, 1.03)):
        out.append((f"verify / floor at {human_size(size)} ≤ {limit:.2f}", both(VERIFY, size, FLOOR), limit, False))
    for size in sizes:
        out.append((f"verify / Botan HMAC at {human_size(size)} < 1", both(VERIFY, size, BOTAN_HMAC), 1.0, True))
    for size in sizes:
        out.append((f"rotation, 2nd key / verify at {human_size(size)} ≤ 2.1", both(ROTATION, size, VERIFY), 2.1, False))
    for size in sizes:
        out.append((f"rotation, 1st key / verify at {human_size(size)} ≤ 1.1",
                    both(ROTATION_FIRST, size, VERIFY), 1.1, False))
    return out


def holds(value, limit, strict):
    if value is None:
        return "–"
    ok = value < limit if strict else value <= limit
    return "yes" if ok else "**no**"


def markdown(results, context, clock):
    sizes = sorted(results.get(FLOOR, {}))
    lines = ["# Benchmark results", "",
             "Generated by `bench/report.py` from `hooksig_bench --benchmark_format=json` output "
             "(how to run: [README.md](README.md)); plot: [throughput.svg](throughput.svg).", ""]
    machine = ", ".join(x for x in (
        context.get("cpu_model"),
        f"{context['num_cpus']} CPUs" if "num_cpus" in context else None,
        f"SHA-256 provider {context['sha256_provider']}" if "sha256_provider" in context else None,
        context.get("compiler"),
        f"Botan {context['botan']}" if "botan" in context else None,
    ) if x)
    lines.append(f"Machine: {machine or 'unknown'}. Run: {context.get('date', '?')}, "
                 f"load average {', '.join(f'{x:.2f}' for x in context.get('load_avg', [])) or '?'}.")
    lines.append("")
    lines.append(f"Median {clock} time per operation; in parentheses the ratio to the floor "
                 "(Botan SHA-256 of the same `id.timestamp.body`) at the same body size.")
    lines.append("")
    lines.append("| body | floor SHA-256 | Botan HMAC | verify | sign | rotation, 2nd key | rotation, 1st key "
                 "| verify allocs/op |")
    lines.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        allocs = results.get(VERIFY, {}).get(size, {}).get("allocs")
        lines.append("| " + " | ".join([
            human_size(size), cell(results, FLOOR, size), cell(results, BOTAN_HMAC, size),
            cell(results, VERIFY, size), cell(results, SIGN, size), cell(results, ROTATION, size),
            cell(results, ROTATION_FIRST, size), "–" if allocs is None else f"{allocs:g}",
        ]) + " |")
    sign_allocs = sorted({results[SIGN][s]["allocs"] for s in results.get(SIGN, {})})
    if sign_allocs:
        lines.append("")
        lines.append(f"sign allocates {', '.join(f'{a:g}' for a in sign_allocs)} times per call (its output is "
                     "three std::string headers in a vector).")
    lines.append("")
    lines.append("Targets (ratios of medians from this run; real time is what the targets name, CPU time "
                 "is shown because real time on a shared machine includes time spent descheduled):")
    lines.append("")
    lines.append("| target | real time | holds | CPU time | holds |")
    lines.append("|---|---:|:---:|---:|:---:|")
    for desc, measured, limit, strict in targets(results, sizes):
        cells = []
        for c in ("real", "cpu"):
            v = measured[c]
            cells += ["–" if v is None else f"{v:.3f}", holds(v, limit, strict)]
        lines.append(f"| {desc} | " + " | ".join(cells) + " |")
    bad = check_allocs({f: r for f, r in results.items() if f == VERIFY})
    lines.append(f"| verify allocs/op = 0 at every size | {'0' if not bad else 'non-zero'} | "
                 f"{'yes' if not bad else '**no**'} | | |")
    shared = sorted((n, ips) for (f, size, n), ips in results.get(THREADS, {}).items() if f == SHARED_RING)
    if shared:
        one = dict(shared).get(1)
        lines.append("")
        lines.append("One keyring verified from several threads at once (`BM_verify_keyring_shared/64`, "
                     "a two-entry delivery matching the first key), verifications per second over all threads:")
        lines.append("")
        lines.append("| threads | verifications/s | vs 1 thread |")
        lines.append("|---:|---:|---:|")
        for n, ips in shared:
            lines.append(f"| {n} | {ips / 1e6:.2f} M | {ips / one:.2f}× |" if one else f"| {n} | {ips / 1e6:.2f} M | – |")
    present = [(f, label) for f, label in SCHEMES if f in results]
    if present:
        lines.append("")
        lines.append("The providers' schemes (verify, same body sizes; the ratio is to the same floor, though "
                     "each scheme signs its own content: Stripe `t.body`, Slack `v0:t:body`, Paddle `ts:body`, "
                     "Square `url` + body, GitHub, Shopify and raw the body alone):")
        lines.append("")
        lines.append("| body | " + " | ".join(label for _, label in present) + " |")
        lines.append("|---:|" + "---:|" * len(present))
        for size in sizes:
            lines.append(f"| {human_size(size)} | " + " | ".join(cell(results, f, size) for f, _ in present) + " |")
    return "\n".join(lines) + "\n"


def svg(results, clock):
    """Throughput (MB/s of body) against body size, log-2 x axis."""
    series = [(FLOOR, "floor: Botan SHA-256", "#555555", "6,4"),
              (BOTAN_HMAC, "Botan HMAC(SHA-256)", "#d95f02", "2,3"),
              (VERIFY, "hooksig verify (Standard Webhooks)", "#1b9e77", None)]
    points = {}
    for family, *_ in series:
        points[family] = sorted((size, size / row["ns"] * 1e3) for size, row in results.get(family, {}).items())
    sizes = sorted({s for pts in points.values() for s, _ in pts})
    if not sizes:
        raise SystemExit("no floor / HMAC / verify results to plot")
    top = max(mb for pts in points.values() for _, mb in pts)
    step = 10 ** math.floor(math.log10(top / 4))
    step *= 5 if top / step > 20 else 2 if top / step > 8 else 1
    y_max = math.ceil(top * 1.05 / step) * step

    width, height = 720, 440
    left, right, top_m, bottom = 80, 30, 50, 110
    plot_w, plot_h = width - left - right, height - top_m - bottom
    lo, hi = math.log2(sizes[0]), math.log2(sizes[-1])

    def x(size):
        return left + (math.log2(size) - lo) / ((hi - lo) or 1) * plot_w

    def y(mb):
        return top_m + plot_h - mb / y_max * plot_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="24" text-anchor="middle" font-size="15">'
           f'hooksig verification throughput ({clock} time, median)</text>']
    value = 0.0
    while value <= y_max + 1e-9:
        out.append(f'<line x1="{left}" y1="{y(value):.1f}" x2="{left + plot_w}" y2="{y(value):.1f}" '
                   f'stroke="#e0e0e0"/>')
        out.append(f'<text x="{left - 8}" y="{y(value) + 4:.1f}" text-anchor="end">{value:g}</text>')
        value += step
    for size in sizes:
        out.append(f'<line x1="{x(size):.1f}" y1="{top_m}" x2="{x(size):.1f}" y2="{top_m + plot_h}" '
                   f'stroke="#f0f0f0"/>')
        out.append(f'<text x="{x(size):.1f}" y="{top_m + plot_h + 18}" text-anchor="middle">'
                   f'{human_size(size)}</text>')
    out.append(f'<rect x="{left}" y="{top_m}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#333"/>')
    out.append(f'<text x="{left + plot_w / 2}" y="{top_m + plot_h + 40}" text-anchor="middle">'
               f'body size (log scale)</text>')
    out.append(f'<text transform="translate(22 {top_m + plot_h / 2}) rotate(-90)" text-anchor="middle">'
               f'throughput, MB/s of body</text>')
    for i, (family, label, colour, dash) in enumerate(series):
        pts = points[family]
        if not pts:
            continue
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        path = " ".join(f"{'M' if j == 0 else 'L'}{x(s):.1f},{y(mb):.1f}" for j, (s, mb) in enumerate(pts))
        out.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>')
        for s, mb in pts:
            out.append(f'<circle cx="{x(s):.1f}" cy="{y(mb):.1f}" r="3.5" fill="{colour}">'
                       f'<title>{label}, {human_size(s)}: {mb:.0f} MB/s</title></circle>')
        ly = height - bottom + 62 + i * 16
        lx = left
        out.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 28}" y2="{ly - 4}" stroke="{colour}" '
                   f'stroke-width="2"{dash_attr}/>')
        out.append(f'<text x="{lx + 36}" y="{ly}">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


# Ed25519 verification needs the signed content in one piece: on the stack up
# to 4 KiB, one heap block above (bench/README.md). Backends are the build's
# (libsodium or Botan's libsodium API: no allocation of their own).
ED25519_VERIFY = ("BM_verify_v1a", "BM_verify_mixed")


def allowed_allocs(family, size):
    """Heap allocations a verify benchmark may make per operation."""
    if family in ED25519_VERIFY:
        return 0 if size <= 1024 else 1
    return 0


def check_allocs(results):
    """Names of verify benchmarks with more allocations than allowed_allocs."""
    bad = []
    for family, rows in sorted(results.items()):
        if not family.startswith("BM_verify"):
            continue
        for size, row in sorted(rows.items()):
            if row["allocs"] > allowed_allocs(family, size):
                bad.append(f"{family}/{size}: allocs_per_op = {row['allocs']:g}")
    return bad


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("json", help="hooksig_bench --benchmark_format=json output")
    parser.add_argument("--markdown", help="write the table here (default: standard output)")
    parser.add_argument("--svg", help="write the throughput plot here")
    parser.add_argument("--time", choices=("real", "cpu"), default="real", help="which time to compare")
    parser.add_argument("--check-allocs", action="store_true",
                        help="exit 1 unless every BM_verify* benchmark has allocs_per_op == 0 (Ed25519: 0 up to 1 KiB, 1 above)")
    args = parser.parse_args()

    results, context = load(args.json, args.time)
    table = markdown(results, context, args.time)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(table)
    else:
        sys.stdout.write(table)
    if args.svg:
        with open(args.svg, "w", encoding="utf-8") as f:
            f.write(svg(results, args.time))
    if args.check_allocs:
        bad = check_allocs(results)
        verified = sum(len(rows) for family, rows in results.items() if family.startswith("BM_verify"))
        if verified == 0:
            print("check-allocs: no BM_verify* results in the file", file=sys.stderr)
            return 1
        for line in bad:
            print("check-allocs: " + line, file=sys.stderr)
        if bad:
            return 1
        print(f"check-allocs: {verified} verify benchmarks, no allocation beyond allowed_allocs (HMAC: 0)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
