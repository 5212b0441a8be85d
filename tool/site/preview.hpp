#pragma once
// `waybill preview DOC`: one document as `waybill site --serve` serves a site. It is
// rendered to HTML in a folder of its own (the document's own outputs stay as they
// are), served on 127.0.0.1, and rendered again whenever a file in the document's
// folder changes; an open page reloads. Cells run again only when their keys change.
#include "driver/render_documents.hpp"
#include "site/serve.hpp"

namespace waybill::site {

// Returns when a signal stops it. Throws Error(Usage) unless exactly one file is given.
void preview_document(driver::RenderRequest request, const ServeOptions& options, Reporter& reporter);

}  // namespace waybill::site
