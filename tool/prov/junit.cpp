#include "prov/junit.hpp"

#include <cstdio>

namespace waybill::prov {

namespace {

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

std::string testcase(const std::string& suite, const Drift& d) {
  std::string out = "    <testcase classname=\"" + xml_escape(suite) + "\" name=\"" + xml_escape(d.name) + "\" time=\"" +
                    seconds_text(d.seconds) + "\"";
  switch (d.verdict) {
    case Verdict::Passed: return out + "/>\n";
    case Verdict::Skipped: return out + ">\n      <skipped message=\"" + xml_escape(d.detail) + "\"/>\n    </testcase>\n";
    case Verdict::Drifted:
      return out + ">\n      <failure type=\"drift\" message=\"" + xml_escape(d.detail) + "\">" +
             xml_escape(d.diff.empty() ? d.detail : d.diff) + "</failure>\n    </testcase>\n";
    case Verdict::Failed:
      return out + ">\n      <error type=\"cell failed\" message=\"" + xml_escape(d.detail) + "\">" + xml_escape(d.detail) +
             "</error>\n    </testcase>\n";
  }
  return out + "/>\n";
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (c < 0x20 || c == 0x7f) out += "\xEF\xBF\xBD";
        else out += static_cast<char>(c);
    }
  }
  return out;
}

std::string junit_xml(const std::vector<DocumentCheck>& checks) {
  size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  double time = 0;
  std::string suites;
  for (const auto& c : checks) {
    size_t n = c.environment.size() + c.steps.size();
    double t = 0;
    std::string cases;
    for (const auto* list : {&c.environment, &c.steps})
      for (const auto& d : *list) {
        cases += testcase(c.document, d);
        t += d.seconds;
      }
    suites += "  <testsuite name=\"" + xml_escape(c.document) + "\" tests=\"" + std::to_string(n) + "\" failures=\"" +
              std::to_string(c.count(Verdict::Drifted)) + "\" errors=\"" + std::to_string(c.count(Verdict::Failed)) +
              "\" skipped=\"" + std::to_string(c.count(Verdict::Skipped)) + "\" time=\"" + seconds_text(t) + "\">\n" +
              cases + "  </testsuite>\n";
    tests += n;
    failures += c.count(Verdict::Drifted);
    errors += c.count(Verdict::Failed);
    skipped += c.count(Verdict::Skipped);
    time += t;
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"waybill check\" tests=\"" +
         std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
         "\" skipped=\"" + std::to_string(skipped) + "\" time=\"" + seconds_text(time) + "\">\n" + suites +
         "</testsuites>\n";
}

}  // namespace waybill::prov
