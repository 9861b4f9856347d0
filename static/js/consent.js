// The cookie/consent banner (templates/privacy/consent_banner.html). Non-essential
// scripts are rendered inert (<script type="text/plain" data-consent="analytics">)
// and started here only once the visitor allowed analytics. The choice of a
// signed-in person is stored in their consent ledger (POST /api/v1/users/me/consents);
// an anonymous visitor's in a cookie. A static file: the CSP allows no inline script.
(function () {
  "use strict";
  var banner = document.getElementById("consent-banner");
  if (!banner) return;
  var PURPOSE = "analytics_cookies";
  var cookieName = banner.dataset.cookie;
  var signedIn = banner.dataset.signedIn === "true";

  function readCookie() {
    var prefix = cookieName + "=";
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf(prefix) === 0) {
        var value = decodeURIComponent(parts[i].slice(prefix.length));
        if (value === "analytics:granted") return "granted";
        if (value === "analytics:denied") return "denied";
      }
    }
    return "";
  }

  function writeCookie(choice) {
    var maxAge = parseInt(banner.dataset.cookieDays, 10) * 86400;
    var secure = window.location.protocol === "https:" ? "; Secure" : "";
    document.cookie =
      cookieName + "=" + encodeURIComponent("analytics:" + choice) +
      "; Max-Age=" + maxAge + "; Path=/; SameSite=Lax" + secure;
  }

  function startScripts() {
    var inert = document.querySelectorAll('script[type="text/plain"][data-consent="analytics"]');
    for (var i = 0; i < inert.length; i++) {
      var original = inert[i];
      var script = document.createElement("script");
      for (var j = 0; j < original.attributes.length; j++) {
        var attribute = original.attributes[j];
        if (attribute.name !== "type") script.setAttribute(attribute.name, attribute.value);
      }
      script.dataset.consentStarted = "true";
      original.parentNode.replaceChild(script, original);
    }
  }

  function save(choice) {
    if (!signedIn) return Promise.resolve();
    return fetch(banner.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": banner.dataset.csrf,
      },
      body: JSON.stringify({ purpose: PURPOSE, granted: choice === "granted" }),
    }).then(function (response) {
      if (!response.ok) throw new Error("consent not saved: " + response.status);
      banner.dataset.choice = choice;
    });
  }

  function apply(choice) {
    banner.hidden = true;
    document.documentElement.dataset.consentAnalytics = choice;
    if (choice === "granted") startScripts();
  }

  function choose(choice) {
    var started = document.querySelector('script[data-consent-started="true"]');
    if (!signedIn) writeCookie(choice);
    save(choice)
      // Not saved (offline?): honoured in this page; the banner asks again later.
      .catch(function () {})
      .then(function () {
        // Scripts already started cannot be stopped: reload the page without them.
        if (choice === "denied" && started) {
          window.location.reload();
        } else {
          apply(choice);
        }
      });
  }

  banner.addEventListener("click", function (event) {
    var button = event.target.closest("[data-consent-choice]");
    if (button) choose(button.dataset.consentChoice);
  });
  var reopen = document.querySelector("[data-consent-reopen]");
  if (reopen) {
    reopen.addEventListener("click", function () { banner.hidden = false; });
  }

  // The ledger speaks for a signed-in person (the cookie of this browser may be
  // someone else's choice); the cookie for an anonymous visitor.
  var known = signedIn ? banner.dataset.choice : readCookie();
  if (known) {
    apply(known);
  } else if (signedIn && readCookie() === "denied") {
    // A refusal made in this browser before signing in (on the sign-in page, say)
    // becomes the person's: recorded in the ledger, not asked again. An "allow"
    // is not carried over: the browser may be shared, and consent must be the
    // person's own act, so they are asked.
    save("denied").catch(function () {});
    apply("denied");
  } else {
    banner.hidden = false;
  }
})();
