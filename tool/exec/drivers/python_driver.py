# waybill's Python driver: runs inside a session's box, one process per (image, python)
# session, so state persists from cell to cell as in a notebook kernel. Standard library
# only. It speaks frames on the stdin and stdout it started with: a decimal length, a
# newline, then that many bytes of JSON. Cells never see those descriptors: their
# stdin is /dev/null and their stdout and stderr are captured.
#
# Request:  {"id": N, "code": "...", "file": "paper.md", "first_line": L, "fig_format": "png",
#            "fig_width": 6, "fig_height": 4, "warning": true, "outdir": "/waybill/out/setup"}
#           {"id": N, "expr": "..."}                       an inline expression
# Every key but id and code (or expr) is optional. outdir becomes $WAYBILL_OUTPUT_DIR
# for the cell; with "warning": false, the cell's warnings are not shown.
# Response: {"id": N, "outputs": [...], "error": null | {...}, "seconds": S}
#   outputs, in order: {"type": "stream", "name": "stdout"|"stderr", "text": "..."}
#                      {"type": "result", "data": {"text/plain": "...", "text/html": "..."}}
#                      {"type": "figure", "format": "png"|"svg", "data": base64}
#   error: {"ename": "ValueError", "evalue": "...", "traceback": "...", "line": L}
import ast
import base64
import io
import json
import os
import sys
import tempfile
import time
import tokenize
import traceback
import warnings

os.environ.setdefault("MPLBACKEND", "Agg")


def read_frame(stream):
    header = stream.readline()
    if not header:
        return None
    return json.loads(stream.read(int(header)).decode("utf-8"))


def write_frame(stream, message):
    body = json.dumps(message).encode("utf-8")
    stream.write(b"%d\n" % len(body) + body)
    stream.flush()


class Recorder(io.TextIOBase):
    """sys.stdout or sys.stderr during a cell: every write becomes an output, in order."""

    def __init__(self, name, outputs):
        self.name, self.outputs = name, outputs

    def writable(self):
        return True

    def write(self, text):
        if self.outputs and self.outputs[-1].get("name") == self.name and self.outputs[-1]["type"] == "stream":
            self.outputs[-1]["text"] += text
        else:
            self.outputs.append({"type": "stream", "name": self.name, "text": text})
        return len(text)


