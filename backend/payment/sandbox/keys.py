"""Keys and the self-signed platform certificate of the stand-ins, generated at start.

Alipay (open platform, RSA2): the merchant signs requests with its application private key
and Alipay verifies with the application public key uploaded to the console; Alipay signs
responses and notifications with its own private key and the merchant verifies with
"支付宝公钥". WeChat Pay v3: the merchant signs requests with its API certificate's private key
(serial number in the Authorization header); WeChat Pay signs responses and notifications
with the platform certificate's key, and encrypts notification resources and the platform
certificates themselves with the merchant's APIv3 key (AEAD_AES_256_GCM).
"""

from __future__ import annotations

import datetime
import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def _private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def self_signed_certificate(key: rsa.RSAPrivateKey, common_name: str) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Tenpay.com (stand-in)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * 5))
        .sign(key, hashes.SHA256())
    )


@dataclass(frozen=True)
class SandboxKeys:
    alipay_app_id: str
    alipay_seller_id: str
    alipay_app_private_key: str
    alipay_app_public_key: str
    alipay_private_key: str
    alipay_public_key: str
    wechat_mchid: str
    wechat_appid: str
    wechat_apiv3_key: str
    wechat_merchant_private_key: str
    wechat_merchant_public_key: str
    wechat_merchant_serial_no: str
    wechat_platform_private_key: str
    wechat_platform_certificate: str
    wechat_platform_serial_no: str

    @classmethod
    def generate(cls) -> SandboxKeys:
        app, alipay, merchant, platform = (_private_key() for _ in range(4))
        certificate = self_signed_certificate(platform, "Wechatpay platform (stand-in)")
        return cls(
            alipay_app_id="2021000100000001",
            alipay_seller_id="2088000000000001",
            alipay_app_private_key=private_pem(app),
            alipay_app_public_key=public_pem(app),
            alipay_private_key=private_pem(alipay),
            alipay_public_key=public_pem(alipay),
            wechat_mchid="1900000109",
            wechat_appid="wxd678efh567hg6787",
            wechat_apiv3_key=secrets.token_hex(16),
            wechat_merchant_private_key=private_pem(merchant),
            wechat_merchant_public_key=public_pem(merchant),
            wechat_merchant_serial_no=secrets.token_hex(20).upper(),
            wechat_platform_private_key=private_pem(platform),
            wechat_platform_certificate=certificate.public_bytes(serialization.Encoding.PEM).decode(
                "ascii"
            ),
            wechat_platform_serial_no=f"{certificate.serial_number:X}",
        )

    @classmethod
    def load_or_create(cls, path: Path) -> SandboxKeys:
        """Keys kept in a file, so every process of a `make run` (web, worker) shares them."""
        if path.is_file():
            return cls(**json.loads(path.read_text(encoding="utf-8")))
        keys = cls.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(keys)), encoding="utf-8")
        path.chmod(0o600)
        return keys
