#include "errscope/cell_counter.h"

#include <algorithm>
#include <bit>
#include <cassert>

namespace errscope {

CellCounter::CellCounter(size_t capacity) : capacity_(capacity) {
  assert(capacity >= 1 && capacity <= 32768);  // indexes + 1 fit uint16_t
  // At most half full: probes stay short.
  const int bits = std::bit_width(2 * capacity - 1);
  slots_.assign(size_t{1} << bits, 0);
  mask_ = slots_.size() - 1;
  shift_ = 64 - bits;
  entries_.reserve(capacity);
}

void CellCounter::Clear() {
  // A table of a few thousand 2-byte slots: one memset, cheaper than
  // finding the slots in use.
  std::fill(slots_.begin(), slots_.end(), uint16_t{0});
  entries_.clear();
}

}  // namespace errscope
