#pragma once
// Small string helpers used across stages. Nothing here allocates more than it returns.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace waybill {

std::string_view trim(std::string_view s);
std::string_view trim_left(std::string_view s);
std::string_view trim_right(std::string_view s);
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char sep);
// Lines without their terminators; a final newline does not make an empty last line.
std::vector<std::string_view> split_lines(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string replace_all(std::string_view s, std::string_view from, std::string_view to);
bool is_blank(std::string_view s);

// Edit distance, for "did you mean" hints.
size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word`, or "" when none is close enough to suggest.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// Decodes the UTF-8 code point at s[i] and advances i; invalid bytes give U+FFFD.
char32_t next_code_point(std::string_view s, size_t& i);
void append_utf8(std::string& out, char32_t cp);
// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF). ASCII runs are checked eight bytes at a time.
bool is_valid_utf8(std::string_view s);
// `s` with every invalid byte replaced by U+FFFD: text from outside made safe to store
// as JSON and to show.
std::string to_valid_utf8(std::string_view s);
// A name from outside, fit for one line of a message: control characters and invalid
// bytes as \xNN, and at most `max` bytes of it, then "...". Keeps a hostile name from
// moving the cursor or hiding itself in a terminal.
std::string printable(std::string_view s, size_t max = 80);

// Human-friendly durations: "840 ms", "2.3 s".
std::string format_duration_ms(double ms);

}  // namespace waybill
