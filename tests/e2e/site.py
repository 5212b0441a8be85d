#!/usr/bin/env python3
"""`waybill site` on the sample course, end to end, in a store of its own copied from the
flagship fixture (so the course's environment comes from the build cache):
  - the whole course builds; a second build renders and writes nothing;
  - editing one lesson re-renders only that lesson (--stats), a bare touch nothing;
  - the data container is mounted read-only, and a changed dataset gets a new digest
    and re-runs the lessons that mount it, and only those;
  - a parallel build writes the same site as a serial one;
  - broken links and cross-references are errors at their place;
  - headless Chromium: navigation links resolve, and search finds a lesson's word;
  - --serve serves the site on 127.0.0.1 and rebuilds after an edit.

usage: site.py WAYBILL SAMPLES FIXTURES
"""
import filecmp
import html.parser
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from e2e_util import check, fail, runner  # noqa: E402


def stats(path):
    with open(path) as f:
        return json.load(f)


def data_digest(site):
    """The digest of course-data, as the data lesson's record names it."""
    record = json.loads(read(os.path.join(site, "lessons/02-data.provenance.json")))
    deps = {d["name"]: d for d in record["predicate"]["buildDefinition"]["resolvedDependencies"]}
    return "sha256:" + deps.get("data/course-data", {}).get("digest", {}).get("sha256", "")


def build(run, course, tmp, *extra, expect=0):
    s = os.path.join(tmp, "stats.json")
    p = run(["site", course, "--stats", s, *extra], expect=expect)
    return stats(s), p


class Links(html.parser.HTMLParser):
    """The ids of a page and the links of its sidebar, page navigation and search results."""

    def __init__(self):
        super().__init__()
        self.ids, self.nav, self.results, self.where = set(), [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        classes = (a.get("class") or "").split()
        if tag in ("nav", "ol", "div", "ul", "li", "main", "aside", "form", "span"):
            self.where.append(a.get("id") or (classes[0] if classes else tag))
        if tag == "a" and a.get("href"):
            if "site-search-results" in self.where:
                self.results.append(a["href"])
            elif any(w in ("site-nav", "page-nav") for w in self.where) or "site-title" in self.where:
                self.nav.append(a["href"])

    def handle_endtag(self, tag):
        if tag in ("nav", "ol", "div", "ul", "li", "main", "aside", "form", "span") and self.where:
            self.where.pop()


def chromium_dom(chromium, url, profile):
    p = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--user-data-dir=" + profile, "--virtual-time-budget=5000", "--dump-dom", url],
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0 or "<html" not in p.stdout:
        fail(f"chromium could not load {url}: {p.stderr[-1500:]}")
    dom = Links()
    dom.feed(p.stdout)
    return dom


def check_in_chromium(site):
    chromium = shutil.which("chromium")
    if not chromium:
        print("skipped: the Chromium checks (apt-get install chromium)")
        return
    profile = tempfile.mkdtemp()
    try:
        pages = [os.path.relpath(os.path.join(d, f), site) for d, _, fs in os.walk(site) for f in fs if f.endswith(".html")]
        doms = {p: chromium_dom(chromium, "file://" + os.path.join(site, p), profile) for p in pages}
        seen = 0
        for page, dom in doms.items():
            for href in dom.nav:
                target, _, anchor = href.partition("#")
                resolved = os.path.normpath(os.path.join(os.path.dirname(page), target)) if target else page
                if resolved not in doms:
                    fail(f"{page}: the navigation link {href} leads nowhere")
                if anchor and anchor not in doms[resolved].ids:
                    fail(f"{page}: the navigation link {href} has no target")
                seen += 1
        check(f"Chromium: {seen} navigation links on {len(doms)} pages resolve", seen > 4 * len(doms))
        # The search box reads ?q=; a word only lesson 2 uses finds lesson 2 first.
        dom = chromium_dom(chromium, "file://" + os.path.join(site, "lessons/01-containers.html") + "?q=rainfall", profile)
        check("Chromium: searching `rainfall` finds the data lesson",
              dom.results and dom.results[0].split("#")[0].endswith("02-data.html"), str(dom.results))
        dom = chromium_dom(chromium, "file://" + os.path.join(site, "index.html") + "?q=namespaces", profile)
        check("Chromium: searching `namespaces` finds the containers lesson",
              dom.results and dom.results[0].split("#")[0].endswith("01-containers.html"), str(dom.results))
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def append(path, text):
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)


