// The definitions kept once (issue 19): the YAML schema reader behind the manifest and
// waybill.yml, the output formats, the document extensions and the media types.
#include <catch2/catch.hpp>

#include "unit/error_of.hpp"

#include "doc/input_formats.hpp"
#include "doc/output_format.hpp"
#include "doc/schema_reader.hpp"
#include "doc/yaml_meta.hpp"
#include "util/error.hpp"
#include "util/media_types.hpp"

using namespace waybill;
using namespace waybill::doc;

namespace {

const YamlOrigin kOrigin{"waybill.yml", "waybill.yml", 1, 0};

using waybill::test::error_of;

}  // namespace

TEST_CASE("the schema reader refuses empty strings where a value is expected, at their place") {
  MetaValue v = parse_yaml("title: ''\nmirror: ''\nlist: [a, '']\n", kOrigin);
  SchemaReader r("waybill.yml", "manifest: ");
  Error e = error_of([&] { r.text(*v.get("title"), "title"); });
  CHECK(e.message() == "manifest: title is empty");
  CHECK(e.loc().file == "waybill.yml");
  CHECK(e.loc().line == 1);
  CHECK(r.text_or_empty(*v.get("mirror"), "mirror").empty());
  CHECK(error_of([&] { r.texts(*v.get("list"), "list"); }).message() == "manifest: list entries is empty");
}

TEST_CASE("the schema reader names a near miss among the allowed keys") {
  MetaValue v = parse_yaml("ouput: _site\n", kOrigin);
  SchemaReader r("waybill.yml");
  Error e = error_of([&] { r.mapping(v, "waybill.yml", {"title", "output", "pages"}); });
  CHECK(e.message() == "unknown key `ouput` in waybill.yml");
  CHECK(e.hint() == "did you mean `output`?");
  CHECK(r.texts(*parse_yaml("x: one\n", kOrigin).get("x"), "x") == std::vector<std::string>{"one"});
}

TEST_CASE("output formats: one table for --to, the front matter and the writers") {
  REQUIRE(find_output_format("TeX"));
  CHECK(find_output_format("TeX")->name == "latex");
  CHECK(find_output_format("pdf")->extension == "pdf");
  CHECK_FALSE(find_output_format("docx"));
  CHECK(format_in_name("html_document")->name == "html");
  CHECK(format_in_name("pdf_document")->name == "pdf");
  CHECK_FALSE(format_in_name("revealjs"));
  CHECK(format_names("--to ", " or ") == "--to html, --to latex or --to pdf");
}

TEST_CASE("documents and media types are told by extension, in any case") {
  CHECK(is_document_path("lessons/a.Rmd"));
  CHECK(is_document_path("x.QMD"));
  CHECK(is_document_path("notes.markdown"));
  CHECK_FALSE(is_document_path("Dockerfile"));
  CHECK_FALSE(is_document_path("data.csv"));
  CHECK(media_type_of("fig.PNG") == "image/png");
  CHECK(media_type_of("page.html") == "text/html; charset=utf-8");
  CHECK(media_type_of("archive.tar") == "application/octet-stream");
  CHECK(media_type_of("no-extension") == "application/octet-stream");
}
