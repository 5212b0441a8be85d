#include "doc/cell_options.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <regex>
#include <set>

#include "doc/attr.hpp"
#include "doc/cell_header.hpp"
#include "doc/unsupported.hpp"
#include "doc/yaml_meta.hpp"
#include "util/error.hpp"
#include "util/safe_path.hpp"
#include "util/report.hpp"
#include "util/strings.hpp"

namespace waybill::doc {

const std::vector<std::string>& known_cell_options() {
  static const std::vector<std::string> names = {
      "label",   "eval",    "echo",    "output",    "include",    "error",     "warning",
      "message", "fig-cap", "fig-alt", "fig-width", "fig-height", "fig-format", "tbl-cap",
      "tbl-colwidths", "cache", "timeout", "image", "check", "code-fold", "code-summary"};
  return names;
}

namespace {

[[noreturn]] void type_error(const std::string& file, const OptionSetting& s, const std::string& name,
                             const std::string& expected, const std::string& example) {
  throw Error(ErrorKind::Document,
              "cell option `" + name + "` must be " + expected + ", not " + describe_kind(s.value),
              SourceLoc{file, s.value.pos.line ? s.value.pos.line : s.pos.line,
                        s.value.pos.line ? s.value.pos.col : s.pos.col},
              "write it as " + example);
}

bool want_bool(const std::string& file, const OptionSetting& s, const std::string& name, Reporter& rep) {
  if (auto b = s.value.as_bool()) return *b;
  // knitr allows line numbers for echo/eval (`echo=2:3`, `echo=c(1, 3)`, `echo=-1`).
  bool line_numbers = s.value.is_list() ||
                      (s.value.is_scalar() && !s.value.quoted && !s.value.scalar.empty() &&
                       s.value.scalar.find_first_not_of("0123456789:-, ") == std::string::npos);
  if ((name == "echo" || name == "eval") && line_numbers) {
    rep.warn("selecting lines with `" + name + "` is not supported; all lines are used",
             SourceLoc{file, s.pos.line, s.pos.col});
    return true;
  }
  type_error(file, s, name, "true or false", "`#| " + name + ": false` or knitr's `" + name + "=FALSE`");
}

std::string want_string(const std::string& file, const OptionSetting& s, const std::string& name) {
  if (!s.value.is_scalar())
    type_error(file, s, name, "a string", "`#| " + name + ": \"text\"`");
  return s.value.scalar;
}

// Figure sizes are in inches: anything past a wall's worth is a mistake (or an attack
// on the arithmetic that turns it into pixels).
double want_number(const std::string& file, const OptionSetting& s, const std::string& name) {
  auto n = s.value.as_number();
  if (!n || !(*n > 0)) type_error(file, s, name, "a positive number", "`#| " + name + ": 5`");
  if (*n > 1000) type_error(file, s, name, "a number of inches up to 1000", "`#| " + name + ": 5`");
  return *n;
}

// `tbl-colwidths: [30, 70]` (Quarto's percentages, or any shares), or `auto`.
std::vector<double> want_colwidths(const std::string& file, const OptionSetting& s) {
  if (s.value.is_scalar() && (s.value.scalar == "auto" || s.value.as_bool() == false)) return {};
  std::optional<std::vector<double>> shares;
  if (s.value.is_list()) {
    std::vector<double> v;
    for (const auto& item : s.value.list)
      if (auto n = item.as_number(); n && *n > 0 && *n <= 1e6) v.push_back(*n);
    if (v.size() == s.value.list.size()) shares = column_shares(v);
  } else if (s.value.is_scalar()) {
    shares = parse_column_widths(s.value.scalar);
  }
  if (!shares) type_error(file, s, "tbl-colwidths", "a list of positive numbers or auto", "`#| tbl-colwidths: [30, 70]`");
  return *shares;
}

// "30", "30s", "2m", "1h", "500ms" to seconds.
double want_duration(const std::string& file, const OptionSetting& s, const std::string& name) {
  if (s.value.is_scalar()) {
    std::string t(trim(s.value.scalar));
    const char* begin = t.c_str();
    char* end = nullptr;
    double v = std::strtod(begin, &end);
    std::string unit = end ? std::string(trim(end)) : std::string();
    // Up to a year: longer is no limit at all, and too large to count in milliseconds.
    double seconds = unit.empty() || unit == "s" ? v : unit == "ms" ? v / 1000.0 : unit == "m" || unit == "min" ? v * 60
                     : unit == "h" ? v * 3600 : -1;
    if (end != begin && seconds > 0 && seconds <= 366.0 * 86400) return seconds;
  }
  type_error(file, s, name, "a duration", "`#| " + name + ": 30` (seconds) or `#| " + name + ": 2m`");
}

SourceLoc loc_of(const std::string& file, const MetaValue& v, const OptionSetting& s) {
  return v.pos.line ? SourceLoc{file, v.pos.line, v.pos.col} : SourceLoc{file, s.pos.line, s.pos.col};
}

// `check: false`, or a mapping of ignore (a regex or a list), tolerance, pixels and
// addresses.
CheckOptions want_check(const std::string& file, const OptionSetting& s) {
  CheckOptions c;
  const char* example = "`#| check: {ignore: \"[0-9.]+ s\", tolerance: 1e-6, pixels: 0.01}` or `#| check: false`";
  if (auto b = s.value.as_bool()) {
    c.enabled = *b;
    return c;
  }
  if (!s.value.is_map()) type_error(file, s, "check", "false or a mapping", example);
  for (const auto& [key, v] : s.value.map) {
    if (key == "ignore") {
      if (!v.is_scalar() && !v.is_list())
        throw Error(ErrorKind::Document, "`check: ignore` must be a regular expression or a list of them",
                    loc_of(file, v, s), example);
      for (const auto& re : v.as_string_list()) {
        try {
          std::regex compiled(re, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
          throw Error(ErrorKind::Document, "`check: ignore` is not a valid regular expression: " + re + " (" +
                                               e.what() + ")",
                      loc_of(file, v, s), "ECMAScript syntax, as in JavaScript: `\\d+ ms`");
        }
        c.ignore.push_back(re);
      }
    } else if (key == "tolerance" || key == "pixels") {
      auto n = v.as_number();
      if (!n || *n < 0)
        throw Error(ErrorKind::Document, "`check: " + key + "` must be a number of at least 0",
                    loc_of(file, v, s), example);
      (key == "tolerance" ? c.tolerance : c.pixels) = *n;
    } else if (key == "addresses") {
      auto b = v.as_bool();
      if (!b)
        throw Error(ErrorKind::Document, "`check: addresses` must be true or false", loc_of(file, v, s),
                    "`#| check: {addresses: true}` compares the memory addresses in reprs too");
      c.addresses = *b;
    } else {
      throw Error(ErrorKind::Document, "unknown key `" + key + "` in `check`", loc_of(file, v, s),
                  "known keys: ignore, tolerance, pixels, addresses");
    }
  }
  return c;
}

// A label names the cell's output directory and its figures' files, and becomes an
// HTML id and a LaTeX label: letters (any script), digits, `-`, `_`, `.` and `:`, not
// starting with `.`.
bool is_plain_label(const std::string& label) {
  if (label.empty() || label.front() == '.' || !unsafe_name_reason(label, 1, 200).empty()) return false;
  for (unsigned char c : label)
    if (c < 0x80 && !std::isalnum(c) && c != '-' && c != '_' && c != '.' && c != ':') return false;
  return true;
}

void apply_one(CellOptions& o, const std::string& name, const OptionSetting& s, const std::string& file,
               Reporter& rep) {
  if (name == "label") {
    std::string label = want_string(file, s, name);
    // A label names the cell's output directory and its figures' files, so it is one
    // plain file name as well as an identifier.
    if (!is_plain_label(label)) {
      throw Error(ErrorKind::Document, "cell label `" + printable(label) + "` is not a valid name",
                  SourceLoc{file, s.value.pos.line, s.value.pos.col},
                  "use letters, digits, `-` and `_`, e.g. `fig-results`");
    }
    o.label = label;
  } else if (name == "eval") {
    o.eval = want_bool(file, s, name, rep);
  } else if (name == "echo") {
    o.echo = want_bool(file, s, name, rep);
  } else if (name == "output") {
    if (s.value.is_scalar() && to_lower(s.value.scalar) == "asis") {
      o.output = OutputMode::Asis;
    } else if (s.value.is_scalar() && (s.value.scalar == "markup" || s.value.scalar == "hold")) {
      o.output = OutputMode::Show;  // knitr's results='markup' / 'hold'
    } else if (s.value.is_scalar() && s.value.scalar == "hide") {
      o.output = OutputMode::Hide;
    } else if (auto b = s.value.as_bool()) {
      o.output = *b ? OutputMode::Show : OutputMode::Hide;
    } else {
      type_error(file, s, name, "true, false or asis", "`#| output: asis`");
    }
  } else if (name == "include") {
    o.include = want_bool(file, s, name, rep);
  } else if (name == "error") {
    o.error = want_bool(file, s, name, rep);
  } else if (name == "warning") {
    o.warning = want_bool(file, s, name, rep);
  } else if (name == "message") {
    o.message = want_bool(file, s, name, rep);
  } else if (name == "fig-cap") {
    o.fig_cap = want_string(file, s, name);
  } else if (name == "fig-alt") {
    o.fig_alt = want_string(file, s, name);
  } else if (name == "code-fold") {
    if (s.value.is_scalar() && s.value.scalar == "show") o.code_fold = "show";
    else if (auto b = s.value.as_bool()) o.code_fold = *b ? "fold" : "";
    else type_error(file, s, name, "true, false or show", "`#| code-fold: true`");
  } else if (name == "code-summary") {
    o.code_summary = want_string(file, s, name);
  } else if (name == "fig-width") {
    o.fig_width = want_number(file, s, name);
  } else if (name == "fig-height") {
    o.fig_height = want_number(file, s, name);
  } else if (name == "fig-format") {
    std::string f = to_lower(want_string(file, s, name));
    if (f == "retina") f = "png";
    if (f != "png" && f != "svg")
      throw Error(ErrorKind::Document, "cell option `fig-format` must be png or svg, not `" + f + "`",
                  SourceLoc{file, s.value.pos.line, s.value.pos.col}, "`#| fig-format: svg` for vector figures");
    o.fig_format = f;
  } else if (name == "tbl-cap") {
    o.tbl_cap = want_string(file, s, name);
  } else if (name == "tbl-colwidths") {
    o.tbl_colwidths = want_colwidths(file, s);
  } else if (name == "cache") {
    o.cache = want_bool(file, s, name, rep);
  } else if (name == "timeout") {
    o.timeout = want_duration(file, s, name);
  } else if (name == "image") {
    o.image = want_string(file, s, name);
  } else if (name == "check") {
    o.check = want_check(file, s);
  }
}

}  // namespace

std::string canonical_option_name(std::string_view name) {
  std::string n = replace_all(name, ".", "-");
  n = replace_all(n, "_", "-");
  if (n == "results") return "output";
  if (n == "tab-cap") return "tbl-cap";  // bookdown's tab.cap
  return n;
}

void apply_cell_options(CellOptions& options, const std::vector<OptionSetting>& settings,
                        const std::string& file, Reporter& reporter) {
  const auto& known = known_cell_options();
  for (const auto& s : settings) {
    std::string name = canonical_option_name(s.name);
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      if (auto instead = unimplemented_cell_option(name)) {
        reporter.warn("cell option `" + s.name + "` is not supported yet: " + *instead,
                      SourceLoc{file, s.pos.line, s.pos.col}, "waybill runs the cell as if it were not set");
        continue;
      }
      std::string guess = closest_match(name, known);
      reporter.warn("unknown cell option `" + s.name + "`", SourceLoc{file, s.pos.line, s.pos.col},
                    guess.empty() ? "known options: " + join(known, ", ") : "did you mean `" + guess + "`?");
      continue;
    }
    apply_one(options, name, s, file, reporter);
    options.where[name] = s.pos;
  }
}

LeadingOptions parse_leading_options(std::string_view code, int first_line, const std::string& file) {
  LeadingOptions out;
  std::string yaml;
  auto lines = split_lines(code);
  for (auto line : lines) {
    std::string_view rest;
    if (line.starts_with("#|")) rest = line.substr(2);
    else if (line.starts_with("//|") || line.starts_with("--|") || line.starts_with("%%|")) rest = line.substr(3);
    else break;
    if (rest.starts_with(' ')) rest.remove_prefix(1);
    yaml.append(rest);
    yaml += '\n';
    ++out.lines;
  }
  if (out.lines == 0) return out;
  MetaValue v = parse_yaml(yaml, YamlOrigin{file, "cell options", first_line, 3});
  if (v.is_null()) return out;
  if (!v.is_map()) {
    throw Error(ErrorKind::Document, "invalid cell options: expected `#| key: value` lines",
                SourceLoc{file, first_line, 1}, "write one option per line, e.g. `#| echo: false`");
  }
  for (auto& [k, val] : v.map) {
    Pos kp = val.pos;
    // A key's own position: the value's line, column just after "#| ".
    out.options.push_back(OptionSetting{k, val, Pos{kp.line, 4}});
  }
  return out;
}

}  // namespace waybill::doc
