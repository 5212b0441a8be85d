#include "oci/layer_unpack.hpp"

#include <archive.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "oci/archive_message.hpp"
#include "oci/compression.hpp"
#include "util/error.hpp"
#include "util/report.hpp"

namespace waybill::oci {

namespace fs = std::filesystem;

namespace {

// Blocks of decompressed tar, from the reading thread to the extracting one.
class BlockQueue : public ByteSink {
 public:
  void write(const void* data, size_t size) override {
    const char* p = static_cast<const char*>(data);
    std::unique_lock lock(mu_);
    space_.wait(lock, [&] { return blocks_.size() < kDepth || cancelled_; });
    if (cancelled_) throw Cancelled{};
    blocks_.emplace_back(p, p + size);
    ready_.notify_one();
  }
  // Consumer side: the next block, or false at the end.
  bool pop(std::vector<char>& out) {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return !blocks_.empty() || closed_; });
    if (blocks_.empty()) {
      if (error_) std::rethrow_exception(error_);
      return false;
    }
    out = std::move(blocks_.front());
    blocks_.pop_front();
    space_.notify_one();
    return true;
  }
  void close(std::exception_ptr error = nullptr) {
    std::lock_guard lock(mu_);
    closed_ = true;
    error_ = error;
    ready_.notify_all();
  }
  void cancel() {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    space_.notify_all();
  }
  struct Cancelled {};

 private:
  static constexpr size_t kDepth = 16;
  std::mutex mu_;
  std::condition_variable ready_, space_;
  std::deque<std::vector<char>> blocks_;
  bool closed_ = false, cancelled_ = false;
  std::exception_ptr error_;
};

// Reads a file on its own thread: hash of the file, decompression, hash of the result.
class Reader {
 public:
  Reader(const fs::path& file, std::optional<Compression> compression, Reporter* reporter)
      : file_(file), compression_(compression), reporter_(reporter) {}

  void start() { thread_ = std::thread([this] { run(); }); }
  ~Reader() { stop(); }
  void stop() {
    queue_.cancel();
    if (thread_.joinable()) thread_.join();
  }

  BlockQueue& queue() { return queue_; }
  Digest digest() const { return digest_; }
  Digest diff_id() const { return diff_id_; }

 private:
  struct Tee : ByteSink {
    Tee(Sha256& h, ByteSink& next) : h(h), next(next) {}
    void write(const void* d, size_t n) override {
      h.update(d, n);
      next.write(d, n);
    }
    Sha256& h;
    ByteSink& next;
  };

  void run() {
    try {
      UniqueFd fd(::open(file_.c_str(), O_RDONLY | O_CLOEXEC));
      if (!fd) throw Error::from_errno("open", file_.string(), errno);
      struct stat st {};
      ::fstat(fd.get(), &st);
      Sha256 file_hash, tar_hash;
      Tee tar(tar_hash, queue_);
      std::vector<char> buf(1 << 20);
      std::unique_ptr<Decompressor> dec;
      uint64_t done = 0, shown = 0;
      for (;;) {
        ssize_t n = ::read(fd.get(), buf.data(), buf.size());
        if (n < 0) {
          if (errno == EINTR) continue;
          throw Error::from_errno("read", file_.string(), errno);
        }
        if (n == 0) break;
        if (!dec) dec = Decompressor::make(compression_.value_or(sniff_compression(buf.data(), static_cast<size_t>(n))), tar);
        file_hash.update(buf.data(), static_cast<size_t>(n));
        dec->write(buf.data(), static_cast<size_t>(n));
        done += static_cast<uint64_t>(n);
        if (reporter_ && done - shown >= (uint64_t(16) << 20)) {
          reporter_->progress("unpacking", done, static_cast<uint64_t>(st.st_size));
          shown = done;
        }
      }
      if (!dec) dec = Decompressor::make(Compression::None, tar);
      dec->finish();
      digest_ = file_hash.finish();
      diff_id_ = tar_hash.finish();
      if (reporter_) reporter_->progress("unpacking", done, done);
      queue_.close();
    } catch (const BlockQueue::Cancelled&) {
      queue_.close();
    } catch (...) {
      queue_.close(std::current_exception());
    }
  }

  fs::path file_;
  std::optional<Compression> compression_;
  Reporter* reporter_;
  BlockQueue queue_;
  std::thread thread_;
  Digest digest_, diff_id_;
};

