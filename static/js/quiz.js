/*
 * Taking an assessment (templates/assessments/take.html): start or resume the
 * attempt, count down to the server's deadline, autosave the answers, submit, and
 * report proctoring events. No framework; everything it needs is in data
 * attributes of #quiz. Talks to the REST API with the session cookie and the CSRF
 * token rendered in the page (the CSRF cookie is HttpOnly in production).
 *
 * - Clock: the countdown runs on the server's clock. The page renders the server
 *   time; the resume call's envelope timestamp refines the offset to the client
 *   clock. At zero the answers are submitted.
 * - Autosave: every AUTOSAVE_MS when the answers changed, and when the page is
 *   hidden or left (fetch keepalive), so a closed tab loses nothing.
 * - Proctored exams: the start call returns a token once; it is kept in
 *   sessionStorage and sent as X-Proctor-Session with every call for the attempt.
 */
(function () {
  "use strict";

  var root = document.getElementById("quiz");
  if (!root) {
    return;
  }

  var API = "/api/v1";
  var AUTOSAVE_MS = 5000;
  var EVENTS_MS = 5000;
  var TICK_MS = 500;
  var KEEPALIVE_MAX_BYTES = 60000; // browsers cap keepalive bodies at 64 KiB
  var EVENTS_PER_BATCH = 50;
  var EVENTS_QUEUE_MAX = 500;

  var assessmentId = root.dataset.assessmentId;
  var attemptId = root.dataset.attemptId || null;
  var proctored = root.dataset.proctored === "true";
  var csrf = root.dataset.csrf;
  var resultUrl = root.dataset.resultUrl;
  var deadline = root.dataset.deadline ? Number(root.dataset.deadline) : null;
  // Server clock minus client clock. The rendered time is a little old by now,
  // which errs towards more time left until the resume call corrects it.
  var offset = root.dataset.serverNow ? Number(root.dataset.serverNow) - Date.now() : 0;

  var messages = (document.getElementById("quiz-messages") || root).dataset;
  var alertBox = document.getElementById("quiz-alert");
  var statusEl = document.getElementById("quiz-save-status");
  var timerEl = document.getElementById("quiz-timer");
  var announcer = document.getElementById("quiz-time-announcer");
  var form = document.getElementById("quiz-form");
  var startForm = document.getElementById("quiz-start");

  // --- helpers ------------------------------------------------------------------

  function msg(key, values) {
    var text = messages[key] || messages.generic || "";
    Object.keys(values || {}).forEach(function (name) {
      text = text.replace("{" + name + "}", values[name]);
    });
    return text;
  }

  function parseTime(value) {
    if (!value) {
      return NaN;
    }
    // At most milliseconds: not every engine parses microseconds.
    return Date.parse(String(value).replace(/(\.\d{3})\d+/, "$1"));
  }

  function serverNow() {
    return Date.now() + offset;
  }

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function clockText(ms) {
    var date = new Date(ms);
    return pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds());
  }

  function tokenKey(id) {
    return "quiz-proctor-" + id;
  }

  function storeToken(id, token) {
    try {
      window.sessionStorage.setItem(tokenKey(id), token);
    } catch (e) {
      /* storage disabled: the token lives as long as this page */
    }
    memoryToken = token;
  }

  var memoryToken = null;

  function proctorToken() {
    if (!attemptId) {
      return null;
    }
    try {
      return window.sessionStorage.getItem(tokenKey(attemptId)) || memoryToken;
    } catch (e) {
      return memoryToken;
    }
  }

  function forgetToken() {
    try {
      window.sessionStorage.removeItem(tokenKey(attemptId));
    } catch (e) {
      /* nothing stored */
    }
  }

  function api(method, path, body, options) {
    options = options || {};
    var headers = {
      Accept: "application/json",
      "Content-Type": "application/json",
      "X-CSRFToken": csrf,
    };
    var token = proctorToken();
    if (token) {
      headers["X-Proctor-Session"] = token;
    }
    var init = { method: method, headers: headers, credentials: "same-origin" };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      if (options.keepalive && init.body.length < KEEPALIVE_MAX_BYTES) {
        init.keepalive = true;
      }
    }
    var sentAt = Date.now();
    return fetch(API + path, init).then(function (response) {
      return response
        .json()
        .catch(function () {
          return null;
        })
        .then(function (payload) {
          var stamp = payload && payload.meta ? parseTime(payload.meta.timestamp) : NaN;
          if (options.clock && !isNaN(stamp)) {
            offset = stamp - (sentAt + Date.now()) / 2;
          }
          return {
            ok: response.ok,
            status: response.status,
            data: payload ? payload.data : null,
            error: (payload && payload.errors && payload.errors[0]) || {},
          };
        });
    });
  }

  function showAlert(text, link) {
    if (!alertBox) {
      return;
    }
    alertBox.textContent = text;
    if (link) {
      alertBox.appendChild(document.createTextNode(" "));
      var anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.textContent = link.text;
      alertBox.appendChild(anchor);
    }
    alertBox.hidden = false;
  }

  function hideAlert() {
    if (alertBox) {
      alertBox.hidden = true;
      alertBox.textContent = "";
    }
  }

  function setStatus(text, problem) {
    if (statusEl) {
      statusEl.textContent = text;
      statusEl.classList.toggle("quiz-save-problem", Boolean(problem));
    }
  }

  function resultLink(id) {
    return resultUrl.replace(/\/0\/$/, "/" + id + "/");
  }

  function errorText(res) {
    if (res.status === 401 || res.status === 403) {
      return res.error.message || msg("signedOut");
    }
    return res.error.message || msg("generic");
  }

  // --- starting -----------------------------------------------------------------

  if (startForm) {
    startForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = startForm.querySelector("button");
      button.disabled = true;
      hideAlert();
      api("POST", "/assessments/" + assessmentId + "/start", undefined, { clock: true }).then(
        function (res) {
          if (res.ok) {
            if (res.data.proctor_token) {
              storeToken(res.data.id, res.data.proctor_token);
            }
            // The server renders the attempt's questions.
            window.location.reload();
            return;
          }
          button.disabled = false;
          showAlert(
            res.error.code === "PROCTOR_SESSION_ACTIVE" ? msg("proctorActive") : errorText(res)
          );
        },
        function () {
          button.disabled = false;
          showAlert(msg("network"));
        }
      );
    });
  }

  if (!form || !attemptId) {
    return;
  }

  // --- the attempt in progress --------------------------------------------------

  var submitButton = document.getElementById("quiz-submit");
  var ready = false; // resumed on the server: saving may begin
  var touched = false; // the learner changed something since the page loaded
  var blocked = false; // another browser holds the proctoring session
  var finished = false; // submitted, or closed elsewhere
  var saving = false;
  var submitting = false;
  var lastSaved = null;
  var announced = {};
  var autoSubmitted = false;

  function questions() {
    return Array.prototype.slice.call(form.querySelectorAll("[data-question-id]"));
  }

  function fields(item) {
    return Array.prototype.slice.call(item.querySelectorAll("input, textarea"));
  }

  function readAnswer(item) {
    var type = item.dataset.questionType;
    var inputs = fields(item);
    var checked = inputs.filter(function (input) {
      return input.checked;
    });
    if (type === "single_choice") {
      return checked.length ? parseInt(checked[0].value, 10) : null;
    }
    if (type === "multiple_choice") {
      return checked.length
        ? checked.map(function (input) {
            return parseInt(input.value, 10);
          })
        : null;
    }
    if (type === "true_false") {
      return checked.length ? checked[0].value === "true" : null;
    }
    var raw = inputs.length ? inputs[0].value : "";
    if (type === "numeric") {
      var number = raw.trim() === "" ? NaN : Number(raw);
      return isFinite(number) && Math.abs(number) <= 1e15 ? number : null;
    }
    return raw.trim() === "" ? null : raw;
  }

  function collect() {
    var answers = {};
    questions().forEach(function (item) {
      var answer = readAnswer(item);
      if (answer !== null) {
        answers[item.dataset.questionId] = answer;
      }
    });
    return answers;
  }

  function writeAnswer(item, answer) {
    var type = item.dataset.questionType;
    fields(item).forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (type === "multiple_choice") {
          input.checked = Array.isArray(answer) && answer.indexOf(Number(input.value)) !== -1;
        } else {
          input.checked = answer !== null && answer !== undefined && String(answer) === input.value;
        }
      } else {
        input.value = answer === null || answer === undefined ? "" : String(answer);
      }
    });
  }

  function apply(answers) {
    questions().forEach(function (item) {
      writeAnswer(item, answers[item.dataset.questionId]);
    });
  }

  function unansweredCount(answers) {
    return questions().filter(function (item) {
      return !(item.dataset.questionId in answers);
    }).length;
  }

  function stop(text, link) {
    finished = true;
    if (submitButton) {
      submitButton.disabled = true;
    }
    showAlert(text, link);
  }

  function block() {
    blocked = true;
    form.hidden = true;
    stop(msg("proctorActive"));
  }

  // The answer to an error from autosave, submit or resume.
  function handleError(res) {
    var code = res.error.code;
    if (code === "PROCTOR_SESSION_ACTIVE") {
      block();
    } else if (code === "DEADLINE_PASSED") {
      submit({ auto: true });
    } else if (res.status === 409 || res.status === 404) {
      stop(msg("notInProgress"), { href: resultLink(attemptId), text: msg("viewResult") });
    } else if (res.status === 400 || res.status === 401 || res.status === 403) {
      setStatus(errorText(res), true);
      showAlert(errorText(res));
    } else {
      setStatus(msg("saveFailed"), true);
    }
  }

  function putAnswers(answers, options) {
    return api("PUT", "/attempts/" + attemptId + "/answers", { answers: answers }, options).catch(
      function () {
        return { ok: false, network: true, status: 0, data: null, error: {} };
      }
    );
  }

  function save(options) {
    options = options || {};
    if (!ready || finished || blocked || submitting || (saving && !options.keepalive)) {
      return;
    }
    var answers = collect();
    var snapshot = JSON.stringify(answers);
    if (snapshot === lastSaved) {
      return;
    }
    saving = true;
    if (!options.keepalive) {
      setStatus(msg("saving"));
    }
    putAnswers(answers, options).then(function (res) {
      saving = false;
      if (res.ok) {
        lastSaved = snapshot;
        var savedAt = parseTime(res.data.saved_at);
        setStatus(msg("saved", { time: clockText(isNaN(savedAt) ? serverNow() : savedAt) }));
      } else if (res.network) {
        setStatus(msg("saveFailed"), true);
      } else if (!finished && !submitting) {
        handleError(res);
      }
    });
  }

  function finish(id) {
    finished = true;
    forgetToken();
    window.location.assign(resultLink(id));
  }

  function submitFailed() {
    submitting = false;
    if (submitButton) {
      submitButton.disabled = false;
    }
  }

  function postSubmit(answers, auto) {
    api("POST", "/assessments/" + assessmentId + "/submit", { answers: answers }).then(
      function (res) {
        if (res.ok) {
          finish(res.data.id);
        } else if (res.error.code === "DEADLINE_PASSED") {
          finish(attemptId); // stored and marked late: the result page says so
        } else {
          submitFailed();
          handleError(res);
        }
      },
      function () {
        submitFailed();
        showAlert(msg("network"));
        if (auto) {
          window.setTimeout(function () {
            submit({ auto: true });
          }, 3000);
        }
      }
    );
  }

  function submit(options) {
    options = options || {};
    if (submitting || finished || blocked) {
      return;
    }
    var answers = collect();
    if (!options.auto) {
      var missing = unansweredCount(answers);
      if (missing && !window.confirm(msg("unanswered", { count: missing }))) {
        return;
      }
    }
    submitting = true;
    if (submitButton) {
      submitButton.disabled = true;
    }
    hideAlert();
    setStatus(options.auto ? msg("timeUp") : msg("submitting"));
    // Save first: that fails with 409 when this attempt was already submitted in
    // another tab, where a bare submit would start and grade a new attempt.
    putAnswers(answers).then(function (res) {
      if (res.ok || res.network || res.error.code === "DEADLINE_PASSED") {
        postSubmit(answers, options.auto);
        return;
      }
      submitFailed();
      handleError(res);
    });
  }

  // --- countdown ----------------------------------------------------------------

  function durationText(ms) {
    var total = Math.ceil(ms / 1000);
    var hours = Math.floor(total / 3600);
    var minutes = Math.floor((total % 3600) / 60);
    var seconds = total % 60;
    return (hours ? hours + ":" + pad(minutes) : String(minutes)) + ":" + pad(seconds);
  }

  function announce(left) {
    [5, 1].forEach(function (minutes) {
      if (left <= minutes * 60000 && left > (minutes * 60000 - 5000) && !announced[minutes]) {
        announced[minutes] = true;
        if (announcer) {
          announcer.textContent =
            minutes === 1 ? msg("oneMinuteLeft") : msg("minutesLeft", { minutes: minutes });
        }
      }
    });
  }

  function tick() {
    if (deadline === null || !timerEl || finished) {
      return;
    }
    var left = deadline - serverNow();
    if (left <= 0) {
      timerEl.textContent = "0:00";
      timerEl.classList.add("quiz-timer-low");
      if (!autoSubmitted) {
        autoSubmitted = true; // once: a failure retries by itself or needs the learner
        submit({ auto: true }); // not while blocked: the other browser submits
      }
      return;
    }
    timerEl.textContent = durationText(left);
    timerEl.classList.toggle("quiz-timer-low", left <= 60000);
    announce(left);
  }

  // --- proctoring events --------------------------------------------------------

  var events = [];
  var sendingEvents = false;

  function record(kind, at, details) {
    if (!proctored || !ready || finished || blocked) {
      return;
    }
    var event = { kind: kind, occurred_at: new Date(at || serverNow()).toISOString() };
    if (details) {
      event.details = details;
    }
    events.push(event);
    if (events.length > EVENTS_QUEUE_MAX) {
      events.shift();
    }
  }

  function flushEvents(options) {
    options = options || {};
    if (!events.length || blocked || (sendingEvents && !options.keepalive)) {
      return;
    }
    var batch = events.splice(0, EVENTS_PER_BATCH);
    sendingEvents = true;
    api("POST", "/attempts/" + attemptId + "/events", { events: batch }, options).then(
      function (res) {
        sendingEvents = false;
        if (res.ok) {
          return;
        }
        if (res.error.code === "PROCTOR_SESSION_ACTIVE") {
          block();
        } else if (res.status === 429 || res.status >= 500) {
          events = batch.concat(events); // try again with the next batch
        }
        // Other refusals (attempt closed, bad event) cannot succeed on retry.
      },
      function () {
        sendingEvents = false;
        events = batch.concat(events);
      }
    );
  }

  if (proctored) {
    window.addEventListener("blur", function () {
      record("focus_lost");
    });
    document.addEventListener("copy", function () {
      record("copy");
    });
    document.addEventListener("paste", function () {
      record("paste");
    });
    document.addEventListener("fullscreenchange", function () {
      if (!document.fullscreenElement) {
        record("fullscreen_exit");
      }
    });
  }

  // --- wiring -------------------------------------------------------------------

  function leaving() {
    save({ keepalive: true });
    flushEvents({ keepalive: true });
  }

  // A hidden tab is reported when the learner comes back to it: reloading or
  // leaving the page also hides it, and is no tab switch.
  var hiddenAt = null;
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      hiddenAt = serverNow();
      leaving();
    } else if (hiddenAt !== null) {
      record("tab_hidden", hiddenAt, { duration_ms: Math.round(serverNow() - hiddenAt) });
      hiddenAt = null;
    }
  });
  window.addEventListener("pagehide", leaving);

  function markTouched() {
    touched = true;
  }
  form.addEventListener("input", markTouched);
  form.addEventListener("change", markTouched);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submit();
  });

  if (statusEl && statusEl.dataset.savedAt) {
    // Rendered in the server's time zone; shown in the learner's.
    setStatus(msg("saved", { time: clockText(Number(statusEl.dataset.savedAt)) }));
  }

  function begin() {
    ready = true;
    form.hidden = false;
    if (lastSaved === null) {
      lastSaved = JSON.stringify(collect());
    }
    window.setInterval(save, AUTOSAVE_MS);
    if (proctored) {
      window.setInterval(flushEvents, EVENTS_MS);
    }
  }

  tick();
  window.setInterval(tick, TICK_MS);

  if (deadline !== null && deadline <= serverNow()) {
    // Time ran out while the page was closed: submit what was saved. (Resuming
    // would close the attempt as late and could start a new one.)
    ready = true;
    lastSaved = JSON.stringify(collect());
    submit({ auto: true });
    return;
  }

  // Resume: proves this browser holds the proctoring session, and returns the
  // saved answers and the deadline by the server's clock.
  api("POST", "/assessments/" + assessmentId + "/start", undefined, { clock: true }).then(
    function (res) {
      if (res.ok) {
        if (String(res.data.id) !== String(attemptId)) {
          window.location.reload(); // the attempt was closed meanwhile
          return;
        }
        if (res.data.proctor_token) {
          storeToken(attemptId, res.data.proctor_token);
        }
        if (res.data.deadline) {
          deadline = parseTime(res.data.deadline);
        }
        var saved = res.data.answers || {};
        if (!touched) {
          apply(saved);
          lastSaved = JSON.stringify(collect());
        }
        begin();
        tick();
        return;
      }
      if (res.error.code === "PROCTOR_SESSION_ACTIVE") {
        block();
        return;
      }
      handleError(res);
    },
    function () {
      showAlert(msg("network"));
      if (!proctored) {
        begin(); // keep working; autosave retries
      }
    }
  );
})();
