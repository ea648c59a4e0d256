#!/usr/bin/env python3
"""Helper of bench/mixed-load.sh: a web client that records reviews through
the real form, and times single page requests, warm and right after a write.

Standard library only. Talks to one server on 127.0.0.1 (refuses any other
host). Passwords come from the environment (BENCH_IRO_PASSWORD,
BENCH_MANAGER_PASSWORD), never from the command line.

    mixed_load.py writer --base URL --user U --child C --date-file F \
        --every 2 --duration 30 --out writes.tsv
    mixed_load.py probe --base URL --iro-user U --manager-user M --child C \
        --date-file F --samples 5 --out probe.tsv
    mixed_load.py summary writes.tsv probe.tsv

A review is recorded as a browser would: GET /children/C/reviews/new (the
form, for its csrf_token), POST /children/C/reviews (expects 303), then GET
the page it redirects to. Each review has a new date: the date file holds the
next one, walking back a day at a time (so dates never repeat within a
database copy).
"""

import argparse
import datetime as dt
import http.client
import os
import re
import statistics
import sys
import time
import urllib.parse

TOKEN = re.compile(r'name="csrf_token" value="([^"]*)"')


class Session:
    """One signed-in browser: a keep-alive connection and its cookies."""

    def __init__(self, base, timeout):
        u = urllib.parse.urlsplit(base)
        if u.hostname != "127.0.0.1":
            raise SystemExit(f"refusing to talk to {u.hostname}: 127.0.0.1 only")
        self.host, self.port = u.hostname, u.port or 80
        self.origin = f"http://{self.host}:{self.port}"
        self.timeout = timeout
        self.cookies = {}
        self.conn = None

    def _connect(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def request(self, method, path, form=None):
        """(status, body, seconds, location); one retry on a dropped keep-alive."""
        headers = {}
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
        for attempt in (1, 2):
            conn = self._connect()
            start = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            secs = time.perf_counter() - start
            break
        for value in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if resp.getheader("Connection", "").lower() == "close":
            conn.close()
            self.conn = None
        return resp.status, data.decode("utf-8", "replace"), secs, resp.getheader("Location")

    def sign_in(self, user, password):
        status, page, _, _ = self.request("GET", "/sign-in")
        m = TOKEN.search(page)
        if status != 200 or not m:
            raise SystemExit(f"GET /sign-in answered {status} without a csrf_token")
        status, _, _, _ = self.request(
            "POST", "/sign-in", {"csrf_token": m.group(1), "username": user, "password": password}
        )
        if status not in (302, 303):
            raise SystemExit(f"signing in as {user} answered {status} (expected a redirect)")


def next_date(path):
    """The next review date from the date file (then one day earlier)."""
    with open(path) as f:
        d = dt.date.fromisoformat(f.read().strip())
    with open(path, "w") as f:
        f.write((d - dt.timedelta(days=1)).isoformat() + "\n")
    return d


class WriteFailed(Exception):
    """A step of recording a review answered wrongly (or not in time)."""

    def __init__(self, stage, status, secs, detail=""):
        super().__init__(f"{stage} answered {status} after {secs:.2f} s {detail}".strip())
        self.stage, self.status, self.secs = stage, status, secs


def timed(s, stage, method, path, form=None):
    start = time.perf_counter()
    try:
        return s.request(method, path, form)
    except (TimeoutError, OSError, http.client.HTTPException) as e:
        if s.conn is not None:
            s.conn.close()
            s.conn = None
        raise WriteFailed(stage, type(e).__name__, time.perf_counter() - start) from e


def record_review(s, child, date):
    """Records one review through the form; returns the timings."""
    status, page, t_form, _ = timed(s, "form", "GET", f"/children/{child}/reviews/new")
    m = TOKEN.search(page)
    if status != 200 or not m:
        raise WriteFailed("form", status, t_form)
    form = {
        "csrf_token": m.group(1),
        "date": date.isoformat(),
        # Always give a reason: required when the review is late, dropped
        # by the form when it is in time.
        "late_reason": "other",
        "participation": "PN1",
        "kind": "statutory",
        "sw_report": "not_recorded",
    }
    status, body, t_post, location = timed(s, "post", "POST", f"/children/{child}/reviews", form)
    if status not in (302, 303):
        errors = re.findall(r'govuk-error-message[^>]*>(?:<span[^>]*>[^<]*</span>)?\s*([^<]+)', body)
        raise WriteFailed("post", status, t_post, f"(review of {date}: {errors[:3] or body[:200]})")
    return {"form": t_form, "post": t_post, "location": location}


def cmd_writer(a):
    s = Session(a.base, a.timeout)
    t = time.perf_counter()
    s.sign_in(a.user, os.environ["BENCH_IRO_PASSWORD"])
    print(f"writer signed in ({time.perf_counter() - t:.2f} s)", file=sys.stderr)
    out = open(a.out, "w")
    out.write("t_start\tdate\tform_s\tpost_s\tredirect_s\tlate_start_s\toutcome\n")
    if a.ready:
        # Signed in: tell the script to start wrk now.
        open(a.ready, "w").close()
    start = time.monotonic()
    n = 0
    while True:
        # One every `every` seconds; when a write takes longer, the next
        # starts as soon as it is done. None starts after `duration`.
        due = start + n * a.every
        now = time.monotonic()
        if due - start >= a.duration or now - start >= a.duration:
            break
        if now < due:
            time.sleep(due - now)
        late = max(0.0, time.monotonic() - due)
        date = next_date(a.date_file)
        t0 = time.monotonic() - start
        n += 1
        try:
            r = record_review(s, a.child, date)
            # Follow the redirect as a browser does (the child's page).
            status, _, t_red, _ = timed(s, "redirect", "GET", r["location"] or f"/children/{a.child}")
            if status != 200:
                raise WriteFailed("redirect", status, t_red)
        except WriteFailed as e:
            # Recorded, and the writer goes on: failures are a result.
            print(f"write {n} ({date}): {e}", file=sys.stderr)
            f = {"form": "", "post": "", "redirect": ""}
            f[e.stage] = f"{e.secs:.4f}"
            out.write(f"{t0:.3f}\t{date}\t{f['form']}\t{f['post']}\t{f['redirect']}\t{late:.3f}\t{e.stage} {e.status}\n")
            out.flush()
            continue
        out.write(f"{t0:.3f}\t{date}\t{r['form']:.4f}\t{r['post']:.4f}\t{t_red:.4f}\t{late:.3f}\tok\n")
        out.flush()
    out.close()


def cmd_probe(a):
    iro = Session(a.base, a.timeout)
    iro.sign_in(a.iro_user, os.environ["BENCH_IRO_PASSWORD"])
    writer = Session(a.base, a.timeout)
    writer.sign_in(a.iro_user, os.environ["BENCH_IRO_PASSWORD"])
    manager = Session(a.base, a.timeout)
    manager.sign_in(a.manager_user, os.environ["BENCH_MANAGER_PASSWORD"])
    pages = [
        ("caseload", iro, "/caseload"),
        ("child", iro, f"/children/{a.child}"),
        ("dashboard", manager, "/dashboard"),
    ]
    out = open(a.out, "w")
    out.write("page\tstate\tsample\tseconds\tstatus\n")

    def get(name, s, path, state, i):
        status, _, secs, _ = s.request("GET", path)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}")
        out.write(f"{name}\t{state}\t{i}\t{secs:.4f}\t{status}\n")
        out.flush()
        return secs

    for name, s, path in pages:
        get(name, s, path, "warm-up", 0)
        for i in range(1, a.samples + 1):
            get(name, s, path, "warm", i)
    for name, s, path in pages:
        for i in range(1, a.samples + 1):
            try:
                r = record_review(writer, a.child, next_date(a.date_file))
            except WriteFailed as e:
                raise SystemExit(f"recording a review: {e}")
            out.write(f"{name}\twrite-post\t{i}\t{r['post']:.4f}\t303\n")
            get(name, s, path, "after-write", i)
            get(name, s, path, "warm-after", i)
            time.sleep(a.pause)
    out.close()


