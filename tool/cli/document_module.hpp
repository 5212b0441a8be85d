#pragma once
// The document module (render, check, verify, keys), loaded on first use and checked
// against this binary.
#include "modules/document_api.hpp"
#include "util/error.hpp"
#include "util/module.hpp"

namespace waybill::cli {

using waybill::document_module;

}  // namespace waybill::cli
