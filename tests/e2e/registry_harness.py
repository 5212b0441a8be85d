"""Local OCI registries for the registry tests: the CNCF distribution registry
(Debian's `docker-registry`) over TLS with a throwaway CA, behind htpasswd or token
authentication, and a plain-HTTP proxy in front of it that can corrupt or cut blobs.

Only the standard library and the openssl and htpasswd programs are used, so the tests
run on a bare CI machine with the registry package installed.

    with Registry(workdir, auth="token") as reg:
        reg.host, reg.user, reg.password, reg.ca_file, reg.certs_dir, reg.token_requests
    with FaultyProxy(reg, "cut") as proxy:
        proxy.host, proxy.requests

Token authentication: the token server (`reg.token_host`) grants every scope asked for
to a client giving the right user and password in HTTP Basic, answers 401 to wrong
credentials, and gives an anonymous client a token with no access at all (as Docker
Hub does for a private repository), so that the registry itself then refuses it.
"""
import base64
import http.client
import http.server
import json
import os
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

SERVICE = "waybill-test-registry"
ISSUER = "waybill-test-issuer"


def free_port():
    """A port nothing listens on now. Another process could take it before we bind it,
    but on a test machine the window is small enough."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def _make_certs(d):
    """A CA, a server certificate it signs for 127.0.0.1 and localhost (Go, which the
    registry, podman and skopeo are written in, ignores the CN: the SAN must match),
    and a self-signed certificate whose key signs tokens. Made once per directory."""
    if os.path.exists(os.path.join(d, "done")):
        return
    os.makedirs(d, exist_ok=True)
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
             "-days", "30", "-subj", "/CN=waybill test CA", cwd=d)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
             "-subj", "/CN=127.0.0.1", cwd=d)
    with open(os.path.join(d, "server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "server.pem", "-days", "30", "-extfile", "server.ext", cwd=d)
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "token.key", "-out", "token.pem",
             "-days", "30", "-subj", "/CN=waybill test token issuer", cwd=d)
    # podman's and skopeo's --cert-dir: every *.crt in it is a CA to trust.
    os.makedirs(os.path.join(d, "certs.d"), exist_ok=True)
    shutil.copy(os.path.join(d, "ca.pem"), os.path.join(d, "certs.d", "ca.crt"))
    open(os.path.join(d, "done"), "w").close()


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _pem_to_der_b64(pem_file):
    """The base64 of a PEM certificate's DER, which is what a JWT's x5c holds."""
    lines = open(pem_file).read().split("-----")[2].split()
    return "".join(lines)


def _parse_scope(scope):
    """`repository:foo/bar:pull,push` -> access entry. The name may hold a colon (a
    port, in a registry:catalog-like type), so the type ends at the first colon and
    the actions start after the last."""
    kind, rest = scope.split(":", 1)
    name, actions = rest.rsplit(":", 1)
    return {"type": kind, "name": name, "actions": [a for a in actions.split(",") if a]}


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that hangs up (mid-handshake, mid-body) is not the test's business;
        # a bug in a handler is, and is printed.
        if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError, TimeoutError)):
            super().handle_error(request, client_address)


class _TLSServer(_Server):
    """An HTTPS server whose TLS handshake happens in the request's thread (on its first
    read), so that a client that connects and stalls cannot block accept()."""

    def __init__(self, addr, handler, certfile, keyfile):
        super().__init__(addr, handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(certfile, keyfile)
        self.socket = ctx.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)


class _TokenHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        reg = self.server.registry
        url = urllib.parse.urlsplit(self.path)
        reg.token_requests.append((url.path, url.query))
        query = urllib.parse.parse_qs(url.query)
        subject = ""
        header = self.headers.get("Authorization", "")
        if header.lower().startswith("basic "):
            try:
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                user, password = "", None
            if (user, password) != (reg.user, reg.password):
                body = b'{"errors":[{"code":"UNAUTHORIZED","message":"wrong user name or password"}]}'
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            subject = user
        access = [_parse_scope(s) for s in query.get("scope", [])] if subject else []
        token = reg._sign_token(subject, query.get("service", [SERVICE])[0], access)
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        body = json.dumps({"token": token, "access_token": token, "expires_in": 300, "issued_at": now}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Registry:
    """docker-registry on 127.0.0.1, TLS, storage under WORKDIR; auth "htpasswd",
    "token" or None. The port is chosen once, so stop() then start() serves the same
    address (and the same storage) again."""

    def __init__(self, workdir, auth="htpasswd"):
        assert auth in ("htpasswd", "token", None)
        self.workdir = os.path.abspath(workdir)
        self.auth = auth
        self.user = "waybill"
        self.password = secrets.token_urlsafe(12)
        self.port = free_port()
        self.token_port = free_port() if auth == "token" else None
        self.storage_dir = os.path.join(self.workdir, "storage")
        self.token_requests = []
        self._process = None
        self._token_server = None
        certs = os.path.join(self.workdir, "certs")
        _make_certs(certs)
        self.ca_file = os.path.join(certs, "ca.pem")
        self.certs_dir = os.path.join(certs, "certs.d")
        self._cert = os.path.join(certs, "server.pem")
        self._key = os.path.join(certs, "server.key")
        self._token_cert = os.path.join(certs, "token.pem")
        self._token_key = os.path.join(certs, "token.key")
        self._log = os.path.join(self.workdir, "registry.log")

    @property
    def host(self):
        return f"127.0.0.1:{self.port}"

    @property
    def url(self):
        return f"https://{self.host}"

    @property
    def token_host(self):
        """The token server's address (it shares the registry's CA and certificate)."""
        return f"127.0.0.1:{self.token_port}" if self.token_port else None

    def log_text(self):
        try:
            return open(self._log, errors="replace").read()
        except FileNotFoundError:
            return ""

    def _config(self):
        lines = [
            "version: 0.1",
            "log:",
            "  level: info",
            "storage:",
            f"  filesystem: {{rootdirectory: {self.storage_dir}}}",
            "  delete: {enabled: true}",
            "http:",
            f"  addr: {self.host}",
            # Fixed, so upload sessions survive a restart (the default is random).
            "  secret: waybill-test-secret",
            f"  tls: {{certificate: {self._cert}, key: {self._key}}}",
        ]
        if self.auth == "htpasswd":
            htpasswd = os.path.join(self.workdir, "htpasswd")
            # The registry reads bcrypt entries only.
            out = subprocess.run(["htpasswd", "-Bbn", self.user, self.password],
                                 check=True, capture_output=True, text=True).stdout
            open(htpasswd, "w").write(out)
            lines += ["auth:", "  htpasswd:", "    realm: waybill-test", f"    path: {htpasswd}"]
        elif self.auth == "token":
            lines += ["auth:", "  token:", f"    realm: https://{self.token_host}/token",
                      f"    service: {SERVICE}", f"    issuer: {ISSUER}",
                      f"    rootcertbundle: {self._token_cert}"]
        path = os.path.join(self.workdir, "config.yml")
        open(path, "w").write("\n".join(lines) + "\n")
        return path

    def _sign_token(self, subject, service, access):
        header = {"typ": "JWT", "alg": "RS256", "x5c": [_pem_to_der_b64(self._token_cert)]}
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": subject, "aud": service, "exp": now + 300, "nbf": now - 10,
                  "iat": now, "jti": secrets.token_hex(8), "access": access}
        signing_input = _b64url(json.dumps(header).encode()) + "." + _b64url(json.dumps(claims).encode())
        # RS256 is PKCS#1 v1.5 over SHA-256, which is what `openssl dgst -sign` makes.
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self._token_key],
                             input=signing_input.encode(), check=True, capture_output=True).stdout
        return signing_input + "." + _b64url(sig)

    def start(self, timeout=30):
        if self._process:
            return self
        os.makedirs(self.storage_dir, exist_ok=True)
        config = self._config()
        if self.auth == "token":
            self._token_server = _TLSServer(("127.0.0.1", self.token_port), _TokenHandler, self._cert, self._key)
            self._token_server.registry = self
            threading.Thread(target=self._token_server.serve_forever, daemon=True).start()
        log = open(self._log, "a")
        self._process = subprocess.Popen(["docker-registry", "serve", config], stdout=log, stderr=log,
                                         stdin=subprocess.DEVNULL)
        log.close()
        ctx = ssl.create_default_context(cafile=self.ca_file)
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(self.url + "/v2/", context=ctx, timeout=2)
                return self
            except urllib.error.HTTPError as e:
                if e.code == 401:  # up, and asking for credentials
                    return self
                error = e
            except OSError as e:
                error = e
            if self._process.poll() is not None or time.monotonic() > deadline:
                code = self._process.poll()
                self.stop()
                raise RuntimeError(f"the registry on {self.host} did not come up "
                                   f"({'exit ' + str(code) if code is not None else 'timed out'}; last: {error})\n"
                                   f"--- {self._log}\n{self.log_text()}")
            time.sleep(0.1)

    def stop(self):
        if self._process:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._token_server:
            self._token_server.shutdown()
            self._token_server.server_close()
            self._token_server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# Headers that belong to one connection (hop-by-hop), or that the proxy sets itself.
_NOT_FORWARDED = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
               "transfer-encoding", "upgrade", "content-length", "host"}


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as registry clients expect

    def log_message(self, *args):
        pass

    def _read_body(self):
        """The request body, whether sent with a length or chunked (Go clients stream
        blob uploads chunked); forwarded with a length."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _forward(self):
        proxy = self.server.proxy
        reg = proxy.registry
        body = self._read_body()
        conn = http.client.HTTPSConnection("127.0.0.1", reg.port, context=proxy._ctx, timeout=120)
        try:
            conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", reg.host)
            # Header by header: a client may repeat one (Accept, for every manifest type).
            for k, v in self.headers.items():
                if k.lower() not in _NOT_FORWARDED:
                    conn.putheader(k, v)
            if body or self.command in ("PUT", "POST", "PATCH"):
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            resp = conn.getresponse()
            data = resp.read()  # whole, chunked or not: re-sent with a length
        except OSError as e:
            self.send_error(502, f"upstream: {e}")
            return
        finally:
            conn.close()
        path = urllib.parse.urlsplit(self.path).path
        record = {"method": self.command, "path": path, "range": self.headers.get("Range"),
                  "status": resp.status}
        with proxy._lock:
            proxy.requests.append(record)
        parts = path.split("/blobs/")
        blob = (self.command == "GET" and len(parts) == 2 and parts[0].startswith("/v2/")
                and parts[1].startswith("sha256:"))
        cut = False
        if blob and proxy.mode == "flip" and resp.status in (200, 206) and len(data) >= 1024:
            mid = len(data) // 2
            data = data[:mid] + bytes([data[mid] ^ 0xFF]) + data[mid + 1:]
        if blob and proxy.mode == "cut" and resp.status in (200, 206):
            with proxy._lock:
                cut = parts[1] not in proxy._cut
                proxy._cut.add(parts[1])
        self.send_response_only(resp.status, resp.reason)
        for k, v in resp.getheaders():
            if k.lower() in _NOT_FORWARDED:
                continue
            if k.lower() == "location":
                v = v.replace(reg.url, f"http://{proxy.host}")
            self.send_header(k, v)
        if self.command == "HEAD":
            # No body, but the length of the one a GET would get.
            self.send_header("Content-Length", resp.getheader("Content-Length", "0"))
        elif resp.status not in (204, 304):
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command == "HEAD" or resp.status in (204, 304):
            return
        if cut:
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        self.wfile.write(data)

    do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = _forward


