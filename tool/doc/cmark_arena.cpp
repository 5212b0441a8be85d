#include "doc/cmark_arena.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <new>

namespace waybill::doc {

namespace {

thread_local CmarkArena* t_current = nullptr;

// Every block starts with its size, kept in a 16-byte header so that what cmark gets
// is aligned for anything.
constexpr size_t kHeader = 16;
constexpr size_t kPage = 4096;
constexpr size_t kFirstChunk = size_t(2) << 20;
constexpr size_t kMaxChunk = size_t(64) << 20;

size_t round_up(size_t n) { return (n + 15) & ~size_t(15); }
size_t& size_of(void* p) { return *reinterpret_cast<size_t*>(static_cast<std::byte*>(p) - kHeader); }

void* arena_calloc(size_t n, size_t size) {
  if (size != 0 && n > SIZE_MAX / size) std::abort();  // cmark aborts on allocation failure too
  return t_current->allocate(n * size);
}
void* arena_realloc(void* p, size_t size) { return t_current->reallocate(p, size); }
void arena_free(void*) {}

cmark_mem g_arena_mem = {arena_calloc, arena_realloc, arena_free};

}  // namespace

CmarkArena::Use::Use(CmarkArena& arena) : previous_(t_current) { t_current = &arena; }

CmarkArena::Use::~Use() { t_current = previous_; }

cmark_mem* CmarkArena::mem() { return &g_arena_mem; }

void CmarkArena::reset() {
  // Keep the largest chunk; reused space is not zero any more, so allocation clears it.
  if (chunks_.size() > 1) {
    auto largest = std::max_element(chunks_.begin(), chunks_.end(),
                                    [](const Chunk& a, const Chunk& b) { return a.size < b.size; });
    Chunk keep = std::move(*largest);
    chunks_.clear();
    chunks_.push_back(std::move(keep));
  }
  if (!chunks_.empty()) {
    chunks_.back().used = 0;
    reused_ = true;
  }
  large_.clear();
  last_ = nullptr;
}

CmarkArena::Mapping& CmarkArena::Mapping::operator=(Mapping&& o) noexcept {
  if (this != &o) {
    this->~Mapping();
    base = o.base;
    length = o.length;
    o.base = nullptr;
  }
  return *this;
}

CmarkArena::Mapping::~Mapping() {
  if (base) ::munmap(base, length);
}

CmarkArena::Chunk CmarkArena::map_chunk(size_t size) {
  size = (size + kPage - 1) & ~(kPage - 1);
  void* base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) throw std::bad_alloc();
  Chunk c;
  c.map = Mapping(base, size);
  c.data = static_cast<std::byte*>(base);
  c.size = size;
  return c;
}

std::byte* CmarkArena::bump(size_t total) {
  if (chunks_.empty() || chunks_.back().size - chunks_.back().used < total) {
    size_t size = chunks_.empty() ? kFirstChunk : std::min(chunks_.back().size * 2, kMaxChunk);
    chunks_.push_back(map_chunk(size));
  }
  Chunk& c = chunks_.back();
  std::byte* p = c.data + c.used;
  c.used += total;
  return p;
}

void* CmarkArena::allocate(size_t bytes) {
  size_t body = round_up(bytes);
  size_t chunk = chunks_.empty() ? kFirstChunk : chunks_.back().size;
  std::byte* block;
  if (kHeader + body > chunk / 4) {
    large_.push_back(map_chunk(kHeader + body));
    block = large_.back().data;
  } else {
    block = bump(kHeader + body);
    last_ = block + kHeader;
  }
  // Fresh mappings are zero-filled; space reused after reset() must be cleared.
  std::byte* p = block + kHeader;
  if (reused_) std::memset(p, 0, body);
  size_of(p) = body;
  return p;
}

void* CmarkArena::reallocate(void* old, size_t bytes) {
  if (!old) return allocate(bytes);
  size_t have = size_of(old);
  if (bytes <= have) return old;
  // The last small block of the current chunk grows where it is.
  std::byte* end_of_old = static_cast<std::byte*>(old) + have;
  Chunk* c = chunks_.empty() ? nullptr : &chunks_.back();
  if (c && old == last_ && end_of_old == c->data + c->used && c->size - c->used >= round_up(bytes) - have &&
      kHeader + round_up(bytes) <= c->size / 4) {
    if (reused_) std::memset(end_of_old, 0, round_up(bytes) - have);
    c->used += round_up(bytes) - have;
    size_of(old) = round_up(bytes);
    return old;
  }
  void* fresh = allocate(bytes);
  std::memcpy(fresh, old, have);
  return fresh;
}

}  // namespace waybill::doc
