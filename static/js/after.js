// Copy buttons for the text boxes of the after-show pages (chapters, recap post).
document.addEventListener("click", async (event) => {
  const button = event.target.closest?.("[data-copy-from]");
  if (!button) return;
  const box = document.querySelector(button.dataset.copyFrom);
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(box.value);
    button.textContent = "Copied";
  } catch {
    // No clipboard (an insecure origin, or permission refused): select it for Ctrl+C instead.
    box.focus();
    box.select();
    button.textContent = "Press Ctrl+C";
  }
  setTimeout(() => (button.textContent = label), 2000);
});
