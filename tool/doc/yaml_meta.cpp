#include "doc/yaml_meta.hpp"

#include <libfyaml.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill::doc {

namespace {

// A document's YAML is small; these bound what a hostile one can make the host do.
constexpr size_t kMaxDepth = 64;         // nested collections
constexpr size_t kMaxValues = 100000;    // values, aliases expanded (a "billion laughs")

using ParserPtr = std::unique_ptr<fy_parser, void (*)(fy_parser*)>;

// A token's text (escapes and folding applied), read through an iterator: in 0.7.12,
// fy_token_get_text leaks the buffer it makes for some long quoted scalars.
std::string token_text(fy_token* t) {
  std::string out;
  fy_token_iter* it = t ? fy_token_iter_create(t) : nullptr;
  if (!it) return out;
  int err = 0;
  for (const fy_iter_chunk* c = nullptr; (c = fy_token_iter_chunk_next(it, c, &err));) out.append(c->str, c->len);
  fy_token_iter_destroy(it);
  return out;
}

bool is_null_scalar(const std::string& s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

std::string yaml_hint(const std::string& msg) {
  if (msg.find("quote") != std::string::npos)
    return "check for an unclosed quote; a quoted value that goes on over several lines indents them";
  if (msg.find("bracket") != std::string::npos || msg.find("brace") != std::string::npos ||
      msg.find("flow") != std::string::npos || msg.find("escape") != std::string::npos)
    return "check for an unclosed quote or bracket";
  if (msg.find("indent") != std::string::npos || msg.find("mapping") != std::string::npos ||
      msg.find("key") != std::string::npos)
    return "check the indentation, and quote values that contain `: ` or start with `{`, `[`, `@` or `*`";
  return "YAML needs `key: value` pairs; quote values that contain special characters";
}

// Builds MetaValues from libfyaml's events, with positions mapped into the document.
class MetaBuilder {
 public:
  explicit MetaBuilder(const YamlOrigin& origin) : origin_(origin) {}

  // Handles one event; throws Error(Document) at its place when it breaks a rule.
  void event(fy_event* e) {
    switch (e->type) {
      case FYET_DOCUMENT_START:
        if (++documents_ > 1) fail(e, "more than one YAML document (a second `---`)", "keep one document");
        return;
      case FYET_SCALAR: {
        MetaValue v = scalar(e);
        remember(e->scalar.anchor, v, 1);
        add(e, std::move(v));
        return;
      }
      case FYET_ALIAS: {
        std::string name = token_text(e->alias.anchor);
        auto it = anchors_.find(name);
        if (it == anchors_.end()) fail(e, "unknown alias `*" + printable(name) + "`", "define `&" + name + "` before it");
        count(e, it->second.values);
        MetaValue copy = it->second.value;
        copy.pos = pos(e);
        add(e, std::move(copy));
        return;
      }
      case FYET_SEQUENCE_START:
      case FYET_MAPPING_START: {
        if (stack_.size() >= kMaxDepth) fail(e, "nested more than " + std::to_string(kMaxDepth) + " levels deep", "");
        count(e, 1);
        bool map = e->type == FYET_MAPPING_START;
        Frame f;
        f.value.kind = map ? MetaValue::Kind::Map : MetaValue::Kind::List;
        f.value.pos = pos(e);
        f.anchor = token_text(map ? e->mapping_start.anchor : e->sequence_start.anchor);
        f.values_before = values_;
        stack_.push_back(std::move(f));
        return;
      }
      case FYET_SEQUENCE_END:
      case FYET_MAPPING_END: {
        Frame f = std::move(stack_.back());
        stack_.pop_back();
        if (!f.anchor.empty()) anchors_[f.anchor] = Anchor{f.value, values_ - f.values_before};
        add(e, std::move(f.value));
        return;
      }
      default:
        return;
    }
  }

  MetaValue take() { return std::move(root_); }
  // Where the innermost collection still open began: an unclosed bracket's place.
  std::optional<Pos> open_collection() const {
    if (stack_.empty()) return std::nullopt;
    return stack_.back().value.pos;
  }

 private:
  struct Frame {
    MetaValue value;
    std::string anchor;
    size_t values_before = 0;
    bool have_key = false;
    std::string key;
    Pos key_pos;
    std::set<std::string> keys;
  };
  struct Anchor {
    MetaValue value;
    size_t values = 0;
  };

  Pos pos(fy_event* e) const {
    const fy_mark* m = fy_event_start_mark(e);
    if (!m) return Pos{origin_.first_line, 1};
    return Pos{origin_.first_line + m->line, m->column + 1 + origin_.col_offset};
  }

  [[noreturn]] void fail(fy_event* e, const std::string& what, const std::string& hint) const {
    Pos p = pos(e);
    throw Error(ErrorKind::Document, "invalid " + origin_.what + ": " + what, SourceLoc{origin_.file, p.line, p.col}, hint);
  }

  void count(fy_event* e, size_t n) {
    values_ += n;
    if (values_ > kMaxValues)
      fail(e, "more than " + std::to_string(kMaxValues) + " values once aliases are expanded",
           "a document's YAML is small; remove the aliases that repeat one another");
  }

  void remember(fy_token* anchor, const MetaValue& v, size_t values) {
    std::string name = token_text(anchor);
    if (!name.empty()) anchors_[name] = Anchor{v, values};
  }

  MetaValue scalar(fy_event* e) {
    count(e, 1);
    MetaValue v;
    v.pos = pos(e);
    // libfyaml's mark is the text inside the quotes; the place is the quote.
    auto style = fy_token_scalar_style(e->scalar.value);
    if ((style == FYSS_SINGLE_QUOTED || style == FYSS_DOUBLE_QUOTED) && v.pos.col > 1) --v.pos.col;
    v.scalar = token_text(e->scalar.value);
    std::string tag = token_text(e->scalar.tag);
    bool plain = style == FYSS_PLAIN;
    // A quoted or block scalar, or one tagged !!str, is a string, whatever it says.
    v.quoted = !plain || tag == "tag:yaml.org,2002:str" || tag == "!!str";
    v.kind = plain && tag.empty() && is_null_scalar(v.scalar) ? MetaValue::Kind::Null : MetaValue::Kind::Scalar;
    return v;
  }

  void add(fy_event* e, MetaValue v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return;
    }
    Frame& f = stack_.back();
    if (f.value.kind == MetaValue::Kind::List) {
      f.value.list.push_back(std::move(v));
      return;
    }
    if (!f.have_key) {
      if (v.kind == MetaValue::Kind::List || v.kind == MetaValue::Kind::Map)
        fail(e, "a key must be a plain name", "write `name: value`");
      if (!f.keys.insert(v.scalar).second)
        throw Error(ErrorKind::Document, "invalid " + origin_.what + ": duplicate key `" + printable(v.scalar) + "`",
                    SourceLoc{origin_.file, v.pos.line, v.pos.col}, "remove one of the two `" + v.scalar + ":` lines");
      f.have_key = true;
      f.key = std::move(v.scalar);
      f.key_pos = v.pos;
      return;
    }
    if (v.kind == MetaValue::Kind::Null) v.pos = f.key_pos;
    f.value.map.emplace_back(std::move(f.key), std::move(v));
    f.have_key = false;
  }

  const YamlOrigin& origin_;
  std::vector<Frame> stack_;
  std::map<std::string, Anchor> anchors_;
  MetaValue root_;
  size_t values_ = 0;
  int documents_ = 0;
};

// libfyaml's diagnostics, kept rather than printed: it writes to stderr unless given a
// diag object of one's own (FYPCF_QUIET alone does not stop it in 0.7.12).
class YamlDiagnostics {
 public:
  YamlDiagnostics() {
    fy_diag_cfg cfg;
    fy_diag_cfg_default(&cfg);
    cfg.fp = nullptr;
    cfg.output_fn = [](fy_diag*, void* user, const char* text, size_t n) {
      auto* self = static_cast<YamlDiagnostics*>(user);
      if (self->printed_.size() < 4096) self->printed_.append(text, n);
    };
    cfg.user = this;
    cfg.colorize = false;
    diag_ = fy_diag_create(&cfg);
    if (diag_) fy_diag_set_collect_errors(diag_, true);
  }
  ~YamlDiagnostics() {
    if (diag_) fy_diag_destroy(diag_);
  }
  YamlDiagnostics(const YamlDiagnostics&) = delete;
  YamlDiagnostics& operator=(const YamlDiagnostics&) = delete;

