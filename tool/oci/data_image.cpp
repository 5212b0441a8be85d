// `waybill image pack-data DIR NAME`: a dataset published like an environment, as a
// one-layer image on scratch. The same files give the same digest whoever packs them,
// wherever and whenever: owners and modes are normalised (layer_pack's `portable`), and
// every time (mtimes and `created`) is SOURCE_DATE_EPOCH, or 0 when it is unset.
#include <sys/stat.h>

#include "oci/image_ops.hpp"
#include "oci/layer_pack.hpp"
#include "util/error.hpp"
#include "util/report.hpp"
#include "util/units.hpp"

namespace waybill::oci {

namespace fs = std::filesystem;

CreatedImage pack_data_image(const Store& store, const fs::path& dir, const ImageRef& name, Compression compression,
                             Reporter& reporter) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw Error(ErrorKind::Usage, "`" + dir.string() + "` is not a directory", {},
                "give the folder that holds the dataset: waybill image pack-data DIR NAME");
  FileLock gc = store.gc_lock(FileLock::Mode::Shared);
  int64_t epoch = source_date_epoch_from_env().value_or(0);
  PackOptions pack;
  pack.compression = compression;
  pack.source_date_epoch = epoch;
  pack.portable = true;
  reporter.status("packing " + dir.string());
  PackedLayer layer = pack_layer(store, dir, pack, &reporter);

  // No Env, Cmd or WorkingDir: nothing runs in a data image; it is only mounted.
  ImageConfig config;
  config.json["architecture"] = host_architecture();
  config.json["os"] = "linux";
  config.json["created"] = rfc3339(epoch);
  config.set_diff_ids({layer.diff_id});
  config.set_label("org.waybill.data", "true");
  config.set_label("org.waybill.data.entries", std::to_string(layer.entries));
  config.set_label("org.waybill.data.bytes", std::to_string(layer.tar_bytes));
  config.json["history"] = nlohmann::json::array(
      {{{"created", rfc3339(epoch)}, {"created_by", "waybill image pack-data " + dir.filename().string()}}});
  Descriptor manifest = store_image(store, config, {layer.descriptor});
  store.set_name(name, manifest);
  reporter.status("packed " + std::to_string(layer.entries) + " entries (" +
                  format_bytes(static_cast<int64_t>(layer.tar_bytes)) + ") into " + name.familiar());
  return CreatedImage{manifest, {name}, layer.diff_id};
}

}  // namespace waybill::oci
