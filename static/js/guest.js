// Guest pages: use the browser's own time zone until the guest chooses one.
const form = document.querySelector("[data-zone-form]");
if (form) {
  const select = form.querySelector("select");
  select.addEventListener("change", () => form.requestSubmit());
  const detected = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const tried = sessionStorage.getItem("showrunner-zone-tried");
  if (!form.dataset.current && detected && !tried && select.querySelector(`option[value="${CSS.escape(detected)}"]`)) {
    sessionStorage.setItem("showrunner-zone-tried", detected);
    select.value = detected;
    form.requestSubmit();
  }
}
