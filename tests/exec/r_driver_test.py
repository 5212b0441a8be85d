#!/usr/bin/env python3
"""The R driver (tool/exec/drivers/r_driver.R), spoken to over its protocol exactly as a
session does: started through sh with the protocol on fds 3 and 4, framed field-header
requests, framed JSON replies. Runs this machine's Rscript; skips (exit 77) without it.

usage: r_driver_test.py DRIVER
"""
import base64
import os
import shutil
import subprocess
import sys
import tempfile

from driver_protocol import DriverProcess, check, results, streams

WRAPPER = 'exec 3>&1 4<&0 </dev/null >"$WAYBILL_R_STDOUT"; exec "$@"'


def start(path, work):
    def encode(request_id, r):
        body, out = r["code"].encode(), r.get("outdir", "").encode()
        header = (f"{request_id} {r.get('kind', 'cell')} {r.get('first_line', 1)} {r.get('fig_format', 'png')} "
                  f"{r.get('width', 0)} {r.get('height', 0)} {int(r.get('warning', True))} "
                  f"{int(r.get('message', True))} {len(out)} {len(body)}\n")
        frame = header.encode() + out + body
        return b"%d\n" % len(frame) + frame
    # A UTF-8 locale and English messages, whatever this machine's: the checks compare
    # non-ASCII output and R's warning texts.
    env = dict(os.environ, WAYBILL_R_STDOUT=os.path.join(work, "fd1"), LC_ALL="C.UTF-8", LANGUAGE="en")
    proc = subprocess.Popen(["sh", "-c", WRAPPER, "sh", "Rscript", "--vanilla", path],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    return DriverProcess(proc, encode)


def main():
    if not shutil.which("Rscript"):
        print("SKIP: Rscript is not installed (apt-get install r-base-core)")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as work:
        d = start(sys.argv[1], work)
        r = d.send(code="x <- 41\n", first_line=10)
        check("a cell with no output", r["outputs"] == [] and r["error"] is None, r)
        r = d.send(code="cat(x + 1, '\\n')\n")
        check("state persists from cell to cell", streams(r) == [("stdout", "42 \n")], r)
        r = d.send(code="cat('a\\n')\nmessage('b')\ncat('c\\n')\n")
        check("stdout and stderr stay separate and in order",
              streams(r) == [("stdout", "a\n"), ("stderr", "b\n"), ("stdout", "c\n")], r)
        r = d.send(code="invisible(system('echo from a subprocess'))\n")
        check("output written to fd 1 is captured", ("stdout", "from a subprocess\n") in streams(r), r)
        r = d.send(code="y <- x * 2\ny\n")
        check("a visible value is a result, printed as R prints it", results(r) == [{"text/plain": "[1] 82\n"}], r)
        r = d.send(code="data.frame(a = 1:2, b = c('x', '<y>'))\n")
        data = results(r)[0] if results(r) else {}
        check("a data frame is also an HTML table", "<table" in data.get("text/html", "") and
              "&lt;y&gt;" in data.get("text/html", "") and "a" in data.get("text/plain", ""), r)
        r = d.send(code="f <- function(v) log(v)\nz <- f(-1)\n", first_line=30)
        check("a warning goes to stderr, located", streams(r) and streams(r)[0][0] == "stderr" and
              "NaNs produced" in streams(r)[0][1], r)
        r = d.send(code="z <- log(-1)\n", warning=False)
        check("warning: false hides warnings", streams(r) == [], r)
        r = d.send(code="a <- 1\nstop('broken on purpose')\nb <- 2\n", first_line=40)
        e = r["error"] or {}
        check("an error is reported at its document line", e.get("line") == 41 and
              "broken on purpose" in e.get("evalue", ""), r)
        check("an error in the cell's own code quotes no driver internals, as R's console",
              e.get("traceback", "").startswith("Error: broken on purpose") and "exprs" not in e.get("traceback", ""), e)
        r = d.send(code="exists('b')\n")
        check("execution stops at the error", results(r) == [{"text/plain": "[1] FALSE\n"}], r)
        r = d.send(code="g <- function() stop('deeper')\ng()\n", first_line=60)
        check("an error in a function names the call", (r["error"] or {}).get("traceback", "").startswith(
              "Error in g(): deeper"), r)
        r = d.send(code="as.integer('x')\n", first_line=70)
        check("a top-level warning quotes no driver internals", streams(r) and
              streams(r)[0][1].startswith("Warning: NAs introduced by coercion"), r)
        r = d.send(code="print.quiet <- function(x, ...) invisible(x)\nstructure(list(), class = 'quiet')\n")
        check("a value that prints nothing (a ggplot draws instead) shows no empty output", results(r) == [], r)
        r = d.send(code="x <- (\n", first_line=50)
        check("a syntax error is located", (r["error"] or {}).get("ename") == "SyntaxError", r)
        r = d.send(code="plot(1:10)\n", width=4, height=3)
        figures = [o for o in r["outputs"] if o["type"] == "figure"]
        check("a plot becomes a PNG figure", len(figures) == 1 and
              base64.b64decode(figures[0]["data"])[:8] == b"\x89PNG\r\n\x1a\n", r)
        r = d.send(code="plot(1:3)\nplot(3:1)\n", fig_format="svg")
        figures = [o for o in r["outputs"] if o["type"] == "figure"]
        check("fig-format svg gives one SVG per plot", len(figures) == 2 and
              b"<svg" in base64.b64decode(figures[0]["data"]), r)
        r = d.send(code="x * 2", kind="inline")
        check("an inline expression's value", results(r) == [{"text/plain": "82"}], r)
        r = d.send(code="Sys.getenv('WAYBILL_OUTPUT_DIR')\n", outdir="/waybill/out/cell-3")
        check("the output directory is in the environment", results(r) == [{"text/plain": "[1] \"/waybill/out/cell-3\"\n"}], r)
        r = d.send(code="cat('héllo ✓\\n')\n")
        check("UTF-8 survives", streams(r) == [("stdout", "héllo ✓\n")], r)
        check("the driver ends when its input does", d.close() == 0, "")


main()
