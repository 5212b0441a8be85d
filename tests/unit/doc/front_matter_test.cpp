// Front matter as R Markdown, Quarto and Jekyll write it.
#include "doc/front_matter.hpp"
#include "doc_test_util.hpp"

using namespace waybill;
using namespace waybill::doc;
using namespace waybill::doc::test;

TEST_CASE("R Markdown front matter: string author, output: html_document") {
  auto p = parse(
      "---\n"
      "title: \"Reproducible science via containers\"\n"
      "author: \"JJ Merelo\"\n"
      "date: \"2/7/2022\"\n"
      "output: html_document\n"
      "---\n"
      "# Hi\n");
  const Metadata& m = p.doc.meta;
  REQUIRE(m.present);
  CHECK(m.last_line == 6);
  CHECK(plain_text(m.title) == "Reproducible science via containers");
  REQUIRE(m.authors.size() == 1);
  CHECK(m.authors[0].name == "JJ Merelo");
  CHECK(plain_text(m.date) == "2/7/2022");
  CHECK(m.formats == std::vector<std::string>{"html"});
}

TEST_CASE("R Markdown output map with per-format options and underscores") {
  auto p = parse(
      "---\n"
      "output:\n"
      "  pdf_document:\n"
      "    toc: true\n"
      "    toc_depth: 2\n"
      "    number_sections: true\n"
      "  bookdown::html_document2: default\n"
      "---\n");
  const Metadata& m = p.doc.meta;
  CHECK(m.formats == std::vector<std::string>{"pdf", "html"});
  FormatOptions pdf = m.options_for("pdf");
  CHECK(pdf.toc == true);
  CHECK(pdf.toc_depth == 2);
  CHECK(pdf.number_sections == true);
  // LaTeX output follows the PDF settings, HTML does not.
  CHECK(m.options_for("latex").toc == true);
  CHECK_FALSE(m.options_for("html").toc.has_value());
}

TEST_CASE("Quarto format map: per-format options override top-level ones") {
  auto p = parse(
      "---\n"
      "toc: false\n"
      "number-sections: true\n"
      "format:\n"
      "  html:\n"
      "    toc: true\n"
      "    toc-depth: 2\n"
      "  pdf: default\n"
      "---\n");
  const Metadata& m = p.doc.meta;
  CHECK(m.formats == std::vector<std::string>{"html", "pdf"});
  CHECK(m.options_for("html").toc == true);
  CHECK(m.options_for("html").toc_depth == 2);
  CHECK(m.options_for("html").number_sections == true);
  CHECK(m.options_for("pdf").toc == false);
}

TEST_CASE("Quarto format as a plain string and as a list") {
  CHECK(parse("---\nformat: pdf\n---\n").doc.meta.formats == std::vector<std::string>{"pdf"});
  CHECK(parse("---\nformat: [html, latex]\n---\n").doc.meta.formats == std::vector<std::string>{"html", "latex"});
}

TEST_CASE("an unsupported output format is a warning at its line") {
  auto p = parse("---\noutput:\n  word_document: default\n  html_document: default\n---\n");
  CHECK(p.doc.meta.formats == std::vector<std::string>{"html"});
  REQUIRE(p.rep.diagnostics.size() == 1);
  CHECK(p.rep.diagnostics[0].message.find("word_document") != std::string::npos);
  CHECK(p.rep.diagnostics[0].loc.line == 3);
}

TEST_CASE("authors: list of strings, and maps with affiliations, email and ORCID") {
  auto p = parse(
      "---\n"
      "author:\n"
      "  - Jane Doe\n"
      "  - name: Ada Lovelace\n"
      "    affiliation: [Analytical Engines, Royal Society]\n"
      "    email: ada@example.org\n"
      "    orcid: 0000-0002-1825-0097\n"
      "  - name: Charles Babbage\n"
      "    affiliations:\n"
      "      - name: Cambridge\n"
      "---\n");
  const auto& a = p.doc.meta.authors;
  REQUIRE(a.size() == 3);
  CHECK(a[0].name == "Jane Doe");
  CHECK(a[1].affiliations == std::vector<std::string>{"Analytical Engines", "Royal Society"});
  CHECK(a[1].email == "ada@example.org");
  CHECK(a[1].orcid == "0000-0002-1825-0097");
  CHECK(a[2].affiliations == std::vector<std::string>{"Cambridge"});
}

