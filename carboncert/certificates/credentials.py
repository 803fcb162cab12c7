"""The certificate as an Open Badges 3.0 credential (a W3C Verifiable Credential), signed
with the certificate key: a Data Integrity proof of the eddsa-jcs-2022 suite.

JCS (RFC 8785) canonical JSON is json.dumps with sorted keys, no spaces and UTF-8 as is,
for documents like these that hold strings and integers only (no floats). The proof's
value is the Ed25519 signature of sha256(canonical proof options) ‖ sha256(canonical
credential), in multibase base58btc ("z…"); the verification method names the key by
its id, published with the others at /verify/keys.json.
"""

import hashlib
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def canonical(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def base58(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = ALPHABET[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def unbase58(text: str) -> bytes:
    n = 0
    for ch in text:
        n = n * 58 + ALPHABET.index(ch)
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def _to_sign(credential: dict, options: dict) -> bytes:
    return (
        hashlib.sha256(canonical(options)).digest() + hashlib.sha256(canonical(credential)).digest()
    )


def sign(credential: dict, key: Ed25519PrivateKey, method: str, created: str) -> dict:
    options = {"@context": credential["@context"], "type": "DataIntegrityProof",
               "cryptosuite": "eddsa-jcs-2022", "created": created,
               "verificationMethod": method, "proofPurpose": "assertionMethod"}  # fmt: skip
    proof = dict(options, proofValue="z" + base58(key.sign(_to_sign(credential, options))))
    return dict(credential, proof=proof)


def verify(signed: dict, key: Ed25519PublicKey) -> bool:
    from cryptography.exceptions import InvalidSignature

    document = dict(signed)
    proof = dict(document.pop("proof", {}))
    value = proof.pop("proofValue", "")
    if not value.startswith("z") or proof.get("cryptosuite") != "eddsa-jcs-2022":
        return False
    try:
        key.verify(unbase58(value[1:]), _to_sign(document, proof))
    except (InvalidSignature, ValueError):
        return False
    return True


def credential(*, number, name, achievement_zh, achievement_en, description, issuer_id,
               issuer_name, issued_on, verify_url) -> dict:  # fmt: skip
    """The unsigned Open Badges 3.0 OpenBadgeCredential."""
    return {
        "@context": CONTEXTS,
        "id": verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{achievement_zh} · {achievement_en}",
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": issuer_name},
        "validFrom": f"{issued_on.isoformat()}T00:00:00+08:00",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": name,
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": name,
                }
            ],
            "achievement": {
                "id": f"{issuer_id}/achievements/{number[4:7]}",
                "type": ["Achievement"],
                "name": achievement_zh,
                "description": description,
                "criteria": {"narrative": "参加双碳（碳达峰和碳中和）岗位能力培训并通过考核。"},
            },
        },
        "credentialStatus": {"id": verify_url, "type": "CarboncertStatus"},
        "evidence": [{"type": ["Evidence"], "id": verify_url, "name": f"证书编号 {number}"}],
    }
