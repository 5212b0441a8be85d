#pragma once
// Layer compression. gzip is written as a series of gzip members, one per MiB of input,
// compressed by libdeflate on every core; the output depends only on the input, not on
// the number of cores, and any gzip reader (Go's, zlib's, libarchive's) reads it as one
// stream. zstd uses libzstd's own worker threads, whose output likewise does not depend
// on their number. Neither writes a file name or a time into its header.
#include <memory>
#include <string>

#include "oci/image_json.hpp"

namespace waybill::oci {

// gzip, zstd or none, as the command line and requests name them; Error(Usage) for another.
Compression compression_named(const std::string& name);

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(const void* data, size_t size) = 0;
};

class Compressor : public ByteSink {
 public:
  // `threads` 0 means one per core.
  static std::unique_ptr<Compressor> make(Compression kind, ByteSink& out, unsigned threads = 0);
  // Writes what is buffered and the end of the stream. Call once, last.
  virtual void finish() = 0;
};

class Decompressor : public ByteSink {
 public:
  // write() takes compressed bytes; decompressed ones go to `out`.
  static std::unique_ptr<Decompressor> make(Compression kind, ByteSink& out);
  // Throws Error(Document) when the stream is truncated.
  virtual void finish() = 0;
};

// Guesses the compression of a stream from its first bytes (gzip and zstd magic numbers).
Compression sniff_compression(const void* data, size_t size);

}  // namespace waybill::oci
