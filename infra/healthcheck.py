"""Container health check: GET /healthz/ on the local gunicorn, as the load balancer would.

The request carries a host name from ALLOWED_HOSTS and `X-Forwarded-Proto: https`, because in
production Django rejects unknown hosts and redirects plain HTTP to HTTPS. Exit 0 when the
application answers 200 (it has reached the database), 1 otherwise.
"""

from __future__ import annotations

import http.client
import os
import sys


def _host() -> str:
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(
            "GET", "/healthz/", headers={"Host": _host(), "X-Forwarded-Proto": "https"}
        )
        status = connection.getresponse().status
    except OSError as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status != 200:
        print(f"unhealthy: /healthz/ answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
