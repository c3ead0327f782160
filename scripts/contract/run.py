#!/usr/bin/env python3
"""The HTTP contract, checked by a third-party client: schemathesis reads the live server's
own /openapi.json and sends generated requests, valid and invalid, to every operation, with
the credentials that let them past authentication (hooks.py). It fails on any 5xx, any status
code the document does not list for the operation, any response body outside its schema or
with another content type, any header the document promises and the response lacks, any
method the server takes that the document does not list (405 with `Allow` expected), valid
data refused and invalid data taken. The per-resident routes run for demo residents under
open procedures, and a rule the document cannot state has a written exception
(schemathesis.toml).

Runs once on SQLite and, when MYNA_TEST_POSTGRES_URL is set, once on a fresh PostgreSQL
database; each run is bounded (MYNA_CONTRACT_EXAMPLES examples per operation, default 25, and a
time limit) and deterministic (a fixed seed, derandomised generation, no example database).

usage: VENV/bin/python scripts/contract/run.py PATH/TO/myna
env:   MYNA_CONTRACT_WORK  where to keep data dirs, logs and reports (default: a temp dir)
"""
import json, os, random, re, secrets, signal, socket, subprocess, sys, tempfile, time, urllib.error, urllib.request
import xml.etree.ElementTree as ElementTree

HERE = os.path.dirname(os.path.abspath(__file__))
MYNA = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/myna")
WORK = os.environ.get("MYNA_CONTRACT_WORK") or tempfile.mkdtemp(prefix="myna-contract-")
os.makedirs(WORK, exist_ok=True)
SCHEMATHESIS = os.path.join(os.path.dirname(sys.executable), "schemathesis")
EXAMPLES = os.environ.get("MYNA_CONTRACT_EXAMPLES", "25")
# The checks that judge the server against its document (schemathesis' names), with the data
# checks: what the document allows is taken (2xx, or 401, 403, 404, 409, 429 for who asks
# and what exists), what it forbids is refused with a 4xx. A rule the document cannot state
# (a range that ends before it starts, a key inside its PEM) has a per-operation exception
# in schemathesis.toml, which documented_refusals_only (hooks.py) holds to its codes.
CHECKS = ",".join([
    "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance",
    "response_schema_conformance", "unsupported_method", "allow_header_conformance", "missing_required_header", "ignored_auth",
    "positive_data_acceptance", "negative_data_rejection", "documented_refusals_only",
])


def run(*args):
    return subprocess.run([MYNA, *args], capture_output=True, text=True, timeout=300)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def post(base, path, body, token=None):
    headers = {"content-type": "application/json", **({"authorization": "Bearer " + token} if token else {})}
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


def sign_in(base, demo, username):
    account = next(s for s in demo["staff"] if s["username"] == username)
    code = run("staff", "totp", account["totpSecret"]).stdout.strip()
    status, body = post(base, "/v1/staff/sessions", {"username": username, "password": account["password"], "totp": code})
    if status != 201:
        raise SystemExit(f"contract: {username} could not sign in ({status})")
    return body["token"]


def with_procedure(base, token, resident):
    """The session `token`, with a procedure open for `resident`."""
    status, _ = post(base, "/v1/procedures", {"residentId": resident["id"], "purpose": "契約検査"}, token)
    if status != 201:
        raise SystemExit(f"contract: could not open a procedure ({status})")
    return token


def operations(junit):
    """(operation, failure text or None) for each operation schemathesis tested."""
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        problems = [element for element in case if element.tag in ("failure", "error")]
        text = "\n".join((p.get("message") or "") + "\n" + (p.text or "") for p in problems)
        yield case.get("name"), (text if problems else None)


