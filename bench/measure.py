#!/usr/bin/env python3
"""Runs a command N times and prints JSON: best and median wall time, and the peak RSS of the
child (getrusage of the children), without any third-party tool."""
import json
import resource
import statistics
import subprocess
import sys
import time

def main():
    runs = int(sys.argv[1])
    cmd = sys.argv[2:]
    walls = []
    peak = 0
    for _ in range(runs):
        start = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        walls.append(time.perf_counter() - start)
        if p.returncode != 0:
            sys.stderr.write(p.stderr.decode(errors="replace"))
            print(json.dumps({"error": p.returncode}))
            return
        # ru_maxrss of children is the largest of any waited-for child, in KiB on Linux.
        peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps({"best": min(walls), "median": statistics.median(walls), "maxrss_kib": peak, "runs": runs}))

main()
