#include "doc/inline_notes.hpp"

#include <map>
#include <utility>

namespace waybill::doc {

namespace {

// Calls f on every block's inlines, caption and table cells, in document order.
template <typename F>
void for_each_inline_list(std::vector<Block>& v, const F& f) {
  for (auto& b : v) {
    f(b.inlines);
    f(b.caption);
    for (auto& row : b.rows)
      for (auto& cell : row) f(cell.content);
    for_each_inline_list(b.children, f);
  }
}

// Where the `]` closing a `^[` opened at v[i].text[open] is: brackets are counted in
// text only (code spans and links keep theirs). Returns {v.size(), 0} when none closes it.
std::pair<size_t, size_t> closing_bracket(const std::vector<Inline>& v, size_t i, size_t open) {
  int depth = 1;
  for (size_t j = i; j < v.size(); ++j) {
    if (v[j].kind != InlineKind::Text) continue;
    const std::string& t = v[j].text;
    for (size_t k = j == i ? open + 2 : 0; k < t.size(); ++k) {
      if (t[k] == '[') ++depth;
      else if (t[k] == ']' && --depth == 0) return {j, k};
    }
  }
  return {v.size(), 0};
}

// Replaces each `^[...]` among v's inlines by a FootnoteRef numbered 0 that holds the
// note's inlines as children (numbered later, in document order).
void mark_notes(std::vector<Inline>& v) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i].kind != InlineKind::Text) {
      mark_notes(v[i].children);
      continue;
    }
    size_t open = v[i].text.find("^[");
    if (open == std::string::npos) continue;
    auto [j, close] = closing_bracket(v, i, open);
    if (j == v.size()) continue;
    Pos pos = v[i].pos;
    std::vector<Inline> content;
    std::string before = v[i].text.substr(0, open);
    if (j == i) {
      content.push_back(text_inline(v[i].text.substr(open + 2, close - open - 2), pos));
    } else {
      content.push_back(text_inline(v[i].text.substr(open + 2), pos));
      for (size_t k = i + 1; k < j; ++k) content.push_back(std::move(v[k]));
      content.push_back(text_inline(v[j].text.substr(0, close), v[j].pos));
    }
    std::string after = v[j].text.substr(close + 1);
    std::erase_if(content, [](const Inline& in) { return in.kind == InlineKind::Text && in.text.empty(); });
    mark_notes(content);
    Inline ref;
    ref.kind = InlineKind::FootnoteRef;
    ref.number = 0;
    ref.pos = pos;
    ref.children = std::move(content);
    std::vector<Inline> replacement;
    if (!before.empty()) replacement.push_back(text_inline(std::move(before), pos));
    replacement.push_back(std::move(ref));
    size_t next = i + replacement.size();  // the text after the note may hold another
    if (!after.empty()) replacement.push_back(text_inline(std::move(after), v[j].pos));
    v.erase(v.begin() + static_cast<long>(i), v.begin() + static_cast<long>(j) + 1);
    v.insert(v.begin() + static_cast<long>(i), std::make_move_iterator(replacement.begin()),
             std::make_move_iterator(replacement.end()));
    i = next - 1;
  }
}

// Numbers notes in the order their references appear, inline notes and `[^id]` notes
// alike; a note referred to twice keeps its first number.
class NoteNumberer {
 public:
  explicit NoteNumberer(std::vector<std::vector<Block>>& old) : old_(old) {}

  void blocks(std::vector<Block>& v) {
    for_each_inline_list(v, [this](std::vector<Inline>& list) { inlines(list); });
  }

  std::vector<std::vector<Block>> take() { return std::move(numbered_); }

 private:
  void inlines(std::vector<Inline>& v) {
    for (auto& in : v) {
      if (in.kind != InlineKind::FootnoteRef) {
        inlines(in.children);
        continue;
      }
      std::vector<Block> note;
      if (in.number == 0) {
        Block para;
        para.kind = BlockKind::Paragraph;
        para.pos = in.pos;
        para.inlines = std::move(in.children);
        in.children.clear();
        note.push_back(std::move(para));
      } else if (auto it = renumbered_.find(in.number); it != renumbered_.end()) {
        in.number = it->second;
        continue;
      } else if (in.number > 0 && static_cast<size_t>(in.number) <= old_.size()) {
        int number = static_cast<int>(numbered_.size()) + 1;
        renumbered_[in.number] = number;
        note = std::move(old_[static_cast<size_t>(in.number) - 1]);
      }
      numbered_.emplace_back();
      size_t index = numbered_.size() - 1;
      in.number = static_cast<int>(index) + 1;
      // A note's own text may refer to notes: they come after it.
      blocks(note);
      numbered_[index] = std::move(note);
    }
  }

  std::vector<std::vector<Block>>& old_;
  std::vector<std::vector<Block>> numbered_;
  std::map<int, int> renumbered_;
};

}  // namespace

void take_inline_notes(std::vector<Block>& blocks, std::vector<std::vector<Block>>& notes) {
  for_each_inline_list(blocks, mark_notes);
  for (auto& note : notes) for_each_inline_list(note, mark_notes);
  NoteNumberer numberer(notes);
  numberer.blocks(blocks);
  notes = numberer.take();
}

}  // namespace waybill::doc
