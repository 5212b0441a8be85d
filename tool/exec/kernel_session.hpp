#pragma once
// A session whose cells run in a Jupyter kernel of the image (`driver: jupyter` in the
// manifest): any kernelspec installed there (IPython, IRkernel, IJulia, xeus kernels).
//
// The kernel runs in the session's box as a built-in driver does, network namespace and
// all. waybill finds its kernelspec in the image (a short box runs the lookup), starts
// it with a connection file of its own making (tcp on the box's 127.0.0.1, a fresh HMAC
// key), and joins the box's network namespace only to make its ZeroMQ sockets, whose
// I/O thread then lives there: nothing listens on the host, and the box needs no network.
//
// Each request becomes an execute_request (an inline expression, a user_expression); what
// the kernel publishes for it is collected as a notebook does (exec/kernel_outputs.hpp)
// and answered in the built-in drivers' reply format. A cell over its time is
// interrupted as the kernelspec says (SIGINT, or an interrupt_request); a kernel that
// dies is restarted, as Jupyter's front ends do, and the cell that killed it fails.
#include <memory>

#include "exec/backend.hpp"

namespace waybill::exec {

std::unique_ptr<LiveSession> start_kernel_session(const SessionBoxInput& input, uint64_t max_reply, Reporter& reporter);

}  // namespace waybill::exec
