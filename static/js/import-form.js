// The import form: a paste or a file over the limit is refused here, with a message, before
// anything is sent; what was pasted stays in the box (the server checks the same limits).
const form = document.querySelector("form.import-form");
if (form) {
  const box = form.querySelector("textarea[data-max-characters]");
  const upload = form.querySelector("input[type=file][data-max-bytes]");
  const message = form.querySelector("[data-import-message]");
  form.addEventListener("submit", (event) => {
    let problem = "";
    const file = upload && upload.files && upload.files[0];
    if (file && file.size > Number(upload.dataset.maxBytes)) {
      problem = `That file is ${file.size.toLocaleString("en")} bytes; a run-sheet is at most ` +
        `${Number(upload.dataset.maxBytes).toLocaleString("en")}. Nothing was sent.`;
    } else if (!file && box && box.value.length > Number(box.dataset.maxCharacters)) {
      problem = `The paste is ${box.value.length.toLocaleString("en")} characters long; the ` +
        `limit is ${Number(box.dataset.maxCharacters).toLocaleString("en")}. Nothing was sent.`;
    }
    if (problem) {
      event.preventDefault();
      message.textContent = problem;
      message.hidden = false;
    }
  });
}