def markdown_cell(text):
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def frame_markdown(frame, max_rows=60):
    """A pandas DataFrame as a pipe table, for formats that cannot show its HTML (LaTeX):
    the index and the columns, head and tail rows when it is long. None for anything else."""
    if type(frame).__name__ != "DataFrame" or not type(frame).__module__.startswith("pandas"):
        return None
    try:
        rows = len(frame)
        shown = frame if rows <= max_rows else frame.iloc[list(range(max_rows // 2)) + list(range(rows - max_rows // 2, rows))]
        names = [markdown_cell(n) for n in frame.index.names]
        head = [" ".join(n for n in names if n != "None")] + [markdown_cell(c) for c in frame.columns]
        numeric = [""] + [frame[c].dtype.kind in "iufc" if not isinstance(frame[c], type(frame)) else False
                          for c in frame.columns]
        lines = ["| " + " | ".join(head) + " |",
                 "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
        for position, (index, row) in enumerate(shown.iterrows()):
            if rows > max_rows and position == max_rows // 2:
                lines.append("| " + " | ".join(["…"] * len(head)) + " |")
            lines.append("| " + " | ".join([markdown_cell(index)] + [markdown_cell(v) for v in row]) + " |")
        return "\n".join(lines) + "\n"
    except Exception:
        return None


def display_data(value):
    data = {"text/plain": repr(value)}
    for method, mime in (("_repr_html_", "text/html"), ("_repr_markdown_", "text/markdown")):
        render = getattr(value, method, None)
        if callable(render):
            try:
                shown = render()
            except Exception:
                shown = None
            if shown:
                data[mime] = shown
    if "text/markdown" not in data:
        table = frame_markdown(value)
        if table:
            data["text/markdown"] = table
    return data


def figures(fmt, width=None, height=None):
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return []
    out = []
    for number in pyplot.get_fignums():
        figure = pyplot.figure(number)
        if width or height:
            w, h = figure.get_size_inches()
            figure.set_size_inches(width or w, height or h)
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, bbox_inches="tight")
        out.append({"type": "figure", "format": fmt, "data": base64.b64encode(buffer.getvalue()).decode("ascii")})
    pyplot.close("all")
    return out


def located_error(error, file):
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == file]
    line = frames[-1].lineno if frames else getattr(error, "lineno", None)
    shown = traceback.format_exception(type(error), error, error.__traceback__)
    # Drop the driver's own frames: the traceback starts at the cell.
    text = "".join(shown[:1] + [s for s in shown[1:] if 'File "' + file + '"' in s or not s.startswith("  File")])
    return {"ename": type(error).__name__, "evalue": str(error), "traceback": text, "line": line}


def run_cell(request, namespace):
    file = request.get("file", "<cell>")
    outputs, error = [], None
    if "expr" in request:
        try:
            value = eval(compile(request["expr"], file, "eval"), namespace)
            outputs.append({"type": "result", "data": {"text/plain": str(value)}})
        except BaseException as e:  # noqa: B902 - a cell may raise anything, SystemExit included
            error = located_error(e, file)
            error["line"] = request.get("first_line")
        return outputs, error
    offset = request.get("first_line", 1) - 1
    if request.get("outdir"):
        os.environ["WAYBILL_OUTPUT_DIR"] = request["outdir"]
    with warnings.catch_warnings():
        if request.get("warning") is False:
            warnings.simplefilter("ignore")
        error = run_code(request, namespace, file, offset, outputs)
    outputs.extend(figures(request.get("fig_format", "png"), request.get("fig_width"), request.get("fig_height")))
    return outputs, error


def ends_with_semicolon(code):
    """Whether the cell's last statement ends with `;`, which in Jupyter (IPython) keeps
    its value from being shown: `ax.legend();` shows no `<Legend object at 0x...>`."""
    skip = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT)
    last = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type not in skip:
                last = token
    except (tokenize.TokenError, SyntaxError):
        return False
    return last is not None and last.string == ";"


def run_code(request, namespace, file, offset, outputs):
    error = None
    try:
        try:
            tree = ast.parse(request["code"], file)
        except SyntaxError as e:
            if e.lineno is not None:
                e.lineno += offset
            raise
        ast.increment_lineno(tree, offset)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, file, "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), file, "eval"), namespace)
            if value is not None and not ends_with_semicolon(request["code"]):
                namespace["_"] = value
                outputs.append({"type": "result", "data": display_data(value)})
    except BaseException as e:  # noqa: B902
        error = located_error(e, file)
    return error


def main():
    protocol_in = os.fdopen(os.dup(0), "rb")
    protocol_out = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    namespace = {"__name__": "__main__"}
    while True:
        request = read_frame(protocol_in)
        if request is None:
            return
        outputs = []
        # Output written straight to file descriptors (subprocesses, C libraries) lands
        # in files and follows the cell's own output.
        captured = [tempfile.TemporaryFile(), tempfile.TemporaryFile()]
        saved = [os.dup(1), os.dup(2)]
        os.dup2(captured[0].fileno(), 1)
        os.dup2(captured[1].fileno(), 2)
        sys.stdout, sys.stderr = Recorder("stdout", outputs), Recorder("stderr", outputs)
        started = time.monotonic()
        try:
            cell_outputs, error = run_cell(request, namespace)
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
        for name, f in zip(("stdout", "stderr"), captured):
            f.seek(0)
            text = f.read().decode("utf-8", "replace")
            if text:
                outputs.append({"type": "stream", "name": name, "text": text})
            f.close()
        outputs.extend(cell_outputs)
        write_frame(protocol_out, {"id": request.get("id"), "outputs": outputs, "error": error,
                                   "seconds": round(time.monotonic() - started, 6)})


main()
