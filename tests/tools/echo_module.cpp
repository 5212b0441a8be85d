// A module for tests of the seam itself (tests/unit/util/module_call_test.cpp): loaded
// through util/module like the real ones, built against the shared libstdc++.
#include "util/module_call.hpp"
#include "util/report.hpp"

namespace {

using nlohmann::json;
using waybill::Reporter;

json echo(const json& request, Reporter&) { return request; }

json fail(const json& request, Reporter&) {
  throw waybill::Error(waybill::ErrorKind::Document, request.at("message").get<std::string>(),
                       waybill::SourceLoc{"paper.md", 12, 3}, "a hint");
}

json report(const json&, Reporter& reporter) {
  reporter.warn("a warning", waybill::SourceLoc{"paper.md", 4, 1}, "fix it");
  reporter.status("a status");
  reporter.progress("layer", 5, 10);
  reporter.activity("[1/2] RUN make");
  return reporter.redraws();
}

json crash(const json&, Reporter&) { throw std::runtime_error("not an Error"); }

constexpr waybill::ModuleVerb kVerbs[] = {{"echo", echo}, {"fail", fail}, {"report", report}, {"crash", crash}};

int call(wb_bytes verb, wb_bytes request, const wb_reporter* reporter, const wb_sink* reply) {
  return waybill::answer_module_call(kVerbs, verb, request, reporter, reply);
}

const wb_module_table kTable{7, call};

}  // namespace

extern "C" __attribute__((visibility("default"))) const wb_module_table* waybill_echo_module() { return &kTable; }
