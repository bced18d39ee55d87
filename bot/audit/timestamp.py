"""RFC 3161 timestamps: a timestamping authority (TSA) signs « this hash existed at this time ».

The run's final manifest line (whose hash covers every line and file before it) is stamped once
the run ends; the answer is kept as `manifest.tsr` beside the manifest. Nobody holding the folder
can make such a signature for an earlier time: that is what makes a rewritten folder show.

Built on asn1crypto (the DER structures) and cryptography (the signature check); no network
access but `request`. The check says which authority signed (its certificate's subject and
fingerprint); whether that authority is trusted is the reader's decision, or pinned with
DAMANCOM_TSA_CERT.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import algos, tsp

from bot.system import clock

TIMEOUT = 10.0
MAX_ANSWER = 64 * 1024


class TimestampInvalid(Exception):
    """French text: why a timestamp cannot be relied on."""


class TimestampUnavailable(Exception):
    """French text: the authority could not be reached or refused."""


@dataclass
class Stamp:
    time: datetime  # aware, UTC as signed
    authority: str  # subject and fingerprint of the signing certificate
    trusted: bool  # signed by (or under) a certificate given in DAMANCOM_TSA_CERT

    @property
    def shown_time(self) -> str:
        return self.time.astimezone(clock.TZ).strftime("%d/%m/%Y %H:%M:%S (heure du Maroc)")


def request_bytes(digest: bytes, nonce: int) -> bytes:
    return tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": digest},
            "nonce": nonce,
            "cert_req": True,
        }
    ).dump()


def request(url: str, digest: bytes, timeout: float = TIMEOUT) -> bytes:
    """Asks `url` to stamp `digest` (sha256); returns the answer (DER), already checked."""
    import urllib.error
    import urllib.request

    nonce = secrets.randbits(63)
    post = urllib.request.Request(
        url, data=request_bytes(digest, nonce), headers={"Content-Type": "application/timestamp-query"}
    )
    try:
        with urllib.request.urlopen(post, timeout=timeout) as answer:
            data = answer.read(MAX_ANSWER + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise TimestampUnavailable(f"autorité d'horodatage injoignable ({getattr(exc, 'reason', exc)})") from None
    if len(data) > MAX_ANSWER:
        raise TimestampUnavailable("réponse de l'autorité d'horodatage trop grande")
    try:
        check(data, digest, nonce=nonce)
    except TimestampInvalid as exc:
        raise TimestampUnavailable(f"réponse de l'autorité d'horodatage refusée : {exc}") from None
    return data


def check(data: bytes, digest: bytes, *, nonce: int | None = None, trusted: list | None = None) -> Stamp:
    """The stamp in `data` (a TimeStampResp) if it is a valid signature over `digest`."""
    try:
        return _check(data, digest, nonce, trusted or [])
    except TimestampInvalid:
        raise
    except Exception as exc:  # noqa: BLE001 - any malformed structure is an invalid stamp, said in French
        raise TimestampInvalid(f"fichier d'horodatage illisible ({type(exc).__name__})") from None


def _check(data: bytes, digest: bytes, nonce: int | None, trusted: list) -> Stamp:
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    answer = tsp.TimeStampResp.load(data, strict=True)
    if answer["status"]["status"].native not in ("granted", "granted_with_mods"):
        raise TimestampInvalid(f"l'autorité a refusé l'horodatage ({answer['status']['status'].native})")
    token = answer["time_stamp_token"]
    if token["content_type"].native != "signed_data":
        raise TimestampInvalid("jeton d'horodatage d'un type inattendu")
    signed = token["content"]
    content = signed["encap_content_info"]
    if content["content_type"].native != "tst_info":
        raise TimestampInvalid("jeton d'horodatage d'un type inattendu")
    tst_bytes = content["content"].contents
    info = tsp.TSTInfo.load(tst_bytes)
    imprint = info["message_imprint"]
    if imprint["hash_algorithm"]["algorithm"].native != "sha256" or imprint["hashed_message"].native != digest:
        raise TimestampInvalid(
            "l'horodatage porte sur une autre empreinte que la dernière ligne du manifeste "
            "(manifeste modifié après l'horodatage)"
        )
    if nonce is not None and info["nonce"].native != nonce:
        raise TimestampInvalid("réponse d'horodatage rejouée (nonce différent)")
    signer = signed["signer_infos"][0]
    hash_name = signer["digest_algorithm"]["algorithm"].native
    attrs = {a["type"].native: a["values"][0] for a in signer["signed_attrs"]}
    if attrs.get("content_type") is None or attrs["content_type"].native != "tst_info":
        raise TimestampInvalid("attributs signés incomplets")
    if (
        attrs.get("message_digest") is None
        or attrs["message_digest"].native != hashlib.new(hash_name, tst_bytes).digest()
    ):
        raise TimestampInvalid("le contenu de l'horodatage ne correspond pas à sa signature")
    cert = _signing_certificate(signed, signer)
    signed_bytes = signer["signed_attrs"].untag().dump()
    _verify_signature(
        cert.public_key(), signer["signature"].native, signed_bytes, hash_name, signer["signature_algorithm"]
    )
    try:
        usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        usages = []
    if ExtendedKeyUsageOID.TIME_STAMPING not in usages:
        raise TimestampInvalid("le certificat signataire n'est pas un certificat d'horodatage")
    when = info["gen_time"].native
    if not cert.not_valid_before_utc <= when <= cert.not_valid_after_utc:
        raise TimestampInvalid("horodatage signé hors de la période de validité du certificat")
    fingerprint = cert.fingerprint(_hash(hash_name) if hash_name != "md5" else _hash("sha256")).hex()
    authority = f"{cert.subject.rfc4514_string()} (empreinte {fingerprint[:16]}…)"
    return Stamp(when, authority, _trusted(cert, trusted))


def _signing_certificate(signed, signer):
    from cryptography import x509

    sid = signer["sid"]
    for choice in signed["certificates"] or []:
        if choice.name != "certificate":
            continue
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            match = cert.issuer == sid.chosen["issuer"] and cert.serial_number == sid.chosen["serial_number"].native
        else:
            match = cert.key_identifier == sid.chosen.native
        if match:
            return x509.load_der_x509_certificate(cert.dump())
    raise TimestampInvalid("le certificat de l'autorité n'est pas joint à l'horodatage")


def _verify_signature(key, signature: bytes, data: bytes, hash_name: str, algorithm: algos.SignedDigestAlgorithm):
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    try:
        if isinstance(key, rsa.RSAPublicKey):
            pad = (
                padding.PSS(padding.MGF1(_hash(hash_name)), padding.PSS.AUTO)
                if algorithm["algorithm"].native == "rsassa_pss"
                else padding.PKCS1v15()
            )
            key.verify(signature, data, pad, _hash(hash_name))
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(_hash(hash_name)))
        else:
            raise TimestampInvalid("type de clé de l'autorité non pris en charge")
    except InvalidSignature:
        raise TimestampInvalid("signature de l'horodatage invalide (fichier modifié ou forgé)") from None


def _hash(name: str):
    from cryptography.hazmat.primitives import hashes

    table = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512(), "sha1": hashes.SHA1()}
    if name not in table:
        raise TimestampInvalid(f"algorithme d'empreinte non pris en charge ({name})")
    return table[name]


def _trusted(cert, trusted: list) -> bool:
    for anchor in trusted:
        if cert == anchor:
            return True
        try:
            cert.verify_directly_issued_by(anchor)
            return True
        except Exception:  # noqa: BLE001 - not issued by this anchor
            continue
    return False


def load_trusted(path: str | None) -> list:
    """Certificates (PEM or DER) from DAMANCOM_TSA_CERT; ConfigError in French when unreadable."""
    if not path:
        return []
    from cryptography import x509

    from bot.errors import ConfigError

    try:
        data = open(path, "rb").read(1 << 20)
        return (
            x509.load_pem_x509_certificates(data) if b"-----BEGIN" in data else [x509.load_der_x509_certificate(data)]
        )
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"DAMANCOM_TSA_CERT : certificat illisible « {path[:200]} » ({type(exc).__name__})."
        ) from None
