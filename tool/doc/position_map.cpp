#include "doc/position_map.hpp"

#include <algorithm>

#include "doc/reader.hpp"
#include "util/error.hpp"
#include "util/report.hpp"

namespace waybill::doc {

namespace {

class PositionMap {
 public:
  explicit PositionMap(const std::vector<LineOrigin>& at) : at_(at) {}

  Pos pos(Pos p) const {
    if (p.line <= 0 || static_cast<size_t>(p.line) > at_.size()) return p;
    const LineOrigin& o = at_[p.line - 1];
    return Pos{o.line, o.col + std::max(0, p.col - 1)};
  }
  int line(int l) const { return l <= 0 || static_cast<size_t>(l) > at_.size() ? l : at_[l - 1].line; }
  SourceLoc loc(const SourceLoc& l) const {
    Pos p = pos(Pos{l.line, l.col});
    return SourceLoc{l.file, p.line, l.col ? p.col : 0};
  }

  void apply(Document& d) const {
    for (auto& b : d.blocks) block(b);
    for (auto& f : d.footnotes)
      for (auto& b : f) block(b);
    for (auto& c : d.cells) {
      c.fence = pos(c.fence);
      c.code_line = line(c.code_line);
      for (auto& [_, p] : c.options.where) p = pos(p);
    }
    for (auto& i : d.images) i.fence = pos(i.fence), i.first_line = line(i.first_line);
    if (d.manifest) d.manifest->fence = pos(d.manifest->fence), d.manifest->first_line = line(d.manifest->first_line);
    d.meta.first_line = line(d.meta.first_line);
    d.meta.last_line = line(d.meta.last_line);
    d.meta.bibliography_pos = pos(d.meta.bibliography_pos);
  }

 private:
  void inlines(std::vector<Inline>& v) const {
    for (auto& in : v) {
      in.pos = pos(in.pos);
      for (auto& c : in.cites) c.pos = pos(c.pos);
      inlines(in.children);
    }
  }
  void block(Block& b) const {
    b.pos = pos(b.pos);
    inlines(b.inlines);
    inlines(b.caption);
    for (auto& row : b.rows)
      for (auto& cell : row) inlines(cell.content);
    for (auto& c : b.children) block(c);
  }

  const std::vector<LineOrigin>& at_;
};

// The parse's warnings, at the file's lines.
class MappingReporter : public Reporter {
 public:
  MappingReporter(Reporter& next, const PositionMap& map, const std::string& path) : next_(next), map_(map), path_(path) {}
  void diagnostic(const Diagnostic& d) override {
    Diagnostic moved = d;
    if (d.loc.file == path_) moved.loc = map_.loc(d.loc);
    next_.diagnostic(moved);
  }
  void status(std::string_view text) override { next_.status(text); }

 private:
  Reporter& next_;
  const PositionMap& map_;
  const std::string& path_;
};

}  // namespace

Document parse_mapped(const std::string& path, std::string text, const std::vector<LineOrigin>& origins,
                      Reporter& reporter, const MetaValue* defaults, const std::function<void(Document&)>& before_moving) {
  PositionMap map(origins);
  MappingReporter mapped(reporter, map, path);
  Document d;
  try {
    d = parse_document(path, std::move(text), mapped, defaults);
  } catch (const Error& e) {
    if (e.loc().file != path) throw;
    throw Error(e.kind(), e.message(), map.loc(e.loc()), e.hint());
  }
  if (before_moving) before_moving(d);
  map.apply(d);
  return d;
}

}  // namespace waybill::doc
