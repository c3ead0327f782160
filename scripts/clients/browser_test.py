#!/usr/bin/env python3
"""Mynaportal in a real browser: Debian's headless Chromium driven by Selenium.

A demo server is started in its own temporary directory on a free port. The browser
signs in by the code it shows, which `myna card login` approves from "another device";
then it reads who used the resident's data (creating a provision record with
`myna agency query` when there is none), grants a consent to the demo relying party on
the consent screen, revokes it on /portal/consents, switches to English and signs out.
Every page is checked for its Content-Security-Policy and for the absence of script,
and the browser's console for CSP violations. Screenshots go to $MYNA_ARTIFACTS
(default ./artifacts).

usage: python3 browser_test.py PATH/TO/myna
"""
import base64, hashlib, http.server, json, os, re, secrets, sys, threading, time, urllib.parse

import requests
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from mynademo import Checks, DemoServer

check = Checks()
ARTIFACTS = os.path.abspath(os.environ.get("MYNA_ARTIFACTS", "artifacts"))
COOKIE = "__Host-myna-portal"
CALLBACK_PORT = 9999
SIGNED_IN_PAGES = ["/portal", "/portal/usage", "/portal/card", "/portal/consents", "/portal/refusals", "/portal/points", "/portal/notices",
                   "/portal/card-return"]


# ---- the relying party's redirect URI: something that answers, so the page loads cleanly ----
class Callback(http.server.BaseHTTPRequestHandler):
    received = []

    def do_GET(self):
        Callback.received.append(self.path)
        body = b"<!DOCTYPE html><html lang=en><title>callback</title><p>callback received</p></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start_callback_server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", CALLBACK_PORT), Callback)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


# ---- the browser --------------------------------------------------------------------------
def new_driver():
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600", "--lang=ja-JP"]:
        options.add_argument(argument)
    if os.path.exists("/usr/bin/chromium"):
        options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    return driver


class Shots:
    def __init__(self, driver):
        self.driver, self.count = driver, 0
        os.makedirs(ARTIFACTS, exist_ok=True)
        for name in os.listdir(ARTIFACTS):  # this run's screenshots only
            if re.fullmatch(r"\d\d-[\w.-]+\.png", name):
                os.remove(os.path.join(ARTIFACTS, name))

    def __call__(self, name):
        self.count += 1
        path = os.path.join(ARTIFACTS, f"{self.count:02d}-{name}.png")
        try:
            self.driver.save_screenshot(path)
        except WebDriverException as error:
            print(f"      (screenshot {name} failed: {error.msg})")
        return path


def path_of(url):
    return urllib.parse.urlsplit(url).path


def query_of(url):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def console_problems(driver):
    """Console messages that matter: CSP violations and errors, except the favicon's 404."""
    try:
        entries = driver.get_log("browser")
    except WebDriverException:
        return []
    return [e["message"] for e in entries
            if ("Content Security Policy" in e["message"] or e["level"] == "SEVERE") and "favicon.ico" not in e["message"]]


def inline_script_findings(html):
    """Script of any kind in a page: <script>, inline event handlers, javascript: URLs."""
    findings = []
    if re.search(r"<script\b", html, re.I):
        findings.append("<script>")
    handler = re.search(r"<[^>]+\son[a-z]+\s*=", html, re.I)
    if handler:
        findings.append(handler.group(0)[:80])
    if re.search(r"""(href|action|src)\s*=\s*["']?\s*javascript:""", html, re.I):
        findings.append("javascript: URL")
    return findings


def csp_ok(policy):
    directives = {d.strip().split(" ")[0]: d.strip() for d in policy.split(";") if d.strip()}
    return (directives.get("default-src") == "default-src 'none'" and "script-src" not in directives
            and "unsafe-inline" not in policy and "unsafe-eval" not in policy and "frame-ancestors 'none'" in policy)


