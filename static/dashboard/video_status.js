// Live status on the videos list: rows still uploading or processing ask the API for their state
// every two seconds (session cookie; GET needs no CSRF token) until they are ready or failed.
"use strict";

(() => {
  const ACTIVE = new Set(["uploaded", "processing"]);
  const rows = [...document.querySelectorAll("tr[data-video-id]")].filter((row) => ACTIVE.has(row.dataset.status));
  if (!rows.length) return;

  async function refresh(row) {
    const response = await fetch(row.dataset.api, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) return false;
    const video = await response.json();
    row.dataset.status = video.status;
    const badge = row.querySelector("[data-role=status]");
    badge.textContent = video.status.charAt(0).toUpperCase() + video.status.slice(1);
    badge.className = `status status-${video.status}`;
    const bar = row.querySelector("[data-role=progress]");
    bar.value = video.progress || 0;
    bar.hidden = !ACTIVE.has(video.status);
    const failure = row.querySelector("[data-role=failure]");
    failure.textContent = video.failure_reason || "";
    failure.hidden = !video.failure_reason;
    return ACTIVE.has(video.status);
  }

  const tick = async () => {
    let stillActive = false;
    for (const row of rows) {
      if (ACTIVE.has(row.dataset.status)) stillActive = (await refresh(row)) || stillActive;
    }
    if (stillActive) setTimeout(tick, 2000);
  };
  setTimeout(tick, 2000);
})();