class FaultyProxy:
    """Plain HTTP on 127.0.0.1 in front of a Registry (over its TLS, verified).
    mode "pass" forwards; "flip" corrupts one byte in the middle of every blob of 1 KiB
    or more; "cut" sends half of the first GET of each blob (with the full length
    announced) and drops the connection, then serves that blob normally, ranges
    included. Every request is recorded in .requests as {method, path, range, status}."""

    def __init__(self, registry, mode="pass"):
        assert mode in ("pass", "flip", "cut")
        self.registry = registry
        self.mode = mode
        self.requests = []
        self._cut = set()
        self._lock = threading.Lock()
        self._ctx = ssl.create_default_context(cafile=registry.ca_file)
        self._server = None

    @property
    def host(self):
        return f"127.0.0.1:{self._server.server_address[1]}"

    def start(self):
        self._server = _Server(("127.0.0.1", 0), _ProxyHandler)
        self._server.proxy = self
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def skip_unless_registry_tests_can_run(fixtures):
    """Exits 77 (CTest's skip), saying why, without root, the base fixture, the registry
    or the peers."""
    from e2e_util import skip_unless_cells_can_run
    skip_unless_cells_can_run(fixtures)
    for tool in ("docker-registry", "podman", "skopeo", "runc", "htpasswd", "openssl"):
        if not shutil.which(tool):
            print(f"SKIP: {tool} is not installed")
            sys.exit(77)


