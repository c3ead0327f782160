"""Schemathesis hooks: credentials for the Myna API, so generated requests reach the staff,
relying-party and agency routes instead of stopping at 401.

Loaded by schemathesis through SCHEMATHESIS_HOOKS=hooks; reads the credentials that
run.py wrote to the file named by MYNA_CONTRACT_CREDENTIALS:
  staffToken    a signed-in supervisor's bearer token (staffSession)
  signOutToken  another member's token, used only by DELETE /v1/staff/sessions/current,
                so signing out does not end the session every other staff operation uses
  relyingPartyKey  an `rp_…` API key (relyingPartyKey)
  agencies      {agency type: credential file} from `myna demo --seed-only`
Agency requests are signed per request (Authorization: MynaAgency <assertion>, see
Sources/MynaLinkage/RequestAssertion.swift): a compact JWS, ES256, bound to the method, the
path with its query and the SHA-256 of the body exactly as sent, so the signing happens in
a `requests` auth object, after the body is serialised.
"""
import base64, hashlib, json, os, time, uuid

import requests
import schemathesis
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


# Certificate verification takes a PDF and OCSP a DER request: bodies of bytes, sent as generated.
schemathesis.serializer.alias(["application/pdf", "application/ocsp-request"], "application/octet-stream")