TEST_CASE("Jekyll keys: layout, permalink, tags, author_profile; unknown keys are kept") {
  auto p = parse(
      "---\n"
      "layout: post\n"
      "permalink: /ml-infrastructure\n"
      "title:  Boxing and Unboxing - Kubernetes for ML\n"
      "image:\n"
      "  feature: pepper_crop.png\n"
      "tags:   devops containers\n"
      "author_profile: true\n"
      "date:   2019-02-24 09:28\n"
      "---\n");
  const Metadata& m = p.doc.meta;
  CHECK(m.layout == "post");
  CHECK(m.permalink == "/ml-infrastructure");
  CHECK(m.tags == std::vector<std::string>{"devops", "containers"});
  CHECK(m.author_profile);
  const MetaValue* image = m.raw.get("image");
  REQUIRE(image);
  REQUIRE(image->get("feature"));
  CHECK(image->get("feature")->scalar == "pepper_crop.png");
  CHECK(plain_text(m.date) == "2019-02-24 09:28");
  CHECK(p.rep.diagnostics.empty());
}

TEST_CASE("keywords, lang, bibliography list, template") {
  auto p = parse(
      "---\n"
      "keywords: containers, reproducibility\n"
      "lang: en-GB\n"
      "bibliography: [a.bib, b.bib]\n"
      "template: mine.html\n"
      "---\n");
  const Metadata& m = p.doc.meta;
  CHECK(m.keywords == std::vector<std::string>{"containers", "reproducibility"});
  CHECK(m.lang == "en-GB");
  CHECK(m.bibliography == std::vector<std::string>{"a.bib", "b.bib"});
  CHECK(m.bibliography_pos.line == 4);
  CHECK(m.common.template_path == "mine.html");
}

TEST_CASE("title and abstract are Markdown") {
  auto p = parse("---\ntitle: \"A *great* result, $x^2$\"\nabstract: |\n  One.\n\n  Two **bold**.\n---\n");
  const Metadata& m = p.doc.meta;
  REQUIRE(m.title.size() >= 3);
  CHECK(m.title[1].kind == InlineKind::Emph);
  CHECK(m.title.back().kind == InlineKind::Math);
  REQUIRE(m.abstract.size() == 2);
  CHECK(m.abstract[1].kind == BlockKind::Paragraph);
}

TEST_CASE("the waybill key is reserved and must be a mapping") {
  auto p = parse("---\nwaybill:\n  image: env\n---\n");
  REQUIRE(p.doc.meta.waybill());
  CHECK(p.doc.meta.waybill()->get("image")->scalar == "env");
  Error e = parse_error("---\nwaybill: yes please\n---\n");
  CHECK(where(e) == "t.md:2:10");
}

TEST_CASE("YAML booleans as R Markdown writes them") {
  CHECK(parse("---\ntoc: yes\n---\n").doc.meta.common.toc == true);
  CHECK(parse("---\ntoc: no\n---\n").doc.meta.common.toc == false);
}

TEST_CASE("no front matter, and a lone opening line") {
  CHECK_FALSE(parse("# Title\n").doc.meta.present);
  auto p = parse("---\ntitle: x\n\nNo closing line.\n");
  CHECK_FALSE(p.doc.meta.present);
  REQUIRE(p.rep.diagnostics.size() == 1);
  CHECK(p.rep.diagnostics[0].loc.line == 1);
}

TEST_CASE("front matter lines count in source positions") {
  auto p = parse("---\ntitle: x\nauthor: y\n---\n\n# Heading\n");
  const Block* h = find_block(p.doc.blocks, BlockKind::Heading);
  REQUIRE(h);
  CHECK(h->pos.line == 6);
  CHECK(h->pos.col == 1);
}
