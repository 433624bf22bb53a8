"""A local HTTP server that replays recorded API answers, so tests need no internet.

The real clients (the ``arxiv`` package, ``requests``) talk to it over a socket on 127.0.0.1,
pointed at it by ``KB_ARXIV_API_URL`` and ``KB_S2_API_URL``; their parsers and our mapping all
run. Recorded answers come from ``tests/data/arxiv-api``, ``tests/data/semanticscholar-api`` and
``tests/data/crossref-api`` (``KB_CROSSREF_API_URL``).
Faults the recordings lack, the server makes itself: a status (429, 503 …), a slow answer
(``delay``), a body cut off before its ``Content-Length`` (``cut_after``), a dropped connection
(``drop``). :func:`closed_port_url` gives a URL where nothing listens (connection refused).

>>> server = RecordedServer()
>>> server.replay_arxiv("id_1605.08386_s0_m100_199195aa31ad.json")
>>> server.route("/graph/v1/paper/arXiv:1605.08386/references", Reply(status=503))
"""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml

DATA = Path(__file__).parent / "data"

# The recorded arXiv answers (tests/data/arxiv-api), by what they hold.
HEAT_BATH = "id_1605.08386_s0_m100_199195aa31ad.json"  # one paper
QUANTUM = "id_quant-ph_0201082v1_s0_m100_86989fe779ef.json"  # an old-style id
ZERO = "id_2104.12255v1_s0_m100_6ae69987ffe1.json"  # a versioned id
TWO_IDS = "id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.json"  # two papers in one answer
EMPTY = "id_0000.0000_s0_m100_8b51d9633a68.json"  # no paper
ERROR_400 = "id_abc_s0_m100_b79c8dcf6bc3.json"  # arXiv's error feed for a malformed id
ARXIV_DATA = DATA / "arxiv-api"
S2_DATA = DATA / "semanticscholar-api"
CROSSREF_DATA = DATA / "crossref-api"
ARXIV_PATH = "/api/query"
S2_BASE = "/graph/v1"
CROSSREF_WORKS = "/works/"


@dataclass
class Reply:
    """One answer the server gives, or one way it fails to."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    cut_after: int | None = None  # send only this many body bytes, then close
    drop: bool = False  # close the connection without answering

    @classmethod
    def json(cls, data: object, status: int = 200, **headers: str) -> Reply:
        return cls(status, json.dumps(data).encode(), {"Content-Type": "application/json",
                                                        **headers})


@dataclass
class Request:
    """What a client asked."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class _Route:
    path: str
    matches: Callable[[dict[str, str]], bool]
    replies: list[Reply]
    served: int = 0

    def next_reply(self) -> Reply:
        reply = self.replies[min(self.served, len(self.replies) - 1)]
        self.served += 1
        return reply


class RecordedServer:
    """A threaded HTTP server on a free port of 127.0.0.1; ``url`` is its address."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._routes: list[_Route] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,),
                                        daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    # -- what to answer -----------------------------------------------------------------------

    def route(self, path: str, *replies: Reply,
              when: Callable[[dict[str, str]], bool] = lambda query: True) -> None:
        """Answer requests for ``path`` (whose query satisfies ``when``) with ``replies`` in
        turn, the last one repeating. Later routes win over earlier ones."""
        with self._lock:
            self._routes.insert(0, _Route(path, when, list(replies)))

    def replay_arxiv(self, name: str, *extra: Reply, ids: list[str] | None = None,
                     body: Callable[[bytes], bytes] = lambda body: body) -> None:
        """Answer an arXiv query for the recording's ids (versions aside; or ``ids``) with
        the recorded answer, passed through ``body`` (to derive a variant), then ``extra``."""
        recorded_ids, reply = arxiv_recording(name)
        wanted = sorted(ids if ids is not None else recorded_ids)
        reply.body = body(reply.body)
        self.route(ARXIV_PATH, reply, *extra,
                   when=lambda query: sorted(asked_arxiv_ids(query)) == wanted)

    def replay_s2(self, name: str, path: str | None = None) -> None:
        """Answer the cassette's requests by path (or ``path`` instead) and ``offset``."""
        for recorded_path, recorded_query, reply in s2_cassette(name):
            offset = recorded_query.get("offset", "0")
            self.route(path or recorded_path, reply,
                       when=lambda query, offset=offset: query.get("offset", "0") == offset)

    def replay_crossref(self, name: str, *extra: Reply) -> str:
        """Answer a Crossref works request for the recording's DOI with the recorded answer,
        then ``extra``; return the DOI."""
        doi, reply = crossref_recording(name)
        self.route(CROSSREF_WORKS + doi, reply, *extra)
        return doi

    def asked(self, path_prefix: str) -> list[Request]:
        """The requests received whose path starts with ``path_prefix``."""
        return [r for r in self.requests if r.path.startswith(path_prefix)]

    def _reply_for(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            for route in self._routes:
                if route.path == request.path and route.matches(request.query):
                    return route.next_reply()
        return Reply.json({"error": f"no recording for {request.path} {request.query}"}, 404)

    # -- HTTP ---------------------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                url = urlsplit(self.path)
                request = Request(unquote(url.path), dict(parse_qsl(url.query)),
                                  {k.lower(): v for k, v in self.headers.items()})
                reply = server._reply_for(request)
                if reply.delay and server._stopping.wait(reply.delay):
                    return
                if reply.drop:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body[:reply.cut_after])
                if reply.cut_after is not None:
                    self.wfile.flush()
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001
        pass  # a client that gave up (a timeout) leaves a broken pipe: expected here


