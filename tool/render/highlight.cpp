#include "render/highlight.hpp"

#include <srchilite/formatter.h>
#include <srchilite/formatterparams.h>
#include <srchilite/formattermanager.h>
#include <srchilite/langdefmanager.h>
#include <srchilite/langmap.h>
#include <srchilite/regexrulefactory.h>
#include <srchilite/settings.h>
#include <srchilite/sourcehighlighter.h>

#include <mutex>

#include "util/strings.hpp"

namespace waybill::render {

namespace {

// source-highlight's element names, folded into a small set of classes (the names
// Pandoc's highlighting uses, so themes carry over).
const char* class_for(const std::string& element) {
  static const std::map<std::string, const char*> map = {
      {"keyword", "kw"},   {"type", "dt"},       {"usertype", "dt"},   {"classname", "dt"},
      {"string", "st"},    {"regexp", "st"},     {"specialchar", "sc"}, {"comment", "co"},
      {"todo", "co"},      {"number", "nu"},     {"preproc", "pp"},    {"function", "fu"},
      {"predef_func", "fu"}, {"variable", "va"}, {"predef_var", "va"}, {"symbol", "op"},
      {"cbracket", "op"},  {"label", "at"},      {"url", "st"}};
  auto it = map.find(element);
  return it == map.end() ? "" : it->second;
}

class TokenFormatter : public srchilite::Formatter {
 public:
  TokenFormatter(std::string cls, std::vector<Token>*& sink) : cls_(std::move(cls)), sink_(sink) {}
  void format(const std::string& s, const srchilite::FormatterParams*) override {
    if (s.empty()) return;
    if (!sink_->empty() && sink_->back().cls == cls_ && sink_->back().text != "\n") sink_->back().text += s;
    else sink_->push_back(Token{cls_, s});
  }

 private:
  std::string cls_;
  std::vector<Token>*& sink_;
};

}  // namespace

struct Highlighter::Engine {
  std::filesystem::path own_rules;
  std::string system_rules = srchilite::Settings::retrieveDataDir();
  srchilite::RegexRuleFactory factory;
  srchilite::LangDefManager langs{&factory};
  srchilite::LangMap lang_map{system_rules, "lang.map"};
  std::vector<Token>* sink = nullptr;
  std::unique_ptr<srchilite::FormatterManager> formatters;
  std::map<std::string, srchilite::HighlightStatePtr> states;  // by language; null when unknown

  Engine(std::filesystem::path own) : own_rules(std::move(own)) {
    srchilite::FormatterPtr plain(new TokenFormatter("", sink));
    formatters = std::make_unique<srchilite::FormatterManager>(plain);
    for (const char* el : {"keyword", "type", "usertype", "classname", "string", "regexp", "specialchar", "comment",
                           "todo", "number", "preproc", "function", "predef_func", "variable", "predef_var",
                           "symbol", "cbracket", "label", "url"})
      formatters->addFormatter(el, srchilite::FormatterPtr(new TokenFormatter(class_for(el), sink)));
  }

  srchilite::HighlightStatePtr state_for(std::string_view language) {
    std::string lang = to_lower(language);
    auto it = states.find(lang);
    if (it != states.end()) return it->second;
    srchilite::HighlightStatePtr state;
    try {
      if (lang == "dockerfile" || lang == "yaml" || lang == "yml") {
        state = langs.getHighlightState(own_rules.string(), lang == "dockerfile" ? "dockerfile.lang" : "yaml.lang");
      } else {
        static const std::map<std::string, std::string> aliases = {
            {"console", "sh.lang"}, {"zsh", "zsh.lang"}, {"shell-session", "sh.lang"}, {"ipython", "python.lang"},
            {"python3", "python.lang"}, {"node", "javascript.lang"}, {"rscript", "r.lang"}, {"c++", "cpp.lang"},
            {"make", "makefile.lang"}, {"dockerfile", "dockerfile.lang"}, {"toml", "conf.lang"}, {"ini", "conf.lang"}};
        auto a = aliases.find(lang);
        std::string file = a != aliases.end() ? a->second : lang_map.getMappedFileName(lang);
        if (!file.empty()) state = langs.getHighlightState(system_rules, file);
      }
    } catch (const std::exception&) {
      state.reset();  // a broken rule file: show the code plain rather than fail the render
    }
    states[lang] = state;
    return state;
  }
};

Highlighter::Highlighter(std::filesystem::path own_rules) : engine_(std::make_unique<Engine>(std::move(own_rules))) {
  engine_->lang_map.open();
}

Highlighter::~Highlighter() = default;

namespace {
constexpr size_t kMaxHighlightedLine = 1000;
}  // namespace

std::vector<Token> Highlighter::highlight(std::string_view code, std::string_view language) {
  std::vector<Token> out;
  auto lines = split_lines(code);
  srchilite::HighlightStatePtr state = language.empty() ? nullptr : engine_->state_for(language);
  if (!state) {
    for (auto line : lines) {
      if (!line.empty()) out.push_back(Token{"", std::string(line)});
      out.push_back(Token{"", "\n"});
    }
    return out;
  }
  engine_->sink = &out;
  srchilite::SourceHighlighter h(state);
  h.setFormatterManager(engine_->formatters.get());
  srchilite::FormatterParams params;
  h.setFormatterParams(&params);
  for (auto line : lines) {
    // source-highlight's regular expressions take time quadratic in a line's length (a
    // 12 KB line took seconds): long lines, minified code or data, are shown plain.
    if (line.size() > kMaxHighlightedLine) {
      out.push_back(Token{"", std::string(line)});
    } else {
      params.start = 0;
      h.highlightParagraph(std::string(line));
    }
    out.push_back(Token{"", "\n"});
  }
  engine_->sink = nullptr;
  return out;
}

}  // namespace waybill::render