  fy_diag* get() const { return diag_; }
  bool got_error() const { return diag_ && fy_diag_got_error(diag_); }

  // The first error: its message, and its 1-based line and column when it has a token.
  struct First {
    std::string message;
    int line = 0, col = 0;
  };
  First first() const {
    First f;
    void* it = nullptr;
    if (fy_diag_error* e = diag_ ? fy_diag_errors_iterate(diag_, &it) : nullptr) {
      f.message = e->msg ? e->msg : "";
      f.line = e->line;
      f.col = e->column;
    }
    if (f.message.empty()) {
      // A few errors come without a token, only as printed text ("[ERR]: ...").
      std::string_view p = trim(printed_);
      if (auto colon = p.find("]: "); colon != std::string_view::npos) p = p.substr(colon + 3);
      f.message = std::string(p.substr(0, p.find('\n')));
    }
    if (f.message.empty()) f.message = "not valid YAML";
    return f;
  }

 private:
  fy_diag* diag_ = nullptr;
  std::string printed_;
};

// The parser's first error, at its place in the document; `last` is where the parser
// had got to, for errors that come without a position.
[[noreturn]] void syntax_error(const YamlDiagnostics& diag, std::string_view text, Pos last,
                               std::optional<Pos> open_collection, const YamlOrigin& o) {
  YamlDiagnostics::First f = diag.first();
  int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  if (!text.empty() && text.back() != '\n') ++lines;
  Pos at = last;
  if (f.line > 0) {
    // An error found at the very end ("without closing quote") is reported on the
    // YAML's last line rather than on whatever follows it.
    at = f.line > lines ? Pos{o.first_line + lines - 1, 0} : Pos{o.first_line + f.line - 1, f.col + o.col_offset};
  }
  // A bracket or brace never closed: its opening is what the author must find.
  if (open_collection && f.message.find("without a closing") != std::string::npos) at = *open_collection;
  throw Error(ErrorKind::Document, "invalid " + o.what + " YAML: " + printable(f.message, 200),
              SourceLoc{o.file, at.line, at.col}, yaml_hint(f.message));
}

// YAML is printable Unicode text. Anything else is refused before libfyaml sees it:
// besides being invalid, some of it (bytes that are not UTF-8 in a directive line) makes
// libfyaml 0.7.12 loop for ever.
void check_printable(std::string_view text, const YamlOrigin& o) {
  int line = 0;
  size_t line_start = 0;
  for (size_t i = 0; i < text.size();) {
    size_t at = i;
    char32_t cp = next_code_point(text, i);
    bool valid = is_valid_utf8(text.substr(at, i - at));
    bool printable = cp == '\t' || cp == '\n' || cp == '\r' || (cp >= 0x20 && cp != 0x7f && (cp < 0x80 || cp >= 0xa0 || cp == 0x85));
    if (!valid || !printable) {
      char what[64];
      if (valid) std::snprintf(what, sizeof what, "a control character (U+%04X)", static_cast<unsigned>(cp));
      else std::snprintf(what, sizeof what, "a byte that is not UTF-8 (\\x%02x)", static_cast<unsigned char>(text[at]));
      throw Error(ErrorKind::Document, "invalid " + o.what + " YAML: " + what,
                  SourceLoc{o.file, o.first_line + line, static_cast<int>(at - line_start) + 1 + o.col_offset},
                  "YAML is UTF-8 text; save the file as UTF-8 and remove the character");
    }
    if (cp == '\n') ++line, line_start = i;
  }
}

}  // namespace

