// This screen on the show caller's list of screens (episodes/screens.py).
//
// The screen keeps an id in sessionStorage (one per tab, the same after a reload) and POSTs a
// heartbeat with the page's CSRF token every few seconds to the address in #screen-config
// (the team's session, or a guest's private link). The answer carries this screen's name and
// the commands the caller left for it: "identify" shows the name big on this screen for a few
// seconds, "reload" reloads the page.
const config = JSON.parse(document.getElementById("screen-config").textContent);
const storageKey = `showrunner-screen:${config.kind}:${location.pathname}`;
const banner = document.querySelector("[data-screen-name]");
let identifyTimer = null;

function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function screenId() {
  try {
    let id = sessionStorage.getItem(storageKey);
    if (!id) {
      id = newId();
      sessionStorage.setItem(storageKey, id);
    }
    return id;
  } catch {
    return (window.showrunnerScreenId ??= newId()); // storage blocked: this page's life only
  }
}

function csrfToken() {
  return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] ?? "";
}

function identify(label) {
  if (!banner) return;
  banner.textContent = label;
  banner.hidden = false;
  document.body.dataset.identified = label;
  clearTimeout(identifyTimer);
  identifyTimer = setTimeout(() => {
    banner.hidden = true;
    delete document.body.dataset.identified;
  }, 8000);
}

let busy = false;

async function beat() {
  if (busy) return;
  busy = true;
  try {
    const response = await fetch(config.heartbeat_url, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken() },
      body: new URLSearchParams({ screen: screenId(), kind: config.kind }),
      cache: "no-store",
    });
    if (!response.ok) return;
    const answer = await response.json();
    document.body.dataset.screenName = answer.label ?? "";
    for (const command of answer.commands ?? []) {
      if (command === "identify") identify(answer.label);
      if (command === "reload") {
        location.reload();
        return;
      }
    }
  } catch {
    // the server is away: the next beat tries again
  } finally {
    busy = false;
  }
}

beat();
setInterval(beat, Math.max(1000, config.interval_ms || 10000));
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) beat();
});
