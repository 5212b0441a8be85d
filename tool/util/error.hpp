#pragma once
// The one error type of the project (ARCHITECTURE.md, "Conventions"): a kind the CLI maps to an exit code,
// a message, an optional source location and a hint for the user. Callers add context
// as the error propagates ("render paper.md: ...").
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "util/source_loc.hpp"

namespace waybill {

enum class ErrorKind {
  Usage,        // bad command line: exit 2
  Document,     // the input is wrong (YAML, Markdown, options): exit 1
  Cell,         // a cell failed: exit 1
  Environment,  // missing tool, privileges, broken installation: exit 3
  Drift,        // `check` found drift: exit 4
  Io,           // a file could not be read or written: exit 1
  Internal,     // a bug: exit 1
};

int exit_code_for(ErrorKind kind);

class Error : public std::exception {
 public:
  Error(ErrorKind kind, std::string message, SourceLoc loc = {}, std::string hint = {});

  // "open `path`: No such file or directory": the operation, its operand and errno.
  static Error from_errno(std::string_view operation, std::string_view operand, int err,
                          ErrorKind kind = ErrorKind::Io);

  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  const SourceLoc& loc() const { return loc_; }
  const std::string& hint() const { return hint_; }
  const char* what() const noexcept override { return message_.c_str(); }

  Error& with_hint(std::string hint);
  // Locates an error that has no location yet (a session that died, at its cell).
  Error& with_loc_if_unknown(SourceLoc loc);
  // Prefix the message with where it happened: "rendering paper.md: <message>".
  Error& add_context(std::string_view context);

 private:
  ErrorKind kind_;
  std::string message_;
  SourceLoc loc_;
  std::string hint_;
};

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  Severity severity = Severity::Warning;
  std::string message;
  SourceLoc loc;
  std::string hint;
};

Diagnostic to_diagnostic(const Error& e);

// Runs `body` and returns what it threw as an Error (any other exception becomes an
// Internal one): for boundaries no exception may cross, such as module entry points
// and the processes inside a box.
std::optional<Error> capture_error(const std::function<void()>& body);

// "file:line:col: warning: message" and, when there is one, "  hint: ..." on the next line.
std::string format_diagnostic(const Diagnostic& d, bool color = false);

}  // namespace waybill
