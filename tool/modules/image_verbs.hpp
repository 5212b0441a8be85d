#pragma once
// `waybill image VERB`: the store's operations (import, load, save, ls, inspect, tag, rm,
// bootstrap, fsck, prune, pull, push, login, logout, pack-data, df) run from the CLI's
// request, with their results as the verb prints them (tables, JSON).
#include <string>

#include "oci/module_api.hpp"

namespace waybill {

class Reporter;

// Runs one verb; what it prints on stdout is in the response.
ImageResponse run_image_verb(const ImageRequest& request, Reporter& reporter);

// Makes an image ready to run: every layer unpacked and its run configuration cached.
void prepare_image_run(const std::string& home, const std::string& image, Reporter& reporter);

}  // namespace waybill
