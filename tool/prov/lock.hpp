#pragma once
// The lock file (`paper.waybill.lock`), committed beside a document: what its cells
// printed, normalised so that only meaningful differences remain, with hashes of every
// cell's results, of every image and base, and of the declared inputs. `waybill check`
// re-runs the document and compares what it gets with this (prov/drift.hpp).
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "doc/model.hpp"
#include "exec/executor.hpp"

namespace waybill::prov {

// 2: memory addresses in reprs are masked (normalise_text). A lock of version 1 is
// compared as version 1 normalised, so that it still passes where it passed.
inline constexpr int kLockVersion = 2;

struct LockedOutput {
  std::string kind;     // stdout, stderr, text/plain, text/html, text/markdown, figure, file, error
  std::string name;     // a file's name, a figure's format
  std::string text;     // normalised text, for text kinds
  std::string digest;   // sha256:… of the normalised text, or of the bytes
  std::string pixels;   // base64 PNG, kept only for cells compared by pixels

  // Compared as text (streams, errors, text values), else by digest (figures, files,
  // binary values).
  bool is_text() const;
};

struct LockedStep {
  std::string name;     // cell/LABEL, cell/cell-N, inline/LINE:COL
  std::string language, image;
  int line = 0;
  std::string status;   // ok, error, timed out
  std::vector<LockedOutput> outputs;
  std::string digest;   // of the outputs above
  double seconds = 0;   // how long it took; reported, never locked
};

struct LockedImage {
  std::string digest;
  std::map<std::string, std::string> bases;  // FROM reference -> digest
};

struct Lock {
  int version = kLockVersion;                  // how its text was normalised
  std::string document;                        // its file name (the lock sits beside it)
  std::map<std::string, LockedImage> images;   // by block name ("" for an unnamed one)
  std::map<std::string, std::string> inputs;   // declared input path -> digest
  std::vector<LockedStep> steps;               // in document order: cells, then inline values
};

// Text as check compares it: CRLF to LF, terminal colour codes removed, trailing spaces
// dropped from every line, trailing blank lines dropped; with `mask_addresses`, the
// memory address in a repr (`<Legend object at 0x7fbc…>`, R's `<environment: 0x55d…>`)
// reads 0x..., since it changes from run to run.
std::string normalise_text(std::string_view text, bool mask_addresses = true);

// The lock of a render, its text normalised as lock `version` was (check passes the
// version of the lock it compares with). A cell with `check: {addresses: true}` keeps
// its addresses.
Lock make_lock(const doc::Document& document, const exec::Results& results, int version = kLockVersion);

// In a fixed key order, so that a committed lock diffs well.
nlohmann::ordered_json lock_to_json(const Lock& lock);
// Throws Error(Document) at the lock file for a malformed or newer lock.
Lock lock_from_json(const nlohmann::json& j, const std::string& file);

// `paper.md` -> `paper.waybill.lock`, beside the document.
std::filesystem::path lock_path(const std::filesystem::path& document);

// Whether the front matter asks for a lock (`waybill: {lock: true}`).
bool lock_requested(const doc::Document& document);

void write_lock(const doc::Document& document, const exec::Results& results);
Lock read_lock(const std::filesystem::path& file);

// The name a step has in locks, records and reports.
std::string step_name(const doc::Cell& cell);
std::string step_name(const plan::InlinePlan& expression);

}  // namespace waybill::prov
