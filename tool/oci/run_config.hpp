#pragma once
// What starting an image needs, cached per image in cache/run/<hex>.json (keyed by the
// digest that index.json names), so that `waybill run` starts without reading or
// hashing any blob. The engine module writes the entry when it unpacks the image; the
// entry is only trusted while every layer directory it names is still present.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "oci/digest.hpp"

namespace waybill::oci {

class Store;
struct StoredImage;

struct RunConfig {
  Digest manifest;                  // the platform manifest actually run
  std::vector<std::string> layers;  // diff_id hex digits, lowest layer first
  // From the image config's `config` object.
  std::vector<std::string> env, entrypoint, cmd;
  std::string working_dir, user;
};

std::filesystem::path run_config_path(const Store& store, const Digest& entry);

// nullopt when there is no usable entry: absent, unreadable, from another format
// version, or naming a layer directory that prune has since removed.
std::optional<RunConfig> read_run_config(const Store& store, const Digest& entry);

void write_run_config(const Store& store, const Digest& entry, const RunConfig& config);

// The RunConfig of a resolved image (its layers need not be unpacked yet).
RunConfig run_config_of(const StoredImage& image);

}  // namespace waybill::oci
