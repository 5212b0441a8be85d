#pragma once
// Making sure no descriptor of waybill's reaches the box: close_range where the kernel
// has it (5.9, CLOSE_RANGE_CLOEXEC since 5.11) and a seccomp profile around waybill
// allows it, else a walk of /proc/self/fd.
#include <vector>

namespace waybill::box {

// Closes every descriptor from 3 up, except those in `keep` (the reaper's).
void close_fds_except(std::vector<int> keep);

// Marks every descriptor from 3 up close-on-exec. No allocation: the workload calls it
// on memory it borrows from the reaper.
void cloexec_fds_from_3();

}  // namespace waybill::box
