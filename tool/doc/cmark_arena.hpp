#pragma once
// An arena for one cmark parse. cmark allocates every node, buffer and list cell with
// calloc and frees them one by one; for a long document that is a fifth of the time of
// reading it. With the arena, allocation is a pointer bump and the whole tree goes at
// once when the arena does. (cmark-gfm's own arena is process-wide and mishandles
// reallocations of blocks larger than a chunk, so it is not used.)
#include <cmark-gfm.h>

#include <cstddef>
#include <memory>
#include <vector>

namespace waybill::doc {

class CmarkArena {
 public:
  CmarkArena() = default;
  CmarkArena(const CmarkArena&) = delete;
  CmarkArena& operator=(const CmarkArena&) = delete;

  // cmark's allocator interface has no context pointer, so an arena serves the thread
  // that uses it: while a Use lives, this thread's cmark allocations go to `arena`.
  class Use {
   public:
    explicit Use(CmarkArena& arena);
    ~Use();
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;

   private:
    CmarkArena* previous_;
  };

  cmark_mem* mem();
  // Forgets everything allocated but keeps the memory, already faulted in, for reuse.
  void reset();

  void* allocate(size_t bytes);               // zeroed
  void* reallocate(void* old, size_t bytes);  // keeps the contents

 private:
  // Chunks are mapped directly: fresh mappings are zero, so calloc needs no memset
  // until the arena is reset and reused.
  struct Mapping {
    void* base = nullptr;
    size_t length = 0;
    Mapping() = default;
    Mapping(void* b, size_t l) : base(b), length(l) {}
    Mapping(Mapping&& o) noexcept : base(o.base), length(o.length) { o.base = nullptr; }
    Mapping& operator=(Mapping&& o) noexcept;
    ~Mapping();
  };
  struct Chunk {
    Mapping map;
    std::byte* data = nullptr;
    size_t size = 0;
    size_t used = 0;
  };
  static Chunk map_chunk(size_t size);
  std::byte* bump(size_t total);

  std::vector<Chunk> chunks_;                         // small blocks, bump-allocated
  std::vector<Chunk> large_;                          // blocks of a quarter chunk or more
  void* last_ = nullptr;  // the most recent small block, which can grow in place
  bool reused_ = false;   // reset() has run: chunk space may hold old data
};

}  // namespace waybill::doc
