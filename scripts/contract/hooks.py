"""Schemathesis hooks: credentials for the Myna API, so generated requests reach the staff,
relying-party and agency routes instead of stopping at 401.

Loaded by schemathesis through SCHEMATHESIS_HOOKS=hooks; reads the credentials that
run.py wrote to the file named by MYNA_CONTRACT_CREDENTIALS:
  staffToken    a signed-in supervisor's bearer token (staffSession)
  signOutToken  another member's token, used only by DELETE /v1/staff/sessions/current,
                so signing out does not end the session every other staff operation uses
  procedureToken  a clerk's token, used only by /v1/procedures…, so opening and closing
                procedures leaves alone the one the staff token holds (schemathesis.toml)
  lifeEventsToken  a supervisor's token with a procedure for another resident, used only
                by the life events (LIFE_EVENTS), which end the registration of the record
                they change, so the staff token's resident stays registered
  relyingPartyKey  an `rp_…` API key (relyingPartyKey)
  agencies      {agency type: credential file} from `myna demo --seed-only`
Agency requests are signed per request (Authorization: MynaAgency <assertion>, see
Sources/MynaLinkage/RequestAssertion.swift): a compact JWS, ES256, bound to the method, the
path with its query and the SHA-256 of the body exactly as sent, so the signing happens in
a `requests` auth object, after the body is serialised.
"""
import base64, hashlib, itertools, json, os, time, uuid

import requests
import schemathesis
from hypothesis import strategies as st
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