def main(binary):
    server = DemoServer(binary)
    driver = callback = None
    try:
        try:
            callback = start_callback_server()
        except OSError as error:
            check(f"a stand-in relying party listens on 127.0.0.1:{CALLBACK_PORT}", False, repr(error))
        server.start()
        driver = new_driver()
        run(server, driver, Shots(driver))
    except Exception as error:
        import traceback
        traceback.print_exc()
        if driver is not None:
            Shots(driver)("unexpected-exception")
        check("the test ran to its end without an unexpected exception", False, repr(error))
    finally:
        if driver is not None:
            try:
                driver.quit()
            except WebDriverException:
                pass
        errors = server.server_errors()
        check("the server logged no 5xx and no unhandled error", not errors, "\n".join(errors[:10]))
        if check.failed:
            print("--- server log (tail) ---\n" + server.log_tail(15))
        server.stop()
        if callback is not None:
            callback.shutdown()
            callback.server_close()
    print(f"screenshots: {ARTIFACTS}")
    return check.summary("browser_test")


def run(server, driver, shot):
    demo, base = server.demo, server.base
    resident = demo["residents"][0]
    client = demo["oidcClients"][0]
    wait = WebDriverWait(driver, 20, poll_frequency=0.25)

    def fetch(path, token, **kwargs):
        """The page as `requests` sees it with the browser's session cookie (requests keeps
        Secure cookies off plain http, so the header is written by hand)."""
        return requests.get(base + path, headers={"Cookie": f"{COOKIE}={token}"}, allow_redirects=False, timeout=15, **kwargs)

    def session_cookie():
        cookie = driver.get_cookie(COOKIE)
        return cookie or {}

    # ---- sign in by the code the browser shows -----------------------------------------------
    driver.get(base + "/portal/sign-in")
    shot("sign-in")
    code = driver.find_element(By.CSS_SELECTOR, "p.signin-code code").text.strip()
    check("the sign-in page shows a code like K7Q2-9XMP", re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code) is not None, code)
    refresh = driver.find_elements(By.CSS_SELECTOR, "meta[http-equiv='refresh']")
    check("the sign-in page refreshes itself to /portal/sign-in/wait?pending=…",
          bool(refresh) and "/portal/sign-in/wait?pending=" in refresh[0].get_attribute("content"), refresh and refresh[0].get_attribute("content"))
    check("the sign-in page has a Continue (続ける) button", any(b.text.strip() == "続ける" for b in driver.find_elements(By.CSS_SELECTOR, "form button")))
    before = session_cookie()
    check("the visitor's cookie is __Host-myna-portal: Secure, HttpOnly, SameSite=Lax, path /",
          before.get("secure") is True and before.get("httpOnly") is True and before.get("sameSite") == "Lax" and before.get("path") == "/", before)
    style = driver.execute_script("return getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    check("the stylesheet loads under the CSP (the header is coloured)", style not in ("rgba(0, 0, 0, 0)", "transparent", None), style)

    approved = server.myna("card", "login", "--card", resident["card"]["file"], "--pin", resident["card"]["pins"]["authentication"],
                           "--code", code, "--server", base, "--data-dir", server.data_dir)
    check("myna card login approves the code", approved.returncode == 0, approved.stdout + approved.stderr)
    try:
        wait.until(lambda d: path_of(d.current_url) == "/portal" and resident["name"] in d.find_element(By.TAG_NAME, "body").text)
        landed = True
    except TimeoutException:
        landed = False
    shot("signed-in-home")
    check("within 20 s the browser lands on /portal showing the resident's name (meta refresh, no script)", landed,
          f"{driver.current_url} {driver.find_element(By.TAG_NAME, 'body').text[:300]}")
    after = session_cookie()
    token = after.get("value", "")
    check("signing in replaced the session cookie (a new token)", token and token != before.get("value"), (before.get("value"), token))
    check("the header names the signed-in resident", resident["name"] in driver.find_element(By.CSS_SELECTOR, ".resident-name").text)
    check("the home page shows the resident's address", resident["address"] in driver.find_element(By.TAG_NAME, "main").text)

    # ---- who used my data: a provision record checked against the transparency log ---------------
    def provision_rows():
        return driver.find_elements(By.CSS_SELECTOR, "table:has(caption#usage-provisions-caption) tbody tr")

    def verified_rows():
        return [r for r in provision_rows() if r.find_elements(By.CSS_SELECTOR, ".log-check.log-verified") and "検証済み" in r.text]

    driver.get(base + "/portal/usage")
    created = None
    if not provision_rows():
        print("      (the demo has no provision record for this resident: a welfare office queries one through the hub)")
        welfare = next(a for a in demo["agencies"] if a["type"] == "municipal-welfare" and a.get("municipalityCode") == "131016")
        created = server.myna("agency", "query", "--credential", welfare["credential"], "--server", base, "--code", resident["codes"][welfare["id"]],
                              "--item", "local-tax-assessment", "--task", "child-allowance")
        check("myna agency query: the welfare office obtains a tax assessment for child-allowance",
              created.returncode == 0 and '"recordId"' in created.stdout, created.stdout + created.stderr)
        time.sleep(2)  # the log sequences every second
        deadline = time.monotonic() + 15
        driver.refresh()
        while not verified_rows() and time.monotonic() < deadline:
            time.sleep(1)
            driver.refresh()
    shot("usage")
    rows = provision_rows()
    check("/portal/usage has the provision-record table with at least one row", len(rows) >= 1,
          driver.find_element(By.TAG_NAME, "main").text[:500])
    check("a provision row says 検証済み (verified against the transparency log)", len(verified_rows()) >= 1,
          [r.text for r in rows][:3])
    if rows:
        text = rows[0].text
        check("the row names the requester, the provider and the task", "子ども支援課" in text and "税務課" in text and "child-allowance" in text, text)
        link = rows[0].find_elements(By.CSS_SELECTOR, "a[href*='/evidence']")
        if link:
            evidence = fetch(path_of(link[0].get_attribute("href")), token)
            check("the row's evidence link gives a JSON download", evidence.status_code == 200 and evidence.headers.get("content-type", "").startswith("application/json")
                  and "attachment" in evidence.headers.get("content-disposition", ""), f"{evidence.status_code} {dict(evidence.headers)}")

    # ---- the public-fund account and health insurance, each confirmed by the resident -----------
    def fill(form_action, values, confirm):
        form = driver.find_element(By.CSS_SELECTOR, f"form[action='{form_action}']")
        for name, value in values.items():
            if name == "accountType":
                form.find_element(By.CSS_SELECTOR, f"input[name='accountType'][value='{value}']").click()
                continue
            field = form.find_element(By.CSS_SELECTOR, f"input[name='{name}']")
            field.clear()
            field.send_keys(value)
        if confirm:
            form.find_element(By.CSS_SELECTOR, f"input[name='confirm'][value='{confirm}']").click()
        form.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
        wait.until(lambda d: not form_is_attached(form))  # the answer page has replaced this one

    def form_is_attached(element):
        try:
            element.is_enabled()
            return True
        except (StaleElementReferenceException, WebDriverException):  # replaced, or mid-navigation
            return False

    account = {"bankCode": "0005", "branchCode": "123", "accountType": "ordinary", "accountNumber": "1234567", "holderNameKana": resident["nameKana"]}
    driver.get(base + "/portal/linkages")
    fill("/portal/linkages/account", account, "no")
    check("an account form answered no registers nothing and says why",
          path_of(driver.current_url) == "/portal/linkages/account" and driver.find_elements(By.CSS_SELECTOR, "[role='alert']")
          and "****567" not in driver.find_element(By.TAG_NAME, "main").text, driver.find_element(By.TAG_NAME, "main").text[:400])
    fill("/portal/linkages/account", dict(account, holderNameKana="ヤマダ ハナコ"), "yes")
    check("an account in another name is refused, never registered",
          driver.find_elements(By.CSS_SELECTOR, "[role='alert']") and "****567" not in driver.find_element(By.TAG_NAME, "main").text)
    fill("/portal/linkages/account", account, "yes")
    fill("/portal/linkages/insurance", {"insurerNumber": "01130012", "symbol": "1234", "number": "00001"}, "yes")
    shot("linkages")
    linked = driver.find_element(By.TAG_NAME, "main").text
    check("with the resident's yes and matching facts, the account (number masked) and the insurance are registered",
          path_of(driver.current_url) == "/portal/linkages" and "****567" in linked and "01130012" in linked and "全国健康保険協会" in linked, linked[:600])
    console_problems(driver)  # the refused forms' 422s are expected: drain them from the console log
    inspected = server.myna("inspect", "linkages", "--data-dir", server.data_dir, *server.database_option_for_cli())
    check("myna inspect linkages finds nothing that disagrees with the register", inspected.returncode == 0, inspected.stdout + inspected.stderr)

    # ---- grant a consent on the consent screen -----------------------------------------------------
    redirect_uri = client["redirectUris"][0]

    def authorization_url(**extra):
        """An authorization request built by hand: PKCE S256, state and nonce."""
        verifier = base64.urlsafe_b64encode(secrets.token_bytes(48)).rstrip(b"=").decode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        state = secrets.token_urlsafe(16)
        url = base + "/oidc/authorize?" + urllib.parse.urlencode({
            "response_type": "code", "client_id": client["clientId"], "redirect_uri": redirect_uri, "scope": "openid name",
            "state": state, "nonce": secrets.token_urlsafe(16), "code_challenge": challenge, "code_challenge_method": "S256", **extra})
        return url, state, verifier

    authorize, state, verifier = authorization_url()
    driver.get(authorize)
    shot("consent-screen")
    check("the signed-in browser sees the consent screen at the authorization URL (no sign-in again)",
          path_of(driver.current_url) == "/oidc/authorize" and client["name"] in driver.find_element(By.TAG_NAME, "main").text,
          f"{driver.current_url} {driver.find_element(By.TAG_NAME, 'body').text[:300]}")
    check("the consent screen lists exactly the asked scopes, with the resident's name",
          sorted(e.get_attribute("data-scope") for e in driver.find_elements(By.CSS_SELECTOR, "tr[data-scope]")) == ["name", "openid"]
          and resident["name"] in driver.find_element(By.CSS_SELECTOR, "table.consent-scopes").text,
          [e.get_attribute("data-scope") for e in driver.find_elements(By.CSS_SELECTOR, "tr[data-scope]")])
    consent_screen = fetch(urllib.parse.urlsplit(authorize).path + "?" + urllib.parse.urlsplit(authorize).query, token)
    policy = consent_screen.headers.get("Content-Security-Policy", "")
    check("the consent screen's CSP lets its form lead to the redirect URI's origin only",
          "form-action 'self' http://127.0.0.1:9999" in policy and csp_ok(policy), policy)
    Callback.received.clear()
    decision_form = {e.get_attribute("name"): e.get_attribute("value") for e in driver.find_elements(By.CSS_SELECTOR, "form.decision input[type='hidden']")}
    approve = driver.find_element(By.CSS_SELECTOR, "form.decision button[name='decision'][value='approve']")
    approve.click()
    try:
        wait.until(lambda d: d.current_url.startswith(redirect_uri))
        redirected = True
    except TimeoutException:
        redirected = False
    shot("callback")
    back = query_of(driver.current_url)
    check("approving redirects the browser to the relying party with a code, the state and iss",
          redirected and back.get("code") and back.get("state") == state and back.get("iss") == client["issuer"], driver.current_url)
    check("the stand-in relying party received the callback and the page loaded",
          any(p.startswith("/callback?") for p in Callback.received) and "callback received" in driver.find_element(By.TAG_NAME, "body").text,
          (Callback.received, driver.page_source[:200]))
    problems = console_problems(driver)
    check("no CSP violation or console error on the way to the relying party (form-action and its redirect)", not problems, problems)

    again = requests.post(base + "/oidc/authorize/decision", headers={"Cookie": f"{COOKIE}={token}"}, data={**decision_form, "decision": "approve"},
                          allow_redirects=False, timeout=15)
    check("the same request cannot be decided twice (a replayed approve POST: 400 page, no redirect)",
          again.status_code == 400 and "Location" not in again.headers and again.headers.get("content-type", "").startswith("text/html"),
          f"{again.status_code} {again.headers.get('Location')}")

    access = None
    if back.get("code"):
        exchanged = requests.post(base + "/oidc/token", auth=(client["clientId"], client["clientSecret"]), timeout=15, data={
            "grant_type": "authorization_code", "code": back["code"], "redirect_uri": redirect_uri, "code_verifier": verifier})
        access = exchanged.json().get("access_token") if exchanged.status_code == 200 else None
        check("the code the browser carried is exchanged for tokens", access is not None, f"{exchanged.status_code} {exchanged.text[:300]}")

    # ---- the consent is listed, and revoked by the resident ------------------------------------------
    driver.get(base + "/portal/consents")
    shot("consents")
    rows = [r for r in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr") if client["name"] in r.text]
    check("/portal/consents lists the demo client by name", len(rows) == 1, driver.find_element(By.TAG_NAME, "main").text[:400])
    if rows:
        rows[0].find_element(By.CSS_SELECTOR, "form[action$='/revoke'] button[type='submit']").click()
        try:
            wait.until(lambda d: path_of(d.current_url) == "/portal/consents" and client["name"] not in d.find_element(By.TAG_NAME, "main").text)
            gone = True
        except TimeoutException:
            gone = False
        shot("consent-revoked")
        check("revoking it (a POST form with the CSRF token) removes it from the list", gone, driver.find_element(By.TAG_NAME, "main").text[:400])
        check("the page then says there is no consent", "同意しているアプリはありません" in driver.find_element(By.TAG_NAME, "main").text)
        if access:
            info = requests.get(base + "/oidc/userinfo", headers={"Authorization": "Bearer " + access}, timeout=15)
            check("the app's token stops working once the consent is revoked (userinfo 401)", info.status_code == 401, info.status_code)
    driver.get(base + "/portal/notices")
    shot("notices")
    check("/portal/notices tells of the consent and its revocation", client["name"] in driver.find_element(By.TAG_NAME, "main").text,
          driver.find_element(By.TAG_NAME, "main").text[:400])

    # ---- Mykey and Mynapoint: a sign-up made with the card shows on the resident's page -------------
    provider = next(a for a in server.demo["agencies"] if a["type"] == "cashless-provider")
    joined = server.myna("mynapoint", "sign-up", "--card", resident["card"]["file"], "--pin", resident["card"]["pins"]["authentication"],
                         "--campaign", "demo-round-2", "--provider", provider["id"], "--account", "browser-test", "--server", base, "--data-dir", server.data_dir)
    confirmation = json.loads(joined.stdout or "{}").get("confirmation", "")
    driver.get(base + "/portal/points")
    shot("points")
    main_text = driver.find_element(By.TAG_NAME, "main").text
    check("/portal/points shows the Mykey ID, the sign-up's confirmation, its provider and the points granted for the linkages",
          joined.returncode == 0 and confirmation and confirmation in main_text and provider["name"] in main_text and "¥15,000" in main_text,
          joined.stdout[-300:] + joined.stderr[-300:] + main_text[:500])

    # ---- every signed-in page: CSP, no script, renders in Chromium --------------------------------
    # The pages are those the navigation links to (as a person would reach them), plus the
    # documented ones in case a link is missing.
    driver.get(base + "/portal")
    nav = [path_of(a.get_attribute("href")) for a in driver.find_elements(By.CSS_SELECTOR, "nav.site-nav a")]
    check("the signed-in navigation links to every documented page", set(SIGNED_IN_PAGES) <= set(nav), nav)
    pages = list(dict.fromkeys(nav + SIGNED_IN_PAGES))
    driver.get_log("browser")  # start afresh
    for path in pages:
        answer = fetch(path, token)
        policy = answer.headers.get("Content-Security-Policy", "")
        findings = inline_script_findings(answer.text)
        check(f"{path}: 200, strict CSP, no script at all",
              answer.status_code == 200 and csp_ok(policy) and not findings and answer.headers.get("X-Content-Type-Options") == "nosniff",
              f"{answer.status_code} csp={policy!r} script={findings}")
        driver.get(base + path)
        shot("page" + path.replace("/", "-"))
        scripts = driver.find_elements(By.TAG_NAME, "script")
        heading = driver.find_elements(By.CSS_SELECTOR, "main h1")
        check(f"{path}: Chromium renders it (h1, no <script>, the resident's name in the header)",
              path_of(driver.current_url) == path and heading and not scripts and resident["name"] in driver.find_element(By.CSS_SELECTOR, "header").text,
              f"{driver.current_url} {heading and heading[0].text}")
    problems = console_problems(driver)
    check("no CSP violation or console error on any signed-in page", not problems, problems)

    # ---- OIDC Core §3.1.2.1 prompt and max_age, asked of a signed-in browser ---------------------------
    def answer_to(extra):
        url, state_value, _ = authorization_url(**extra)
        driver.get(url)
        return driver.current_url, state_value

    landed_at, state_value = answer_to({"prompt": "none"})
    shot("prompt-none")
    got = query_of(landed_at)
    check("prompt=none shows no consent screen: it goes back to the client (consent_required or a code)",
          landed_at.startswith(redirect_uri) and got.get("state") == state_value
          and (got.get("error") in ("consent_required", "interaction_required", "login_required") or got.get("code")),
          f"landed on {landed_at} ({driver.find_element(By.TAG_NAME, 'h1').text if driver.find_elements(By.TAG_NAME, 'h1') else ''})")
    time.sleep(1.1)  # the session is now more than a second old
    landed_at, _ = answer_to({"max_age": "1"})
    shot("max-age-1")
    check("max_age=1 with an older sign-in asks for the card again (re-authentication), not the consent screen",
          path_of(landed_at) == "/portal/sign-in" or (landed_at.startswith(redirect_uri) and query_of(landed_at).get("error") == "login_required"),
          f"landed on {landed_at}")
    landed_at, _ = answer_to({"prompt": "login"})
    shot("prompt-login")
    check("prompt=login asks for the card again (re-authentication), not the consent screen",
          path_of(landed_at) == "/portal/sign-in" or (landed_at.startswith(redirect_uri) and query_of(landed_at).get("error") == "login_required"),
          f"landed on {landed_at}")

    # ---- English ---------------------------------------------------------------------------------------
    driver.get(base + "/portal")
    driver.find_element(By.CSS_SELECTOR, ".language-switch a").click()
    try:
        wait.until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
        english = True
    except TimeoutException:
        english = False
    shot("home-english")
    check("the language link switches to English: <html lang=\"en\">", english, driver.find_element(By.TAG_NAME, "html").get_attribute("lang"))
    check("the English page says Sign out", any(b.text.strip() == "Sign out" for b in driver.find_elements(By.CSS_SELECTOR, "form.sign-out button")))
    driver.get(base + "/portal/usage")
    check("English is remembered on the next page (cookie)", driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")

    forged = requests.post(base + "/portal/sign-out", headers={"Cookie": f"{COOKIE}={token}"}, data={"csrf": "forged"}, allow_redirects=False, timeout=15)
    still = fetch("/portal", token)
    check("a sign-out POST with a wrong CSRF token is refused with 403 and the session lives on",
          forged.status_code == 403 and still.status_code == 200, (forged.status_code, still.status_code))

    # ---- sign out ----------------------------------------------------------------------------------------
    driver.find_element(By.CSS_SELECTOR, "header form.sign-out button[type='submit']").click()
    try:
        wait.until(lambda d: path_of(d.current_url) == "/portal/sign-in")
        out = True
    except TimeoutException:
        out = False
    shot("signed-out")
    check("sign-out (the header's POST form) lands on /portal/sign-in", out, driver.current_url)
    driver.get(base + "/portal")
    check("after sign-out /portal redirects to /portal/sign-in", path_of(driver.current_url) == "/portal/sign-in"
          and query_of(driver.current_url).get("return_to") == "/portal", driver.current_url)
    shot("portal-after-sign-out")
    old = fetch("/portal", token)
    check("the old session cookie no longer opens /portal (303 to sign-in)",
          old.status_code == 303 and old.headers.get("Location", "").startswith("/portal/sign-in"), f"{old.status_code} {old.headers.get('Location')}")
    # ---- signed out, an app's authorization request: sign in with the card, come back, decline ------------
    authorize, state, _ = authorization_url()
    driver.get(authorize)
    at_sign_in = path_of(driver.current_url) == "/portal/sign-in" and query_of(driver.current_url).get("return_to", "").startswith("/oidc/authorize?")
    shot("authorize-signed-out")
    check("signed out, the authorization URL sends the browser to sign in, with return_to", at_sign_in, driver.current_url)
    codes = driver.find_elements(By.CSS_SELECTOR, "p.signin-code code")
    if at_sign_in and codes:
        approved = server.myna("card", "login", "--card", resident["card"]["file"], "--pin", resident["card"]["pins"]["authentication"],
                               "--code", codes[0].text.strip(), "--server", base, "--data-dir", server.data_dir)
        try:
            wait.until(lambda d: path_of(d.current_url) == "/oidc/authorize" and d.find_elements(By.CSS_SELECTOR, "form.decision"))
            returned = True
        except TimeoutException:
            returned = False
        shot("consent-after-sign-in")
        check("after the card approves, the browser comes back to the consent screen (return_to kept the whole request)",
              approved.returncode == 0 and returned and query_of(driver.current_url).get("state") == state, driver.current_url)
        if returned:
            driver.find_element(By.CSS_SELECTOR, "form.decision button[name='decision'][value='deny']").click()
            try:
                wait.until(lambda d: d.current_url.startswith(redirect_uri))
            except TimeoutException:
                pass
            shot("denied")
            got = query_of(driver.current_url)
            check("declining redirects with error=access_denied, the state and iss, and no code",
                  got.get("error") == "access_denied" and got.get("state") == state and got.get("iss") == client["issuer"] and "code" not in got,
                  driver.current_url)

    # ---- the language link keeps what the visitor was doing -------------------------------------------
    authorize, state, _ = authorization_url()
    driver.get(authorize)
    language_before = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
    driver.find_element(By.CSS_SELECTOR, ".language-switch a").click()
    time.sleep(0.5)
    shot("consent-language-switched")
    check("the language link on the consent screen keeps the authorization request (same consent screen, other language)",
          path_of(driver.current_url) == "/oidc/authorize" and driver.find_elements(By.CSS_SELECTOR, "form.decision")
          and driver.find_element(By.TAG_NAME, "html").get_attribute("lang") != language_before,
          f"{driver.current_url} -> {driver.find_element(By.TAG_NAME, 'h1').text if driver.find_elements(By.TAG_NAME, 'h1') else ''}")
    driver.find_element(By.CSS_SELECTOR, "header form.sign-out button[type='submit']").click()
    wait.until(lambda d: path_of(d.current_url) == "/portal/sign-in")  # signed out before going on
    driver.get(base + "/portal/usage")
    href = driver.find_element(By.CSS_SELECTOR, ".language-switch a").get_attribute("href")
    check("the language link on the sign-in page keeps return_to (where the visitor was going)",
          path_of(driver.current_url) == "/portal/sign-in" and "return_to" in href, f"{driver.current_url}: link {href}")

    signin = fetch("/portal/sign-in", "x")
    check("/portal/sign-in (signed out): strict CSP, no script", csp_ok(signin.headers.get("Content-Security-Policy", ""))
          and not inline_script_findings(signin.text), signin.headers.get("Content-Security-Policy"))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
