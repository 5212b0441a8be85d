// waybill image ...: the image store.
#include <cstdio>

#include "cli/verbs.hpp"
#include "oci/module_api.hpp"
#include "util/module.hpp"
#include "util/strings.hpp"

namespace waybill::cli {

namespace {

struct ImageVerb {
  CLI::App* app;
  ImageRequest::Verb verb;
};

}  // namespace

int run_image(const ImageRequest& request, const GlobalOptions& global) {
  ConsoleReporter console(global.quiet, !global.no_color && stderr_has_color());
  try {
    ImageResponse response = engine_module::image(request, console);
    std::fputs(response.out.c_str(), stdout);
    return response.exit_code;
  } catch (const Error& e) {
    return report_error(e, global);
  }
}

VerbRunner add_image(CLI::App& sub, GlobalOptions& global) {
  auto req = std::make_shared<ImageRequest>();
  auto verbs = std::make_shared<std::vector<ImageVerb>>();
  sub.description("Manage the image store ($WAYBILL_HOME, /var/lib/waybill for root): an OCI image layout "
                  "plus unpacked layers.");
  sub.require_subcommand(1, 1);
  auto add = [&](const char* name, const char* summary, ImageRequest::Verb verb) {
    CLI::App* c = sub.add_subcommand(name, summary);
    c->fallthrough();
    verbs->push_back(ImageVerb{c, verb});
    return c;
  };
  auto compression = [&](CLI::App* c) {
    c->add_option("--compression", req->compression, "Layer compression: gzip (default), zstd or none")
        ->check(CLI::IsMember({"gzip", "zstd", "none"}));
  };

  CLI::App* import = add("import", "Make a one-layer image from a root filesystem (a tarball or a directory)",
                         ImageRequest::Verb::Import);
  import->add_option("rootfs", req->source, "A tar file (plain, gzip or zstd) or a directory")
      ->required()->check(CLI::ExistingPath);
  import->add_option("name", req->name, "The image's name, e.g. mybase:1.0")->required();
  compression(import);

  CLI::App* pack = add("pack-data",
                       "Publish a dataset as an image: DIR's files as one layer on scratch, the same digest "
                       "whoever packs them (owners 0:0, modes 0644/0755, times SOURCE_DATE_EPOCH or 0). A "
                       "manifest mounts it read-only: mounts: [{image: NAME, target: /data}]",
                       ImageRequest::Verb::PackData);
  pack->add_option("dir", req->source, "The folder that holds the dataset")->required();
  pack->add_option("name", req->name, "The image's name, e.g. survey-data:2024")->required();
  compression(pack);

  CLI::App* load = add("load", "Load images from a docker-archive or oci-archive file", ImageRequest::Verb::Load);
  load->add_option("-i,--input,files", req->args, "Archive files written by docker save, podman save or waybill image save")
      ->required()->check(CLI::ExistingFile);

  CLI::App* save = add("save", "Save images to an archive that podman load and docker load read", ImageRequest::Verb::Save);
  save->add_option("-o,--output", req->output, "The archive file to write")->required();
  save->add_option("names", req->args, "Images to save")->required();

  CLI::App* pull = add("pull", "Fetch an image from a registry (its mirrors first); every blob is verified",
                       ImageRequest::Verb::Pull);
  pull->add_option("reference", req->args, "[REGISTRY/]REPOSITORY[:TAG][@DIGEST]; no registry means docker.io")
      ->required()->expected(1);
  pull->add_option("--platform", req->platform, "OS/ARCH[/VARIANT] to choose from a multi-platform index")
      ->capture_default_str();
  pull->add_option("--authfile", req->authfile, "Credentials file (default: the usual auth.json and Docker files)");

  CLI::App* push = add("push", "Send an image to a registry: missing blobs, then the manifest", ImageRequest::Verb::Push);
  push->add_option("image", req->args, "IMAGE [DESTINATION]: the image, and where to push it "
                                       "(REGISTRY/REPOSITORY:TAG; default: the image's own name)")
      ->required()->expected(1, 2)->type_name("IMAGE [DESTINATION]");
  push->add_option("--authfile", req->authfile, "Credentials file (default: the usual auth.json and Docker files)");

  CLI::App* ls = add("ls", "List the images in the store", ImageRequest::Verb::List);
  ls->alias("list");
  ls->add_flag("--json", req->json, "Print a JSON list");
  ls->add_flag("-q,--quiet", req->quiet, "Print image IDs only");

  CLI::App* inspect = add("inspect", "Print an image's manifest, config and layers as JSON", ImageRequest::Verb::Inspect);
  inspect->add_option("names", req->args, "Images: names, IDs or digests")->required();

  CLI::App* tag = add("tag", "Give an image another name", ImageRequest::Verb::Tag);
  tag->add_option("source", req->source, "The image")->required();
  tag->add_option("target", req->name, "The new name")->required();

  CLI::App* rm = add("rm", "Remove image names, and whatever no image needs any more", ImageRequest::Verb::Remove);
  rm->alias("rmi");
  rm->add_option("names", req->args, "Images: names, IDs or digests")->required();

  CLI::App* bootstrap =
      add("bootstrap", "Build a Debian base image with mmdebstrap (no registry needed)", ImageRequest::Verb::Bootstrap);
  bootstrap->add_option("name", req->name, "The image's name, e.g. debian:bookworm")->required();
  bootstrap->add_option("--suite", req->bootstrap.suite, "Debian suite")->capture_default_str();
  bootstrap->add_option("--include", req->bootstrap.include, "Extra packages, comma-separated or repeated")->delimiter(',');
  bootstrap->add_option("--mirror", req->bootstrap.mirror, "Archive URL (default: this machine's apt sources)");
  bootstrap->add_option("--variant", req->bootstrap.variant, "mmdebstrap variant")->capture_default_str();
  compression(bootstrap);

  CLI::App* unpack = add("unpack", "Unpack an image's layers into the store (as running it would) and print their "
                                   "directories", ImageRequest::Verb::Unpack);
  unpack->add_option("names", req->args, "Images")->required();

  CLI::App* df = add("df", "Show where the store's space goes (images, unpacked layers, build cache, cell results) "
                           "and what prune gives back", ImageRequest::Verb::DiskUsage);
  df->add_flag("--json", req->json, "Print JSON");
  add("fsck", "Re-hash every blob and check every reference; exit 1 on problems", ImageRequest::Verb::Fsck);
  CLI::App* prune =
      add("prune", "Remove blobs and unpacked layers no image uses, and interrupted work", ImageRequest::Verb::Prune);
  prune->add_flag("--build-cache", req->build_cache,
                  "Also empty the build cache and RUN --mount=type=cache directories (the next build runs every step)");

  return [req, verbs, &global]() -> int {
    for (const auto& v : *verbs)
      if (v.app->parsed()) {
        req->verb = v.verb;
        return run_image(*req, global);
      }
    return 2;
  };
}

}  // namespace waybill::cli
