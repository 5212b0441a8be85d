#include "util/error.hpp"

#include <cstring>

namespace waybill {

std::string SourceLoc::str() const {
  std::string s = file.empty() ? std::string("<input>") : file;
  if (line > 0) {
    s += ':' + std::to_string(line);
    if (col > 0) s += ':' + std::to_string(col);
  }
  return s;
}

SourceLoc SourceLoc::at_byte(const std::string& file, const std::string& text, size_t byte) {
  int line = 1, col = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') ++line, col = 1;
    else ++col;
  }
  return SourceLoc{file, line, col};
}

int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Usage: return 2;
    case ErrorKind::Environment: return 3;
    case ErrorKind::Drift: return 4;
    case ErrorKind::Document:
    case ErrorKind::Cell:
    case ErrorKind::Io:
    case ErrorKind::Internal: return 1;
  }
  return 1;
}

Error::Error(ErrorKind kind, std::string message, SourceLoc loc, std::string hint)
    : kind_(kind), message_(std::move(message)), loc_(std::move(loc)), hint_(std::move(hint)) {}

Error Error::from_errno(std::string_view operation, std::string_view operand, int err,
                        ErrorKind kind) {
  std::string msg(operation);
  if (!operand.empty()) {
    msg += " `";
    msg += operand;
    msg += "`";
  }
  msg += ": ";
  msg += std::strerror(err);
  return Error(kind, std::move(msg));
}

Error& Error::with_hint(std::string hint) {
  hint_ = std::move(hint);
  return *this;
}

Error& Error::with_loc_if_unknown(SourceLoc loc) {
  if (loc_.file.empty() && !loc_.known()) loc_ = std::move(loc);
  return *this;
}

Error& Error::add_context(std::string_view context) {
  message_ = std::string(context) + ": " + message_;
  return *this;
}

Diagnostic to_diagnostic(const Error& e) {
  return Diagnostic{Severity::Error, e.message(), e.loc(), e.hint()};
}

std::string format_diagnostic(const Diagnostic& d, bool color) {
  const char* label = d.severity == Severity::Error     ? "error"
                      : d.severity == Severity::Warning ? "warning"
                                                        : "note";
  const char* on = "";
  const char* off = "";
  if (color) {
    on = d.severity == Severity::Error ? "\033[1;31m" : d.severity == Severity::Warning ? "\033[1;35m" : "\033[1;36m";
    off = "\033[0m";
  }
  std::string out;
  if (!d.loc.file.empty() || d.loc.known()) out += d.loc.str() + ": ";
  out += on;
  out += label;
  out += off;
  out += ": ";
  out += d.message;
  if (!d.hint.empty()) {
    out += "\n  hint: ";
    out += d.hint;
  }
  return out;
}

std::optional<Error> capture_error(const std::function<void()>& body) {
  try {
    body();
    return std::nullopt;
  } catch (const Error& e) {
    return e;
  } catch (const std::exception& e) {
    return Error(ErrorKind::Internal, std::string("unexpected failure: ") + e.what(), {},
                 "please report this as a bug, with the command that caused it");
  }
}

}  // namespace waybill
