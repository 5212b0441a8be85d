// The lock and what check compares (prov/lock.hpp, prov/drift.hpp, prov/junit.hpp):
// normalisation, ignore patterns, numeric tolerance, pixels, and the JUnit report.
#include <catch2/catch.hpp>

#include <png.h>

#include "prov/drift.hpp"
#include "prov/junit.hpp"
#include "prov/lock.hpp"
#include "unit/doc/doc_test_util.hpp"
#include "util/base64.hpp"

using namespace waybill;
using waybill::doc::test::parse;

namespace {

std::string png_of(int width, int height, unsigned char grey) {
  png_image img{};
  img.version = PNG_IMAGE_VERSION;
  img.width = static_cast<png_uint_32>(width);
  img.height = static_cast<png_uint_32>(height);
  img.format = PNG_FORMAT_GRAY;
  std::vector<unsigned char> pixels(static_cast<size_t>(width * height), grey);
  png_alloc_size_t size = 0;
  REQUIRE(png_image_write_to_memory(&img, nullptr, &size, 0, pixels.data(), 0, nullptr));
  std::string out(size, '\0');
  REQUIRE(png_image_write_to_memory(&img, out.data(), &size, 0, pixels.data(), 0, nullptr));
  out.resize(size);
  return out;
}

exec::Results one_cell_results(const std::string& printed) {
  exec::Results r;
  r.cells.resize(1);
  r.cell_images = {"env"};
  exec::CellResult c;
  c.outputs.push_back(exec::CellOutput{exec::OutputKind::Stream, "stdout", printed, {}, {}, {}});
  r.cells[0] = c;
  exec::DocumentImage image;
  image.name = "env";
  image.digest = "sha256:" + std::string(64, 'e');
  r.images["env"] = image;
  return r;
}

}  // namespace

TEST_CASE("text is normalised: line ends, colour codes, trailing spaces") {
  CHECK(prov::normalise_text("a  \r\nb\t\n\n\n") == "a\nb");
  CHECK(prov::normalise_text("\x1b[31mred\x1b[0m text") == "red text");
  CHECK(prov::normalise_text("") == "");
}

TEST_CASE("ignore patterns and numeric tolerance decide what counts as the same text") {
  doc::CheckOptions exact;
  CHECK(prov::same_text("x = 1", "x = 1", exact));
  CHECK_FALSE(prov::same_text("x = 1", "x = 2", exact));
  doc::CheckOptions ignore;
  ignore.ignore = {"took [0-9]+ ms"};
  CHECK(prov::same_text("done, took 12 ms", "done, took 907 ms", ignore));
  CHECK_FALSE(prov::same_text("done, took 12 ms", "failed, took 907 ms", ignore));
  doc::CheckOptions tol;
  tol.tolerance = 1e-6;
  CHECK(prov::same_text("mean 0.3333333333 sd 2", "mean 0.3333334 sd 2", tol));
  CHECK_FALSE(prov::same_text("mean 0.3333 sd 2", "mean 0.3334 sd 2", tol));
  CHECK_FALSE(prov::same_text("mean 0.3333333333", "median 0.3333333333", tol));
  CHECK(prov::same_text("1.0e6", "1000000.5", tol));  // relative for large numbers
}

TEST_CASE("pixel difference: identical, slightly different, different sizes") {
  std::string a = png_of(8, 8, 100), b = png_of(8, 8, 110), c = png_of(4, 8, 100);
  CHECK(prov::pixel_difference(a, a) == 0.0);
  double d = prov::pixel_difference(a, b);
  CHECK(d > 0.0);
  CHECK(d < 0.05);  // 10/255 on the colour channels, none on alpha
  CHECK(prov::pixel_difference(a, c) < 0);
  CHECK(prov::pixel_difference(a, "not a png") < 0);
}

