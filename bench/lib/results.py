"""bench/RESULTS.md is made of sections, one per benchmark script, each between
`<!-- NAME:begin -->` and `<!-- NAME:end -->`. A script rewrites only its own."""


def write_section(results, name, section):
    """Replaces the section NAME (whose text, markers included, is `section`) or
    appends it, and prints it."""
    import re
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    try:
        text = open(results, encoding="utf-8").read()
    except FileNotFoundError:
        text = "# Benchmark results\n\nEach section is written by the script it names; rerun the script to update it.\n"
    if begin in text:
        text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    open(results, "w", encoding="utf-8").write(text)
    print(section)
