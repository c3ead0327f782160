"""Shared plumbing for the Myna end-to-end tests with third-party clients: a demo server
in its own temporary directory on a free port, stopped always, and TAP-lite checks.
"""
import atexit, json, os, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request


class Checks:
    """`ok …` / `FAIL …` lines; `summary()` prints 'N passed, N failed' and gives the exit code."""

    def __init__(self):
        self.passed, self.failed, self.started = 0, 0, time.monotonic()

    def __call__(self, name, condition, detail=""):
        if condition:
            self.passed += 1
            print(f"ok    {name}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL  {name}" + (f"\n      {str(detail)[:1500]}" if detail != "" else ""), flush=True)
        return bool(condition)

    def summary(self, label):
        took = time.monotonic() - self.started
        print(f"took {took:.1f} s", flush=True)
        print(f"{label}: {self.passed} passed, {self.failed} failed", flush=True)
        return 1 if self.failed or not self.passed else 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DemoServer:
    """`myna demo --residents 3` in a temporary data directory; `stop()` is idempotent and is
    also registered with atexit and for SIGTERM/SIGINT, so the server never outlives the test."""

    def database_option_for_cli(self):
        """The same database for CLI commands run beside the server."""
        return list(self.database_args)

    @staticmethod
    def database_option():
        """With MYNA_CLIENTS_POSTGRES (a postgres:// URL of a server's maintenance database),
        each demo gets a fresh database of its own on that server; else SQLite."""
        server = os.environ.get("MYNA_CLIENTS_POSTGRES")
        if not server:
            return []
        name = "myna_clients_%08x" % int.from_bytes(os.urandom(4), "big")
        subprocess.run(["psql", server, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
        return ["--database", server.rsplit("/", 1)[0] + "/" + name]

    def __init__(self, binary, residents=3, keep=False):
        self.database_args = self.database_option()
        self.binary = os.path.abspath(binary)
        self.residents = residents
        self.work = tempfile.mkdtemp(prefix="myna-portal-e2e-")
        self.data_dir = os.path.join(self.work, "data")
        self.log_path = os.path.join(self.work, "server.log")
        self.keep = keep or bool(os.environ.get("MYNA_KEEP_WORK"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.demo = None

    def start(self, timeout=180):
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [self.binary, "demo", "--residents", str(self.residents), "--data-dir", self.data_dir, "--port", str(self.port)]
            + self.database_args,
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        atexit.register(self.stop)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)
        deadline = time.monotonic() + timeout
        demo_json = os.path.join(self.data_dir, "demo.json")
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"myna demo exited with {self.process.returncode}:\n{self.log_tail()}")
            if os.path.exists(demo_json):
                try:
                    with urllib.request.urlopen(self.base + "/oidc/jwks.json", timeout=2) as response:
                        if response.status == 200:
                            with open(demo_json, encoding="utf-8") as f:
                                self.demo = json.load(f)
                            return self
                except OSError:
                    pass
            time.sleep(0.25)
        raise RuntimeError(f"myna demo did not serve within {timeout} s:\n{self.log_tail()}")

    def _on_signal(self, signum, frame):
        self.stop()
        sys.exit(128 + signum)

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def log_text(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def myna(self, *args, timeout=120):
        """Runs the binary (callers pass --data-dir / --server themselves), output captured."""
        return subprocess.run([self.binary, *args], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)

    def stop(self):
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None
        if not self.keep and self.work and os.path.isdir(self.work):
            shutil.rmtree(self.work, ignore_errors=True)
            self.work = None

    def server_errors(self):
        """Lines of the server log that report a 5xx or an unhandled error."""
        return [line for line in self.log_text().splitlines()
                if " status=5" in line or "unhandled error" in line]