TEST_CASE("a lock round-trips and check finds the drifted cell with a diff") {
  auto parsed = parse("```{python}\n#| label: one\nprint(1)\n```\n", "t.md");
  exec::Results results = one_cell_results("1\n");
  prov::Lock lock = prov::make_lock(parsed.doc, results);
  REQUIRE(lock.steps.size() == 1);
  CHECK(lock.steps[0].name == "cell/one");
  prov::Lock back = prov::lock_from_json(nlohmann::json::parse(prov::lock_to_json(lock).dump()), "t.waybill.lock");
  CHECK(back.steps[0].digest == lock.steps[0].digest);
  CHECK(back.images.at("env").digest == lock.images.at("env").digest);

  prov::DocumentCheck same = prov::compare_with_lock(back, lock, parsed.doc);
  CHECK_FALSE(same.drifted());
  CHECK(same.count(prov::Verdict::Passed) == 2);

  prov::Lock fresh = prov::make_lock(parsed.doc, one_cell_results("2\n"));
  fresh.images["env"].digest = "sha256:" + std::string(64, 'f');
  prov::DocumentCheck drift = prov::compare_with_lock(back, fresh, parsed.doc);
  CHECK(drift.drifted());
  CHECK(drift.count(prov::Verdict::Drifted) == 2);
  REQUIRE(drift.steps.size() == 1);
  CHECK(drift.steps[0].diff.find("-1\n+2") != std::string::npos);
  CHECK(prov::format_report(drift, false).find("drifted cell/one") != std::string::npos);

  std::string xml = prov::junit_xml({drift});
  CHECK(xml.find("tests=\"2\" failures=\"2\" errors=\"0\"") != std::string::npos);
  CHECK(xml.find("<failure type=\"drift\"") != std::string::npos);
  CHECK_THROWS(prov::lock_from_json(nlohmann::json{{"waybillLock", 99}}, "x"));
}

TEST_CASE("check options parse, and a bad regex is an error at its line") {
  auto parsed = parse("```{python}\n#| check: {ignore: [\"a+\", \"b\"], tolerance: 0.5, pixels: 0.01}\n1\n```\n", "t.md");
  const doc::CheckOptions& c = parsed.doc.cells[0].options.check;
  CHECK(c.ignore.size() == 2);
  CHECK(*c.tolerance == 0.5);
  CHECK(*c.pixels == 0.01);
  CHECK_FALSE(parse("```{python}\n#| check: false\n1\n```\n", "t.md").doc.cells[0].options.check.enabled);
  try {
    parse("```{python}\n#| check: {ignore: \"(unclosed\"}\n1\n```\n", "t.md");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.message().find("not a valid regular expression") != std::string::npos);
    CHECK(e.loc().line == 2);
  }
}

TEST_CASE("XML escaping keeps JUnit well formed") {
  CHECK(prov::xml_escape("a<b & \"c\"\x01") == "a&lt;b &amp; &quot;c&quot;\xEF\xBF\xBD");
}

TEST_CASE("memory addresses in reprs are masked, except in version 1 locks and where a cell asks") {
  CHECK(prov::normalise_text("<matplotlib.legend.Legend object at 0x7fbc1a2b3c4d>") ==
        "<matplotlib.legend.Legend object at 0x...>");
  CHECK(prov::normalise_text("<environment: 0x55d5c8a3b8c8>") == "<environment: 0x...>");
  CHECK(prov::normalise_text("colour 0xff0000 at 0x12") == "colour 0xff0000 at 0x12");  // not addresses
  CHECK(prov::normalise_text("<f at 0x7fbc1a2b3c4d>", false) == "<f at 0x7fbc1a2b3c4d>");

  auto parsed = parse("```{python}\nf\n```\n", "t.md");
  auto run1 = one_cell_results("<function f at 0x7f0000000001>\n");
  auto run2 = one_cell_results("<function f at 0x7f00000000ff>\n");
  prov::Lock locked = prov::lock_from_json(nlohmann::json::parse(prov::lock_to_json(prov::make_lock(parsed.doc, run1)).dump()),
                                           "t.waybill.lock");
  CHECK(locked.version == prov::kLockVersion);
  CHECK_FALSE(prov::compare_with_lock(locked, prov::make_lock(parsed.doc, run2, locked.version), parsed.doc).drifted());

  // A lock written before masking keeps its addresses, and is compared as it was.
  nlohmann::json old = nlohmann::json::parse(prov::lock_to_json(prov::make_lock(parsed.doc, run1, 1)).dump());
  CHECK(old["waybillLock"] == 1);
  CHECK(old.dump().find("0x7f0000000001") != std::string::npos);
  prov::Lock v1 = prov::lock_from_json(old, "t.waybill.lock");
  CHECK(prov::compare_with_lock(v1, prov::make_lock(parsed.doc, run1, v1.version), parsed.doc).drifted() == false);
  CHECK(prov::compare_with_lock(v1, prov::make_lock(parsed.doc, run2, v1.version), parsed.doc).drifted());

  auto strict = parse("```{python}\n#| check: {addresses: true}\nf\n```\n", "t.md");
  CHECK(strict.doc.cells[0].options.check.addresses);
  prov::Lock exact = prov::make_lock(strict.doc, run1);
  CHECK(prov::compare_with_lock(exact, prov::make_lock(strict.doc, run2), strict.doc).drifted());
}
