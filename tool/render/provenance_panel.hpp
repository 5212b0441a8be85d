#pragma once
// The provenance a reader sees: a collapsible panel at the end of an HTML page, an
// appendix in LaTeX/PDF. Images and their digests, where each base came from, every
// cell's status and time, the declared inputs, and the tool that rendered it; the
// signed, complete record is the NAME.provenance.json file the panel links to.
#include <functional>
#include <string>
#include <string_view>

#include "doc/model.hpp"
#include "exec/executor.hpp"

namespace waybill::render {

struct PanelInput {
  const doc::Document* document = nullptr;
  const exec::Results* results = nullptr;
  std::string record_name;  // "paper.provenance.json", beside the output
  // SOURCE_DATE_EPOCH is set: the page must not change from render to render, so cell
  // times (which do) stay in the record only.
  bool reproducible = false;
  std::string granted;  // what the command line granted (plan::Grants::describe), "" for nothing
};

std::string provenance_html(const PanelInput& in);

// `escape` is the LaTeX writer's text escape.
std::string provenance_latex(const PanelInput& in, const std::function<std::string(std::string_view)>& escape);

}  // namespace waybill::render
