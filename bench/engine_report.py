"""Turns `hearth-engine bench --json` lines (stdin) into bench/results JSON and a Markdown table with llama.cpp ratios."""
import json
import sys
import datetime

# llama-bench -t 2 -p 128 -n 64 on this machine kind, TinyLlama-1.1B shape (../shared/conformance/README.md): ranges
# over two runs; the midpoint is used for ratios.
LLAMA_CPP = {"F16": ((85, 86), (13.3, 14.1)), "Q8_0": ((69, 71), (19.0, 19.8)), "Q4_0": ((69, 84), (33.4, 36.6))}

threads, cpu, json_path, md_path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
runs = [json.loads(line) for line in sys.stdin if line.strip()]
rows = []
for r in runs:
    kind = r["model"].rsplit("-", 1)[-1].upper()
    ref = LLAMA_CPP.get(kind)
    pp_ref = sum(ref[0]) / 2 if ref else None
    tg_ref = sum(ref[1]) / 2 if ref else None
    r["type"] = kind
    r["llama_cpp_pp_tok_s"] = pp_ref
    r["llama_cpp_tg_tok_s"] = tg_ref
    rows.append(r)
report = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), "cpu": cpu,
          "threads": int(threads), "command": "bench/run-engine.sh " + threads, "runs": rows}
with open(json_path, "w") as f:
    json.dump(report, f, indent=2)
    f.write("\n")

def ratio(a, b):
    return f"{a / b:.2f}x" if b else "n/a"

lines = [f"# CPU engine: TinyLlama-1.1B shape, {threads} threads, {cpu}", "",
         f"Measured {report['date']} with `bench/run-engine.sh {threads}`; random weights from `hearth-engine gen-model`.",
         "Generation is bounded by read bandwidth ÷ weight bytes per token; the bandwidth is measured in the same run.", "",
         "| type | pp128 tok/s | llama.cpp pp | ratio | tg64 tok/s | llama.cpp tg | ratio | read GB/s | tg limit tok/s | tg / limit |",
         "|---|---|---|---|---|---|---|---|---|---|"]
for r in rows:
    lines.append(f"| {r['type']} | {r['pp_tok_s']:.1f} | {r['llama_cpp_pp_tok_s'] or 'n/a'} | {ratio(r['pp_tok_s'], r['llama_cpp_pp_tok_s'])} "
                 f"| {r['tg_tok_s']:.2f} | {r['llama_cpp_tg_tok_s'] or 'n/a'} | {ratio(r['tg_tok_s'], r['llama_cpp_tg_tok_s'])} "
                 f"| {r['bandwidth_gb_s']:.1f} | {r['tg_limit_tok_s']:.1f} | {100 * r['tg_fraction_of_limit']:.0f}% |")
with open(md_path, "w") as f:
    f.write("\n".join(lines) + "\n")
