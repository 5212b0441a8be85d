#include "render/tex_text.hpp"

#include <cctype>
#include <map>

#include "util/strings.hpp"

namespace waybill::render {

namespace {

// Accent command + base letter to the precomposed character.
char32_t accent(char cmd, char base) {
  static const std::map<std::pair<char, char>, char32_t> table = {
      {{'"', 'a'}, U'ä'}, {{'"', 'o'}, U'ö'}, {{'"', 'u'}, U'ü'}, {{'"', 'A'}, U'Ä'}, {{'"', 'O'}, U'Ö'},
      {{'"', 'U'}, U'Ü'}, {{'"', 'e'}, U'ë'}, {{'"', 'i'}, U'ï'}, {{'"', 'y'}, U'ÿ'}, {{'\'', 'a'}, U'á'},
      {{'\'', 'e'}, U'é'}, {{'\'', 'i'}, U'í'}, {{'\'', 'o'}, U'ó'}, {{'\'', 'u'}, U'ú'}, {{'\'', 'y'}, U'ý'},
      {{'\'', 'A'}, U'Á'}, {{'\'', 'E'}, U'É'}, {{'\'', 'I'}, U'Í'}, {{'\'', 'O'}, U'Ó'}, {{'\'', 'U'}, U'Ú'},
      {{'\'', 'c'}, U'ć'}, {{'\'', 'n'}, U'ń'}, {{'\'', 's'}, U'ś'}, {{'\'', 'z'}, U'ź'}, {{'`', 'a'}, U'à'},
      {{'`', 'e'}, U'è'}, {{'`', 'i'}, U'ì'}, {{'`', 'o'}, U'ò'}, {{'`', 'u'}, U'ù'}, {{'`', 'A'}, U'À'},
      {{'`', 'E'}, U'È'}, {{'^', 'a'}, U'â'}, {{'^', 'e'}, U'ê'}, {{'^', 'i'}, U'î'}, {{'^', 'o'}, U'ô'},
      {{'^', 'u'}, U'û'}, {{'~', 'a'}, U'ã'}, {{'~', 'n'}, U'ñ'}, {{'~', 'o'}, U'õ'}, {{'~', 'N'}, U'Ñ'},
      {{'c', 'c'}, U'ç'}, {{'c', 'C'}, U'Ç'}, {{'c', 's'}, U'ş'}, {{'v', 'c'}, U'č'}, {{'v', 's'}, U'š'},
      {{'v', 'z'}, U'ž'}, {{'v', 'r'}, U'ř'}, {{'v', 'e'}, U'ě'}, {{'v', 'C'}, U'Č'}, {{'v', 'S'}, U'Š'},
      {{'v', 'Z'}, U'Ž'}, {{'H', 'o'}, U'ő'}, {{'H', 'u'}, U'ű'}, {{'k', 'a'}, U'ą'}, {{'k', 'e'}, U'ę'},
      {{'=', 'a'}, U'ā'}, {{'=', 'e'}, U'ē'}, {{'.', 'z'}, U'ż'}, {{'r', 'a'}, U'å'}, {{'r', 'A'}, U'Å'},
      {{'u', 'g'}, U'ğ'}};
  auto it = table.find({cmd, base});
  return it == table.end() ? 0 : it->second;
}

std::string named(const std::string& cmd) {
  static const std::map<std::string, std::string> table = {
      {"ss", "ß"}, {"o", "ø"}, {"O", "Ø"}, {"ae", "æ"}, {"AE", "Æ"}, {"oe", "œ"}, {"OE", "Œ"}, {"aa", "å"},
      {"AA", "Å"}, {"l", "ł"}, {"L", "Ł"}, {"i", "ı"}, {"j", "ȷ"}, {"&", "&"}, {"%", "%"}, {"$", "$"},
      {"#", "#"}, {"_", "_"}, {"{", "{"}, {"}", "}"}, {"textendash", "–"}, {"textemdash", "—"},
      {"ldots", "…"}, {"dots", "…"}, {"textquoteright", "’"}, {"textquoteleft", "‘"}, {"LaTeX", "LaTeX"},
      {"TeX", "TeX"}, {"copyright", "©"}, {"textregistered", "®"}, {"texttrademark", "™"}, {" ", " "},
      {"textbackslash", "\\"}, {"textasciitilde", "~"}, {"S", "§"}, {"P", "¶"}};
  auto it = table.find(cmd);
  return it == table.end() ? std::string() : it->second;
}

bool is_accent_cmd(char c) {
  return c == '"' || c == '\'' || c == '`' || c == '^' || c == '~' || c == '=' || c == '.' || c == 'c' ||
         c == 'v' || c == 'H' || c == 'k' || c == 'r' || c == 'u';
}

}  // namespace

std::string tex_to_text(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '{' || c == '}') {
      ++i;
      continue;
    }
    if (c == '~') {
      out += "\u00a0";
      ++i;
      continue;
    }
    if (c == '-' && s.substr(i, 3) == "---") {
      out += "—";
      i += 3;
      continue;
    }
    if (c == '-' && s.substr(i, 2) == "--") {
      out += "–";
      i += 2;
      continue;
    }
    if (c == '`' && s.substr(i, 2) == "``") {
      out += "“";
      i += 2;
      continue;
    }
    if (c == '\'' && s.substr(i, 2) == "''") {
      out += "”";
      i += 2;
      continue;
    }
    if (c != '\\' || i + 1 >= s.size()) {
      out += c;
      ++i;
      continue;
    }
    // A control sequence: \x (one symbol) or \name.
    size_t j = i + 1;
    std::string cmd;
    if (std::isalpha(static_cast<unsigned char>(s[j]))) {
      while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) cmd += s[j++];
    } else {
      cmd = s[j++];
    }
    // The argument of an accent: `\"o`, `\"{o}`, `\c c`, `\c{c}`, `\'{\i}`.
    if (cmd.size() == 1 && is_accent_cmd(cmd[0])) {
      size_t k = j;
      while (k < s.size() && (s[k] == ' ' || s[k] == '{')) ++k;
      if (k + 1 < s.size() && s[k] == '\\' && (s[k + 1] == 'i' || s[k + 1] == 'j')) ++k;
      if (k < s.size() && std::isalpha(static_cast<unsigned char>(s[k]))) {
        if (char32_t cp = accent(cmd[0], s[k])) {
          append_utf8(out, cp);
          i = k + 1;
          while (i < s.size() && s[i] == '}') ++i;
          continue;
        }
      }
    }
    // TeX swallows the spaces after a control word.
    if (std::isalpha(static_cast<unsigned char>(cmd[0])))
      while (j < s.size() && s[j] == ' ') ++j;
    // Known symbols become their character; for \emph{x}, \url{x} and unknown commands
    // the argument's text is kept (the braces are dropped above).
    out += named(cmd);
    i = j;
  }
  return out;
}

}  // namespace waybill::render
