#pragma once
// COPY and ADD into an image's merged root (see build/root_edit.hpp), with Docker's
// rules: a directory source copies its contents; a file goes to DEST, or into DEST when
// DEST ends in '/', is a directory already, or there are several sources; missing
// directories are created; files are owned by root unless --chown says otherwise and
// keep their modes (or take --chmod) and modification times. Every destination path is
// resolved inside the root, symlinks included, so /lib on a merged-/usr image leads to
// /usr/lib and nothing leads out.
#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "build/source_match.hpp"

namespace waybill::build {

struct InlineFile {
  std::string name;     // a heredoc's delimiter: the file's name
  std::string content;
};

struct CopyRequest {
  std::vector<std::string> sources;  // patterns, expanded
  std::vector<InlineFile> inline_files;
  std::string dest;                  // absolute, expanded; a trailing '/' means a directory
  std::string chown;                 // --chown as written, resolved against the target's files
  std::optional<mode_t> chmod;
  bool extract_archives = false;     // ADD: a local tar archive is unpacked into DEST
  std::filesystem::path scratch;     // ADD: an empty directory to unpack archives into
};

// Copies into the root `target_fd` from `source`. Throws Error(Document) for sources
// that do not exist or leave their root.
void copy_into_root(int target_fd, const SourceRoot& source, const CopyRequest& request);

// WORKDIR: creates `path` (absolute) and its parents in the root, when missing,
// owned by `chown` (a user spec, "" for root).
void make_dir_in_root(int target_fd, const std::string& path, const std::string& chown);

// "--chmod=755": octal only. nullopt for "", Error(Document) when malformed.
std::optional<mode_t> parse_chmod(const std::string& text);

}  // namespace waybill::build
