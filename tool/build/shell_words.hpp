#pragma once
// Word expansion as BuildKit does it for ENV, ARG, WORKDIR, COPY, FROM and the rest:
// quotes ('...' literal, "..." with escapes and $), the escape character, and
// parameter expansion: $VAR, ${VAR}, ${VAR:-x}, ${VAR:+x}, ${VAR?msg} and ${VAR:?msg}.
// Positional and special parameters ($1, $@, $$, ...) expand to nothing. No command
// substitution, no globbing: this is not a shell, only the part of one Dockerfiles use.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace waybill::build {

// A variable's value, or nullopt when it is unset (set-but-empty is "").
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

struct ShellWordOptions {
  char escape = '\\';        // or '`' (the `# escape=` directive)
  bool raw_quotes = false;   // keep quote characters in the result
  bool raw_escapes = false;  // keep escape characters in the result
};

// One word: quotes removed, variables expanded, no splitting. Throws Error(Document)
// with the shell's message ("bad substitution", "NAME: is not allowed to be unset").
std::string expand_word(std::string_view word, const EnvLookup& env, const ShellWordOptions& options = {});

// Expansion followed by splitting on unquoted white space, where white space coming from
// a variable's value splits too (as in `ENV x="a b"` then `$x`).
std::vector<std::string> expand_words(std::string_view text, const EnvLookup& env,
                                      const ShellWordOptions& options = {});

// Unicode white space, as Go's unicode.IsSpace decides it.
bool is_space(char32_t c);

}  // namespace waybill::build
