#!/usr/bin/env python3
"""Parses HTML files with html5lib in strict mode; any parse error fails.
Without html5lib it prints SKIP and exits 77.

usage: check_html5.py FILE.html...
"""
import sys

try:
    import html5lib
except ImportError:
    print("SKIP: python3-html5lib is not installed")
    sys.exit(77)


def main():
    bad = 0
    for path in sys.argv[1:]:
        parser = html5lib.HTMLParser(strict=True)
        try:
            with open(path, "rb") as f:
                parser.parse(f.read())
        except Exception as e:  # html5lib raises ParseError at the first error
            bad += 1
            print(f"{path}: not valid HTML5: {e}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
