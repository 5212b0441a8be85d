#include "util/module_call.hpp"

#include <string>

#include "util/report.hpp"

namespace waybill {

namespace {

wb_bytes bytes_of(std::string_view s) { return wb_bytes{s.data(), s.size()}; }
std::string_view view_of(wb_bytes b) { return {b.data, b.size}; }

// Values cross as MessagePack rather than JSON text: a path or a cell's output need not
// be UTF-8, and MessagePack carries any bytes unchanged.
std::string encode(const nlohmann::json& j) {
  std::string out;
  nlohmann::json::to_msgpack(j, nlohmann::detail::output_adapter<char>(out));
  return out;
}

nlohmann::json decode(wb_bytes b) {
  return nlohmann::json::from_msgpack(b.data, b.data + b.size, /*strict=*/true, /*allow_exceptions=*/false);
}

void append_to_string(void* context, wb_bytes piece) { static_cast<std::string*>(context)->append(piece.data, piece.size); }

// The caller's Reporter as callbacks. An exception must not unwind through the module's
// frames (another libstdc++), so each callback swallows what the Reporter throws.
template <class Body>
void without_throwing(Body&& body) noexcept {
  try {
    body();
  } catch (...) {
  }
}

wb_reporter c_reporter_of(Reporter& r) {
  wb_reporter c{};
  c.context = &r;
  c.diagnostic = [](void* ctx, wb_bytes json) {
    without_throwing([&] {
      static_cast<Reporter*>(ctx)->diagnostic(decode(json).get<Diagnostic>());
    });
  };
  c.status = [](void* ctx, wb_bytes text) { without_throwing([&] { static_cast<Reporter*>(ctx)->status(view_of(text)); }); };
  c.progress = [](void* ctx, wb_bytes label, uint64_t done, uint64_t total) {
    without_throwing([&] { static_cast<Reporter*>(ctx)->progress(view_of(label), done, total); });
  };
  c.activity = [](void* ctx, wb_bytes text) {
    without_throwing([&] { static_cast<Reporter*>(ctx)->activity(view_of(text)); });
  };
  c.redraws = r.redraws() ? 1 : 0;
  return c;
}

// The module's side of the same callbacks.
class CallerReporter : public Reporter {
 public:
  explicit CallerReporter(const wb_reporter& c) : c_(c) {}
  void diagnostic(const Diagnostic& d) override { c_.diagnostic(c_.context, bytes_of(encode(nlohmann::json(d)))); }
  void status(std::string_view text) override { c_.status(c_.context, bytes_of(text)); }
  void progress(std::string_view label, uint64_t done, uint64_t total) override {
    c_.progress(c_.context, bytes_of(label), done, total);
  }
  void activity(std::string_view text) override { c_.activity(c_.context, bytes_of(text)); }
  bool redraws() const override { return c_.redraws != 0; }

 private:
  const wb_reporter& c_;
};

}  // namespace

void to_json(nlohmann::json& j, const SourceLoc& loc) { j = {{"file", loc.file}, {"line", loc.line}, {"col", loc.col}}; }

void from_json(const nlohmann::json& j, SourceLoc& loc) {
  loc.file = j.value("file", "");
  loc.line = j.value("line", 0);
  loc.col = j.value("col", 0);
}

nlohmann::json error_to_json(const Error& e) {
  return {{"kind", static_cast<int>(e.kind())}, {"message", e.message()}, {"loc", e.loc()}, {"hint", e.hint()}};
}

Error error_from_json(const nlohmann::json& j) {
  int kind = j.value("kind", static_cast<int>(ErrorKind::Internal));
  if (kind < static_cast<int>(ErrorKind::Usage) || kind > static_cast<int>(ErrorKind::Internal))
    kind = static_cast<int>(ErrorKind::Internal);
  return Error(static_cast<ErrorKind>(kind), j.value("message", ""), j.value("loc", SourceLoc{}), j.value("hint", ""));
}

void to_json(nlohmann::json& j, const Diagnostic& d) {
  j = {{"severity", static_cast<int>(d.severity)}, {"message", d.message}, {"loc", d.loc}, {"hint", d.hint}};
}

void from_json(const nlohmann::json& j, Diagnostic& d) {
  d.severity = static_cast<Severity>(j.value("severity", static_cast<int>(Severity::Warning)));
  d.message = j.value("message", "");
  d.loc = j.value("loc", SourceLoc{});
  d.hint = j.value("hint", "");
}

nlohmann::json call_module(const ModuleId& id, std::string_view verb, const nlohmann::json& request, Reporter& reporter) {
  const auto& table = load_module<wb_module_table>(id);
  std::string request_bytes = encode(request);
  std::string reply_text;
  wb_sink reply{&reply_text, append_to_string};
  wb_reporter c_reporter = c_reporter_of(reporter);
  int failed = table.call(bytes_of(verb), bytes_of(request_bytes), &c_reporter, &reply);
  nlohmann::json reply_json = decode(bytes_of(reply_text));
  if (reply_json.is_discarded())
    throw Error(ErrorKind::Internal,
                std::string("the ") + id.name + " module's reply to `" + std::string(verb) + "` cannot be decoded", {},
                "please report this as a bug, with the command that caused it");
  if (failed) throw error_from_json(reply_json);
  return reply_json;
}

nlohmann::json call_module(const ModuleId& id, std::string_view verb, const nlohmann::json& request) {
  CollectingReporter silent;
  return call_module(id, verb, request, silent);
}

LibraryVersions module_library_versions(const ModuleId& id) {
  return call_module(id, "library_versions", nullptr).get<LibraryVersions>();
}

int answer_module_call(std::span<const ModuleVerb> verbs, wb_bytes verb, wb_bytes request, const wb_reporter* reporter,
                       const wb_sink* reply) noexcept {
  std::string out;
  int failed = 0;
  try {
    CallerReporter caller(*reporter);
    std::optional<Error> error = capture_error([&] {
      for (const ModuleVerb& v : verbs)
        if (v.name == view_of(verb)) {
          nlohmann::json decoded = decode(request);
          if (decoded.is_discarded()) throw Error(ErrorKind::Internal, "a request to this module cannot be decoded");
          out = encode(v.run(decoded, caller));
          return;
        }
      throw Error(ErrorKind::Internal, "this module has no verb `" + std::string(view_of(verb)) + "`", {},
                  "the executable and its modules come from different builds: reinstall waybill");
    });
    if (error) {
      failed = 1;
      out = encode(error_to_json(*error));
    }
  } catch (...) {
    failed = 1;
    out.clear();  // the reply cannot be decoded, which the caller reports

  }
  reply->write(reply->context, bytes_of(out));
  return failed;
}

}  // namespace waybill
