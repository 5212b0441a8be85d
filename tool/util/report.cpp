#include "util/report.hpp"

namespace waybill {

void GroupingReporter::diagnostic(const Diagnostic& d) {
  for (auto& g : groups_) {
    if (g.first.severity == d.severity && g.first.message == d.message && g.first.loc.file == d.loc.file) {
      g.more.push_back(d.loc);
      return;
    }
  }
  groups_.push_back(Group{d, {}});
}

void GroupingReporter::flush() {
  std::vector<Group> groups;
  groups.swap(groups_);
  for (auto& g : groups) {
    if (!g.more.empty()) {
      // The other places by line, up to a few: enough to find them, not a wall of text.
      std::string where;
      for (size_t i = 0; i < g.more.size() && i < 4; ++i)
        where += (i ? ", " : "") + std::to_string(g.more[i].line);
      if (g.more.size() > 4) where += ", ...";
      std::string also = "also at line" + std::string(g.more.size() > 1 ? "s " : " ") + where + " (" +
                         std::to_string(g.more.size() + 1) + " in all)";
      g.first.hint = g.first.hint.empty() ? also : g.first.hint + "; " + also;
    }
    next_.diagnostic(g.first);
  }
}

}  // namespace waybill
