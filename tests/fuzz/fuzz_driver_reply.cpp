// What a session's driver sends back (a cell's code may have written it): frames, the
// JSON and shell reply formats, results, and the host's checks of every output.
#include "exec/cell_result.hpp"
#include "exec/output_checks.hpp"
#include "exec/reply_decoder.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace waybill::exec;
  if (size == 0) return 0;
  // The first byte chooses the protocol; the rest is what arrived on the pipe.
  Protocol protocol = data[0] % 3 == 0 ? Protocol::Json : data[0] % 3 == 1 ? Protocol::Shell : Protocol::Fields;
  return waybill::fuzz::run_one(data + 1, size - 1, [protocol](std::string_view bytes) {
    std::string buffer(bytes);
    nlohmann::json request = {{"id", 0}, {"first_line", 10}};
    OutputLimits limits{1 << 16, 1 << 17, 1 << 18, 10};
    try {
      if (auto frame = take_reply_frame(buffer, limits.reply_bytes())) {
        CellResult r = result_from_json(decode_reply(protocol, *frame, request));
        check_reply_result(r, limits, {10, 20});
        uint64_t used = 0;
        check_result_totals(r, limits, used);
        (void)result_to_json(r).dump();
      }
    } catch (const ProtocolViolation&) {
    }
  });
}
