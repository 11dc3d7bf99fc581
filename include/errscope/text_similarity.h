#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace errscope {

/// Levenshtein edit distance, case-insensitive (ASCII).
size_t EditDistance(std::string_view a, std::string_view b);

/// Up to `limit` candidates close to `word` (closest first), for "did you
/// mean" messages; empty when nothing is close.
std::vector<std::string> ClosestMatches(std::string_view word,
                                        const std::vector<std::string>& candidates,
                                        size_t limit = 3);

/// "'a', 'b' or 'c'", for "did you mean" messages.
std::string QuotedList(const std::vector<std::string>& items);

}  // namespace errscope