def contract(label, extra):
    print(f"\ncontract on {label}")
    data_dir = os.path.join(WORK, f"data-{label}")
    store = ["--data-dir", data_dir, *extra]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    seeded = run("demo", "--seed-only", "--residents", "30", "--port", str(port), *store)
    if seeded.returncode != 0:
        raise SystemExit(f"contract: demo --seed-only failed: {seeded.stderr[-500:]}")
    demo = json.load(open(os.path.join(data_dir, "demo.json")))
    # A member of staff of its own for the life events (schemathesis.toml).
    added = run("staff", "add", "--username", "contract-life-events", "--display-name", "契約検査 異動", "--role", "supervisor",
                "--municipality", "131016", *store)
    if added.returncode != 0:
        raise SystemExit(f"contract: staff add failed: {added.stderr[-500:]}")
    demo["staff"].append({"username": "contract-life-events", **json.loads(added.stdout)})
    relying_party = run("rp", "add", "--name", "契約検査銀行", "--role", "authentication-verifier", *store)
    key = re.search(r"API key \(shown once\): (\S+)", relying_party.stdout)
    log = open(os.path.join(WORK, f"server-{label}.log"), "w")
    # The operator's scrape token, so /metrics is served and its 401 can be checked.
    metrics_token = secrets.token_hex(32)
    # The loopback is a trusted proxy, so hooks.py can give each request a source of its own.
    server = subprocess.Popen([MYNA, "serve", "--port", str(port), "--kiosk-hours", "always", "--trusted-proxy", "127.0.0.1", *store], stdout=log, stderr=log,
                              env={**os.environ, "MYNA_METRICS_TOKEN": metrics_token})
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        # The per-resident routes are driven for one resident, under a procedure opened
        # here; the life events (which end the record's registration) for another, in a
        # session of their own; opening procedures for a third, by the clerk
        # (schemathesis.toml, hooks.py).
        resident, moving, other = demo["residents"][0], demo["residents"][2], demo["residents"][1]
        staff_token = with_procedure(base, sign_in(base, demo, "chiyoda-supervisor"), resident)
        life_events_token = with_procedure(base, sign_in(base, demo, "contract-life-events"), moving)
        pinned = {"MYNA_CONTRACT_RESIDENT": resident["id"], "MYNA_CONTRACT_CARD": resident["card"]["id"],
                  "MYNA_CONTRACT_LIFE_EVENTS_RESIDENT": moving["id"], "MYNA_CONTRACT_PROCEDURE_RESIDENT": other["id"]}
        credentials = {
            "staffToken": staff_token,
            "lifeEventsToken": life_events_token,
            "procedureToken": sign_in(base, demo, "chiyoda-clerk"),
            "signOutToken": sign_in(base, demo, "auditor"),
            "relyingPartyKey": key.group(1) if key else "",
            "metricsToken": metrics_token,
            "agencies": {agency["type"]: agency["credential"] for agency in demo["agencies"]},
        }
        credentials_file = os.path.join(WORK, f"credentials-{label}.json")
        with open(credentials_file, "w") as f:
            json.dump(credentials, f)
        reports = os.path.join(WORK, f"report-{label}")
        started = time.time()
        # One worker: with several, Hypothesis parses lambda sources from threads at once,
        # which CPython 3.11's ast.parse does not survive ("AST constructor recursion depth
        # mismatch"); one is no slower here, the server being on the same two cores.
        # --continue-on-failure: every kind of failure an operation has is reported, not the first.
        tested = subprocess.run(
            [SCHEMATHESIS, "--config-file", os.path.join(HERE, "schemathesis.toml"), "run", f"{base}/openapi.json", "--checks", CHECKS, "--max-examples", EXAMPLES, "--seed", "20260401",
             "--generation-deterministic", "--workers", "1", "--request-timeout", "30", "--continue-on-failure",
             "--phases", "examples,coverage,fuzzing", "--suppress-health-check", "all", "--no-color", "--output-truncate", "true",
             "--report", "junit", "--report-junit-path", os.path.join(reports, "junit.xml")],
            cwd=WORK, env={**os.environ, **pinned, "SCHEMATHESIS_HOOKS": "hooks", "MYNA_CONTRACT_CREDENTIALS": credentials_file, "PYTHONPATH": HERE},
            capture_output=True, text=True, timeout=900)
        took = time.time() - started
        with open(os.path.join(WORK, f"schemathesis-{label}.log"), "w") as f:
            f.write(tested.stdout + tested.stderr)
        junit = os.path.join(reports, "junit.xml")
        if not os.path.exists(junit):
            print(tested.stdout[-3000:] + tested.stderr[-3000:])
            return 0, 1
        results = list(operations(junit))
        failed = [(name, text) for name, text in results if text]
        for name, text in failed:
            print(f"  FAIL  {name}\n" + "\n".join("        " + line for line in text.strip().splitlines()[:40]))
        # A crash is a failure even if no response showed it.
        alive = server.poll() is None
        if not alive:
            failed.append(("server", "the server exited during the run"))
            print("  FAIL  the server exited during the run")
        print(f"  {len(results)} operations in {took:.0f} s; schemathesis exit {tested.returncode}")
        if tested.returncode != 0 and not failed:
            print(tested.stdout[-3000:] + tested.stderr[-3000:])
            failed.append(("schemathesis", f"exit {tested.returncode}"))
        passed = len(results) - len([f for f in failed if f[0] in dict(results)])
        print(f"{label}: {passed} passed, {len(failed)} failed")
        return passed, len(failed)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def main():
    stores = [("sqlite", [])]
    pg = os.environ.get("MYNA_TEST_POSTGRES_URL")
    if pg:
        database = "myna_contract_%06x" % random.randrange(1 << 24)
        subprocess.run(["psql", pg, "-q", "-c", f"CREATE DATABASE {database}"], check=True)
        stores.append(("postgres", ["--database", pg.rsplit("/", 1)[0] + "/" + database]))
    passed = failed = 0
    for label, extra in stores:
        p, f = contract(label, extra)
        passed, failed = passed + p, failed + f
    print(f"\ncontract: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
