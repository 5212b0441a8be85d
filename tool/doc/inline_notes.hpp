#pragma once
// Pandoc's and Quarto's inline notes, `text^[the note's own text]`: cmark does not know
// them, so they are found in its inlines afterwards and become footnotes like `[^1]`.
#include <vector>

#include "doc/model.hpp"

namespace waybill::doc {

// Turns every `^[...]` in `blocks` into a note reference, adds the notes to `notes`,
// and numbers all notes, `[^id]` ones included, in the order they are referred to.
void take_inline_notes(std::vector<Block>& blocks, std::vector<std::vector<Block>>& notes);

}  // namespace waybill::doc
