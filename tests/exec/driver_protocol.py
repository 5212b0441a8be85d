"""What the driver tests share: a driver process spoken to as a session does (requests
in, framed JSON replies out), and the checks on its replies."""
import json
import sys


class DriverProcess:
    """A started driver: `encode(id, request)` gives the bytes of one request."""

    def __init__(self, proc, encode):
        self.proc, self.encode, self.next_id = proc, encode, 0

    def send(self, **request):
        self.next_id += 1
        self.proc.stdin.write(self.encode(self.next_id, request))
        self.proc.stdin.flush()
        length = int(self.proc.stdout.readline())
        reply = json.loads(self.proc.stdout.read(length))
        assert reply["id"] == self.next_id, reply
        return reply

    def close(self):
        self.proc.stdin.close()
        return self.proc.wait(timeout=20)


def streams(reply):
    return [(o["name"], o["text"]) for o in reply["outputs"] if o["type"] == "stream"]


def results(reply):
    return [o["data"] for o in reply["outputs"] if o["type"] == "result"]


def check(name, condition, detail=""):
    if not condition:
        print(f"FAIL: {name}: {detail}")
        sys.exit(1)
    print(f"ok: {name}")
