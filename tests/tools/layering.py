#!/usr/bin/env python3
"""The pipeline's rules (ARCHITECTURE.md): no stage includes a later stage, and only the
driver chains the stages (reads, plans, executes and writes a document).

Each folder under tool/ is a stage, in the order below. A file may include headers of its
own stage and of the stages before it; anything else is reported with its line, and the
test fails. A new folder must be given its place here.
"""
import os
import re
import sys

ORDER = ["util", "doc", "oci", "plan", "box", "build", "exec", "render", "prov", "batch", "driver", "site", "modules", "cli"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')
# The stages' entry points, and the stage that defines each: anyone else calling them
# is a second chain of the journey.
ENTRY_POINTS = {re.compile(r"\bread_document\("): "doc", re.compile(r"\bmake_plan\("): "plan",
                re.compile(r"\bexec::execute\("): "exec", re.compile(r"\bDocumentWriter\b"): "render"}


def main(tool):
    rank = {stage: i for i, stage in enumerate(ORDER)}
    problems = []
    for stage in sorted(os.listdir(tool)):
        folder = os.path.join(tool, stage)
        if not os.path.isdir(folder):
            continue
        if stage not in rank:
            problems.append(f"tool/{stage}/: a stage with no place in the order; add it to {__file__}")
            continue
        for name in sorted(os.listdir(folder)):
            if not name.endswith((".cpp", ".hpp")):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    for pattern, owner in ENTRY_POINTS.items():
                        if stage not in (owner, "driver") and pattern.search(line):
                            problems.append(f"tool/{stage}/{name}:{number}: {pattern.pattern[2:-2]} outside "
                                            f"the driver: a second chain of read, plan, execute and write")
                    m = INCLUDE.match(line)
                    if not m or m.group(1) not in rank:
                        continue
                    if rank[m.group(1)] > rank[stage]:
                        problems.append(f"tool/{stage}/{name}:{number}: {stage} includes {m.group(1)}/, a later stage")
    for p in problems:
        print(p)
    print(f"{len(problems)} problems; the order is " + " < ".join(ORDER))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
