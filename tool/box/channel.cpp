#include "box/channel.hpp"

#include <limits.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace waybill::box {

namespace {

// Fields are separated by 0x1f and records end with 0x1e; both are removed from text.
constexpr char kField = '\x1f';
constexpr char kEnd = '\x1e';

size_t append_clean(char* buf, size_t at, size_t cap, std::string_view text) {
  for (char c : text) {
    if (at + 1 >= cap) break;
    buf[at++] = (c == kField || c == kEnd) ? ' ' : c;
  }
  return at;
}

}  // namespace

void send_record(int fd, RecordType type, int code, std::string_view message, std::string_view hint) {
  char buf[PIPE_BUF - 1];
  int n = std::snprintf(buf, sizeof buf, "%c%d%c", static_cast<char>(type), code, kField);
  size_t at = n > 0 ? static_cast<size_t>(n) : 0;
  at = append_clean(buf, at, sizeof buf - 2, message);
  buf[at++] = kField;
  at = append_clean(buf, at, sizeof buf - 1, hint);
  buf[at++] = kEnd;
  ssize_t w;
  do {
    w = ::write(fd, buf, at);
  } while (w < 0 && errno == EINTR);
}

ChildReport parse_records(std::string_view data) {
  ChildReport report;
  while (!data.empty()) {
    size_t end = data.find(kEnd);
    std::string_view rec = data.substr(0, end);
    data = end == std::string_view::npos ? std::string_view() : data.substr(end + 1);
    if (rec.size() < 2) continue;
    char type = rec[0];
    size_t f1 = rec.find(kField);
    size_t f2 = f1 == std::string_view::npos ? f1 : rec.find(kField, f1 + 1);
    if (f2 == std::string_view::npos) continue;
    int code = std::atoi(std::string(rec.substr(1, f1 - 1)).c_str());
    std::string message(rec.substr(f1 + 1, f2 - f1 - 1));
    std::string hint(rec.substr(f2 + 1));
    switch (static_cast<RecordType>(type)) {
      case RecordType::Warning: report.warnings.push_back(message); break;
      case RecordType::Error:
        if (!report.error) report.error = StartError{code, message, hint};
        break;
      case RecordType::Status: report.wait_status = code; break;
      case RecordType::Protocol:
        if (!report.protocol_error) report.protocol_error = message;
        break;
    }
  }
  return report;
}

}  // namespace waybill::box
