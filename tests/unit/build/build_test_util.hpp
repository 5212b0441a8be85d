#pragma once
// Shared by the builder's unit tests.
#include <catch2/catch.hpp>

#include <string_view>

#include "util/error.hpp"

namespace waybill::build::test {

// The Error that `read(text)` throws; a test failure when it accepts the text.
template <class Reader>
Error rejection(std::string_view text, Reader read) {
  try {
    read(text);
  } catch (const Error& e) {
    return e;
  }
  FAIL("accepted: " << text);
  return Error(ErrorKind::Internal, "unreachable");
}

}  // namespace waybill::build::test
