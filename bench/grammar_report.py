"""Turns JMH's JSON for GrammarMaskBenchmark into a Markdown table with the issue's target beside the mask figure."""
import json
import sys

json_path, md_path = sys.argv[1], sys.argv[2]
rows = {b["benchmark"].rsplit(".", 1)[-1]: b["primaryMetric"] for b in json.load(open(json_path))}
TARGET_US = 500

def pct(name, p):
    return rows[name].get("scorePercentiles", {}).get(p, float("nan"))

lines = ["| per step, Qwen2 vocabulary (151,936 tokens), nested schema | median µs | p90 µs | mean µs | beside it |",
         "|---|---|---|---|---|",
         f"| mask (logits copy included) | {pct('mask', '50.0'):.1f} | {pct('mask', '90.0'):.1f} | {rows['mask']['score']:.1f} | target ≤ {TARGET_US} µs median |",
         f"| constrained step (mask, greedy pick, follow) | {pct('constrainedStep', '50.0'):.1f} | {pct('constrainedStep', '90.0'):.1f} | {rows['constrainedStep']['score']:.1f} | unconstrained step below |",
         f"| unconstrained step (greedy pick) | {pct('unconstrainedStep', '50.0'):.1f} | {pct('unconstrainedStep', '90.0'):.1f} | {rows['unconstrainedStep']['score']:.1f} | |",
         f"| first use of a grammar (every mask computed) | | | {rows['firstUseOfAGrammar']['score']:.1f} | once per grammar state |"]
text = "\n".join(lines) + "\n"
print(text, end="")
open(md_path, "w").write(text)
