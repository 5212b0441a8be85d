#pragma once
// The Error a call throws, for tests that check its kind, place, message and hint; a call
// that throws none fails the test.
#include <catch2/catch.hpp>

#include "util/error.hpp"

namespace waybill::test {

template <class F>
Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  FAIL("no error");
  return Error(ErrorKind::Internal, "unreachable");
}

}  // namespace waybill::test