def serve(waybill, course, env):
    p = subprocess.Popen([waybill, "site", course, "--serve", "--port", "0"], stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = None
        deadline = time.time() + 60
        while time.time() < deadline and not url:
            line = p.stderr.readline()
            m = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            url = m.group(1) if m else None
        check("--serve listens on 127.0.0.1", url is not None)
        page = urllib.request.urlopen(url + "index.html", timeout=10).read().decode()
        check("--serve serves the home page, with its reload script", "/_waybill/build" in page)
        try:
            urllib.request.urlopen(url + "%2e%2e/%2e%2e/waybill.yml", timeout=10)
            fail("--serve served a file outside the site")
        except urllib.error.HTTPError as e:
            check("--serve refuses a path out of the site (404)", e.code == 404)
        before = urllib.request.urlopen(url + "_waybill/build", timeout=10).read()
        append(os.path.join(course, "lessons/03-figures.md"), "\nServed and rebuilt while watching.\n")
        deadline = time.time() + 60
        while time.time() < deadline and urllib.request.urlopen(url + "_waybill/build", timeout=10).read() == before:
            time.sleep(0.2)
        page = urllib.request.urlopen(url + "lessons/03-figures.html", timeout=10).read().decode()
        check("--serve rebuilds after an edit", "Served and rebuilt while watching." in page)
        p.send_signal(signal.SIGTERM)
        check("--serve stops on SIGTERM, with status 0", p.wait(timeout=30) == 0)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def main():
    waybill, samples, fixtures = sys.argv[1], sys.argv[2], sys.argv[3]
    if os.geteuid() != 0:
        print("SKIP: cells run in boxes, which need root (CI runs as root)")
        return 77
    if not os.path.exists(os.path.join(fixtures, "paper-home", ".ready")):
        print(f"SKIP: the flagship fixture did not run (no {fixtures}/paper-home/.ready)")
        return 77
    tmp = tempfile.mkdtemp()
    try:
        # A store of our own: the flagship fixture's, copied (hard links) so that its
        # build cache holds the course's environment.
        home = os.path.join(tmp, "home")
        subprocess.run(["cp", "-al", os.path.join(fixtures, "paper-home"), home], check=True)
        os.environ["WAYBILL_HOME"] = home
        run = runner(waybill)
        course = os.path.join(tmp, "course")
        shutil.copytree(os.path.join(samples, "course"), course, ignore=shutil.ignore_patterns("_site"))
        site = os.path.join(course, "_site")
        s, _ = build(run, course, tmp)
        digest1 = data_digest(site)
        by_hand = run(["image", "pack-data", os.path.join(course, "data"), "by-hand"]).stdout.strip()
        check("the site packed waybill.yml's data folder, as `image pack-data` does", digest1 == by_hand, digest1 + " " + by_hand)
        check("the course builds: 4 pages", s["pages_rendered"] == 4 and not s["failed"], json.dumps(s))
        check("--stats sums the pages' time by stage", set(s.get("timings", {})) ==
              {"read", "plan", "build", "execute", "write"} and s["timings"]["write"] > 0, json.dumps(s))
        check("the shared image is built once (from the build cache here), not once per page",
              s["images_built"] == 0)
        for f in ("index.html", "provenance.html", "_waybill/search-index.js", "_waybill/search.js",
                  "lessons/03-figures_files/figures/fig-temperature-1.png"):
            check(f"the site has {f}", os.path.exists(os.path.join(site, f)))
        data = read(os.path.join(site, "lessons/02-data.html"))
        check("the data lesson read the data container", "90 readings from 3 stations" in data)
        check("the data container is mounted read-only", "refused: Read-only file system" in data)
        figures = read(os.path.join(site, "lessons/03-figures.html"))
        check("a link to another page's source becomes a link to its HTML", 'href="02-data.html#averages-per-station"' in figures)
        intro = read(os.path.join(site, "lessons/01-containers.html"))
        check("a reference to another page's figure links there",
              'href="03-figures.html#fig-temperature"' in intro and "Figure\u00a01 (Figures from data)" in intro)
        prov = read(os.path.join(site, "provenance.html"))
        check("the provenance page lists the data image by digest", digest1 in prov and "course-data" in prov)
        check("the data lesson's record names the data image by digest", digest1.startswith("sha256:"))

        s, _ = build(run, course, tmp)
        check("a build in which nothing changed renders and writes nothing",
              s["pages_rendered"] == 0 and s["pages_unchanged"] == 4 and s["written"] == [], json.dumps(s))

        os.utime(os.path.join(course, "lessons/02-data.md"))
        s, _ = build(run, course, tmp)
        check("touching a page without changing it renders nothing", s["pages_rendered"] == 0, json.dumps(s))

        append(os.path.join(course, "lessons/01-containers.md"), "\n```{bash}\necho edited lesson\n```\n")
        s, _ = build(run, course, tmp)
        check("editing one lesson re-runs only that lesson",
              s["rendered"] == ["lessons/01-containers.md"] and s["cells_run"] >= 1, json.dumps(s))
        check("...and rewrites only its page, the search index and the provenance page (one cell more)",
              sorted(s["written"]) == ["_waybill/search-index.js", "lessons/01-containers.html", "provenance.html"],
              json.dumps(s))
        check("the edited lesson shows the new cell's output", "edited lesson" in read(os.path.join(site, "lessons/01-containers.html")))

        append(os.path.join(course, "data/weather.csv"), "west,1,12.0,0.0\n")
        s, _ = build(run, course, tmp)
        digest2 = data_digest(site)
        check("a changed dataset has a new digest", digest2 != digest1, digest2)
        check("a changed dataset re-runs the lessons that mount it, and only those",
              sorted(s["rendered"]) == ["lessons/02-data.md", "lessons/03-figures.md"] and s["cells_run"] >= 4, json.dumps(s))
        check("the data lesson saw the new data", "91 readings from 4 stations" in read(os.path.join(site, "lessons/02-data.html")))
        check("the provenance page names the new digest", digest2 in read(os.path.join(site, "provenance.html")))

        # A page added to the site and taken out again leaves nothing behind.
        yml = os.path.join(course, "waybill.yml")
        original = read(yml)
        with open(os.path.join(course, "extra.md"), "w") as f:
            f.write("---\ntitle: Extra\n---\n\nA page for a while.\n")
        with open(yml, "w") as f:
            f.write(original.replace("  - index.md\n", "  - index.md\n  - extra.md\n"))
        s, _ = build(run, course, tmp)
        check("a page added to waybill.yml is built", os.path.exists(os.path.join(site, "extra.html")), json.dumps(s))
        with open(yml, "w") as f:
            f.write(original)
        s, _ = build(run, course, tmp)
        check("a page taken out of waybill.yml is removed from the site",
              s["removed"] == ["extra.html"] and not os.path.exists(os.path.join(site, "extra.html")), json.dumps(s))

        # Parallel and serial builds write the same site.
        env_epoch = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
        outs = []
        for jobs in ("1", "4"):
            out = os.path.join(tmp, "out-" + jobs)
            p = subprocess.run([waybill, "site", course, "-o", out, "--jobs", jobs, "--refresh"], capture_output=True,
                               text=True, env=env_epoch)
            if p.returncode != 0:
                fail(f"--jobs {jobs}: {p.stderr}")
            outs.append(out)
        def files(d):
            return sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs
                          if not f.endswith(".provenance.json") and not f.startswith(".waybill-site"))
        a, b = files(outs[0]), files(outs[1])
        same = a == b and all(filecmp.cmp(os.path.join(outs[0], f), os.path.join(outs[1], f), shallow=False) for f in a)
        check(f"a parallel build (--jobs 4) writes the same {len(a)} files as a serial one", same and len(a) > 8,
              "\n".join(f for f in a if f not in b or not filecmp.cmp(os.path.join(outs[0], f), os.path.join(outs[1], f), shallow=False)))

        check_in_chromium(site)
        serve(waybill, course, dict(os.environ))

        # Broken links and references: each an error at its place; the other pages stay.
        append(os.path.join(course, "lessons/03-figures.md"),
               "\nSee [the missing lesson](04-missing.md), [a missing section](02-data.md#nowhere) and @fig-nothing.\n")
        s, p = build(run, course, tmp, expect=1)
        lines = len(read(os.path.join(course, "lessons/03-figures.md")).splitlines())
        for what in ("broken link: `04-missing.md`", "02-data.md has no `#nowhere`", "unknown cross-reference `@fig-nothing`"):
            check(f"an error at its place: {what}", re.search(r"lessons/03-figures\.md:%d:\d+: error: .*%s" % (lines, re.escape(what)),
                                                               p.stderr) is not None, p.stderr)
        check("a page with broken links fails alone", s["failed"] == ["lessons/03-figures.md"] and s["pages_unchanged"] == 3,
              json.dumps(s))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
