#!/usr/bin/env python3
"""Opens pages of a satchel-read export-html site in headless Chromium and checks them.

    chromium_check.py SITE_DIR --page PATH TEXT [--page PATH TEXT ...] [--shots DIR]
                      [--chromium BIN] [--timeout SECONDS]

For every --page (PATH relative to SITE_DIR, opened as file://), in one browser tab:
  - navigates and waits for the load event (plus a short settle time);
  - every Network.requestWillBeSent is collected: a request whose URL is not file: (or
    data:, which loads nothing; Chromium's media controls use it for their icons) fails
    the check (the others are reported); so does any Network.loadingFailed;
  - every console error (Runtime.consoleAPICalled of type error or assert), uncaught
    exception (Runtime.exceptionThrown), Log.entryAdded of level error (Chromium reports
    Content-Security-Policy violations there) and Audits.issueAdded of a CSP issue fails it;
  - every <audio> element must load its file's metadata (a duration) within 5 s;
  - TEXT must be in document.title or the page's text (a DOM query, not the file bytes);
  - a screenshot (Page.captureScreenshot) is written to SHOTS/export-<n>-<name>.png
    (SHOTS: --shots, else $ARTIFACTS, else the current folder).

Chromium is Debian's, run with --headless=new --no-sandbox (CI runs as root), a temporary
profile (removed afterwards), background networking, updates, sync and the like off, and a
proxy that points nowhere (127.0.0.1:9), so an accidental request fails instead of leaving
the machine. It speaks the DevTools protocol over --remote-debugging-pipe: fd 3 carries
our commands, fd 4 its answers, each a JSON message ended by a NUL byte. Chromium is
killed (its own process group) on every path. Exit 0 when every check passed, 1 when one
failed, 2 when the browser could not be driven. Standard library only.
"""
import argparse
import base64
import fcntl
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time


