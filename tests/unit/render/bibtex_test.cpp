#include <catch2/catch.hpp>

#include "render/bibtex.hpp"
#include "render/tex_text.hpp"
#include "util/error.hpp"

using namespace waybill;
using namespace waybill::render;

TEST_CASE("entries, fields, braces, quotes, numbers, @string macros and # concatenation") {
  auto entries = parse_bibtex(
      "Some comment text.\n"
      "@string{acm = \"ACM\"}\n"
      "@comment{ignored {nested} }\n"
      "@Article{key1,\n"
      "  Author = {Doe, Jane and {NASA}},\n"
      "  title = \"A {T}itle with {\\\"O}\",\n"
      "  journal = acm # { Queue},\n"
      "  year = 2020,\n"
      "  month = jan,\n"
      "}\n"
      "@book(key2, title = {B})\n",
      "x.bib");
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].type == "article");
  CHECK(entries[0].key == "key1");
  CHECK(entries[0].line == 4);
  CHECK(*entries[0].field("author") == "Doe, Jane and {NASA}");
  CHECK(*entries[0].field("title") == "A {T}itle with {\\\"O}");
  CHECK(*entries[0].field("journal") == "ACM Queue");
  CHECK(*entries[0].field("year") == "2020");
  CHECK(*entries[0].field("month") == "January");
  CHECK(entries[1].key == "key2");
}

TEST_CASE("BibTeX syntax errors are located") {
  try {
    parse_bibtex("@article{k,\n  title = {unclosed,\n  year = 2000\n}\n", "refs.bib");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Document);
    CHECK(e.loc().file == "refs.bib");
    CHECK(e.message() == "invalid bibliography: expected `}`, found the end of the file (in entry `k` from line 1)");
  }
  try {
    parse_bibtex("@article{k,\n  title {x}\n}\n", "refs.bib");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.loc().str() == "refs.bib:2:9");
    CHECK(e.message() == "invalid bibliography: expected `=`, found `{` (in entry `k` from line 1)");
  }
}

TEST_CASE("name splitting: Last, First; First von Last; Jr; braces; others") {
  auto n = split_names("Doe, Jane and John {van der} Berg and Ludwig van Beethoven and Smith, Jr., Ann and {World Health Organization} and others");
  REQUIRE(n.size() == 6);
  CHECK(n[0].last == "Doe");
  CHECK(n[0].first == "Jane");
  CHECK(n[1].first == "John {van der}");
  CHECK(n[1].last == "Berg");
  CHECK(n[2].first == "Ludwig");
  CHECK(n[2].von == "van");
  CHECK(n[2].last == "Beethoven");
  CHECK(n[3].last == "Smith");
  CHECK(n[3].jr == "Jr.");
  CHECK(n[3].first == "Ann");
  CHECK(n[4].last == "{World Health Organization}");
  CHECK(n[5].last == "others");
}

TEST_CASE("TeX to text") {
  CHECK(tex_to_text("{\\\"O}ther and \\'{e}t\\'e") == "Öther and été");
  CHECK(tex_to_text("Caf\\'e -- na\\\"ive --- {\\ss}") == "Café – naïve — ß");
  CHECK(tex_to_text("Science \\& {Engineering}") == "Science & Engineering");
  CHECK(tex_to_text("\\emph{Really} ``so''") == "Really “so”");
  CHECK(tex_to_text("St{\\'e}fan") == "Stéfan");
  CHECK(tex_to_text("\\c{c}a") == "ça");
}
