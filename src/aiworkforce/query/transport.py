"""HTTP for the remote SPARQL stores (:mod:`aiworkforce.query.remote`: queries, ``push``): urllib, plus what two
real stores need of it.

* **HTTP Digest.** Credentials in a URL go out as HTTP Basic; a store that asks for Digest instead (Virtuoso's
  ``/sparql-graph-crud-auth`` and ``/sparql-auth``, RFC 7616) gets them as Digest (:func:`open_request`,
  :func:`digest_authorization`).
* **An answer before the body is read.** A store may refuse a large PUT at once and close the connection while
  the body is still being sent; its answer says why, where the reset does not (:class:`_EarlyAnswer`).
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request

from aiworkforce.errors import RemoteError


class _EarlyAnswer:
    """An HTTP connection that still reads the server's answer when the server stopped reading the request body
    and closed the connection: a store may refuse a large PUT at once (Virtuoso: no default graph there; a proxy:
    too large), and its answer says why, where the reset the client sees while still sending does not. A success
    answer to a body not sent whole is not believed: the reset stands."""

    _unsent: OSError | None = None

    def send(self, data):
        if self._unsent is None:
            try:
                super().send(data)
            except (BrokenPipeError, ConnectionResetError) as exc:
                self._unsent = exc

    def getresponse(self):
        try:
            response = super().getresponse()
        except (OSError, http.client.HTTPException):
            if self._unsent is not None:
                raise self._unsent from None
            raise
        if self._unsent is not None and response.status < 400:
            response.close()
            raise self._unsent
        return response


class _HTTPConnection(_EarlyAnswer, http.client.HTTPConnection):
    pass


class _HTTPSConnection(_EarlyAnswer, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_HTTPSConnection, req, context=self._context)


def _urlopen(request: urllib.request.Request, timeout: float):
    """``urllib.request.urlopen`` (with the proxies of the environment) over :class:`_EarlyAnswer` connections."""
    return urllib.request.build_opener(_HTTPHandler, _HTTPSHandler).open(request, timeout=timeout)


def open_request(request: urllib.request.Request, timeout: float, *, where: str):
    """``urlopen(request)``, answering an HTTP Digest challenge with the Basic credentials the request carries.

    Credentials given in the URL go out as HTTP Basic (:func:`_with_credentials`). Virtuoso takes Digest only (its
    ``/sparql-graph-crud-auth`` and ``/sparql-auth``): it answers Basic, or no credentials, with HTTP 401 and closes
    the connection before it reads a large body, which the client then sees as a reset. So a PUT first asks, with
    a HEAD without credentials, whether and how the server wants them, and with Digest checks them with a HEAD
    before it sends its body; other requests learn the scheme from the 401. For Digest the request goes out again
    with the same user and password as Digest; otherwise the answer stands."""
    auth = request.get_header("Authorization") or ""
    challenge = None
    if request.get_method() == "PUT":
        refused = _challenge(request, timeout)
        if refused is not None and not auth:
            raise refused  # the body is not sent to a store that wants credentials
        challenge = refused.headers.get("WWW-Authenticate") if refused is not None else None
    if not auth.startswith("Basic "):
        return _urlopen(request, timeout)
    if not is_digest(challenge):
        try:
            return _urlopen(request, timeout)
        except urllib.error.HTTPError as exc:
            if exc.code != 401:
                raise
            challenge = exc.headers.get("WWW-Authenticate")
            if not is_digest(challenge):
                refused = _challenge(request, timeout)
                challenge = refused.headers.get("WWW-Authenticate") if refused is not None else None
            if not is_digest(challenge):
                raise
            exc.close()
    import base64

    user, _, password = base64.b64decode(auth[len("Basic "):]).decode("utf-8").partition(":")
    method = request.get_method()
    digest = digest_authorization(challenge, method, request.selector, user, password,
                                   count=2 if method == "PUT" else 1)
    if digest is None:
        raise RemoteError(f"{where} asks for HTTP Digest with an algorithm this client lacks",
                          hint=f"the server's challenge: {challenge[:200]}")
    if method == "PUT":
        check = digest_authorization(challenge, "HEAD", request.selector, user, password, count=1)
        refused = _challenge(request, timeout, authorization=check)
        if refused is not None:
            raise refused  # wrong credentials: the body is not sent
    request.remove_header("Authorization")
    request.add_unredirected_header("Authorization", digest)
    return _urlopen(request, timeout)


def _challenge(request: urllib.request.Request, timeout: float,
               authorization: str | None = None) -> urllib.error.HTTPError | None:
    """The HTTP 401 answer (closed; its ``WWW-Authenticate`` header names the scheme the server wants) of a HEAD
    to ``request``'s URL, without credentials or with ``authorization``; None when the server answers otherwise."""
    agent = request.get_header("User-agent")
    headers = {"User-Agent": agent} if agent else {}
    if authorization:
        headers["Authorization"] = authorization
    probe = urllib.request.Request(request.full_url, method="HEAD", headers=headers)
    try:
        with _urlopen(probe, timeout):
            return None
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc if exc.code == 401 else None


def is_digest(challenge: str | None) -> bool:
    return bool(challenge) and challenge.split(None, 1)[0].lower() == "digest"


def digest_authorization(challenge: str, method: str, uri: str, user: str, password: str, *,
                          count: int = 1, cnonce: str | None = None) -> str | None:
    """The ``Authorization`` header answering the HTTP Digest ``challenge`` (RFC 7616: MD5 or SHA-256, with or
    without ``qop=auth``) as the ``count``-th use of its nonce, or None for an algorithm or quality of protection
    it does not know. ``cnonce`` is random unless given."""
    import hashlib
    import os

    params = urllib.request.parse_keqv_list(urllib.request.parse_http_list(challenge.split(None, 1)[1]))
    algorithm = params.get("algorithm", "MD5")
    hashing = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}.get(algorithm.upper())
    qops = [q.strip() for q in params.get("qop", "").split(",") if q.strip()]
    if hashing is None or "realm" not in params or "nonce" not in params or (qops and "auth" not in qops):
        return None

    def h(text: str) -> str:
        return hashing(text.encode("utf-8")).hexdigest()

    realm, nonce = params["realm"], params["nonce"]
    ha1, ha2 = h(f"{user}:{realm}:{password}"), h(f"{method}:{uri}")
    fields = {"username": user, "realm": realm, "nonce": nonce, "uri": uri}
    if qops:
        cnonce, nc = cnonce or os.urandom(8).hex(), f"{count:08x}"
        fields.update(response=h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"), qop="auth", nc=nc, cnonce=cnonce)
    else:
        fields["response"] = h(f"{ha1}:{nonce}:{ha2}")
    if "opaque" in params:
        fields["opaque"] = params["opaque"]
    fields["algorithm"] = algorithm
    unquoted = ("qop", "nc", "algorithm")

    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return "Digest " + ", ".join(f"{k}={v}" if k in unquoted else f"{k}={quoted(v)}" for k, v in fields.items())
