"""A web push service on loopback that does what a browser's push service does with a message:
checks the VAPID JWT's signature with the key the request names (and that it is the
production's key), then decrypts the payload with the subscription's private key and auth
secret, as the phone would (RFC 8291, aes128gcm). It answers 201, or 410 for a dead
subscription."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from tests.live_server import free_port


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Phone:
    """A browser's side of a subscription: its own key pair and auth secret."""

    def __init__(self, service: PushService, name: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = secrets.token_bytes(16)
        self.endpoint = f"{service.base}/push/{name}"
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.p256dh = b64(public)


class PushService:
    def __init__(self, expected_key: str) -> None:
        self.expected_key = expected_key
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.phones: dict[str, Phone] = {}
        self.gone: set[str] = set()
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.refused: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())

    def phone(self, name: str) -> Phone:
        self.phones[name] = Phone(self, name)
        return self.phones[name]

    def start(self) -> PushService:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def check_vapid(self, authorization: str) -> str | None:
        """None when the JWT is signed by the production's key for this audience; else why."""
        scheme, _, params = authorization.partition(" ")
        parts = dict(p.split("=", 1) for p in params.split(","))
        if scheme.lower() != "vapid" or parts.get("k") != self.expected_key:
            return "not signed with the production's VAPID key"
        header, claims, signature = parts["t"].split(".")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(parts["k"]))
        raw = unb64(signature)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        try:
            public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
        except Exception:
            return "bad signature"
        body = json.loads(unb64(claims))
        if json.loads(unb64(header)).get("alg") != "ES256":
            return "not ES256"
        if body.get("aud") != self.base or body.get("exp", 0) < time.time():
            return "wrong audience or expired"
        if not str(body.get("sub", "")).startswith(("mailto:", "https://")):
            return "no contact"
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                name = self.path.rsplit("/", 1)[-1]
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if name in service.gone or name not in service.phones:
                    return self._answer(410)
                why = service.check_vapid(self.headers.get("Authorization", ""))
                if why or self.headers.get("Content-Encoding") != "aes128gcm":
                    service.refused.append(why or "encoding")
                    return self._answer(401)
                phone = service.phones[name]
                plain = http_ece.decrypt(
                    body, private_key=phone.key, auth_secret=phone.auth, version="aes128gcm"
                )
                service.received.append((name, json.loads(plain)))
                self._answer(201)

            def _answer(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return None

        return Handler
