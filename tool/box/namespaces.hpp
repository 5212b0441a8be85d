#pragma once
// The namespaces a box gets, and what is set up inside the new ones.
#include <string>

#include "box/spec.hpp"

namespace waybill::box {

// CLONE_NEW* flags: mount, pid, ipc and uts always; net unless the network is the host's;
// user when the spec has id maps (a rootless box).
unsigned long long namespace_flags(const BoxSpec& spec);

void set_hostname(const std::string& hostname);

// A new network namespace starts with `lo` down; up, it answers on 127.0.0.1 and ::1.
void bring_up_loopback();

}  // namespace waybill::box
