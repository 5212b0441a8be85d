#pragma once
// Helpers for doc/ tests: parse a string, keep the warnings, find blocks.
#include <catch2/catch.hpp>

#include <string>

#include "doc/reader.hpp"
#include "util/error.hpp"
#include "util/report.hpp"

namespace waybill::doc::test {

struct Parsed {
  Document doc;
  CollectingReporter rep;
};

inline Parsed parse(const std::string& text, const std::string& path = "t.md") {
  Parsed p;
  p.doc = parse_document(path, text, p.rep);
  return p;
}

// The error parse_document throws for `text`; fails the test when there is none.
inline Error parse_error(const std::string& text, const std::string& path = "t.md") {
  CollectingReporter rep;
  try {
    parse_document(path, text, rep);
  } catch (const Error& e) {
    return e;
  }
  FAIL("expected an error for:\n" << text);
  return Error(ErrorKind::Internal, "unreachable");
}

inline std::string where(const Error& e) { return e.loc().str(); }

inline const Block* find_block(const std::vector<Block>& blocks, BlockKind kind) {
  for (const auto& b : blocks) {
    if (b.kind == kind) return &b;
    if (const Block* inner = find_block(b.children, kind)) return inner;
  }
  return nullptr;
}

}  // namespace waybill::doc::test