class Browser:
    """One Chromium process and the DevTools pipe to it."""

    def __init__(self, binary, profile, log):
        cmd_r, cmd_w = os.pipe()
        ans_r, ans_w = os.pipe()
        # move the child's ends above 3 and 4, so dup2 below cannot clobber one
        cmd_r2 = fcntl.fcntl(cmd_r, fcntl.F_DUPFD_CLOEXEC, 10)
        ans_w2 = fcntl.fcntl(ans_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(cmd_r)
        os.close(ans_w)

        def child_fds():
            os.dup2(cmd_r2, 3)
            os.dup2(ans_w2, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        args = [
            binary, "--headless=new", "--no-sandbox", "--disable-gpu",
            "--remote-debugging-pipe", "--user-data-dir=" + profile,
            "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-extensions",
            "--disable-default-apps", "--disable-domain-reliability", "--disable-breakpad",
            "--disable-client-side-phishing-detection", "--metrics-recording-only",
            "--no-pings", "--mute-audio", "--hide-scrollbars", "--window-size=1000,1300",
            "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,"
            "CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions",
            "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
            "about:blank",
        ]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                     close_fds=False, preexec_fn=child_fds,
                                     start_new_session=True)
        os.close(cmd_r2)
        os.close(ans_w2)
        self.out = os.fdopen(cmd_w, "wb", buffering=0)
        self.inp = ans_r
        self.next_id = 0
        self.events = []  # (sessionId, method, params)
        self.answers = {}
        self.q = queue.Queue()
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        buf = b""
        while True:
            try:
                chunk = os.read(self.inp, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                self.q.put(None)
                return
            buf += chunk
            while b"\0" in buf:
                msg, buf = buf.split(b"\0", 1)
                self.q.put(json.loads(msg.decode("utf-8")))

    def _pump(self, deadline):
        """Takes messages until the deadline; False when the pipe closed."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            try:
                m = self.q.get(timeout=left)
            except queue.Empty:
                return True
            if m is None:
                raise RuntimeError("Chromium closed the DevTools pipe")
            if "id" in m:
                self.answers[m["id"]] = m
            else:
                self.events.append((m.get("sessionId"), m.get("method"), m.get("params", {})))

    def call(self, method, params=None, session=None, timeout=15):
        self.next_id += 1
        mid = self.next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.out.write(json.dumps(msg).encode("utf-8") + b"\0")
        deadline = time.monotonic() + timeout
        while mid not in self.answers:
            if time.monotonic() >= deadline:
                raise RuntimeError("no answer to %s within %d s" % (method, timeout))
            self._pump(min(deadline, time.monotonic() + 0.2))
        ans = self.answers.pop(mid)
        if "error" in ans:
            raise RuntimeError("%s failed: %s" % (method, ans["error"]))
        return ans.get("result", {})

    def wait_event(self, method, session, timeout, start):
        """Waits for event `method` of session seen after events[start:]."""
        deadline = time.monotonic() + timeout
        while True:
            for s, m, _ in self.events[start:]:
                if m == method and s == session:
                    return True
            if time.monotonic() >= deadline:
                return False
            self._pump(min(deadline, time.monotonic() + 0.2))

    def settle(self, seconds):
        self._pump(time.monotonic() + seconds)

    def close(self):
        """Asks Chromium to quit, then kills its process group (renderers, helpers)."""
        quietly(lambda: self.call("Browser.close", timeout=3))
        quietly(lambda: self.proc.wait(timeout=5))
        quietly(lambda: os.killpg(self.proc.pid, signal.SIGKILL))  # the group we started
        quietly(lambda: self.proc.wait(timeout=5))
        quietly(self.out.close)
        quietly(lambda: os.close(self.inp))


def quietly(fn):
    """Runs fn, ignoring the errors of tearing down (gone already, timed out)."""
    try:
        fn()
    except (OSError, RuntimeError, subprocess.TimeoutExpired):
        pass


def problems_in(events, session):
    """Failures among the events of one page: console errors, exceptions, CSP reports,
    failed loads; and the URLs requested."""
    bad, urls = [], []
    for s, m, p in events:
        if s != session:
            continue
        if m == "Network.requestWillBeSent":
            url = p.get("request", {}).get("url", "")
            # data: loads nothing from anywhere (Chromium's own media controls draw their
            # icons from data: URLs; the pages hold none, t_export_html.sh checks that)
            urls.append(url if not url.startswith("data:") else url[:30] + "...")
            if not url.startswith("file:") and not url.startswith("data:"):
                bad.append("network request to a non-file URL: " + url)
        elif m == "Network.loadingFailed":
            if not p.get("canceled"):
                bad.append("a load failed: %s (%s)" % (p.get("errorText"), p.get("blockedReason")))
        elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            bad.append("console %s: %s" % (p.get("type"), json.dumps(p.get("args"))[:300]))
        elif m == "Runtime.exceptionThrown":
            bad.append("exception: " + json.dumps(p.get("exceptionDetails"))[:300])
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            e = p["entry"]
            bad.append("log error (%s): %s %s" % (e.get("source"), e.get("text"), e.get("url", "")))
        elif m == "Audits.issueAdded":
            code = p.get("issue", {}).get("code", "")
            if "ContentSecurityPolicy" in code or "MixedContent" in code:
                bad.append("issue: " + json.dumps(p.get("issue"))[:300])
    return bad, urls


def check_page(br, session, site, rel, text, shot):
    url = "file://" + os.path.join(site, rel)
    start = len(br.events)
    br.call("Page.navigate", {"url": url}, session)
    if not br.wait_event("Page.loadEventFired", session, 15, start):
        return ["no load event within 15 s for " + url], []
    br.settle(0.7)  # late subresources, reports
    res = br.call("Runtime.evaluate", {
        "expression": "JSON.stringify({title: document.title, "
                      "text: document.body ? document.body.innerText : '', "
                      "csp: !!document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]'), "
                      "imgs: Array.from(document.images).map(i => [i.src, i.complete && i.naturalWidth > 0])})",
        "returnByValue": True}, session)
    info = json.loads(res["result"]["value"])
    # every <audio> must load its file (media-src 'self' from file:): its metadata within 5 s
    res = br.call("Runtime.evaluate", {
        "expression": "Promise.all(Array.from(document.querySelectorAll('audio')).map(a => "
                      "new Promise(ok => { if (a.readyState >= 1) { ok([a.src, a.duration]); return; } "
                      "a.addEventListener('loadedmetadata', () => ok([a.src, a.duration])); "
                      "a.addEventListener('error', () => ok([a.src, -1])); "
                      "setTimeout(() => ok([a.src, -2]), 5000); a.preload = 'metadata'; a.load(); })))"
                      ".then(r => JSON.stringify(r))",
        "awaitPromise": True, "returnByValue": True}, session, timeout=20)
    audio = json.loads(res["result"]["value"])
    br.settle(0.3)
    bad, urls = problems_in(br.events[start:], session)
    for src, dur in audio:
        if not dur or dur <= 0:
            bad.append("audio not playable (%s): %s" % ("error" if dur == -1 else "no metadata", src))
    if text not in info["title"] and text not in info["text"]:
        bad.append("%r is not in the page's title or text" % text)
    if not info["csp"]:
        bad.append("no Content-Security-Policy meta element in the DOM")
    for src, ok in info["imgs"]:
        if not ok:
            bad.append("image not shown: " + src)
    png = br.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False},
                  session)
    with open(shot, "wb") as f:
        f.write(base64.b64decode(png["data"]))
    print("page %s: title %r, %d request(s): %s; %d of %d image(s) shown; audio %s; "
          "screenshot %s" % (
              rel, info["title"], len(urls),
              ", ".join(u.replace("file://" + site, "") for u in urls),
              sum(1 for _, ok in info["imgs"] if ok), len(info["imgs"]),
              ", ".join("%.1f s" % d for _, d in audio) or "none", shot))
    return bad, urls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("--page", nargs=2, action="append", metavar=("PATH", "TEXT"), required=True)
    ap.add_argument("--shots")
    ap.add_argument("--chromium", default="chromium")
    ap.add_argument("--timeout", type=float, default=60)
    a = ap.parse_args()
    site = os.path.realpath(a.site)
    shots = a.shots or os.environ.get("ARTIFACTS") or "."
    os.makedirs(shots, exist_ok=True)
    binary = shutil.which(a.chromium)
    if binary is None:
        print("chromium_check: %s not found (scripts/deps.sh installs it)" % a.chromium)
        return 2
    profile = tempfile.mkdtemp(prefix="satchel-chromium-")
    log_path = os.path.join(profile, "..", os.path.basename(profile) + ".log")
    failures = []
    br = None
    t0 = time.monotonic()

    def on_alarm(signum, frame):
        raise TimeoutError("chromium_check: over %d s" % a.timeout)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(a.timeout))
    try:
        with open(log_path, "wb") as log:
            br = Browser(binary, profile, log)
            target = br.call("Target.createTarget", {"url": "about:blank"}, timeout=30)
            session = br.call("Target.attachToTarget",
                              {"targetId": target["targetId"], "flatten": True})["sessionId"]
            for dom in ("Network", "Runtime", "Log", "Page", "Audits"):
                br.call(dom + ".enable", {}, session)
            for n, (rel, text) in enumerate(a.page):
                name = os.path.splitext(os.path.basename(rel))[0]
                shot = os.path.join(shots, "export-%d-%s.png" % (n, name))
                bad, _ = check_page(br, session, site, rel, text, shot)
                failures += ["%s: %s" % (rel, b) for b in bad]
    except (RuntimeError, TimeoutError, OSError, KeyError, ValueError) as e:
        print("chromium_check: cannot drive the browser: %s" % e)
        if os.path.exists(log_path):
            with open(log_path, "rb") as f:
                sys.stdout.write(f.read()[-3000:].decode("utf-8", "replace"))
        failures.append(None)
    finally:
        signal.alarm(0)
        if br is not None:
            br.close()
        shutil.rmtree(profile, ignore_errors=True)
        if os.path.exists(log_path):
            os.unlink(log_path)
    print("chromium_check: %.1f s" % (time.monotonic() - t0))
    if None in failures:
        return 2
    for f in failures:
        print("FAIL " + f)
    if failures:
        return 1
    print("chromium_check: %d page(s), no request left file:, no console error, no CSP report"
          % len(a.page))
    return 0


if __name__ == "__main__":
    sys.exit(main())
