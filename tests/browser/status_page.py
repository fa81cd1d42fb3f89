#!/usr/bin/env python3
"""Drives Debian's chromium (headless, DevTools protocol over a pipe) through the status page of
a running agent. Started by tests/e2e/status_page_test.cpp, which sets up the agent, the apps and
the deployments, and checks what the agent recorded afterwards.

Usage: status_page.py --base http://127.0.0.1:PORT --token TOKEN --failed-app APP
                      --live-app APP --evil TEXT --shots DIR
Exit 0 when every check passed; otherwise prints what failed and exits 1.
"""
import argparse
import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


class Browser:
    """Chromium with --remote-debugging-pipe: commands on fd 3, answers on fd 4, NUL-framed."""

    def __init__(self):
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if not exe:
            raise SystemExit("chromium is not installed (Debian package 'chromium')")
        self.profile = tempfile.mkdtemp(prefix="da-chromium-")
        cmd_r, self.cmd_w = os.pipe()
        self.res_r, res_w = os.pipe()

        def wire_pipes():
            # Move both ends above 4 first: either may be fd 3 or 4 already, and dup2 onto itself
            # would leave the close-on-exec flag set.
            high_r = fcntl.fcntl(cmd_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(res_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", "--user-data-dir=" + self.profile,
             "--remote-debugging-pipe", "about:blank"],
            preexec_fn=wire_pipes, close_fds=False,
            stdout=subprocess.DEVNULL, stderr=open(os.environ.get("DA_CHROMIUM_LOG", os.devnull), "w"))
        os.close(cmd_r)
        os.close(res_w)
        self.next_id = 0
        self.buffer = b""
        self.events = []

    def close(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self.res_r, 65536)
            if not chunk:
                raise RuntimeError("chromium closed its pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.cmd_w, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def open_tab(self, context=None):
        params = {"url": "about:blank"}
        if context:
            params["browserContextId"] = context
        target = self.send("Target.createTarget", params)["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Page.enable", session=session)
        return Tab(self, session)


class Tab:
    def __init__(self, browser, session):
        self.browser = browser
        self.session = session

    def call(self, method, params=None):
        return self.browser.send(method, params, session=self.session)

    def goto(self, url):
        self.call("Page.navigate", {"url": url})
        self.wait_for("document.readyState === 'complete' && location.href !== 'about:blank'")

    def js(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def wait_for(self, expression, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.js(f"document.readyState === 'complete' && !!({expression})"):
                    return True
            except RuntimeError:
                pass  # the page is being replaced (navigation, refresh)
            time.sleep(0.2)
        return False

    def text(self):
        return self.js("document.body ? document.body.innerText : ''") or ""

    def screenshot(self, path, phone=False):
        if phone:
            self.call("Emulation.setDeviceMetricsOverride",
                      {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
        else:
            self.call("Emulation.setDeviceMetricsOverride",
                      {"width": 1200, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        time.sleep(0.3)
        data = self.call("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))


class Checks:
    def __init__(self):
        self.failed = []

    def __call__(self, ok, what):
        print(("ok      " if ok else "FAILED  ") + what, flush=True)
        if not ok:
            self.failed.append(what)


def run(args, browser, check):
    base = args.base.rstrip("/")
    # A browser without the session cookie is sent to the login page.
    stranger = browser.open_tab(browser.send("Target.createBrowserContext")["browserContextId"])
    stranger.goto(base + "/")
    check(stranger.js("location.pathname") == "/login", "without a session, / redirects to /login")

    tab = browser.open_tab()
    tab.goto(base + "/login")
    tab.js("document.getElementById('token').value = " + json.dumps(args.token) +
           "; document.querySelector('form[action=\"/login\"]').submit(); true")
    check(tab.wait_for("location.pathname === '/' && document.querySelector('table.apps')"),
          "logging in with a bearer token shows the apps")
    text = tab.text()
    check(args.failed_app in text and args.live_app in text, "both apps are listed")
    check("failed" in text and "does not exist" in text,
          "the failed deployment is shown with its reason")
    check(args.evil in text, "text from a payload is shown as text")
    check(tab.js("document.querySelectorAll('script').length") == 1,
          "no script from a payload made it into the page")
    check(tab.js("document.cookie") == "", "the session cookie is HttpOnly (invisible to scripts)")
    tab.screenshot(os.path.join(args.shots, "status-overview-phone.png"), phone=True)
    fits = tab.js("document.documentElement.scrollWidth <= window.innerWidth + 1")
    check(fits, "the overview fits a phone's width (no horizontal scrolling)")
    tab.screenshot(os.path.join(args.shots, "status-overview.png"))

    # A form that did not come from the page: no CSRF token. (fetch is blocked outright by the
    # page's Content-Security-Policy, connect-src 'none'.)
    tab.js("var f = document.createElement('form'); f.method = 'post'; f.action = '/apps/" +
           args.failed_app + "/deploy'; var i = document.createElement('input'); i.name = 'force';"
           " i.value = '1'; f.appendChild(i); document.body.appendChild(f); f.submit(); true")
    check(tab.wait_for("document.body.innerText.includes('missing or wrong CSRF token')"),
          "a form sent without the CSRF token is refused (403)")
    blocked = tab.js("fetch('/apps/" + args.failed_app + "/deploy', {method: 'POST', body: "
                     "'force=1'}).then(r => 'sent ' + r.status, e => 'blocked')")
    check(blocked == "blocked", f"a script's POST is blocked by the page's policy (got {blocked})")
    tab.goto(base + "/")
    tab.js("document.querySelector('form[action=\"/apps/" + args.live_app +
           "/deploy\"]').submit(); true")
    check(tab.wait_for("location.pathname.startsWith('/deployments/')"),
          "pressing Redeploy opens the new deployment's page")
    check(tab.js("!!document.querySelector('.state.queued, .state.running') && "
                 "!!document.querySelector('meta[http-equiv=refresh]')"),
          "the new deployment is shown queued or running, and its page reloads itself")
    check(tab.wait_for("document.body.innerText.includes('restarting container')", timeout=30),
          "the running deployment's page follows its steps")
    check(tab.wait_for("document.querySelector('.state.succeeded')", timeout=60),
          "the page shows the deployment succeeded without a reload by hand")
    tab.screenshot(os.path.join(args.shots, "status-deployment.png"))
    print("deployment page: " + tab.js("location.pathname"), flush=True)


def main():
    parser = argparse.ArgumentParser()
    for name in ("--base", "--token", "--failed-app", "--live-app", "--evil", "--shots"):
        parser.add_argument(name, required=True)
    args = parser.parse_args()
    os.makedirs(args.shots, exist_ok=True)
    check = Checks()
    browser = Browser()
    try:
        run(args, browser, check)
    finally:
        browser.close()
    if check.failed:
        print(f"{len(check.failed)} check(s) failed", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
