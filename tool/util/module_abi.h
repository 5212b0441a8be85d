/* The module seam in plain C (ARCHITECTURE.md, "Module seams"). The executable carries
 * its own libstdc++ and the modules use the shared one, so nothing of C++ crosses here:
 * bytes with a length, function pointers with a context, and ints. Requests, replies,
 * errors and diagnostics travel as JSON values encoded as MessagePack
 * (util/module_call.hpp encodes them). */
#ifndef WAYBILL_UTIL_MODULE_ABI_H
#define WAYBILL_UTIL_MODULE_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wb_bytes {
  const char* data;
  size_t size;
} wb_bytes;

/* Where a reply goes: the callee writes it in one or more pieces. */
typedef struct wb_sink {
  void* context;
  void (*write)(void* context, wb_bytes piece);
} wb_sink;

/* The caller's Reporter (util/report.hpp) as callbacks; none of them throws or fails. */
typedef struct wb_reporter {
  void* context;
  void (*diagnostic)(void* context, wb_bytes diagnostic);
  void (*status)(void* context, wb_bytes text);
  void (*progress)(void* context, wb_bytes label, uint64_t done, uint64_t total);
  void (*activity)(void* context, wb_bytes text);
  int redraws; /* activity lines are redrawn in place (a terminal) */
} wb_reporter;

/* The table of a module whose verbs take a request and give a reply. */
typedef struct wb_module_table {
  int abi; /* first, always: util/module.hpp reads it before anything else */
  /* Runs `verb` on `request`. Returns 0 with the reply written to `reply`, or 1 with the
   * error ({kind, message, loc: {file, line, col}, hint}) written there instead. */
  int (*call)(wb_bytes verb, wb_bytes request, const wb_reporter* reporter, const wb_sink* reply);
} wb_module_table;

#ifdef __cplusplus
}
#endif

#endif
