#!/usr/bin/env python3
"""CLI transcript test (after Pandoc's test/command): one file holds the input files,
the command, and the expected exit code and output.

    === file paper.md          a file to create in the scratch directory
    ...content...
    === run                    the command; `waybill` is the binary under test (a file may
                               hold several runs, each checked by the sections after it)
    waybill render paper.md
    === exit 1                 expected exit code
    === stderr                 expected stderr, exactly; the scratch directory reads
                               $TMP and durations read (TIME)
    ...
    === stderr-contains        lines that must each appear in stderr
    === stdout-contains        lines that must each appear in stdout
    === exists                 paths that must exist afterwards, one per line
    === absent                 paths that must not exist afterwards
    === requires               commands the test needs in PATH (space- or line-separated);
                               without one, it prints SKIP and exits 77

usage: transcript.py WAYBILL FILE.t
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile


def parse(path):
    sections, name, body = [], None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^=== (\S+)(?: (.*))?$", line.rstrip("\n"))
            if m:
                if name:
                    sections.append((name, arg, "".join(body)))
                name, arg, body = m.group(1), (m.group(2) or ""), []
            elif name:
                body.append(line)
    if name:
        sections.append((name, arg, "".join(body)))
    return sections


def main():
    waybill, path = sys.argv[1], sys.argv[2]
    sections = parse(path)
    for name, arg, body in sections:
        if name == "requires":
            for tool in (arg + " " + body).split():
                if shutil.which(tool) is None:
                    print(f"SKIP: {tool} is not installed")
                    return 77
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        command, results = None, None
        for name, arg, body in sections:
            if name == "requires":
                continue
            elif name == "file":
                target = os.path.join(tmp, arg)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "w", encoding="utf-8") as f:
                    f.write(body)
            elif name == "run":
                argv = shlex.split(body.strip())
                argv = [waybill if a == "waybill" else a for a in argv]
                env = dict(os.environ, NO_COLOR="1", COLUMNS="100")
                results = subprocess.run(argv, cwd=tmp, capture_output=True, text=True, env=env)
                command = body.strip()
            elif results is None:
                failures.append(f"section `{name}` before `=== run`")
            elif name == "exit":
                if results.returncode != int(arg):
                    failures.append(f"exit code {results.returncode}, expected {arg}")
            elif name == "stderr":
                got = re.sub(r"\(\d+(\.\d+)? (ms|s)\)", "(TIME)", results.stderr.replace(tmp, "$TMP"))
                if got != body:
                    failures.append(f"stderr differs:\n--- expected\n{body}--- got\n{got}")
            elif name in ("stderr-contains", "stdout-contains"):
                stream = results.stderr if name.startswith("stderr") else results.stdout
                for line in body.splitlines():
                    if line and line not in stream:
                        failures.append(f"{name.split('-')[0]} lacks: {line}\n--- got\n{stream}")
            elif name in ("exists", "absent"):
                for p in body.split():
                    present = os.path.exists(os.path.join(tmp, p))
                    if present != (name == "exists"):
                        failures.append(f"{p} {'missing' if name == 'exists' else 'should not exist'}")
            else:
                failures.append(f"unknown section `{name}`")
    if failures:
        print(f"$ {command}")
        for f in failures:
            print(f)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
