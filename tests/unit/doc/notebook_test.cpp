// Jupyter notebooks read into the document model: cells, languages, tags, front
// matter, the manifest from metadata, stored outputs, and positions at the .ipynb's lines.
#include "doc/notebook.hpp"
#include "doc/notebook_lines.hpp"
#include "doc_test_util.hpp"

using namespace waybill;
using namespace waybill::doc;
using namespace waybill::doc::test;

namespace {

// A notebook as nbformat writes it: indent 1, sources as lists of lines.
const char* kNotebook = R"nb({
 "cells": [
  {
   "cell_type": "raw",
   "metadata": {},
   "source": [
    "---\n",
    "title: From the raw cell\n",
    "---"
   ]
  },
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": [
    "# Intro\n",
    "\n",
    "Text with `code`."
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {"tags": ["remove-input", "raises-exception"]},
   "outputs": [{"name": "stdout", "output_type": "stream", "text": ["6\n"]}],
   "source": [
    "#| label: sum\n",
    "x = 1 + 2 + 3\n",
    "print(x)"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": null,
   "metadata": {},
   "outputs": [],
   "source": "%%bash\necho hi"
  }
 ],
 "metadata": {
  "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
  "waybill": {"manifest": {"languages": {"python": {"image": "py:1"}}}}
 },
 "nbformat": 4,
 "nbformat_minor": 5
})nb";

Document read(const std::string& text, CollectingReporter& rep) { return parse_notebook("n.ipynb", text, rep); }

}  // namespace

TEST_CASE("a notebook's source strings are found at their lines") {
  auto cells = notebook_source_positions(kNotebook);
  REQUIRE(cells.size() == 4);
  REQUIRE(cells[2].size() == 3);
  CHECK(cells[2][0].line == 27);
  CHECK(cells[2][0].col == 6);
  CHECK(cells[2][2].line == 29);
  REQUIRE(cells[3].size() == 1);
  CHECK(cells[3][0].line == 37);
}

TEST_CASE("a notebook reads into cells, front matter, manifest and options") {
  CollectingReporter rep;
  Document d = read(kNotebook, rep);
  CHECK(plain_text(d.meta.title) == "From the raw cell");
  REQUIRE(d.manifest);
  CHECK_FALSE(d.manifest->echo);
  REQUIRE(d.cells.size() == 2);
  const Cell& sum = d.cells[0];
  CHECK(sum.language == "python");
  CHECK(sum.options.label == "sum");
  CHECK_FALSE(sum.options.echo);  // remove-input
  CHECK(sum.options.error);       // raises-exception
  CHECK(sum.code == "x = 1 + 2 + 3\nprint(x)\n");
  CHECK(sum.code_line == 28);  // the notebook's line of `x = 1 + 2 + 3`
  CHECK(sum.stored_outputs.find("\"stream\"") != std::string::npos);
  CHECK(d.cells[1].language == "bash");  // the %%bash cell magic
  CHECK(d.cells[1].code == "echo hi\n");
  CHECK(d.cells[1].stored_outputs.empty());
  CHECK(d.source == kNotebook);  // the record's digest is of the file
  const Block* h = find_block(d.blocks, BlockKind::Heading);
  REQUIRE(h);
  CHECK(h->pos.line == 16);
}

TEST_CASE("a notebook's title and authors come from its metadata without a raw cell") {
  CollectingReporter rep;
  Document d = read(R"({"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["Hi"]}],
    "metadata": {"title": "Meta title", "authors": [{"name": "Ada"}]}, "nbformat": 4, "nbformat_minor": 4})", rep);
  CHECK(plain_text(d.meta.title) == "Meta title");
  REQUIRE(d.meta.authors.size() == 1);
  CHECK(d.meta.authors[0].name == "Ada");
}

TEST_CASE("what is not a notebook of nbformat 4 is refused at its place") {
  CollectingReporter rep;
  auto error_of = [&](const std::string& text) {
    try {
      read(text, rep);
    } catch (const Error& e) {
      return e;
    }
    FAIL("no error for " << text);
    return Error(ErrorKind::Internal, "");
  };
  Error bad = error_of("{\n \"cells\": [\n  {\"cell_type\": }\n ]\n}");
  CHECK(bad.kind() == ErrorKind::Document);
  CHECK(bad.message().find("does not parse") != std::string::npos);
  CHECK(bad.loc().line == 3);
  CHECK(error_of(R"({"nbformat": 3, "worksheets": []})").message().find("nbformat 3") == 0);
  CHECK(error_of(R"({"cells": 1})").message().find("not a notebook") == 0);
  CHECK(error_of("[]").message().find("not a notebook") == 0);
}

TEST_CASE("a Markdown error in a notebook cell points at the notebook's line") {
  CollectingReporter rep;
  std::string nb = R"({
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": [
    "ok\n",
    "```{python}\n",
    "#| echo: maybe\n",
    "1\n",
    "```"
   ]
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
})";
  try {
    read(nb, rep);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.loc().file == "n.ipynb");
    CHECK(e.loc().line == 9);
  }
}

TEST_CASE("a Markdown cell's attached image is a data: URL; other media types stay as written") {
  CollectingReporter rep;
  Document d = read(R"nb({"cells": [{"cell_type": "markdown", "metadata": {},
    "attachments": {"p.png": {"image/png": "iVBORw0K\nGgo="}, "x.bin": {"application/octet-stream": "AAAA"}},
    "source": ["![plot](attachment:p.png) ![raw](attachment:x.bin)"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})nb", rep);
  REQUIRE(!d.blocks.empty());
  std::vector<std::string> targets;
  for (const auto& in : d.blocks[0].inlines)
    if (in.kind == InlineKind::Image) targets.push_back(in.target);
  REQUIRE(targets.size() == 2);
  CHECK(targets[0] == "data:image/png;base64,iVBORw0KGgo=");
  CHECK(targets[1] == "attachment:x.bin");
}
