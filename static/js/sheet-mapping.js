// The spreadsheet import's mapping step: a changed column meaning updates the preview at once
// (the "Update the preview" button does the same without JavaScript).
const form = document.querySelector("[data-sheet-mapping]");
if (form) {
  const update = form.querySelector("[data-sheet-update]");
  form.addEventListener("change", (event) => {
    if (event.target instanceof HTMLSelectElement && update) {
      form.querySelectorAll("[data-sheet-save]").forEach((button) => { button.disabled = true; });
      form.requestSubmit(update);
    }
  });
  form.dataset.follows = "true"; // from here on, a changed column updates the preview
}
