// Alerts on this screen: a beep (Web Audio API, no file) and a flash at the warning, at zero
// and when a message arrives. Off by default; the toggle turns them on for this screen and
// is remembered in localStorage. Browsers allow sound only after a gesture on the page: the
// toggle's click is that gesture (and any later click or key wakes a suspended audio context,
// e.g. after a reload with alerts remembered on).
import { Alert, alertFor, alertView } from "./alerts.js";
import { currentState, serverNow } from "./live.js";

const root = document.querySelector("[data-live]");
const toggle = document.querySelector("[data-alerts-toggle]");
const key = `showrunner-alerts:${toggle?.dataset.alertsToggle || "screen"}`;
const TONES = { [Alert.WARNING]: [660], [Alert.ZERO]: [880, 880, 880], [Alert.MESSAGE]: [523, 784] };

let audio = null;
let previous = null;
let flashTimer = null;
let count = 0;

function stored() {
  try {
    return localStorage.getItem(key) === "on";
  } catch {
    return false;
  }
}

let on = stored();

function show() {
  if (!toggle) return;
  toggle.setAttribute("aria-pressed", on ? "true" : "false");
  toggle.textContent = on ? "Alerts on" : "Alerts off";
  root.dataset.alerts = on ? "on" : "off";
}

function wakeAudio() {
  if (!on) return Promise.resolve();
  try {
    audio ??= new AudioContext();
    return audio.state === "suspended" ? audio.resume() : Promise.resolve();
  } catch {
    audio = null; // no sound here: the flash still works
    return Promise.resolve();
  }
}

function beep(kind) {
  if (!audio || audio.state !== "running") return;
  let at = audio.currentTime + 0.02;
  for (const frequency of TONES[kind]) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.4, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.25);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.3);
    at += 0.32;
  }
}

function flash(kind) {
  count += 1;
  root.dataset.alert = kind;
  root.dataset.alertCount = String(count);
  root.classList.remove("alert-flash");
  void root.offsetWidth; // restart the animation
  root.classList.add("alert-flash");
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => {
    root.classList.remove("alert-flash");
    delete root.dataset.alert;
  }, 3000);
}

function check() {
  const current = alertView(currentState(), serverNow());
  const kind = alertFor(previous, current);
  if (current) previous = current;
  if (!kind || !on) return;
  flash(kind);
  beep(kind);
}

toggle?.addEventListener("click", () => {
  on = !on;
  try {
    localStorage.setItem(key, on ? "on" : "off");
  } catch {
    // private mode: on for this page only
  }
  show();
  // The click is the gesture; a short beep says the sound works.
  wakeAudio().then(() => on && beep(Alert.WARNING)).catch(() => {});
});
document.addEventListener("pointerdown", wakeAudio);
document.addEventListener("keydown", wakeAudio);
document.addEventListener("live:state", check);
document.addEventListener("live:flip", check);
setInterval(check, 500);
show();
