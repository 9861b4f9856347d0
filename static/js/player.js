/*
 * The module page's HLS video player (templates/content/blocks/video.html).
 *
 * Playback: hls.js (static/vendor/hls) wherever Media Source Extensions exist, so
 * every such browser gets the same adaptive switching and quality menu; the
 * browser's own HLS (Safari on iOS) otherwise. hls.js is preferred over native HLS
 * because recent Chromium answers canPlayType("application/vnd.apple.mpegurl")
 * with "maybe" too, and would then lose the quality menu.
 *
 * Progress (enrolled learners only: the element has data-progress-url): resumes at
 * data-position, posts {last_position, time_spent} every 15 s while playing and on
 * pause, end and pagehide (time_spent is the seconds watched since the last post:
 * the API adds it up; seeking is not watching). The server completes a video
 * module once 95 % of its video was watched (its completion rule): the player
 * never asks for completion, it marks data-completion="recorded" when the answer
 * says the module is complete.
 */
(function () {
  "use strict";

  var POST_EVERY_MS = 15000;
  var COMPLETE_AT = 0.95;
  var RESUME_MARGIN = 5; // seconds: a position this close to the end starts over

  function number(value) {
    var n = parseFloat(value);
    return isFinite(n) && n > 0 ? n : 0;
  }

  function showError(video) {
    var figure = video.closest(".video-block");
    var message = figure && figure.querySelector(".video-error");
    if (message) message.hidden = false;
  }

  function qualityMenu(video, hls) {
    var figure = video.closest(".video-block");
    var controls = figure && figure.querySelector(".video-controls");
    var select = controls && controls.querySelector(".video-quality");
    if (!select || hls.levels.length < 2) return;
    select.innerHTML = "";
    var auto = document.createElement("option");
    auto.value = "-1";
    auto.textContent = select.dataset.autoLabel || "Auto";
    select.appendChild(auto);
    hls.levels.forEach(function (level, index) {
      var option = document.createElement("option");
      option.value = String(index);
      option.textContent = level.height ? level.height + "p" : level.name;
      select.appendChild(option);
    });
    select.value = "-1";
    select.addEventListener("change", function () {
      // -1 is hls.js's automatic (bandwidth-based) switching.
      hls.currentLevel = parseInt(select.value, 10);
    });
    controls.hidden = false;
  }

  function attach(video, resumeAt) {
    var src = video.dataset.playlist;
    var Hls = window.Hls;
    if (Hls && Hls.isSupported()) {
      var hls = new Hls({
        // Captions come from the <track> elements; the playlist's subtitle group
        // (for apps and native players) would show them twice.
        enableWebVTT: false,
        startPosition: resumeAt > 0 ? resumeAt : -1,
      });
      var recovered = false;
      // Variant playlists and segments may be on signed URLs that expire
      // (HLS_SIGNED_URL_TTL): when one is refused (403, or 410 once expired), the
      // master playlist is asked for again, where Django checks access anew and
      // signs fresh URLs, and playback goes on from where it was.
      var reloads = 0;
      var resume = null;
      hls.on(Hls.Events.MANIFEST_PARSED, function () {
        qualityMenu(video, hls);
        if (resume) {
          var playing = resume.playing;
          resume = null;
          if (playing) video.play().catch(function () {});
        }
      });
      hls.on(Hls.Events.FRAG_LOADED, function () {
        reloads = 0;
      });
      hls.on(Hls.Events.ERROR, function (event, data) {
        var code = data.response && data.response.code;
        // At the first refusal: hls.js would otherwise try the same URL again
        // for a while before giving up.
        if (
          data.type === Hls.ErrorTypes.NETWORK_ERROR &&
          (code === 403 || code === 410) &&
          data.details !== Hls.ErrorDetails.MANIFEST_LOAD_ERROR &&
          reloads < 3
        ) {
          reloads += 1;
          resume = { playing: !video.paused };
          hls.config.startPosition = video.currentTime;
          hls.loadSource(src);
          return;
        }
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.NETWORK_ERROR && !recovered) {
          recovered = true;
          hls.startLoad();
        } else if (data.type === Hls.ErrorTypes.MEDIA_ERROR && !recovered) {
          recovered = true;
          hls.recoverMediaError();
        } else {
          hls.destroy();
          showError(video);
        }
      });
      hls.loadSource(src);
      hls.attachMedia(video);
      video.hls = hls;
      return true;
    }
    if (video.canPlayType("application/vnd.apple.mpegurl")) {
      // Native HLS shows the master playlist's subtitle group itself.
      Array.prototype.forEach.call(
        video.querySelectorAll("track"),
        function (track) {
          track.remove();
        }
      );
      video.src = src;
      if (resumeAt > 0) {
        video.addEventListener(
          "loadedmetadata",
          function () {
            video.currentTime = resumeAt;
          },
          { once: true }
        );
      }
      return true;
    }
    showError(video);
    return false;
  }

  function tracker(video) {
    var url = video.dataset.progressUrl;
    if (!url) return; // previews: play, record nothing
    var csrf = video.dataset.csrf || "";
    var isVideoModule = video.dataset.moduleKind === "video";
    var completed = video.dataset.completed === "true";
    var watched = 0; // seconds played since the last post
    var lastTick = null;
    var lastPosted = -1;
    var timer = null;

    function tick() {
      var now = video.currentTime;
      if (lastTick !== null && !video.paused && !video.seeking) {
        var step = now - lastTick;
        // Seeking forward is not watching; a step over 2 s is a jump.
        if (step > 0 && step < 2) watched += step;
      }
      lastTick = now;
    }

    function duration() {
      return isFinite(video.duration) && video.duration > 0
        ? video.duration
        : number(video.dataset.duration);
    }

    function post(options) {
      tick();
      var position = Math.floor(video.currentTime || 0);
      var seconds = Math.floor(watched);
      var body = {};
      if (position !== lastPosted) body.last_position = position;
      if (seconds > 0) body.time_spent = seconds;
      if (!Object.keys(body).length) return;
      watched -= seconds;
      lastPosted = position;
      try {
        fetch(url, {
          method: "POST",
          credentials: "same-origin",
          keepalive: Boolean(options && options.keepalive),
          headers: {
            "Content-Type": "application/json",
            Accept: "application/json",
            "X-CSRFToken": csrf,
            "X-Requested-With": "XMLHttpRequest",
          },
          body: JSON.stringify(body),
        })
          .then(function (response) {
            video.dataset.lastPost = String(response.status);
            return response.ok ? response.json() : null;
          })
          .then(function (envelope) {
            var module = envelope && envelope.data && envelope.data.module;
            // The server completes a video module once enough of it was
            // watched (seconds played, not seeked over).
            if (isVideoModule && module && module.completed && !completed) {
              completed = true;
              video.dataset.completion = "recorded";
            }
          })
          .catch(function () {});
      } catch (e) {
        /* keepalive quota or an old browser: nothing to do */
      }
    }

    function start() {
      lastTick = video.currentTime;
      if (!timer) timer = window.setInterval(post, POST_EVERY_MS);
    }

    function stop() {
      if (timer) window.clearInterval(timer);
      timer = null;
      post();
    }

    video.addEventListener("playing", start);
    video.addEventListener("pause", stop);
    video.addEventListener("ended", stop);
    video.addEventListener("timeupdate", function () {
      tick();
      var total = duration();
      if (
        isVideoModule &&
        !completed &&
        total > 0 &&
        video.currentTime >= total * COMPLETE_AT
      ) {
        post();
      }
    });
    video.addEventListener("seeking", function () {
      lastTick = null;
    });
    window.addEventListener("pagehide", function () {
      if (!video.paused || watched >= 1) post({ keepalive: true });
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") post({ keepalive: true });
    });
  }

  function setup(video) {
    if (video.dataset.playerReady) return;
    video.dataset.playerReady = "true";
    var total = number(video.dataset.duration);
    var resumeAt = number(video.dataset.position);
    if (total && resumeAt > total - RESUME_MARGIN) resumeAt = 0;
    if (attach(video, resumeAt)) tracker(video);
  }

  function init() {
    Array.prototype.forEach.call(
      document.querySelectorAll("video[data-player]"),
      setup
    );
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
