"""Turns the engine's and llama-bench's JSON lines (stdin, from bench/run-engine.sh) into bench/results JSON and a
Markdown table: per type, the best of the rounds of each engine, and their ratio (hearth / llama.cpp)."""
import datetime
import json
import sys

threads, cpu, json_path, md_path = sys.argv[1:5]
kernels = "unknown"
best = {}  # (type, engine, measure) -> tok/s
limits = {}
for line in sys.stdin:
    if not line.strip():
        continue
    entry = json.loads(line)
    if entry["engine"] in ("hearth", "hearth-java"):
        r = entry["result"]
        kind = r["model"].rsplit("-", 1)[-1].replace(".gguf", "").upper()
        if entry["engine"] == "hearth-java":
            kind += " (Java path)"
            entry["engine"] = "hearth"
        else:
            kernels = r.get("kernels", kernels)
        measures = {f"pp{r['prompt_tokens']}": r["pp_tok_s"]}
        if r["prompt_tokens"] == 128:
            measures["tg64"] = r["tg_tok_s"]
            limits[kind] = (r["bandwidth_gb_s"], r["tg_limit_tok_s"])
    else:
        measures = {}
        for r in entry["result"]:
            kind = r["model_type"].split()[-1].upper() if "model_type" in r else "?"
            name = f"pp{r['n_prompt']}" if r["n_prompt"] else f"tg{r['n_gen']}"
            measures[name] = r["avg_ts"]
    for name, value in measures.items():
        key = (kind, entry["engine"], name)
        best[key] = max(best.get(key, 0), value)

present = {k[0] for k in best}
order = ("Q8_0", "Q8_0 (Java path)", "Q4_0", "Q4_0 (Java path)", "F16")
kinds = [k for k in order if k in present] + sorted(present - set(order))
report = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), "cpu": cpu, "kernels": kernels,
          "threads": int(threads), "command": "bench/run-engine.sh " + threads,
          "results": [{"type": k, "engine": e, "measure": m, "tok_s": v} for (k, e, m), v in sorted(best.items())],
          "bandwidth": {k: {"read_gb_s": b, "tg_limit_tok_s": l} for k, (b, l) in limits.items()}}
with open(json_path, "w") as f:
    json.dump(report, f, indent=2)
    f.write("\n")


def cell(kind, measure):
    # a Java-path row is compared with llama.cpp on the same file
    h, l = best.get((kind, "hearth", measure)), best.get((kind.split(" ")[0], "llama.cpp", measure))
    if h is None:
        return "n/a | n/a | n/a"
    return f"{h:.1f} | {l:.1f} | {h / l:.2f}x" if l else f"{h:.1f} | n/a | n/a"


lines = [f"# CPU engine beside llama.cpp: TinyLlama-1.1B shape, {threads} threads, {cpu}", "",
         f"Measured {report['date']} with `bench/run-engine.sh {threads}`; Hearth's kernels: {kernels}. Random weights from "
         "`hearth-engine gen-model`; both engines read the same file, alternating, best of two rounds each. "
         "Generation is bounded by read bandwidth ÷ weight bytes per token, measured in the same run.", "",
         "| type | pp128 Hearth | llama.cpp | ratio | pp512 Hearth | llama.cpp | ratio | tg64 Hearth | llama.cpp | ratio | tg limit | Hearth / limit |",
         "|---|---|---|---|---|---|---|---|---|---|---|---|"]
for kind in kinds:
    bw = limits.get(kind.split(" ")[0])
    tg = best.get((kind, "hearth", "tg64"))
    limit = f"{bw[1]:.1f} | {100 * tg / bw[1]:.0f}%" if bw and tg else "n/a | n/a"
    lines.append(f"| {kind} | {cell(kind, 'pp128')} | {cell(kind, 'pp512')} | {cell(kind, 'tg64')} | {limit} |")
with open(md_path, "w") as f:
    f.write("\n".join(lines) + "\n")
