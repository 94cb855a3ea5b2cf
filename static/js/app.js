// Site-wide behaviour: report failed htmx requests where people can see them.
document.addEventListener("htmx:responseError", (event) => {
  const status = document.getElementById("editor-status");
  const xhr = event.detail.xhr;
  const text = xhr.status === 403
    ? "You are not allowed to change this."
    : `Could not save (${xhr.status}). ${xhr.responseText.slice(0, 200)}`;
  if (status) {
    status.textContent = text;
    status.classList.add("has-message", "is-error");
  }
});

document.addEventListener("htmx:sendError", () => {
  const status = document.getElementById("editor-status");
  if (status) {
    status.textContent = "The server could not be reached; your last change was not saved.";
    status.classList.add("has-message", "is-error");
  }
});

// Buttons that print the page (no inline handlers: the CSP forbids them).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
