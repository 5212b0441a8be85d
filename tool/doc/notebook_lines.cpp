#include "doc/notebook_lines.hpp"

#include <string>

namespace waybill::doc {

namespace {

// One open container on the way down: an object (with the key being read) or an array
// (with the index of the next element).
struct Frame {
  bool object = false;
  std::string key;
  size_t index = 0;
};

class SourceScanner {
 public:
  explicit SourceScanner(std::string_view text) : text_(text) {}

  std::vector<std::vector<JsonPos>> run() {
    while (at_ < text_.size()) {
      char c = text_[at_];
      if (c == '\n') ++line_, line_start_ = at_ + 1, ++at_;
      else if (c == '{' || c == '[') open(c == '{'), ++at_;
      else if (c == '}' || c == ']') close(), ++at_;
      else if (c == ',') next(), ++at_;
      else if (c == ':') expecting_key_ = false, ++at_;
      else if (c == '"') {
        if (!string()) break;
      } else ++at_;
    }
    return std::move(cells_);
  }

 private:
  // The stack is [root object, "cells" array, cell object, "source" array?].
  bool in_cells() const { return stack_.size() >= 2 && stack_[0].object && stack_[0].key == "cells" && !stack_[1].object; }
  bool at_cell_source() const { return in_cells() && stack_.size() == 3 && stack_[2].object && stack_[2].key == "source"; }
  bool in_source_list() const {
    return in_cells() && stack_.size() == 4 && stack_[2].object && stack_[2].key == "source" && !stack_[3].object;
  }

  void open(bool object) {
    if (in_cells() && stack_.size() == 2 && object) cells_.resize(stack_[1].index + 1);
    stack_.push_back(Frame{object, {}, 0});
    expecting_key_ = object;
  }
  void close() {
    if (!stack_.empty()) stack_.pop_back();
    expecting_key_ = false;
  }
  void next() {
    if (stack_.empty()) return;
    if (stack_.back().object) expecting_key_ = true;
    else ++stack_.back().index;
  }

  // Reads a string token; returns false at an unterminated one.
  bool string() {
    JsonPos pos{line_, static_cast<int>(at_ - line_start_) + 2};
    std::string value;
    ++at_;
    while (at_ < text_.size() && text_[at_] != '"') {
      if (text_[at_] == '\\' && at_ + 1 < text_.size()) ++at_;
      if (text_[at_] == '\n') return false;  // JSON strings hold no raw newline
      value += text_[at_++];
    }
    if (at_ >= text_.size()) return false;
    ++at_;
    if (expecting_key_ && !stack_.empty() && stack_.back().object) {
      stack_.back().key = value;  // escapes kept as written: keys here are plain words
      return true;
    }
    if ((at_cell_source() || in_source_list()) && !cells_.empty()) cells_.back().push_back(pos);
    return true;
  }

  std::string_view text_;
  size_t at_ = 0, line_start_ = 0;
  int line_ = 1;
  bool expecting_key_ = false;
  std::vector<Frame> stack_;
  std::vector<std::vector<JsonPos>> cells_;
};

}  // namespace

std::vector<std::vector<JsonPos>> notebook_source_positions(std::string_view json) { return SourceScanner(json).run(); }

}  // namespace waybill::doc
