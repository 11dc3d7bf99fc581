#include "errscope/exact_sum.h"

#include <algorithm>

namespace errscope {

std::string ExactSum::ToString() const {
  if (total_ == 0) return "0";
  // Digits of |total| from the least significant; unsigned avoids the
  // overflow of negating the most negative value.
  unsigned __int128 magnitude = total_ < 0 ? -static_cast<unsigned __int128>(total_)
                                           : static_cast<unsigned __int128>(total_);
  std::string digits;
  while (magnitude > 0) {
    digits.push_back(static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  }
  if (total_ < 0) digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

bool ExactSum::FromString(const std::string& text, ExactSum* sum) {
  size_t i = text.starts_with('-') ? 1 : 0;
  if (i == text.size() || text.size() - i > 38) return false;
  unsigned __int128 magnitude = 0;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    magnitude = magnitude * 10 + static_cast<unsigned>(text[i] - '0');
  }
  sum->total_ = text.starts_with('-') ? -static_cast<__int128>(magnitude)
                                      : static_cast<__int128>(magnitude);
  return true;
}

}  // namespace errscope