CREDENTIALS = json.load(open(os.environ["MYNA_CONTRACT_CREDENTIALS"]))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class AgencySignature(requests.auth.AuthBase):
    """Signs the prepared request as `myna agency …` does."""

    def __init__(self, credential_file):
        credential = json.load(open(credential_file))
        self.agency_id, self.key_id = credential["agencyId"], credential["keyId"]
        self.key = serialization.load_pem_private_key(credential["privateKey"].encode(), password=None)

    def __call__(self, request):
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        now = int(time.time())
        header = {"alg": "ES256", "kid": self.key_id, "typ": "myna-request+jwt"}
        claims = {"iss": self.agency_id, "aud": "myna-linkage", "iat": now, "exp": now + 60, "jti": str(uuid.uuid4()),
                  "htm": request.method.upper(), "htu": request.path_url, "bh": b64url(hashlib.sha256(body).digest())}
        signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
        r, s = decode_dss_signature(self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        request.headers["Authorization"] = "MynaAgency " + signing_input + "." + b64url(signature)
        return request


# Which registered party each signed route is for; another type is refused (403 wrong-party-type).
PARTY_BY_PATH = [
    ("/v1/card/challenges", "certificate-kiosk"),  # a party's own challenge; the portal's need no credential
    ("/v1/mynapoint/", "cashless-provider"),
    ("/v1/kiosk/", "certificate-kiosk"),
    ("/v1/eligibility/", "medical-institution"),
    ("/v1/linkage/items", "municipal-tax"),
    ("/v1/linkage/", "municipal-welfare"),
]
# Driven for a resident of their own (schemathesis.toml), in a session of their own.
LIFE_EVENTS = {f"/v1/residents/{{id}}/{event}" for event in ("move-out", "move-in", "death", "number-change")}
SIGNERS = {kind: AgencySignature(path) for kind, path in CREDENTIALS["agencies"].items()}


def security_schemes(operation):
    return {name for requirement in operation.definition.raw.get("security", []) for name in requirement}


@schemathesis.auth(refresh_interval=None)
class MynaCredentials:
    def get(self, case, context):
        schemes = security_schemes(context.operation)
        if "agencyAssertion" in schemes:
            kind = next(kind for prefix, kind in PARTY_BY_PATH if context.operation.path.startswith(prefix))
            return ("agency", kind)
        if "staffSession" in schemes:
            if context.operation.method.upper() == "DELETE" and context.operation.path == "/v1/staff/sessions/current":
                return ("bearer", CREDENTIALS["signOutToken"])
            if context.operation.path.startswith("/v1/procedures"):
                return ("bearer", CREDENTIALS["procedureToken"])
            if context.operation.path in LIFE_EVENTS:
                return ("bearer", CREDENTIALS["lifeEventsToken"])
            return ("bearer", CREDENTIALS["staffToken"])
        if "relyingPartyKey" in schemes:
            return ("bearer", CREDENTIALS["relyingPartyKey"])
        if "metricsToken" in schemes:
            return ("bearer", CREDENTIALS["metricsToken"])
        return None

    def set(self, case, data, context):
        kind, value = data
        if kind == "agency":
            case._auth = SIGNERS[value]
        else:
            case.headers = case.headers or {}
            case.headers["Authorization"] = "Bearer " + value


SOURCES = itertools.count()


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    """Each request from an address of its own (198.18.0.0/15, RFC 2544's benchmarking
    block), named by X-Forwarded-For to the server, which trusts the loopback proxy
    (run.py): the per-source limits (sign-in, card challenges, the hotline, OCSP) would
    otherwise answer most generated requests with 429, and the checks would see no data."""
    number = next(SOURCES) % (1 << 17)
    case.headers = case.headers or {}
    case.headers["X-Forwarded-For"] = f"198.{18 + (number >> 16)}.{(number >> 8) & 0xFF}.{number & 0xFF}"


def with_check_digit(weights, check):
    """The strategy for a code of len(weights) digits and its check digit."""
    def complete(digits):
        return digits + str(check(sum(int(d) * w for d, w in zip(digits, weights))))
    return st.text("0123456789", min_size=len(weights), max_size=len(weights)).map(complete)


# The formats openapi.json names for codes with a check digit, as MynaCore checks them: the
# generator makes codes whose check digit is right, as the document says they must be.
schemathesis.openapi.format("municipality-code", with_check_digit([6, 5, 4, 3, 2], lambda s: (11 - s % 11) % 10))
schemathesis.openapi.format(
    "individual-number", with_check_digit([6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2], lambda s: 0 if s % 11 <= 1 else 11 - s % 11))

# Certificate verification takes a PDF and OCSP a DER request: bodies of bytes, sent as generated.
schemathesis.serializer.alias(["application/pdf", "application/ocsp-request"], "application/octet-stream")


def reversed_range(first, last):
    """Whether the query's range ends before it starts."""
    return lambda case: int(case.query[last]) < int(case.query[first])


# Refusals of schema-valid data for rules no OpenAPI keyword can state, by operation:
# (status, the codes that may carry it, and a condition on the request if there is one).
# schemathesis.toml lets each of these operations answer valid data with that status; the
# check below holds the exception to exactly these codes, so any other refusal still fails.
DOCUMENTED_REFUSALS = {
    # RFC 6962 §4.4 and §4.6: a range that ends before it starts (it compares two parameters).
    "getEntries": (400, {"reversed-range"}, reversed_range("start", "end")),
    "getConsistencyProof": (400, {"reversed-range"}, reversed_range("first", "second")),
    # The seal is a signature over the file's bytes.
    "verifyCertificatePDF": (422, {"certificate-seal-invalid"}, None),
    # A PEM's content must be an RSA-2048 key; the proofs are the card's signatures; the two
    # keys must differ (it compares two fields).
    "issueCard": (422, {"invalid-key", "key-possession-not-proven", "keys-not-distinct"}, None),
    # After the hand-over only the chip handed over is challenged (compared with the card's record).
    "issuanceChallenge": (422, {"invalid-key"}, None),
    "resumeCard": (422, {"invalid-key", "key-possession-not-proven", "keys-not-distinct"}, None),
    "renewCardCertificates": (422, {"invalid-key", "key-possession-not-proven", "keys-not-distinct"}, None),
    # `residentConfirmed: false` is the resident's "no": recorded, and nothing is linked.
    "registerPublicFundAccount": (422, {"confirmation-required"}, lambda case: case.body.get("residentConfirmed") is False),
    "linkHealthInsurance": (422, {"confirmation-required"}, lambda case: case.body.get("residentConfirmed") is False),
    # Whether an endpoint may be pushed to depends on DNS and the operator's --push-allow, not
    # on the request alone.
    "subscribeToItem": (422, {"endpoint-not-https", "endpoint-not-public", "endpoint-unresolvable"}, None),
}


@schemathesis.check
def documented_refusals_only(ctx, response, case):
    """An operation that schemathesis.toml lets refuse schema-valid data does so only with
    the codes, and under the condition, named in DOCUMENTED_REFUSALS."""
    refusal = DOCUMENTED_REFUSALS.get(case.operation.definition.raw.get("operationId"))
    if refusal is None or case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    status, codes, condition = refusal
    if response.status_code != status:
        return None
    code = response.json().get("code")
    if code not in codes or (condition is not None and not condition(case)):
        raise AssertionError(f"valid data refused with {status} {code}, which DOCUMENTED_REFUSALS does not allow")
    return None