struct ReadContext {
  BlockQueue* queue;
  std::vector<char> block;
  std::exception_ptr error;
};

la_ssize_t read_callback(struct archive*, void* ctx, const void** buffer) {
  auto* c = static_cast<ReadContext*>(ctx);
  try {
    if (!c->queue->pop(c->block)) return 0;
    *buffer = c->block.data();
    return static_cast<la_ssize_t>(c->block.size());
  } catch (...) {
    c->error = std::current_exception();
    return -1;
  }
}

struct Extracted {
  ExtractStats stats;
  Digest digest, diff_id;
};

Extracted extract(const fs::path& file, std::optional<Compression> compression, const fs::path& dest,
                  const std::string& what, Reporter* reporter) {
  Reader reader(file, compression, reporter);
  reader.start();
  ReadContext ctx{&reader.queue(), {}, nullptr};
  std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  archive_read_support_filter_none(a.get());
  Extracted out;
  try {
    if (archive_read_open(a.get(), &ctx, nullptr, read_callback, nullptr) != ARCHIVE_OK) {
      if (ctx.error) std::rethrow_exception(ctx.error);
      throw Error(ErrorKind::Document, what + ": not a tar archive: " + archive_message(a.get()));
    }
    TarExtractor extractor(dest, what, ExtractLimits::from_environment());
    try {
      out.stats = extractor.extract(a.get());
    } catch (...) {
      if (ctx.error) std::rethrow_exception(ctx.error);  // the reader's error explains the tar error
      throw;
    }
    // Read to the end, so that both hashes cover the whole stream (padding included).
    std::vector<char> rest;
    while (reader.queue().pop(rest)) {
    }
  } catch (const Error& e) {
    reader.stop();
    Error copy = e;
    if (copy.message().rfind(what, 0) != 0) copy.add_context(what);
    throw copy;
  }
  reader.stop();
  out.digest = reader.digest();
  out.diff_id = reader.diff_id();
  return out;
}

}  // namespace

void remove_tree(const fs::path& dir) {
  std::error_code ec;
  // Read-only directories (a layer may have them) must be writable to empty.
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) ::chmod(it->path().c_str(), 0700);
  }
  ::chmod(dir.c_str(), 0700);
  fs::remove_all(dir, ec);
}

ExtractStats extract_tar_file(const fs::path& tar, const fs::path& dest, const std::string& what, Digest* diff_id,
                              Reporter* reporter) {
  Extracted x = extract(tar, std::nullopt, dest, what, reporter);
  if (diff_id) *diff_id = x.diff_id;
  return x.stats;
}

UnpackedLayer unpack_layer(const Store& store, const Descriptor& layer, const Digest& diff_id, Reporter* reporter) {
  UnpackedLayer out;
  out.dir = store.layer_dir(diff_id);
  if (store.has_layer(diff_id)) {
    out.reused = true;
    return out;
  }
  auto compression = layer_compression(layer.media_type);
  if (!compression) {
    throw Error(ErrorKind::Document, "layer " + layer.digest.str() + " has the unsupported media type `" +
                                         layer.media_type + "`");
  }
  std::string tmpl = (store.tmp_dir() / "layer-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw Error::from_errno("create a directory in", store.tmp_dir().string(), errno);
  fs::path tmp = tmpl;
  ::chmod(tmp.c_str(), 0755);
  std::string what = "layer " + layer.digest.str();
  try {
    Extracted x = extract(store.blob_path(layer.digest), compression, tmp, what, reporter);
    if (!(x.digest == layer.digest))
      throw Error(ErrorKind::Document, what + ": the blob's content has the digest " + x.digest.str(), {},
                  "the store is corrupt; run `waybill image fsck`");
    if (!(x.diff_id == diff_id))
      throw Error(ErrorKind::Document, what + ": its uncompressed content is " + x.diff_id.str() + ", but the image says " +
                                           diff_id.str(), {}, "the image is inconsistent; rebuild or reload it");
    out.stats = x.stats;
    if (::rename(tmp.c_str(), out.dir.c_str()) != 0) {
      if (errno != EEXIST && errno != ENOTEMPTY) throw Error::from_errno("move layer into", out.dir.string(), errno);
      remove_tree(tmp);  // another process unpacked it meanwhile
      out.reused = true;
    }
  } catch (...) {
    remove_tree(tmp);
    throw;
  }
  return out;
}

}  // namespace waybill::oci
