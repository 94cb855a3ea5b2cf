// The upcoming-episodes page: each air time in the visitor's own time zone, the show's beside it.
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const format = new Intl.DateTimeFormat([], {
  weekday: "long", day: "numeric", month: "long", year: "numeric",
  hour: "2-digit", minute: "2-digit", timeZoneName: "short",
});
for (const time of document.querySelectorAll("time[data-local]")) {
  time.textContent = format.format(new Date(time.dateTime));
  const showZone = time.parentElement.querySelector("[data-show-zone]");
  if (showZone && showZone.dataset.showZone !== zone) {
    showZone.textContent = `· ${showZone.dataset.showTime} in ${showZone.dataset.showZone}`;
  }
}
