// Quarto's include shortcode: parts read beneath the project, nested, their front
// matter left out, code left alone, and positions at the include line.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "doc/includes.hpp"
#include "doc_test_util.hpp"

using namespace waybill;
using namespace waybill::doc;
using namespace waybill::doc::test;
namespace fs = std::filesystem;

namespace {

struct Folder {
  fs::path root;
  Folder() {
    char tmpl[] = "/tmp/waybill-includes-XXXXXX";
    root = ::mkdtemp(tmpl);
  }
  ~Folder() { fs::remove_all(root); }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel) << text;
  }
};

}  // namespace

TEST_CASE("include lines are replaced by their files, nested, without the parts' front matter") {
  Folder f;
  f.write("doc.qmd", "---\ntitle: T\n---\n\nIntro.\n\n{{< include parts/_a.md >}}\n\nEnd.\n");
  f.write("parts/_a.md", "---\ntitle: not mine\n---\n## Part\n\n{{< include \"_b.md\" >}}\n");
  f.write("parts/_b.md", "Text of B.\n");
  CollectingReporter rep;
  Document d = read_document(f.root / "doc.qmd", rep, "doc.qmd");
  CHECK(plain_text(d.meta.title) == "T");
  const Block* h = find_block(d.blocks, BlockKind::Heading);
  REQUIRE(h);
  CHECK(plain_text(h->inlines) == "Part");
  CHECK(h->pos.line == 7);  // the include line
  CHECK(d.source.find("Text of B.") != std::string::npos);
  const Block& last = d.blocks.back();
  CHECK(plain_text(last.inlines) == "End.");
  CHECK(last.pos.line == 9);
  CHECK(rep.diagnostics.empty());
}

TEST_CASE("an include inside a code block is code") {
  Folder f;
  f.write("doc.md", "```markdown\n{{< include nothere.md >}}\n```\n");
  CollectingReporter rep;
  Document d = read_document(f.root / "doc.md", rep, "doc.md");
  const Block* code = find_block(d.blocks, BlockKind::CodeBlock);
  REQUIRE(code);
  CHECK(code->text.find("{{< include nothere.md >}}") != std::string::npos);
}

TEST_CASE("includes outside the project, missing, or circular are errors at the include line") {
  Folder f;
  f.write("doc/escape.md", "Text.\n\n{{< include ../secret.md >}}\n");
  f.write("secret.md", "secret\n");
  f.write("doc/missing.md", "{{< include gone.md >}}\n");
  f.write("doc/a.md", "{{< include b.md >}}\n");
  f.write("doc/b.md", "x\n\n{{< include a.md >}}\n");
  CollectingReporter rep;
  auto error_of = [&](const char* name) {
    try {
      read_document(f.root / "doc" / name, rep, name);
    } catch (const Error& e) {
      return e;
    }
    FAIL("no error for " << name);
    return Error(ErrorKind::Internal, "");
  };
  Error escape = error_of("escape.md");
  CHECK(escape.message().find("outside the project folder") != std::string::npos);
  CHECK(where(escape) == "escape.md:3");
  Error missing = error_of("missing.md");
  CHECK(missing.loc().line == 1);
  Error circle = error_of("a.md");
  CHECK(circle.message() == "`a.md` includes itself");
  CHECK(where(circle) == "a.md:1");
  // Allowed beneath a wider root, as a site's project folder is.
  PathRoots wide = PathRoots::of(f.root, {}, false);
  Document d = read_document(f.root / "doc" / "escape.md", rep, "escape.md", nullptr, &wide);
  CHECK(d.source.find("secret") != std::string::npos);
}
