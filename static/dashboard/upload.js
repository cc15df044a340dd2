// In-browser video upload through the content app's upload-session protocol:
//   POST /api/v1/videos → a session with a URL per part; PUT the parts, several at once;
//   POST /api/v1/videos/{id}/upload/complete with every part's ETag; then watch processing.
// Resumable: the session id is remembered per file (name, size, modified time) in localStorage, so
// after a reload or a dropped connection choosing the same file asks GET /api/v1/videos/{id}/upload
// which parts are missing and sends only those.
"use strict";

(() => {
  const PART_ATTEMPTS = 3; // a part that fails is tried again (after 0.5 s, then 1 s) before the upload stops
  const STORE_KEY = "socialflow.uploads";
  const TYPES = { mp4: "video/mp4", m4v: "video/mp4", webm: "video/webm", mov: "video/quicktime", mkv: "video/x-matroska", avi: "video/x-msvideo" };

  const form = document.getElementById("upload-form");
  if (!form) return;
  const csrf = form.dataset.csrf;
  const fileInput = document.getElementById("upload-file");
  const titleInput = document.getElementById("upload-title");
  const statusLine = document.getElementById("upload-status");
  const progressBox = document.getElementById("upload-progress");
  const uploadBar = document.getElementById("upload-bar");
  const processingBar = document.getElementById("processing-bar");
  const resumeNote = document.getElementById("upload-resume");
  const startButton = document.getElementById("upload-start");
  const parallelParts = Number(form.dataset.parallelParts) || 3;

  const say = (text) => { statusLine.textContent = text; };
  const fingerprint = (file) => `${file.name}|${file.size}|${file.lastModified}`;
  const remembered = () => { try { return JSON.parse(localStorage.getItem(STORE_KEY)) || {}; } catch { return {}; } };
  const remember = (file, videoId) => { const all = remembered(); all[fingerprint(file)] = { videoId, name: file.name }; localStorage.setItem(STORE_KEY, JSON.stringify(all)); };
  const forget = (file) => { const all = remembered(); delete all[fingerprint(file)]; localStorage.setItem(STORE_KEY, JSON.stringify(all)); };

  async function api(method, url, body) {
    const headers = { "X-CSRFToken": csrf, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method === "POST" && url === "/api/v1/videos") headers["Idempotency-Key"] = crypto.randomUUID();
    const response = await fetch(url, { method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) });
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) {
      const fields = data && data.errors ? Object.values(data.errors).flat().join(" ") : "";
      const error = new Error([data && data.detail, fields].filter(Boolean).join(" ") || `HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  async function startSession(file) {
    const saved = remembered()[fingerprint(file)];
    if (saved) {
      try {
        const session = await api("GET", `/api/v1/videos/${saved.videoId}/upload`);
        if (session.missing.length || session.received.length) return { videoId: saved.videoId, session, resumed: true };
      } catch (error) {
        if (error.status !== 404 && error.status !== 409) throw error;
      }
      forget(file);
    }
    const ext = (file.name.split(".").pop() || "").toLowerCase();
    const created = await api("POST", "/api/v1/videos", {
      filename: file.name,
      size: file.size,
      content_type: file.type || TYPES[ext] || "application/octet-stream",
      title: titleInput.value.trim(),
      visibility: document.getElementById("upload-visibility").value,
    });
    remember(file, created.video.id);
    return { videoId: created.video.id, session: created.upload, resumed: false };
  }

  async function putPartWithRetries(file, session, part) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await putPart(file, session, part);
      } catch (error) {
        if (attempt >= PART_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }

  async function putPart(file, session, part) {
    const start = (part.part_number - 1) * session.part_size;
    const blob = file.slice(start, Math.min(start + session.part_size, file.size));
    // Part URLs are pre-authorised (signed or presigned): no cookie or CSRF header is needed or sent.
    const response = await fetch(part.url, { method: session.method || "PUT", body: blob, credentials: "omit" });
    if (!response.ok) throw new Error(`Part ${part.part_number} failed (HTTP ${response.status}).`);
    let etag = (response.headers.get("ETag") || "").replaceAll('"', "");
    if (!etag) etag = (await response.json()).etag;
    return { part_number: part.part_number, etag, size: blob.size };
  }

  async function uploadParts(file, session, onBytes) {
    const queue = [...session.parts];
    const done = [];
    let stopped = false;
    const worker = async () => {
      while (queue.length && !stopped) {
        const part = queue.shift();
        try {
          const result = await putPartWithRetries(file, session, part);
          done.push(result);
          onBytes(result.size);
        } catch (error) {
          stopped = true; // the other workers finish their part in flight and take no new ones
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallelParts, queue.length) }, worker));
    return done;
  }

  async function watchProcessing(videoId) {
    for (;;) {
      const video = await api("GET", `/api/v1/videos/${videoId}`);
      processingBar.value = video.progress || 0;
      processingBar.textContent = `${video.progress || 0}%`;
      if (video.status === "ready") { processingBar.value = 100; say("Ready: your video has been processed."); return video; }
      if (video.status === "failed") { say(`Processing failed: ${video.failure_reason}`); return video; }
      say(`Uploaded. Processing: ${video.status} (${video.progress || 0}%).`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  async function upload(file) {
    startButton.disabled = true;
    progressBox.hidden = false;
    say("Starting the upload…");
    const { videoId, session, resumed } = await startSession(file);
    const alreadyBytes = session.received.reduce((sum, p) => sum + p.size, 0);
    let sent = alreadyBytes;
    let failed = false;
    const show = () => {
      if (failed) return; // a part still in flight after a failure must not hide the error
      const pct = Math.floor((100 * sent) / file.size);
      uploadBar.value = pct;
      uploadBar.textContent = `${pct}%`;
      say(`Uploading: ${pct}% (${session.part_count} parts${resumed ? ", resumed" : ""}).`);
    };
    show();
    let fresh;
    try {
      fresh = await uploadParts(file, session, (bytes) => { sent += bytes; show(); });
    } catch (error) {
      failed = true;
      throw error;
    }
    const parts = [...session.received, ...fresh]
      .map((p) => ({ part_number: p.part_number, etag: p.etag }))
      .sort((a, b) => a.part_number - b.part_number);
    say("Finishing the upload…");
    await api("POST", `/api/v1/videos/${videoId}/upload/complete`, { parts });
    forget(file);
    uploadBar.value = 100;
    form.dataset.videoId = videoId;
    return watchProcessing(videoId);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = fileInput.files[0];
    if (!file) { say("Choose a video file first."); fileInput.focus(); return; }
    if (!titleInput.value.trim()) { say("Give the video a title."); titleInput.focus(); return; }
    try {
      await upload(file);
    } catch (error) {
      say(`Upload stopped: ${error.message} Choose the same file and press Upload to resume.`);
    } finally {
      startButton.disabled = false;
    }
  });

  // After a reload: say which uploads can be resumed.
  const pending = Object.values(remembered());
  if (pending.length) {
    resumeNote.hidden = false;
    resumeNote.textContent = `Unfinished upload: ${pending.map((p) => p.name).join(", ")}. Choose the same file and press Upload to resume it.`;
  }
})();
