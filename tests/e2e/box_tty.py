#!/usr/bin/env python3
"""`waybill run -it`: the command gets a terminal of the box's own, with the size of
ours; a resize reaches it as SIGWINCH with the new size; keys typed reach it, and its
exit status comes back. Runs under a pty of our own, as a user's terminal would be."""
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time

waybill, fixtures = sys.argv[1], sys.argv[2]
if os.environ.get("WAYBILL_TEST_ROOTLESS") == "1":
    pass  # rootless_variant.sh: an ordinary user, with the base loaded in its WAYBILL_HOME
elif os.geteuid() != 0:
    print("SKIP: the test runs as root, or as the user rootless_variant.sh makes (CI runs as root)")
    sys.exit(77)
elif not os.path.isdir(os.path.join(fixtures, "base-home")):
    print("SKIP: no base image fixture")
    sys.exit(77)
else:
    os.environ["WAYBILL_HOME"] = os.path.join(fixtures, "base-home")

# bash's read returns early (status > 128) when a trapped SIGWINCH lands while it waits,
# so the command reads again until a line comes; three tries bound it.
script = ('tty; stty size; trap "stty size" WINCH; echo ready; '
          'for i in 1 2 3; do read -t 20 x && break; done; echo "got $x"; exit 5')
pid, fd = pty.fork()
if pid == 0:
    # Our terminal's size is set before waybill starts, so it is the one it reads.
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    os.execv(waybill, [waybill, "run", "-it", "debian-base:test", "bash", "-c", script])

out = b""


def read_until(token, timeout=20):
    global out
    end = time.time() + timeout
    while token not in out and time.time() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
    if token not in out:
        print(out.decode(errors="replace"))
        sys.exit(f"FAIL: never saw {token!r}")


read_until(b"ready")
text = out.decode()
assert "/dev/pts/0" in text, f"FAIL: not the box's own pty:\n{text}"
assert "30 100" in text, f"FAIL: the initial size did not reach the box:\n{text}"
print("ok: a pty of the box's own, with our terminal's size")
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
os.kill(pid, signal.SIGWINCH)
read_until(b"40 120")
print("ok: a resize reaches the command")
os.write(fd, b"hello\n")
read_until(b"got hello")
print("ok: input reaches the command")
_, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
assert code == 5, f"FAIL: exit status {code}, expected 5"
print("ok: the exit status comes back")