MetaValue parse_yaml(std::string_view text, const YamlOrigin& origin) {
  check_printable(text, origin);
  YamlDiagnostics diag;
  fy_parse_cfg cfg{};
  cfg.flags = static_cast<fy_parse_cfg_flags>(FYPCF_QUIET | FYPCF_DISABLE_RECYCLING);
  cfg.diag = diag.get();
  ParserPtr parser(fy_parser_create(&cfg), fy_parser_destroy);
  if (!diag.get() || !parser || fy_parser_set_string(parser.get(), text.data(), text.size()) != 0)
    throw Error(ErrorKind::Internal, "could not start the YAML parser");
  MetaBuilder builder(origin);
  bool ended = false;
  Pos last{origin.first_line, 1};
  // fy_parser_parse gives NULL both at the end and on an error: the end is the
  // stream-end event.
  while (fy_event* e = fy_parser_parse(parser.get())) {
    std::unique_ptr<fy_event, std::function<void(fy_event*)>> owned(
        e, [p = parser.get()](fy_event* ev) { fy_parser_event_free(p, ev); });
    if (e->type == FYET_STREAM_END) ended = true;
    if (const fy_mark* m = fy_event_end_mark(e)) last = Pos{origin.first_line + m->line, m->column + 1 + origin.col_offset};
    builder.event(e);
  }
  if (!ended || fy_parser_get_stream_error(parser.get()) || diag.got_error()) syntax_error(diag, text, last, builder.open_collection(), origin);
  MetaValue v = builder.take();
  if (v.pos.line == 0) v.pos = Pos{origin.first_line, 1};
  return v;
}

}  // namespace waybill::doc
