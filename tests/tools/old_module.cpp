// A module left from another build of waybill: its table has an ABI number no binary of
// this build takes. `waybill --version` must say so instead of calling through it.
namespace {
struct OldTable {
  int abi;
};
const OldTable kOld{1};
}  // namespace

extern "C" __attribute__((visibility("default"))) const OldTable* waybill_document_module() { return &kOld; }
