#pragma once
// Citations in an author-year style (Chicago author-date) and the reference list,
// produced as model inlines so that every writer renders them with its own escaping.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "doc/model.hpp"
#include "render/bibtex.hpp"
#include "util/project_paths.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::render {

class Bibliography {
 public:
  // Loads the files the front matter names, relative to the document's directory. A
  // missing file is a warning at the `bibliography:` key; a malformed one an error.
  // Reads the front matter's bibliography files, beneath `roots` only.
  void load(const doc::Document& doc, const std::filesystem::path& doc_dir, const PathRoots& roots,
            Reporter& reporter);

  // Records which keys the document cites (in order), and warns, at each citation,
  // about keys the bibliography does not have.
  void collect_citations(const doc::Document& doc, Reporter& reporter);

  bool has(const std::string& key) const { return entries_.count(key) != 0; }
  bool any_cited() const { return !cited_.empty(); }
  const std::vector<std::filesystem::path>& files() const { return files_; }

  // The in-text form of a Citation inline: "(Doe 2020, 3)", "Doe (2020)", "[?key]".
  std::vector<doc::Inline> cite(const doc::Inline& citation) const;

  // The reference list: one entry per cited key, sorted by author, year and title.
  struct Reference {
    std::string key;
    std::vector<doc::Inline> text;
  };
  std::vector<Reference> references() const;

 private:
  struct Entry {
    BibEntry bib;
    std::vector<PersonName> authors;
    bool editors = false;      // the names are editors (no author field)
    std::string label;         // "Doe", "Doe and Roe", "Doe et al."
    std::string year;          // with disambiguation suffix: "2020a"
    std::string sort_key;
  };
  void finish_entries();
  void collect(const std::vector<doc::Block>& blocks, const doc::Document& doc, Reporter& reporter);
  void collect(const std::vector<doc::Inline>& inlines, const doc::Document& doc, Reporter& reporter);
  std::vector<doc::Inline> format_reference(const Entry& e) const;

  std::map<std::string, Entry> entries_;
  std::vector<std::string> cited_;  // keys, in order of first citation
  std::vector<std::filesystem::path> files_;
};

}  // namespace waybill::render
