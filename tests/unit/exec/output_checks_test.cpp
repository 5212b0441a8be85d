#include <catch2/catch.hpp>

#include "exec/output_checks.hpp"
#include "util/base64.hpp"

using namespace waybill;
using namespace waybill::exec;

namespace {

CellOutput figure(const std::string& format, const std::string& data64) {
  CellOutput o;
  o.kind = OutputKind::Figure;
  o.format = format;
  o.base64 = data64;
  return o;
}

CellOutput stream(const std::string& name, const std::string& text) {
  CellOutput o;
  o.kind = OutputKind::Stream;
  o.name = name;
  o.text = text;
  return o;
}

}  // namespace

TEST_CASE("a reply's figures keep only known formats and valid base64") {
  OutputLimits limits;
  CellResult r;
  r.outputs = {figure("png", base64_encode("PNG")), figure("/../../../etc/cron.d/x", base64_encode("* * * * * root sh")),
               figure("svg", "not base64!")};
  check_reply_result(r, limits, {10, 12});
  REQUIRE(r.outputs.size() == 1);
  CHECK(r.outputs[0].format == "png");
  REQUIRE(r.error);
  CHECK(r.error->ename == "refused output");
  CHECK(r.error->evalue.find("format") != std::string::npos);
}

TEST_CASE("a reply may not carry files, odd streams or errors at lines outside its cell") {
  OutputLimits limits;
  CellResult r;
  CellOutput file;
  file.kind = OutputKind::File;
  file.name = "../../x";
  file.base64 = base64_encode("x");
  r.outputs = {file, stream("fd4", "x"), stream("stdout", "ok \xff")};
  r.error = CellError{"ValueError", "boom", "tb", 999};
  check_reply_result(r, limits, {10, 12});
  REQUIRE(r.outputs.size() == 1);
  CHECK(r.outputs[0].text == "ok \xef\xbf\xbd");
  REQUIRE(r.error);
  CHECK(r.error->ename == "ValueError");  // the cell's own error stays first
  CHECK(r.error->line == 0);
  CHECK(r.error->traceback.find("refused output") != std::string::npos);
}

TEST_CASE("outputs, cells and documents are bounded") {
  OutputLimits limits{100, 150, 200, 10};
  CellResult big;
  big.outputs = {stream("stdout", std::string(101, 'x'))};
  check_reply_result(big, limits, {1, 1});
  CHECK(big.outputs.empty());
  REQUIRE(big.error);
  CHECK(big.error->evalue.find("limits.output") != std::string::npos);

  uint64_t used = 0;
  CellResult cell;
  cell.outputs = {stream("stdout", std::string(90, 'a')), stream("stderr", std::string(90, 'b'))};
  check_result_totals(cell, limits, used);
  REQUIRE(cell.error);
  CHECK(cell.error->evalue.find("limits.cell-output") != std::string::npos);

  used = 0;
  for (int i = 0; i < 2; ++i) {
    CellResult ok;
    ok.outputs = {stream("stdout", std::string(90, 'a'))};
    check_result_totals(ok, limits, used);
    CHECK_FALSE(ok.error);
  }
  CellResult last;
  last.outputs = {stream("stdout", std::string(90, 'a'))};
  check_result_totals(last, limits, used);
  REQUIRE(last.error);
  CHECK(last.error->evalue.find("limits.document-output") != std::string::npos);
}

TEST_CASE("output limits come from the manifest") {
  plan::LimitSettings l;
  l.output_bytes = 1 << 20;
  l.document_output_bytes = 5 << 20;
  OutputLimits o = OutputLimits::from(l);
  CHECK(o.output == (1u << 20));
  CHECK(o.cell == OutputLimits{}.cell);
  CHECK(o.document == (5u << 20));
  CHECK(o.reply_bytes() > o.cell);
}
