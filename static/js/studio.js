// The studio clock: the time of day with seconds, in the show's time zone (on the server's
// clock: live.js corrects this screen's own), and the ON AIR light. The segment countdown,
// the show's running time and over/under are live.js's fields, as on the host view.
import { isLive, State } from "./clock.js";
import { currentState, serverNow } from "./live.js";

const { time_zone: timeZone } = JSON.parse(document.getElementById("studio-config").textContent);
const clock = document.querySelector('[data-testid="time-of-day"]');
const light = document.querySelector('[data-testid="on-air"]');
const zoneLine = document.querySelector('[data-testid="time-zone"]');

let showZone = true;
let format;
try {
  format = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short" });
} catch {
  format = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short" });
  showZone = false;
  zoneLine.textContent = "Time in this screen's time zone (the show's is unknown here)";
}

// "14:03:27" and the zone's short name ("GMT", "CET") from the same instant.
export function timeOfDay(epochMs) {
  const parts = format.formatToParts(new Date(epochMs));
  const value = (type) => parts.find((p) => p.type === type)?.value ?? "00";
  return { digits: `${value("hour")}:${value("minute")}:${value("second")}`, zone: value("timeZoneName") };
}

let zoneShown = "";

function tick() {
  const now = serverNow();
  const { digits, zone } = timeOfDay(now);
  if (clock.textContent !== digits) clock.textContent = digits;
  if (showZone && zone !== zoneShown) {
    zoneShown = zone;
    zoneLine.textContent = `Time in ${timeZone} (${zone}), the show's time zone`;
  }
  setTimeout(tick, 1000 - (now % 1000) + 5); // the next whole second
}

// Lit while the clock runs; a rehearsal says so; a pause, before and after say they are off.
export function lightOf(s) {
  if (!s) return { text: "OFF AIR", lit: "false" };
  if (s.state === State.RUNNING) return s.rehearsal ? { text: "REHEARSAL", lit: "rehearsal" } : { text: "ON AIR", lit: "true" };
  if (isLive(s)) return { text: s.rehearsal ? "REHEARSAL · PAUSED" : "PAUSED", lit: "false" };
  if (s.state === State.ENDED) return { text: "OFF AIR", lit: "false" };
  return { text: s.rehearsal ? "REHEARSAL · NOT STARTED" : "NOT ON AIR YET", lit: "false" };
}

function showLight() {
  const { text, lit } = lightOf(currentState());
  if (light.textContent !== text) light.textContent = text;
  light.dataset.lit = lit;
}

document.addEventListener("live:state", showLight);
tick();
showLight();
