// The hall's call display: live calls through server-sent events, polling of the state as the fallback,
// and a chime once the sound is turned on (browsers play sound only after a gesture on the page).
(function () {
  "use strict";
  var body = document.body;
  var rowsBox = document.querySelector("[data-calls]");
  var status = document.querySelector("[data-status]");
  var soundButton = document.querySelector("[data-enable-sound]");
  var MAX_ROWS = 8;
  var lastId = 0;
  var audio = null;
  var audioContext = null;
  var pollTimer = null;

  function chime() {
    if (audio) {
      audio.currentTime = 0;
      audio.play().catch(beep);
    } else {
      beep();
    }
  }

  function beep() {
    if (!audioContext) { return; }
    var oscillator = audioContext.createOscillator();
    var gain = audioContext.createGain();
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.3, audioContext.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audioContext.currentTime + 0.6);
    oscillator.connect(gain).connect(audioContext.destination);
    oscillator.start();
    oscillator.stop(audioContext.currentTime + 0.6);
  }

  if (soundButton) {
    soundButton.addEventListener("click", function () {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (Context) { audioContext = new Context(); }
      if (body.dataset.sound) { audio = new Audio(body.dataset.sound); }
      soundButton.setAttribute("aria-pressed", "true");
      chime();
    });
  }

  function row(call) {
    var tr = document.createElement("tr");
    var ticket = document.createElement("td");
    var windowCell = document.createElement("td");
    ticket.textContent = call.ticket;
    windowCell.textContent = call.window;
    tr.appendChild(ticket);
    tr.appendChild(windowCell);
    tr.dataset.ticket = call.ticket;
    return tr;
  }

  function showCall(call) {
    if (call.id <= lastId) { return; }
    lastId = call.id;
    var empty = rowsBox.querySelector("[data-empty]");
    if (empty) { empty.remove(); }
    Array.prototype.forEach.call(rowsBox.querySelectorAll("tr"), function (tr) {
      tr.classList.remove("is-new");
      if (tr.dataset.ticket === call.ticket) { tr.remove(); }
    });
    var tr = row(call);
    tr.classList.add("is-new");
    rowsBox.insertBefore(tr, rowsBox.firstChild);
    while (rowsBox.children.length > MAX_ROWS) { rowsBox.removeChild(rowsBox.lastChild); }
    chime();
  }

  function showState(state) {
    var waiting = document.querySelector("[data-waiting]");
    var wait = document.querySelector("[data-wait]");
    if (waiting) { waiting.textContent = state.waiting; }
    if (wait) { wait.textContent = state.wait_minutes; }
    if (state.last_id > lastId) {
      var fresh = lastId > 0;
      lastId = state.last_id;
      rowsBox.textContent = "";
      state.calls.forEach(function (call, index) {
        var tr = row(call);
        if (index === 0) { tr.classList.add("is-new"); }
        rowsBox.appendChild(tr);
      });
      if (fresh) { chime(); }
    }
  }

  function poll() {
    fetch(body.dataset.state, {headers: {"Accept": "application/json"}, cache: "no-store"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) { if (state) { showState(state); } })
      .catch(function () { /* the next poll tries again */ });
  }

  function startPolling() {
    if (pollTimer) { return; }
    status.textContent = "";
    poll();
    pollTimer = window.setInterval(poll, 3000);
  }

  function startStream() {
    if (!window.EventSource) { startPolling(); return; }
    var source = new EventSource(body.dataset.events);
    var failures = 0;
    source.addEventListener("state", function (event) { failures = 0; showState(JSON.parse(event.data)); });
    source.addEventListener("call", function (event) { failures = 0; showCall(JSON.parse(event.data)); });
    source.addEventListener("open", function () { failures = 0; });
    source.addEventListener("error", function () {
      // The server ends each stream after a while and the browser reconnects with Last-Event-ID;
      // only when reconnecting keeps failing does the display poll instead.
      failures += 1;
      if (failures >= 3) { source.close(); startPolling(); }
    });
  }

  poll();
  startStream();
})();
