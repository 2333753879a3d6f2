#!/usr/bin/env python3
"""Runs JMH benchmarks in interleaved rounds and reports median scores.

On a machine shared with other work, the load drifts over minutes; one long JMH run per
configuration then compares configurations measured under different loads. This driver instead
runs every configuration briefly, round after round (A B C A B C ...), and reports for each the
median over rounds of the per-round score, plus the median of the per-round ratios to a baseline.

Usage (JAVA or JAVA_HOME must point to a Java 21+ runtime; build benchmarks/target/benchmarks.jar first):
  python3 benchmarks/scripts/interleaved_jmh.py --rounds 5 \\
      --bench 'QueueVirtualThreadThroughput' --param threads=1x1,2x2 \\
      --param kind=AsyncQueue,ArrayBlockingQueue,LinkedTransferQueue --baseline kind=ArrayBlockingQueue \\
      [--metric 'p1c1:p1c1_take'] [--jmh '-wi 2 -w 1s -i 3 -r 1s'] [--jvm '-Dx=y']

Each round runs one JMH fork per configuration (every combination of --param values) and takes
the mean of its measurement iterations as that round's score. --metric selects a secondary result
(for @Group benchmarks: 'p1c1:p1c1_take'; for aux counters: 'p1c1:polled'; several, comma-separated);
without it, the primary score of each benchmark method is used.
"""

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

# A Java 21+ launcher: $JAVA, else $JAVA_HOME/bin/java, else java on the PATH.
JAVA = os.environ.get("JAVA") or (
    os.path.join(os.environ["JAVA_HOME"], "bin", "java") if "JAVA_HOME" in os.environ else "java")
JAR = os.path.join(os.path.dirname(__file__), "..", "target", "benchmarks.jar")


def run_one(bench, params, jmh_opts, jvm, metric):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    jar = dict(params).get("jar", JAR)
    cmd = [JAVA, "-jar", jar, bench, "-f", "1", "-rf", "json", "-rff", out] + jmh_opts.split()
    for k, v in params:
        if k == "jar":
            continue
        if k == "jvm":
            jvm = (jvm + " " + v).strip()
        else:
            cmd += ["-p", f"{k}={v}"]
    if jvm:
        cmd += ["-jvmArgsAppend", jvm]
    # JMH refuses to start while another JMH run holds its machine-wide lock: wait for it.
    while True:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if proc.returncode == 0:
            break
        if "Unable to acquire the JMH lock" in proc.stdout:
            time.sleep(5)
            continue
        sys.stderr.write(proc.stdout[-4000:])
        raise SystemExit(f"JMH failed: {' '.join(cmd)}")
    with open(out) as fh:
        data = json.load(fh)
    os.unlink(out)
    scores = {}
    for entry in data:
        name = entry["benchmark"].rsplit(".", 1)[1]
        if metric:
            for m in metric.split(","):
                group, _, sec = m.partition(":")
                if name == group:
                    scores[m] = entry["secondaryMetrics"][sec]["score"]
        else:
            scores[name] = entry["primaryMetric"]["score"]
    return scores


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--param", action="append", default=[])
    ap.add_argument("--baseline", default=None, help="k=v naming the baseline value of one parameter")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--jmh", default="-wi 2 -w 1s -i 3 -r 1s")
    ap.add_argument("--jvm", default="")
    ap.add_argument("--metric", default=None)
    ap.add_argument("--jar-variants", default=None,
                    help="'|'-separated benchmark jars (builds of different versions), interleaved")
    ap.add_argument("--jvm-variants", default=None,
                    help="'|'-separated JVM argument sets, interleaved like a parameter named jvm")
    a = ap.parse_args()

    keys = [p.split("=", 1)[0] for p in a.param]
    values = [p.split("=", 1)[1].split(",") for p in a.param]
    if a.jar_variants:
        keys.append("jar")
        values.append(a.jar_variants.split("|"))
    if a.jvm_variants:
        keys.append("jvm")
        values.append(a.jvm_variants.split("|"))
    configs = [tuple(zip(keys, combo)) for combo in itertools.product(*values)]
    results = {c: [] for c in configs}  # config -> list of {benchmark: score}
    for r in range(a.rounds):
        for c in configs:
            load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
            s = run_one(a.bench, c, a.jmh, a.jvm, a.metric)
            results[c].append(s)
            print(f"round {r} {dict(c)} load={load:.2f} {s}", file=sys.stderr, flush=True)

    base_key, base_val = (a.baseline.split("=", 1) if a.baseline else (None, None))
    print(f"# {a.bench} metric={a.metric or 'primary'} rounds={a.rounds} jmh='{a.jmh}' jvm='{a.jvm}'")
    for c in configs:
        for bench in sorted(results[c][0]):
            scores = [s[bench] for s in results[c]]
            line = f"{bench:20s} {' '.join(f'{k}={v}' for k, v in c):50s} median {statistics.median(scores):>16,.0f}"
            line += f"  (min {min(scores):,.0f} max {max(scores):,.0f})"
            if base_key and dict(c).get(base_key) != base_val:
                bc = tuple((k, base_val if k == base_key else v) for k, v in c)
                ratios = [s[bench] / b[bench] for s, b in zip(results[c], results[bc])]
                line += f"  ratio vs {base_val}: median {statistics.median(ratios):.2f}"
            print(line)


if __name__ == "__main__":
    main()
