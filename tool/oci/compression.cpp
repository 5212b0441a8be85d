#include "oci/compression.hpp"

#include <libdeflate.h>
#include <zlib.h>
#include <zstd.h>

#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "util/error.hpp"

namespace waybill::oci {

Compression compression_named(const std::string& name) {
  if (name == "gzip") return Compression::Gzip;
  if (name == "zstd") return Compression::Zstd;
  if (name == "none") return Compression::None;
  throw Error(ErrorKind::Usage, "unknown compression `" + name + "`", {}, "use gzip, zstd or none");
}

namespace {

unsigned core_count(unsigned requested) {
  if (requested) return requested;
  unsigned n = std::thread::hardware_concurrency();
  return n ? n : 1;
}

class PlainCompressor : public Compressor {
 public:
  explicit PlainCompressor(ByteSink& out) : out_(out) {}
  void write(const void* data, size_t size) override { out_.write(data, size); }
  void finish() override {}

 private:
  ByteSink& out_;
};

// Members of exactly this much input (the last excepted) keep the output independent
// of scheduling.
constexpr size_t kGzipMember = size_t(1) << 20;
constexpr int kGzipLevel = 6;

class ParallelGzipCompressor : public Compressor {
 public:
  ParallelGzipCompressor(ByteSink& out, unsigned threads) : out_(out) {
    for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
    buffer_.reserve(kGzipMember);
  }

  ~ParallelGzipCompressor() override { stop(); }

  void write(const void* data, size_t size) override {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
      size_t take = std::min(size, kGzipMember - buffer_.size());
      buffer_.insert(buffer_.end(), p, p + take);
      p += take;
      size -= take;
      if (buffer_.size() == kGzipMember) submit();
    }
  }

  void finish() override {
    if (!buffer_.empty() || next_seq_ == 0) submit();  // an empty stream is one empty member
    drain(0);
    stop();
  }

 private:
  struct Job {
    uint64_t seq;
    std::vector<char> input;
  };

  void submit() {
    {
      std::unique_lock lock(mu_);
      jobs_.push_back(Job{next_seq_++, std::move(buffer_)});
      work_ready_.notify_one();
    }
    buffer_ = {};
    buffer_.reserve(kGzipMember);
    drain(2 * workers_.size());
  }

  // Writes finished members in order, waiting while more than `in_flight` are pending.
  void drain(size_t in_flight) {
    std::unique_lock lock(mu_);
    for (;;) {
      if (failed_) throw Error(ErrorKind::Internal, "gzip compression failed");
      auto it = done_.find(next_out_);
      if (it != done_.end()) {
        std::vector<char> member = std::move(it->second);
        done_.erase(it);
        ++next_out_;
        lock.unlock();
        out_.write(member.data(), member.size());
        lock.lock();
        continue;
      }
      if (next_seq_ - next_out_ <= in_flight) return;
      result_ready_.wait(lock);
    }
  }

  void work() {
    libdeflate_compressor* c = libdeflate_alloc_compressor(kGzipLevel);
    std::vector<char> out;
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mu_);
        work_ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) break;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      out.resize(libdeflate_gzip_compress_bound(c, job.input.size()));
      size_t n = c ? libdeflate_gzip_compress(c, job.input.data(), job.input.size(), out.data(), out.size()) : 0;
      std::lock_guard lock(mu_);
      if (n == 0) failed_ = true;
      done_.emplace(job.seq, std::vector<char>(out.begin(), out.begin() + static_cast<long>(n)));
      result_ready_.notify_all();
    }
    libdeflate_free_compressor(c);
  }

  void stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
      work_ready_.notify_all();
    }
    for (auto& t : workers_)
      if (t.joinable()) t.join();
  }

  ByteSink& out_;
  std::vector<char> buffer_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable work_ready_, result_ready_;
  std::deque<Job> jobs_;
  std::map<uint64_t, std::vector<char>> done_;
  uint64_t next_seq_ = 0, next_out_ = 0;
  bool stopping_ = false, failed_ = false;
};

class ZstdCompressor : public Compressor {
 public:
  ZstdCompressor(ByteSink& out, unsigned threads) : out_(out), ctx_(ZSTD_createCCtx()), buf_(ZSTD_CStreamOutSize()) {
    ZSTD_CCtx_setParameter(ctx_, ZSTD_c_compressionLevel, 3);
    ZSTD_CCtx_setParameter(ctx_, ZSTD_c_checksumFlag, 1);
    // At least one worker always: the output then does not depend on their number.
    ZSTD_CCtx_setParameter(ctx_, ZSTD_c_nbWorkers, static_cast<int>(threads));
  }
  ~ZstdCompressor() override { ZSTD_freeCCtx(ctx_); }

  void write(const void* data, size_t size) override { run(data, size, ZSTD_e_continue); }
  void finish() override { run(nullptr, 0, ZSTD_e_end); }

