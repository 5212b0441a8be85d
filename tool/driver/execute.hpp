#pragma once
// The second half of the journey's work: a prepared document's images built (or found)
// and its cells run (exec/executor.hpp), with what the command line granted.
#include "exec/executor.hpp"
#include "plan/trust.hpp"

namespace waybill {
class Reporter;
}

namespace waybill::driver {

struct PageContext;       // driver/page_context.hpp
struct PreparedDocument;  // driver/prepare.hpp
struct StageTimes;        // driver/stage_times.hpp

exec::Results execute(const PreparedDocument& prepared, const PageContext* page, const exec::RunPolicy& policy,
                      const plan::Grants& grants, Reporter& reporter, StageTimes* times = nullptr);

}  // namespace waybill::driver
