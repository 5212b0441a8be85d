#pragma once
// `waybill check --junit FILE`: JUnit XML as CI systems read it (Jenkins, GitLab,
// GitHub's test reporters). One <testsuite> per document; one <testcase> per cell and
// inline expression, and per image and input; a drift is a <failure> with its diff,
// a failed cell an <error>, `check: false` a <skipped/>.
#include <string>
#include <vector>

#include "prov/drift.hpp"

namespace waybill::prov {

std::string junit_xml(const std::vector<DocumentCheck>& checks);

// Text made safe for XML 1.0 character data and attributes: escapes, and characters
// XML cannot carry at all (most control characters) replaced by U+FFFD.
std::string xml_escape(std::string_view text);

}  // namespace waybill::prov
