#pragma once
// Image references, Docker's grammar (distribution/reference):
//   [registry[:port]/]path[:tag][@digest]
// normalised as Docker does: no registry means docker.io, and a one-component path on
// docker.io gets `library/`. "debian:bookworm" is docker.io/library/debian:bookworm.
#include <optional>
#include <string>
#include <string_view>

#include "oci/digest.hpp"

namespace waybill::oci {

struct ImageRef {
  std::string registry;            // "docker.io", "127.0.0.1:5000"
  std::string repository;          // "library/debian"
  std::string tag;                 // "bookworm"; empty when only a digest was given
  std::optional<Digest> digest;

  // Parses and normalises; a reference with neither tag nor digest gets `latest`.
  // Throws Error(Usage) naming the text and the rule it breaks.
  static ImageRef parse(std::string_view text);
  static std::optional<ImageRef> try_parse(std::string_view text, std::string* why = nullptr);

  std::string name() const { return registry + "/" + repository; }
  // "docker.io/library/debian:bookworm" (with @digest when there is one).
  std::string full() const;
  // The form people type: "debian:bookworm", "ghcr.io/org/tool:1.2".
  std::string familiar() const;
};

}  // namespace waybill::oci
