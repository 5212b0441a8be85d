#pragma once
// The images a document's sessions run in (the pipeline's Plan ──build──▶ Images):
// every Dockerfile block built by the engine module, with the manifest's `bases` for
// FROM images the store lacks, and tagged DOCSTEM/NAME; images named by reference
// looked up in the store. The result says, per image, what its digest is and how it
// was obtained, for cache keys now and the provenance record later.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "oci/module_api.hpp"
#include "plan/plan.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::exec {

struct BaseOrigin {
  std::string reference, digest;
  std::string origin;  // store, registry, bootstrap or archive
  // The image's org.waybill.* labels: for a bootstrapped base, its suite, mirror, tool
  // and every package's version.
  std::map<std::string, std::string> labels;
  // A base loaded from the manifest's archive in this render: the file and its digest.
  std::string archive, archive_digest;
};

struct DocumentImage {
  std::string name;      // the block's name, or the reference a cell gave
  std::string digest;    // manifest digest: what sessions run and keys cover
  std::string tag;       // the store name a built block got
  bool from_block = false;
  bool prebuilt = false;  // a site's image, built (and counted) once by the site
  size_t steps = 0, cached_steps = 0;
  std::vector<BaseOrigin> bases;
};

// A data image a manifest mount names ({image: NAME, target: /data}), as found in the
// store (or pulled): mounted read-only, its digest in the cells' keys and the record.
struct DataImage {
  std::string name, digest, target;
  std::string origin;  // store or registry
  std::map<std::string, std::string> labels;  // the pull's org.waybill.source annotations
};

struct ImageSettings {
  std::filesystem::path doc_dir;   // the build context
  std::string doc_path;            // for messages
  BuildPolicy build;               // check's --no-cache and --rebuild reach the builds
  // A site's images, built once before its pages run (ImagePlan::prebuilt_tag), by name.
  const std::map<std::string, DocumentImage>* prepared = nullptr;
};

// Builds one Dockerfile (a document's block or a site's image) with the engine module,
// tagged `tag`, from `settings.doc_dir` as the context.
DocumentImage build_image(const plan::ImagePlan& block, const std::vector<BaseRecipe>& bases, const std::string& tag,
                          const ImageSettings& settings, Reporter& reporter);

// Throws Error: Document (located) for a broken Dockerfile or an unknown image, Cell for
// a failing RUN, Environment when the engine cannot run.
std::map<std::string, DocumentImage> prepare_images(const plan::Plan& plan, const ImageSettings& settings,
                                                    Reporter& reporter);

// The manifest's image mounts, looked up in the store and pulled when it lacks them.
// Throws Error(Document) at the mount for an image that is nowhere to be found.
std::vector<DataImage> prepare_data_images(const plan::Manifest& manifest, Reporter& reporter);

// The manifest's `bases` as the engine module takes them: archive paths joined to the
// document's directory.
std::vector<BaseRecipe> base_recipes(const plan::Manifest& manifest, const std::filesystem::path& doc_dir);

// The store name a document's image block is tagged with: "paper-1a2b3c4d/analysis",
// the hash from the document's folder.
std::string image_tag(const std::string& doc_path, const std::string& block_name);

}  // namespace waybill::exec
