#include "oci/reference.hpp"

#include <cctype>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace waybill::oci {

namespace {

bool alnum_lower(char c) { return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)); }

// path-component := alpha-numeric [separator alpha-numeric]*, separator := [_.] | __ | [-]*
bool valid_path_component(std::string_view c) {
  if (c.empty() || !alnum_lower(c.front()) || !alnum_lower(c.back())) return false;
  size_t i = 0;
  while (i < c.size()) {
    if (alnum_lower(c[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < c.size() && !alnum_lower(c[j])) ++j;
    std::string_view sep = c.substr(i, j - i);
    bool ok = sep == "." || sep == "_" || sep == "__" || sep.find_first_not_of('-') == std::string_view::npos;
    if (!ok) return false;
    i = j;
  }
  return true;
}

bool valid_domain(std::string_view d) {
  if (d.starts_with('[')) return d.find(']') != std::string_view::npos;  // IPv6, kept as written
  std::string_view host = d, port;
  size_t colon = d.rfind(':');
  if (colon != std::string_view::npos) {
    host = d.substr(0, colon);
    port = d.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos) return false;
  }
  if (host.empty()) return false;
  for (auto comp : split(host, '.')) {
    if (comp.empty() || !std::isalnum(static_cast<unsigned char>(comp.front())) ||
        !std::isalnum(static_cast<unsigned char>(comp.back())))
      return false;
    for (char ch : comp)
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-') return false;
  }
  return true;
}

bool valid_tag(std::string_view t) {
  if (t.empty() || t.size() > 128) return false;
  auto word = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; };
  if (!word(t.front())) return false;
  for (char ch : t)
    if (!word(ch) && ch != '.' && ch != '-') return false;
  return true;
}

}  // namespace

std::optional<ImageRef> ImageRef::try_parse(std::string_view text, std::string* why) {
  auto fail = [&](std::string reason) -> std::optional<ImageRef> {
    if (why) *why = std::move(reason);
    return std::nullopt;
  };
  if (text.empty()) return fail("it is empty");
  ImageRef ref;
  std::string_view rest = text;
  size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    std::string digest_why;
    ref.digest = Digest::try_parse(rest.substr(at + 1), &digest_why);
    if (!ref.digest) return fail("its digest is invalid: " + digest_why);
    rest = rest.substr(0, at);
  }
  // A tag follows the last colon that is after the last slash (a colon before a slash is a port).
  size_t slash = rest.rfind('/');
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    ref.tag = std::string(rest.substr(colon + 1));
    if (!valid_tag(ref.tag)) return fail("`" + ref.tag + "` is not a valid tag (letters, digits, `_`, `.`, `-`; at most 128)");
    rest = rest.substr(0, colon);
  }
  std::string_view path = rest;
  size_t first_slash = rest.find('/');
  if (first_slash != std::string_view::npos) {
    std::string_view first = rest.substr(0, first_slash);
    if (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos || first == "localhost" ||
        first.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos) {
      if (!valid_domain(first)) return fail("`" + std::string(first) + "` is not a valid registry host");
      ref.registry = std::string(first);
      path = rest.substr(first_slash + 1);
    }
  }
  if (ref.registry.empty()) ref.registry = "docker.io";
  if (path.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos)
    return fail("the repository name must be lower case");
  for (auto comp : split(path, '/'))
    if (!valid_path_component(comp))
      return fail("`" + std::string(comp) + "` is not a valid name component (lower-case letters, digits, `.`, `_`, `-`)");
  ref.repository = std::string(path);
  if (ref.registry == "docker.io" && ref.repository.find('/') == std::string::npos)
    ref.repository = "library/" + ref.repository;
  if (ref.name().size() > 255) return fail("the name is longer than 255 characters");
  if (ref.tag.empty() && !ref.digest) ref.tag = "latest";
  return ref;
}

ImageRef ImageRef::parse(std::string_view text) {
  std::string why;
  auto r = try_parse(text, &why);
  if (!r) {
    throw Error(ErrorKind::Usage, "invalid image reference `" + std::string(text) + "`: " + why, {},
                "references look like `debian:bookworm`, `registry.example:5000/team/tool:1.2` or `name@sha256:...`");
  }
  return *r;
}

std::string ImageRef::full() const {
  std::string s = name();
  if (!tag.empty()) s += ":" + tag;
  if (digest) s += "@" + digest->str();
  return s;
}

std::string ImageRef::familiar() const {
  std::string s = repository;
  if (registry == "docker.io") {
    if (s.starts_with("library/")) s = s.substr(8);
  } else {
    s = registry + "/" + s;
  }
  if (!tag.empty()) s += ":" + tag;
  if (digest) s += "@" + digest->str();
  return s;
}

}  // namespace waybill::oci
