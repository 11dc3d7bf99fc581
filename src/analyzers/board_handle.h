#pragma once

#include <memory>

namespace errscope {

/// A partial's own board: where it publishes, while it is a running
/// total, what the chunk partials made for it may take for settled. A
/// copy of the partial gets a fresh board of its own, since what a total
/// has settled holds for that total only.
template <typename Board>
struct BoardHandle {
  std::shared_ptr<Board> board = std::make_shared<Board>();
  BoardHandle() = default;
  BoardHandle(const BoardHandle&) {}
  BoardHandle& operator=(const BoardHandle&) { return *this; }
  Board* operator->() const { return board.get(); }
};

}  // namespace errscope
