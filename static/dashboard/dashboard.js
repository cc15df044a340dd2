// Small progressive enhancements for every dashboard page (the pages work without them).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Buttons that destroy or reveal something ask first: <button data-confirm="Rotate the key?">.
  document.querySelectorAll("form [data-confirm]").forEach((button) => {
    button.form.addEventListener("submit", (event) => {
      if (event.submitter === button && !window.confirm(button.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
  // Copy-to-clipboard for revealed secrets: <button data-copy="#stream-key">.
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", async () => {
      const source = document.querySelector(button.dataset.copy);
      if (!source || !navigator.clipboard) return;
      await navigator.clipboard.writeText(source.textContent.trim());
      button.textContent = "Copied";
    });
  });
});
