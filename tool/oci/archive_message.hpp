#pragma once
// libarchive's message for its last error. It may have none (NULL: seen on damaged
// input, and on a full disk while packing), and then errno's, or a generic one, is said.
#include <archive.h>

#include <cstring>
#include <string>

namespace waybill::oci {

inline std::string archive_message(struct archive* a) {
  if (const char* m = archive_error_string(a)) return m;
  int err = archive_errno(a);
  return err > 0 ? std::strerror(err) : "unknown error in libarchive";
}

}  // namespace waybill::oci