def closed_port_url() -> str:
    """An http URL on 127.0.0.1 where nothing listens: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# -- recordings --------------------------------------------------------------------------------

_VERSION = re.compile(r"v\d+$")


def asked_arxiv_ids(query: dict[str, str]) -> list[str]:
    """The ids of an arXiv API query's ``id_list``, without version suffixes."""
    return [_VERSION.sub("", i) for i in query.get("id_list", "").split(",") if i]


def arxiv_recording(name: str) -> tuple[list[str], Reply]:
    """The ids asked in a recorded arXiv answer, and the answer."""
    recorded = json.loads((ARXIV_DATA / name).read_text(encoding="utf-8"))
    query = dict(parse_qsl(urlsplit(recorded["url"]).query))
    reply = Reply(recorded["status_code"], recorded["body"].encode("utf-8"),
                  {"Content-Type": "application/atom+xml; charset=UTF-8"})
    return asked_arxiv_ids(query), reply


def crossref_recording(name: str) -> tuple[str, Reply]:
    """The DOI asked in a recorded Crossref answer, and the answer."""
    recorded = json.loads((CROSSREF_DATA / name).read_text(encoding="utf-8"))
    doi = unquote(urlsplit(recorded["url"]).path).split("/works/", 1)[1]
    reply = Reply(recorded["status_code"], recorded["body"].encode("utf-8"),
                  {"Content-Type": recorded["content_type"]})
    return doi, reply


def s2_cassette(name: str) -> list[tuple[str, dict[str, str], Reply]]:
    """Each interaction of a vcrpy cassette: path (below the API host), query and answer."""
    cassette = yaml.safe_load((S2_DATA / name).read_text(encoding="utf-8"))
    found = []
    for interaction in cassette["interactions"]:
        url = urlsplit(interaction["request"]["uri"])
        response = interaction["response"]
        reply = Reply(response["status"]["code"], response["body"]["string"].encode("utf-8"),
                      {"Content-Type": "application/json"})
        found.append((unquote(url.path), dict(parse_qsl(url.query)), reply))
    return found


def with_arxiv_fields(body: bytes, **fields: str) -> bytes:
    """A recorded feed with ``<arxiv:doi>``, ``<arxiv:journal_ref>`` … added to its entry,
    or ``title=…`` replaced: the same answer as arXiv gives once a paper has them."""
    text = body.decode("utf-8")
    for name, value in fields.items():
        if name == "title":
            text = re.sub(r"(<entry>.*?<title>).*?(</title>)", rf"\g<1>{value}\g<2>", text,
                          count=1, flags=re.S)
        else:
            text = text.replace("</entry>", f"  <arxiv:{name}>{value}</arxiv:{name}>\n"
                                "  </entry>", 1)
    return text.encode("utf-8")


def merged_arxiv_feed(*names: str) -> bytes:
    """One feed holding the entries of several recorded answers, as arXiv answers a query for
    several ids at once (``totalResults`` and ``itemsPerPage`` counted again)."""
    bodies = [arxiv_recording(name)[1].body.decode("utf-8") for name in names]
    entries = [m for body in bodies for m in re.findall(r"  <entry>.*?</entry>\n", body, re.S)]
    head = bodies[0].split("  <entry>", 1)[0]
    head = re.sub(r"<opensearch:totalResults>\d+<", f"<opensearch:totalResults>{len(entries)}<",
                  head)
    return (head + "".join(entries) + "</feed>\n").encode("utf-8")
