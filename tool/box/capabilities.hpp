#pragma once
// Capabilities: the workload keeps only the set Docker grants by default (14, with no
// CAP_SYS_ADMIN, CAP_SYS_PTRACE or CAP_NET_ADMIN), in its bounding, permitted and
// effective sets. Inheritable and ambient sets are empty, as in Docker since 20.10.
#include <cstdint>
#include <string>
#include <vector>

namespace waybill::box {

// CAP_* numbers of Docker's default set.
const std::vector<int>& default_capabilities();
uint64_t capability_mask(const std::vector<int>& caps);

// Removes every capability outside `keep` from the bounding set (needs CAP_SETPCAP, so
// call it before changing uid).
void drop_bounding_set(uint64_t keep);

// Sets permitted and effective to `keep`, inheritable and ambient to nothing.
void set_capabilities(uint64_t keep);

// "CAP_CHOWN,CAP_KILL,...": for messages and tests.
std::string capability_names(uint64_t mask);

}  // namespace waybill::box