def stats(xs):
    xs = sorted(xs)
    if not xs:
        return "–"
    med = statistics.median(xs)
    return f"{fmt(med)} (min {fmt(xs[0])}, max {fmt(xs[-1])}, n={len(xs)})"


def fmt(s):
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return None
    k = max(0, min(len(xs) - 1, round(p / 100 * len(xs) + 0.5) - 1))
    return xs[k]


def cmd_summary(a):
    if a.writes and os.path.exists(a.writes):
        rows = [l.rstrip("\n").split("\t") for l in open(a.writes)][1:]
        ok = [r for r in rows if r[6] == "ok"]
        failed = [r for r in rows if r[6] != "ok"]
        if rows:
            end = max(float(r[0]) + sum(float(x) for x in r[2:5] if x) for r in rows)
            print(
                f"writer: {len(ok)} reviews recorded, {len(failed)} failed (one every {a.every} s asked); "
                f"the last ended {end:.1f} s after the first began"
            )
        else:
            print("writer: no write started")
        if ok:
            post = [float(r[3]) for r in ok]
            form = [float(r[2]) for r in ok]
            red = [float(r[4]) for r in ok]
            cycle = [float(r[2]) + float(r[3]) + float(r[4]) for r in ok]
            print(f"  GET form:                    {stats(form)}")
            print(f"  POST review:                 {stats(post)}")
            print(f"  GET child page (redirect):   {stats(red)}")
            print(f"  whole write (form+POST+GET): {stats(cycle)}; p90 {fmt(pct(cycle, 90))}")
        for r in failed:
            secs = next(float(x) for x in r[2:5] if x)
            print(f"  failed at {float(r[0]):.1f} s: {r[6]} after {fmt(secs)}")
        late = [float(r[5]) for r in rows]
        if rows:
            print(f"  writes started late (previous still running): {sum(1 for x in late if x > 0.05)} of {len(rows)}")
    if a.probe and os.path.exists(a.probe):
        rows = [l.rstrip("\n").split("\t") for l in open(a.probe)][1:]
        by = {}
        for page, state, _, secs, _ in rows:
            by.setdefault((page, state), []).append(float(secs))
        print("single requests (one at a time; median, min, max):")
        for page in ("caseload", "child", "dashboard"):
            for state, label in (
                ("warm", "warm"),
                ("write-post", "POST review before it"),
                ("after-write", "first request after a write"),
                ("warm-after", "the request after that"),
            ):
                if (page, state) in by:
                    print(f"  {page:<10} {label:<28} {stats(by[(page, state)])}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("writer")
    w.add_argument("--base", required=True)
    w.add_argument("--user", required=True)
    w.add_argument("--child", required=True)
    w.add_argument("--date-file", required=True)
    w.add_argument("--every", type=float, default=2.0)
    w.add_argument("--duration", type=float, required=True)
    w.add_argument("--timeout", type=float, default=120.0)
    w.add_argument("--out", required=True)
    w.add_argument("--ready", help="a file to create once signed in, just before the first write")
    pr = sub.add_parser("probe")
    pr.add_argument("--base", required=True)
    pr.add_argument("--iro-user", required=True)
    pr.add_argument("--manager-user", required=True)
    pr.add_argument("--child", required=True)
    pr.add_argument("--date-file", required=True)
    pr.add_argument("--samples", type=int, default=5)
    pr.add_argument("--pause", type=float, default=0.5)
    pr.add_argument("--timeout", type=float, default=120.0)
    pr.add_argument("--out", required=True)
    s = sub.add_parser("summary")
    s.add_argument("--writes")
    s.add_argument("--probe")
    s.add_argument("--every", default="2")
    a = p.parse_args()
    {"writer": cmd_writer, "probe": cmd_probe, "summary": cmd_summary}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
