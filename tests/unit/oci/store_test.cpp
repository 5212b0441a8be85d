// The store: verified blobs, the index, concurrent writers, fsck and prune.
#include <sys/wait.h>
#include <unistd.h>

#include "oci/image_ops.hpp"
#include "oci/layer_pack.hpp"
#include "oci/layer_unpack.hpp"
#include "oci_test_util.hpp"
#include "util/error.hpp"
#include "util/report.hpp"

using namespace waybill;
using namespace waybill::oci;
using namespace waybill::oci::test;

namespace {

// A one-layer image named `name`, built from a tiny tree.
Descriptor make_image(const Store& store, const std::string& name, const std::string& content) {
  TempDir tree;
  write_file_atomic(tree.path() / "file", content);
  PackedLayer layer = pack_layer(store, tree.path(), PackOptions{});
  ImageConfig config = new_image_config("2024-01-01T00:00:00Z");
  config.set_diff_ids({layer.diff_id});
  Descriptor m = store_image(store, config, {layer.descriptor});
  store.set_name(ImageRef::parse(name), m);
  return m;
}

size_t files_in(const fs::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST_CASE("the store is an OCI image layout") {
  TempStore ts;
  CHECK(read_file(ts.store.oci_dir() / "oci-layout") == "{\"imageLayoutVersion\":\"1.0.0\"}");
  CHECK(parse_index(read_file(ts.store.oci_dir() / "index.json"), "index").manifests.empty());
  CHECK(fs::is_directory(ts.store.blob_dir()));
}

TEST_CASE("a blob whose digest does not match is not stored") {
  TempStore ts;
  BlobWriter w(ts.store);
  w.write("some content");
  Digest wrong = Digest::sha256_of("other content");
  CHECK_THROWS_WITH(w.commit(wrong), Catch::Contains("does not match its digest"));
  CHECK(files_in(ts.store.blob_dir()) == 0);
  CHECK(files_in(ts.store.tmp_dir()) == 0);
  Digest d = ts.store.put_blob("some content");
  CHECK(d == Digest::sha256_of("some content"));
  CHECK(ts.store.put_blob("some content") == d);  // idempotent
  CHECK(ts.store.read_blob(d) == "some content");
}

TEST_CASE("reading a corrupt blob is an error") {
  TempStore ts;
  Digest d = ts.store.put_blob("{\"a\":1}");
  write_file_atomic(ts.store.blob_path(d), "{\"a\":2}");
  CHECK_THROWS_WITH(ts.store.read_blob(d), Catch::Contains("corrupt"));
}

TEST_CASE("names: set, find by name, ID prefix or digest, move, remove") {
  TempStore ts;
  Descriptor a = make_image(ts.store, "alpha:1", "a");
  Descriptor b = make_image(ts.store, "beta", "b");
  REQUIRE(ts.store.find("alpha:1"));
  CHECK(ts.store.find("alpha:1")->manifest.digest == a.digest);
  CHECK(ts.store.find("docker.io/library/beta:latest")->manifest.digest == b.digest);
  CHECK(ts.store.find(a.digest.str())->manifest.digest == a.digest);
  CHECK(ts.store.find(a.digest.short_id())->manifest.digest == a.digest);
  CHECK_FALSE(ts.store.find("gamma"));
  CHECK_THROWS_WITH(ts.store.require("gamma"), Catch::Contains("no image `gamma`"));
  // Moving a name leaves the old image without it.
  ts.store.set_name(ImageRef::parse("alpha:1"), b);
  CHECK(ts.store.find("alpha:1")->manifest.digest == b.digest);
  CHECK(ts.store.remove_name(ImageRef::parse("beta")));
  CHECK_FALSE(ts.store.find("beta"));
  CHECK_FALSE(ts.store.remove_name(ImageRef::parse("beta")));
}

TEST_CASE("concurrent writers never corrupt index.json") {
  TempStore ts;
  Descriptor img = make_image(ts.store, "base", "x");
  std::vector<pid_t> children;
  for (int p = 0; p < 6; ++p) {
    pid_t pid = ::fork();
    if (pid == 0) {
      int code = 0;
      try {
        Store s = Store::open(ts.store.home());
        for (int i = 0; i < 15; ++i) {
          s.put_blob("blob " + std::to_string(p) + "/" + std::to_string(i));
          s.set_name(ImageRef::parse("proc" + std::to_string(p) + ":t" + std::to_string(i)), img);
        }
      } catch (...) {
        code = 1;
      }
      ::_exit(code);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WEXITSTATUS(status) == 0);
  }
  CHECK(ts.store.entries().size() == 1 + 6 * 15);
  CHECK(files_in(ts.store.tmp_dir()) == 0);
}

TEST_CASE("fsck finds corrupt and missing blobs; prune removes what nothing uses") {
  TempStore ts;
  class Quiet : public Reporter {
    void diagnostic(const Diagnostic&) override {}
    void status(std::string_view) override {}
  } quiet;
  Descriptor a = make_image(ts.store, "a", "a");
  Descriptor b = make_image(ts.store, "b", "b");
  StoredImage img_a = ts.store.image(*ts.store.find("a"));
  unpack_layer(ts.store, img_a.manifest.layers[0], img_a.config.diff_ids()[0]);
  CHECK(fsck_store(ts.store, quiet).ok());

  // Interrupted work leaves temporaries: a note, not a problem.
  write_file_atomic(ts.store.tmp_dir() / "blob-leftover", "partial");
  FsckReport f = fsck_store(ts.store, quiet);
  CHECK(f.ok());
  REQUIRE(f.notes.size() == 1);

  // One flipped byte in a layer.
  Digest layer_b = ts.store.image(*ts.store.find("b")).manifest.layers[0].digest;
  std::string data = read_file(ts.store.blob_path(layer_b));
  data[10] ^= 1;
  write_file_atomic(ts.store.blob_path(layer_b), data);
  f = fsck_store(ts.store, quiet);
  REQUIRE(f.problems.size() == 1);
  CHECK(f.problems[0].find("corrupt") != std::string::npos);

  // Remove b's name: prune takes its blobs; a's stay, with its unpacked layer.
  ts.store.remove_name(ImageRef::parse("b"));
  PruneReport p = prune_store(ts.store, quiet);
  CHECK(p.blobs == 3);  // b's manifest, config and layer
  CHECK(p.temporaries == 1);
  CHECK(ts.store.has_blob(a.digest));
  CHECK_FALSE(ts.store.has_blob(b.digest));
  CHECK(ts.store.has_layer(img_a.config.diff_ids()[0]));
  CHECK(fsck_store(ts.store, quiet).ok());
  ts.store.remove_name(ImageRef::parse("a"));
  p = prune_store(ts.store, quiet);
  CHECK(p.layers == 1);
  CHECK(files_in(ts.store.blob_dir()) == 0);
}