 private:
  void run(const void* data, size_t size, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in{data, size, 0};
    for (;;) {
      ZSTD_outBuffer out{buf_.data(), buf_.size(), 0};
      size_t left = ZSTD_compressStream2(ctx_, &out, &in, mode);
      if (ZSTD_isError(left)) throw Error(ErrorKind::Internal, std::string("zstd: ") + ZSTD_getErrorName(left));
      if (out.pos) out_.write(buf_.data(), out.pos);
      bool done = mode == ZSTD_e_end ? left == 0 : in.pos == in.size;
      if (done) return;
    }
  }

  ByteSink& out_;
  ZSTD_CCtx* ctx_;
  std::vector<char> buf_;
};

class PlainDecompressor : public Decompressor {
 public:
  explicit PlainDecompressor(ByteSink& out) : out_(out) {}
  void write(const void* data, size_t size) override { out_.write(data, size); }
  void finish() override {}

 private:
  ByteSink& out_;
};

// zlib, which reads a stream of several gzip members as one.
class GzipDecompressor : public Decompressor {
 public:
  explicit GzipDecompressor(ByteSink& out) : out_(out), buf_(1 << 18) {
    std::memset(&z_, 0, sizeof z_);
    if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK) throw std::bad_alloc();
  }
  ~GzipDecompressor() override { inflateEnd(&z_); }

  void write(const void* data, size_t size) override {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<void*>(data));
    z_.avail_in = static_cast<uInt>(size);
    while (z_.avail_in > 0) {
      if (ended_) {  // another member follows
        inflateReset(&z_);
        ended_ = false;
      }
      z_.next_out = reinterpret_cast<Bytef*>(buf_.data());
      z_.avail_out = static_cast<uInt>(buf_.size());
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
        throw Error(ErrorKind::Document, std::string("invalid gzip data: ") + (z_.msg ? z_.msg : "corrupt stream"));
      size_t produced = buf_.size() - z_.avail_out;
      if (produced) out_.write(buf_.data(), produced);
      if (rc == Z_STREAM_END) ended_ = true;
      if (rc == Z_BUF_ERROR && produced == 0) break;
    }
  }

  void finish() override {
    if (!ended_) throw Error(ErrorKind::Document, "gzip data ends before its end marker (truncated)");
  }

 private:
  ByteSink& out_;
  z_stream z_;
  std::vector<char> buf_;
  bool ended_ = false;
};

class ZstdDecompressor : public Decompressor {
 public:
  explicit ZstdDecompressor(ByteSink& out) : out_(out), ctx_(ZSTD_createDCtx()), buf_(ZSTD_DStreamOutSize()) {}
  ~ZstdDecompressor() override { ZSTD_freeDCtx(ctx_); }

  void write(const void* data, size_t size) override {
    ZSTD_inBuffer in{data, size, 0};
    while (in.pos < in.size) {
      ZSTD_outBuffer out{buf_.data(), buf_.size(), 0};
      last_ = ZSTD_decompressStream(ctx_, &out, &in);
      if (ZSTD_isError(last_)) throw Error(ErrorKind::Document, std::string("invalid zstd data: ") + ZSTD_getErrorName(last_));
      if (out.pos) out_.write(buf_.data(), out.pos);
    }
  }

  void finish() override {
    if (last_ != 0) throw Error(ErrorKind::Document, "zstd data ends before its end marker (truncated)");
  }

 private:
  ByteSink& out_;
  ZSTD_DCtx* ctx_;
  std::vector<char> buf_;
  size_t last_ = 1;
};

}  // namespace

std::unique_ptr<Compressor> Compressor::make(Compression kind, ByteSink& out, unsigned threads) {
  switch (kind) {
    case Compression::None: return std::make_unique<PlainCompressor>(out);
    case Compression::Gzip: return std::make_unique<ParallelGzipCompressor>(out, core_count(threads));
    case Compression::Zstd: return std::make_unique<ZstdCompressor>(out, core_count(threads));
  }
  return std::make_unique<PlainCompressor>(out);
}

std::unique_ptr<Decompressor> Decompressor::make(Compression kind, ByteSink& out) {
  switch (kind) {
    case Compression::None: return std::make_unique<PlainDecompressor>(out);
    case Compression::Gzip: return std::make_unique<GzipDecompressor>(out);
    case Compression::Zstd: return std::make_unique<ZstdDecompressor>(out);
  }
  return std::make_unique<PlainDecompressor>(out);
}

Compression sniff_compression(const void* data, size_t size) {
  const auto* b = static_cast<const unsigned char*>(data);
  if (size >= 2 && b[0] == 0x1f && b[1] == 0x8b) return Compression::Gzip;
  if (size >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd) return Compression::Zstd;
  return Compression::None;
}

}  // namespace waybill::oci
