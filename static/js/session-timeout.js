// The idle-timeout warning (templates/accounts/session_timeout.html). The server
// ends an idle session on its own (portal.accounts.middleware); this only tells
// the person before it happens and lets them stay. It asks the server how long
// is left before warning (another tab may have been busy), counts down in a
// modal dialog, "Stay signed in" posts to the server (which counts as activity),
// and when the time is up it asks once more and leaves for the sign-in page.
(function () {
  "use strict";
  var dialog = document.getElementById("session-timeout");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var form = dialog.querySelector("form");
  var countdown = dialog.querySelector("[data-countdown]");
  var warning = Number(dialog.dataset.warning) || 120;
  var deadline = 0;
  var timer = null;
  var ticker = null;

  function clear() {
    window.clearTimeout(timer);
    window.clearInterval(ticker);
  }

  function format(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  // Plan the warning for a session with ``remaining`` seconds left.
  function plan(remaining) {
    clear();
    deadline = Date.now() + remaining * 1000;
    if (remaining > warning) {
      if (dialog.open) dialog.close();
      timer = window.setTimeout(check, (remaining - warning) * 1000);
    } else {
      warn();
    }
  }

  function warn() {
    if (!dialog.open) dialog.showModal();
    tick();
    ticker = window.setInterval(tick, 1000);
  }

  function tick() {
    var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    countdown.textContent = format(left);
    if (left <= 0) {
      clear();
      check();
    }
  }

  function leave() {
    var here = window.location.pathname + window.location.search;
    window.location.assign(
      dialog.dataset.endedUrl + "?next=" + encodeURIComponent(here)
    );
  }

  function answer(response) {
    return response.json().then(function (status) {
      if (!status.authenticated || status.remaining <= 0) {
        leave();
      } else {
        plan(status.remaining);
      }
    });
  }

  // Asking does not count as activity (the server lets this request pass).
  function check() {
    fetch(dialog.dataset.statusUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      cache: "no-store",
    })
      .then(answer)
      .catch(function () {
        // Unreachable server: keep counting down on what we knew.
        if (Date.now() >= deadline) leave();
        else warn();
      });
  }

  function csrfToken() {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    var config = document.getElementById("wagtail-config");
    return config ? JSON.parse(config.textContent).CSRF_TOKEN : "";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = new FormData(form);
    if (!body.get("csrfmiddlewaretoken")) {
      body.set("csrfmiddlewaretoken", csrfToken());
    }
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(answer)
      .catch(leave);
  });

  if (dialog.dataset.remaining) plan(Number(dialog.dataset.remaining));
  else check();
})();