def write_registries_conf(path, entries, chunk_size=None):
    """waybill's registry configuration (read through WAYBILL_REGISTRIES):
    entries = {host: {"ca": [PEM files], "insecure": bool, "mirrors": [hosts]}}."""
    conf = {"registries": entries}
    if chunk_size:
        conf["chunk_size"] = chunk_size
    with open(path, "w") as f:
        json.dump(conf, f, indent=2)
    return path


def write_auth_file(path, creds):
    """A containers/docker auth.json, {host: (user, password)}, readable by its owner only."""
    auths = {host: {"auth": base64.b64encode(f"{u}:{p}".encode()).decode()} for host, (u, p) in creds.items()}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"auths": auths}, f)
    os.chmod(path, 0o600)
    return path


def podman_cmd(workdir):
    """podman as this machine allows it (as oci_interop.sh runs it): runc, no ulimits
    to raise, its own storage under WORKDIR. Sets CONTAINERS_CONF in this process's
    environment, which the podman (and skopeo) children inherit."""
    workdir = os.path.abspath(workdir)
    os.makedirs(workdir, exist_ok=True)
    conf = os.path.join(workdir, "containers.conf")
    open(conf, "w").write("[containers]\ndefault_ulimits = []\n")
    os.environ["CONTAINERS_CONF"] = conf
    return ["podman", "--root", os.path.join(workdir, "root"), "--runroot", os.path.join(workdir, "run"),
            "--runtime", "runc"]


def podman_cleanup(workdir):
    """Empties the storage of podman_cmd(WORKDIR), unmounting its overlays first; the
    same podman_cmd can be used again after."""
    subprocess.run(podman_cmd(workdir) + ["rmi", "-a", "-f"], capture_output=True)
    for d in ("root", "run"):
        shutil.rmtree(os.path.join(workdir, d), ignore_errors=True)


def podman_creds(registry):
    """podman/skopeo flags to reach REGISTRY: its CA and its user."""
    return ["--cert-dir", registry.certs_dir, "--creds", f"{registry.user}:{registry.password}"]
