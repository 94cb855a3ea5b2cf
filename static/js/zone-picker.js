// The time zone picker (templates/_zone_picker.html). Until a person picks a zone, pages use
// the browser's: it goes in a cookie the server reads, and the page is drawn again with it once.
// Choosing a listed zone in the search box saves it.

const COOKIE = "showrunner_browser_zone";

function cookie(name) {
  const found = document.cookie.split("; ").find((part) => part.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

const detected = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
const picker = document.querySelector("[data-zone-picker]");

if (detected && cookie(COOKIE) !== detected) {
  document.cookie = `${COOKIE}=${encodeURIComponent(detected)}; path=/; max-age=31536000; samesite=lax`;
  // Drawn in another zone than the browser's, and the person has not picked one: draw it again.
  const again = `showrunner-zone-redrawn-${detected}`;
  if (picker?.dataset.followsBrowser === "true" && !sessionStorage.getItem(again)) {
    sessionStorage.setItem(again, "1");
    window.location.reload();
  }
}

for (const form of document.querySelectorAll("[data-zone-picker] .zone-form")) {
  const input = form.querySelector("input[list]");
  const names = new Set([...(input.list?.options ?? [])].map((option) => option.value));
  input.addEventListener("change", () => {
    if (names.has(input.value) && input.value !== form.dataset.shown) form.requestSubmit();
  });
  input.addEventListener("focus", () => input.select());
}
