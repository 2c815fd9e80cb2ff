// docgen's page: plain JavaScript over the JSON API (see README, "网页").
"use strict";

const T = JSON.parse(document.getElementById("t").textContent);
const WORKBOOKS = JSON.parse(document.getElementById("accept").textContent);
const $ = (selector) => document.querySelector(selector);

function fmt(text, values) {
  return text.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function pathUrl(prefix, name) {
  return prefix + name.split("/").map(encodeURIComponent).join("/");
}

async function api(method, url, body) {
  const options = { method, credentials: "same-origin", headers: {} };
  if (body instanceof FormData) options.body = body;
  else if (body !== undefined) {
    options.body = JSON.stringify(body);
    options.headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch(url, options);
  } catch (e) {
    return { status: 0, data: { error: T.network_error } };
  }
  if (response.status === 401) { window.location = "/login"; }
  let data = null;
  if (response.status !== 204) {
    try { data = await response.json(); } catch (e) { data = { error: response.statusText }; }
  }
  return { status: response.status, data };
}

function say(box, kind, text, ...extra) {
  const node = el("div", { class: kind }, text, ...extra);
  $(box).append(node);
  return node;
}

// ---------------------------------------------------------------- ① files

function problemList(problems) {
  if (!problems.length) return null;
  return el("ul", { class: "problems" }, problems.map((p) =>
    el("li", { class: p.severity },
      p.place ? el("span", { class: "place" }, p.place) : null,
      p.message,
      p.hint ? el("span", { class: "hint" }, p.hint) : null)));
}

function statusBadge(problems) {
  const errors = problems.filter((p) => p.severity === "error").length;
  const warnings = problems.length - errors;
  if (errors) return el("span", { class: "badge error" }, fmt(T.errors_n, { n: errors }));
  if (warnings) return el("span", { class: "badge warn" }, fmt(T.warnings_n, { n: warnings }));
  return el("span", { class: "badge ok" }, "✓ " + T.ok);
}

// A hidden file input opened by a real button (so the keyboard reaches it).
function pickerButton(text, label, accept, take) {
  const picker = el("input", { type: "file", accept, class: "visually-hidden", tabindex: "-1", "aria-hidden": "true" });
  picker.addEventListener("change", () => {
    if (picker.files.length) take(picker.files[0]);
    picker.value = "";
  });
  const button = el("button", { type: "button", "aria-label": label, onclick: () => picker.click() }, text);
  return [button, picker];
}

function fileEntry(file, label) {
  const short = file.name.split("/").pop();
  return el("li", { "data-name": file.name },
    el("div", { class: "file-row" },
      label ? el("span", { class: "file-name", title: file.name }, el("strong", {}, label), " ",
        el("span", { class: "file-kind" }, short)) :
        el("span", { class: "file-name", title: file.name }, short,
          file.units && file.units.length && !file.units.every((u) => short.includes(u))
            ? el("span", { class: "file-unit" }, fmt(T.unit_of_file, { units: file.units.join("、") })) : null),
      statusBadge(file.problems || []),
      pickerButton(T.replace, fmt(T.replace_label, { name: short }), WORKBOOKS,
        (chosen) => uploadFiles([chosen], file.name)),
      el("button", { type: "button", class: "remove", "aria-label": fmt(T.remove_label, { name: short }),
        onclick: () => removeFile(file.name) }, T.remove)),
    problemList(file.problems || []));
}

const pending = new Set();  // files waiting for her 替换 in the messages above

function showRefused(refused) {
  const box = $("#refused");
  box.replaceChildren();
  refused = (refused || []).filter((r) => !pending.has(r.name));
  if (!refused.length) return;
  box.append(el("h3", {}, T.refused_title),
    el("ul", { class: "refused-list" }, refused.map((r) =>
      el("li", { "data-refused": r.name },
        el("span", { class: "refused-text" },
          r.message.startsWith(r.name) ? [el("strong", {}, r.name), r.message.slice(r.name.length)]
                                       : [el("strong", {}, r.name), "：", r.message]),
        el("button", { type: "button", class: "dismiss", "aria-label": fmt(T.dismiss_label, { name: r.name }),
          onclick: async () => {
            await api("DELETE", "/api/refused/" + encodeURIComponent(r.id));
            refreshCheck();
          } }, T.dismiss)))));
}

function showReporting(data) {
  const box = $("#reporting");
  box.hidden = false;
  const count = $("#reporting-count");
  const list = $("#missing-list");
  const copy = $("#copy-missing");
  if (!data.expected.length) {
    count.textContent = "";
    list.textContent = T.no_expected;
    copy.hidden = true;
    box.className = "reporting none";
    return;
  }
  const have = data.expected.length - data.missing.length;
  count.textContent = fmt(T.reported, { n: have, m: data.expected.length });
  list.textContent = data.missing.length ? fmt(T.missing_units, { names: data.missing.join("、") }) : T.all_reported;
  copy.hidden = !data.missing.length;
  copy.dataset.text = fmt(T.missing_message, { names: data.missing.join("、") });
  box.className = "reporting " + (data.missing.length ? "warn" : "ok");
}

async function copyMissing() {
  const text = $("#copy-missing").dataset.text || "";
  let done = false;
  try { await navigator.clipboard.writeText(text); done = true; } catch (e) { done = false; }
  if (!done) {  // plain http on another computer: the old way
    const area = el("textarea", { class: "visually-hidden" });
    area.value = text;
    document.body.append(area);
    area.select();
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    area.remove();
  }
  $("#copy-message").textContent = done ? "✓ " + T.copied : text;
}

let checked = null;

function showBarStatus() {
  const data = checked;
  if (!data) return;
  const parts = [];
  if (data.expected && data.expected.length) {
    parts.push(fmt(T.reported, { n: data.expected.length - data.missing.length, m: data.expected.length }));
  }
  parts.push(data.errors ? fmt(T.errors_block, { n: data.errors }) : T.ready);
  if (data.refused && data.refused.length) parts.push(fmt(T.refused_n, { n: data.refused.length }));
  const status = $("#bar-status");
  status.textContent = parts.join(" · ");
  const warn = (data.refused && data.refused.length) || (data.missing && data.missing.length);
  status.className = "bar-status " + (data.errors ? "error" : warn ? "warn" : "ok");
}

function showFiles(files, rosterKinds) {
  const tallies = files.filter((f) => f.kind === "tally");
  $("#tally-list").replaceChildren(...(tallies.length ? tallies.map((f) => fileEntry(f)) :
    [el("li", { class: "empty" }, T.no_tallies)]));
  $("#roster-list").replaceChildren(...rosterKinds.map((r) => {
    const file = files.find((f) => f.kind === r.kind);
    if (file) return fileEntry(file, r.title);
    return el("li", { class: "empty", "data-kind": r.kind },
      el("div", { class: "file-row" },
        el("span", { class: "file-name" }, r.title),
        el("span", { class: "badge none" }, T.no_roster)));
  }));
  return tallies;
}

async function refreshCheck() {
  refreshBackups();
  const { status, data } = await api("GET", "/api/check");
  if (status !== 200) {
    // a broken docgen.toml: the files are still listed, the message says what to fix
    const listing = await api("GET", "/api/files");
    if (listing.status === 200) {
      showFiles(listing.data.files, listing.data.roster_kinds);
      showRefused(listing.data.refused);
    }
    const summary = $("#check-summary");
    summary.className = "summary error";
    summary.textContent = data.error;
    $("#bar-status").className = "bar-status error";
    $("#bar-status").textContent = data.error;
    return;
  }
  checked = data;
  const tallies = showFiles(data.files, data.roster_kinds);
  showRefused(data.refused);
  showReporting(data);
  $("#demo-banner").hidden = !data.demo.length;
  const warnings = data.problems.length + data.rosters.reduce((n, r) => n + r.problems.length, 0) - data.errors;
  const summary = $("#check-summary");
  summary.className = "summary " + (data.errors ? "error" : "ok");
  summary.textContent = fmt(T.check_summary, {
    tallies: tallies.length, units: data.units.length, rosters: data.rosters.length,
    errors: data.errors, warnings,
  });
  const other = $("#other-problems");
  other.replaceChildren();
  if (data.other_problems.length) {
    other.append(el("h3", {}, T.other_problems), problemList(data.other_problems));
  }
  showBarStatus();
}

// the files the page replaced or removed, each put back with one click (the one there now is kept)
function backupTime(iso) {
  return iso.replace("T", " ").slice(0, 16);
}

async function refreshBackups() {
  const { status, data } = await api("GET", "/api/backups");
  if (status !== 200) return;
  const box = $("#backups");
  box.hidden = !data.backups.length;
  $("#backups-title").textContent = fmt(T.backups_title, { n: data.backups.length });
  $("#backup-list").replaceChildren(...data.backups.map((b) => {
    const time = backupTime(b.time);
    const when = fmt(b.why === "removed" ? T.backup_removed : b.why === "replaced" ? T.backup_replaced
                                                                                  : T.backup_kept, { time });
    return el("li", { "data-backup": b.id },
      el("div", { class: "file-row" },
        el("span", { class: "file-name", title: b.name || b.id }, b.name || b.file),
        el("span", { class: "backup-when" }, when),
        b.name ? el("button", { type: "button", class: "restore",
          "aria-label": fmt(T.restore_label, { name: b.name, time }),
          onclick: () => restoreBackup(b, time) }, T.restore)
               : el("span", { class: "badge none" }, T.backup_unknown_place)));
  }));
}

async function restoreBackup(backup, time) {
  if (!window.confirm(fmt(T.confirm_restore, { name: backup.name, time }))) return;
  $("#upload-messages").replaceChildren();
  const { status, data } = await api("POST", "/api/backups/" + encodeURIComponent(backup.id) + "/restore");
  if (status !== 200) say("#upload-messages", "error", data.error);
  else if (data.backup) say("#upload-messages", "ok", fmt(T.restored_kept, { name: data.name, backup: data.backup }));
  else say("#upload-messages", "ok", fmt(T.restored, { name: data.name }));
  await refreshCheck();
}

async function uploadOne(file, replace) {
  const form = new FormData();
  form.append("files", file, file.name);
  const url = replace ? "/api/files?replace=" + encodeURIComponent(replace) : "/api/files";
  return api("POST", url, form);
}

function uploaded(data) {
  for (const stored of data.files || []) {
    if (stored.backup) {
      say("#upload-messages", "ok", fmt(T.replaced, { name: stored.name, backup: stored.backup }));
    } else if (stored.renamed) {
      say("#upload-messages", "ok", fmt(T.kept_apart, { original: stored.original, name: stored.name }));
    }
  }
}

async function uploadFiles(files, replace) {
  $("#upload-messages").replaceChildren();
  pending.clear();
  const busy = say("#upload-messages", "info", T.uploading);
  let refused = false;
  for (const file of files) {
    const { status, data } = await uploadOne(file, replace);
    if (status === 409 && !replace && data.name) {
      const box = say("#upload-messages", "error conflict", data.error + " ");
      pending.add(file.name);
      box.append(el("button", { type: "button", class: "confirm-replace",
        "aria-label": fmt(T.replace_confirm, { original: file.name, name: data.name }),
        onclick: async () => {
          box.remove();
          pending.delete(file.name);
          const again = await uploadOne(file, data.name);
          if (again.status !== 200) say("#upload-messages", "error", again.data.error);
          else uploaded(again.data);
          refreshCheck();
        } }, T.replace));
    } else if (status === 400 || status === 413) {
      refused = true;  // listed with the other refusals, until she dismisses it
    } else if (status !== 200) {
      say("#upload-messages", "error", data.error);
    } else {
      uploaded(data);
    }
  }
  busy.remove();
  await refreshCheck();
  if (refused) $("#refused").scrollIntoView({ block: "nearest" });
}

async function removeFile(name) {
  if (!window.confirm(fmt(T.confirm_remove, { name }))) return;
  const { status, data } = await api("DELETE", pathUrl("/api/files/", name));
  if (status !== 204) say("#upload-messages", "error", data.error);
  refreshCheck();
}

// Every file of a dropped folder (and its sub-folders), read through the entries API.
async function droppedFiles(dataTransfer) {
  const entries = Array.from(dataTransfer.items || []).map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
  if (!entries.length) return Array.from(dataTransfer.files);
  const files = [];
  async function walk(entry) {
    if (entry.isFile) {
      files.push(await new Promise((ok, fail) => entry.file(ok, fail)));
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      let batch;
      do {
        batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
        for (const child of batch) await walk(child);
      } while (batch.length);
    }
  }
  for (const entry of entries) await walk(entry);
  return files;
}

function wanted(file) {
  const name = file.name;
  return !name.startsWith("~$") && !name.startsWith(".");
}

// A drop zone and its file inputs: ``take(files)`` gets the files dropped or chosen.
function dropZone(drop, inputs, take) {
  for (const input of inputs) {
    input.addEventListener("change", () => {
      if (input.files.length) take(Array.from(input.files).filter(wanted));
      input.value = "";
    });
  }
  drop.addEventListener("click", (e) => {  // the whole zone opens the chooser, as before
    if (e.target === drop || !e.target.closest("label, button, input")) inputs[0].click();
  });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const files = (await droppedFiles(e.dataTransfer)).filter(wanted);
    if (files.length) take(files);
  });
}

function setUpDrop() {
  dropZone($("#drop"), [$("#file-input"), $("#folder-input")], uploadFiles);
  $("#copy-missing").addEventListener("click", copyMissing);
  $("#clear-demo").addEventListener("click", async () => {
    if (!window.confirm(T.confirm_demo)) return;
    const { status, data } = await api("DELETE", "/api/demo");
    $("#upload-messages").replaceChildren();
    pending.clear();
    if (status === 200) say("#upload-messages", "ok", fmt(T.demo_cleared, { n: data.removed.length }));
    else say("#upload-messages", "error", data.error);
    refreshCheck();
  });
}

// ---------------------------------------------------------------- ② settings

function toggleOptional() {
  for (const set of document.querySelectorAll("fieldset.optional")) {
    const on = set.querySelector("legend input").checked;
    for (const input of set.querySelectorAll(".grid input, .grid textarea")) input.disabled = !on;
    set.classList.toggle("off", !on);
  }
}

function settingsValues(form) {
  const values = {};
  for (const input of form.querySelectorAll("input, textarea, select")) {
    if (!input.name) continue;
    if (input.type === "checkbox") values[input.name] = input.checked;
    else if (input.dataset.type === "years") {
      const name = input.name.replace(/\.[01]$/, "");
      (values[name] = values[name] || []).push(input.value);
    } else values[input.name] = input.value;
  }
  return values;
}

function setUpSettings() {
  const form = $("#settings-form");
  form.addEventListener("change", toggleOptional);
  toggleOptional();
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const message = $("#settings-message");
    for (const bad of form.querySelectorAll("[aria-invalid]")) bad.removeAttribute("aria-invalid");
    const { status, data } = await api("PUT", "/api/settings", settingsValues(form));
    message.className = "message " + (status === 200 ? "ok" : "error");
    message.textContent = status === 200 ? "✓ " + T.saved : data.error;
    if (status !== 200 && data.field) {
      const field = form.querySelector(`[name="${data.field}"], [name="${data.field}.0"]`);
      if (field) { field.setAttribute("aria-invalid", "true"); field.focus(); }
    }
    if (status === 200) {
      for (const [name, value] of Object.entries(data)) {
        const field = form.elements[name];
        if (field && field.tagName !== "FIELDSET" && field.type !== "checkbox" && typeof value === "string") field.value = value;
      }
      refreshCheck();
    }
  });
}

// ---------------------------------------------------------------- ③ build, ④ preview

let polling = null;
let watching = null;

function building(on) {
  $("#build").disabled = on;
  $("#build").setAttribute("aria-busy", on ? "true" : "false");
  $("#cancel-build").hidden = !on;
  $("#progress").hidden = !on;
  $("#bar-progress").hidden = !on;
}

async function startBuild() {
  const button = $("#build");
  if (button.disabled) return;
  building(true);  // at once: a double click cannot start a second build
  $("#build-message").replaceChildren();
  const { status, data } = await api("POST", "/api/build", { pdf: $("#pdf").checked });
  if (status === 409 && data.job) { follow(data.job); return; }  // one is running: show it
  if (status !== 202) {
    building(false);
    say("#build-message", "error", data.error);
    return;
  }
  follow(data.job);
}

function follow(id) {
  building(true);
  watching = id;
  showProgress({ done: 0, total: 0, stage: T.building });
  clearInterval(polling);
  polling = setInterval(() => poll(id), 400);
  poll(id);
}

function showProgress(job) {
  const stage = job.cancelling ? T.cancelling : (job.stage || T.building);
  const count = job.total ? `${job.done} / ${job.total}` : "";
  $("#progress-stage").textContent = stage;
  $("#progress-count").textContent = count;
  $("#bar-progress").textContent = stage + (count ? " " + count : "");
  $("#progress-fill").style.width = job.total ? (100 * job.done / job.total).toFixed(1) + "%" : "3%";
  $("#progress-bar").setAttribute("aria-valuemax", String(job.total || 0));
  $("#progress-bar").setAttribute("aria-valuenow", String(job.done || 0));
}

async function poll(id) {
  const { status, data } = await api("GET", "/api/build/" + id);
  if (status !== 200 || watching !== id) return;
  showProgress(data);
  if (data.state === "running") return;
  clearInterval(polling);
  watching = null;
  building(false);
  if (data.state === "done") {
    await showOutputs();
    showPreview();
  } else if (data.state === "cancelled") {
    say("#build-message", "info", T.build_cancelled + "：" + data.error);
  } else {
    const box = say("#build-message", "error", T.build_failed + "：" + data.error);
    const list = problemList(data.problems || []);
    if (list) box.append(list);
    refreshCheck();
  }
}

async function cancelBuild() {
  if (!watching) return;
  $("#cancel-build").disabled = true;
  await api("POST", "/api/build/" + watching + "/cancel", {});
  $("#cancel-build").disabled = false;
}

async function pickUpBuild() {
  const { status, data } = await api("GET", "/api/build");
  if (status === 200 && data.job && data.state === "running") follow(data.job);
}

async function showOutputs() {
  const { data } = await api("GET", "/api/outputs");
  const report = $("#report");
  report.replaceChildren();
  if (!data || !data.report) return;
  const r = data.report;
  const files = data.files;
  report.append(
    el("div", { class: "report-head" },
      el("h3", {}, fmt(T.build_done, { n: files.length }),
        r.finished ? el("span", { class: "finished", id: "finished-at" }, fmt(T.finished_at, { time: r.finished })) : null),
      el("a", { class: "button download", id: "download-zip", href: "/api/outputs.zip", download: "" },
        "⇩ " + T.download_zip)),
    el("div", { class: "totals" }, r.totals));
  if (r.missing && r.missing.length) {
    report.append(el("div", { class: "alert warn", id: "report-missing" },
      fmt(T.report_missing, { n: r.missing.length, names: r.missing.join("、") })));
  }
  if (r.refused && r.refused.length) {
    report.append(el("div", { class: "alert warn", id: "report-refused" },
      fmt(T.report_refused, { names: r.refused.map((x) => x.name).join("、") })));
  }
  const rows = r.written.map((w) => {
    let link;
    if (w.folder) {
      const inside = files.filter((f) => f.startsWith(w.path + "/"));
      link = el("details", {}, el("summary", {}, T.show_files),
        el("ul", {}, inside.map((f) => el("li", {}, el("a", { href: pathUrl("/outputs/", f) }, f.split("/").pop())))));
    } else {
      link = el("a", { href: pathUrl("/outputs/", w.path) }, w.path);
    }
    return el("tr", {}, el("td", {}, w.label), el("td", {}, w.folder ? fmt(T.files_count, { n: w.count }) : ""), el("td", {}, link));
  });
  const pdfs = files.filter((f) => f.endsWith(".pdf"));
  if (pdfs.length) {
    rows.push(el("tr", {}, el("td", {}, "PDF"), el("td", {}, fmt(T.files_count, { n: pdfs.length })),
      el("td", {}, el("details", {}, el("summary", {}, T.show_files),
        el("ul", {}, pdfs.map((f) => el("li", {}, el("a", { href: pathUrl("/outputs/", f) }, f))))))));
  }
  report.append(el("table", { class: "table" }, el("tbody", {}, rows)));
  if (r.warnings.length) report.append(el("h3", {}, T.warnings), problemList(r.warnings));
  if (r.skipped.length) report.append(el("h3", {}, T.notes), el("ul", {}, r.skipped.map((s) => el("li", {}, s))));
}

function showPreview() {
  const box = $("#preview");
  if (!window.DOCGEN.soffice) return;
  box.replaceChildren(el("p", { class: "muted" }, T.preview_loading));
  const img = el("img", { id: "preview-image", alt: T.step_preview, src: "/api/preview.png?t=" + Date.now() });
  img.addEventListener("load", () => box.replaceChildren(img));
  img.addEventListener("error", () => box.replaceChildren(el("p", { class: "muted" }, T.preview_none)));
}

// ---------------------------------------------------------------- ⑤ templates

function setUpTemplates() {
  for (const button of document.querySelectorAll(".template-pick")) {
    const input = button.nextElementSibling;
    button.addEventListener("click", () => input.click());
    input.addEventListener("change", async () => {
      if (!input.files.length) return;
      $("#template-message").replaceChildren();
      const { status, data } = await uploadOne(input.files[0], input.dataset.name);
      input.value = "";
      if (status === 200) {
        const row = input.closest("tr");
        row.querySelector(".state").textContent = T.template_copy;
        say("#template-message", "ok", fmt(T.template_ok, { name: data.files[0].name }));
        const list = problemList(data.files[0].problems);
        if (list) $("#template-message").append(list);
      } else {
        say("#template-message", "error", data.error);
      }
      refreshCheck();
    });
  }
}

// ---------------------------------------------------------------- ⑥ hand-typed drafts

function findingList(findings) {
  return el("ul", { class: "problems" }, findings.map((f) => el("li", { class: "error" }, f.message)));
}

async function formatDraft(file) {
  $("#format-message").replaceChildren();
  $("#format-report").replaceChildren();
  const note = say("#format-message", "muted", T.formatting);
  const form = new FormData();
  form.append("file", file);
  const { status, data } = await api("POST", "/api/format", form);
  note.remove();
  if (status !== 200) { say("#format-message", "error", data.error); return; }
  const report = $("#format-report");
  say("#format-message", data.lint.length ? "warning" : "ok", fmt(T.format_done, { name: data.file }), " ",
      el("a", { class: "button primary", href: data.download, download: data.file, id: "format-download" },
         T.format_download));
  report.append(el("h3", {}, T.format_recognised));
  report.append(el("ul", { class: "recognised" }, Object.entries(data.recognised).map(([part, numbers]) =>
    el("li", {}, `${part}：${numbers.join("、")}`))));
  report.append(el("h3", {}, T.format_changes));
  report.append(data.changes.length ? el("ul", {}, data.changes.map((c) => el("li", {}, c)))
                                    : el("p", { class: "muted" }, T.format_no_changes));
  if (data.draft_lint.length) {
    const details = el("details", {}, el("summary", {}, fmt(T.format_draft_lint, { n: data.draft_lint.length })),
                       findingList(data.draft_lint));
    report.append(details);
  }
  report.append(el("p", { class: data.lint.length ? "warning" : "ok", id: "format-lint" },
                   data.lint.length ? fmt(T.format_left, { n: data.lint.length }) : T.format_clean));
  if (data.lint.length) report.append(findingList(data.lint));
}

function setUpFormat() {
  dropZone($("#format-drop"), [$("#format-input")], (files) => formatDraft(files[0]));
}

setUpDrop();
setUpFormat();
setUpSettings();
setUpTemplates();
$("#build").addEventListener("click", startBuild);
$("#cancel-build").addEventListener("click", cancelBuild);
refreshCheck();
pickUpBuild();
if (window.DOCGEN.finished) { showOutputs(); showPreview(); }

// ---------------------------------------------------------------- ④ where each figure comes from

async function showSources() {
  const body = $("#sources-body");
  body.replaceChildren(el("p", { class: "muted" }, T.sources_loading));
  const { status, data } = await api("GET", "/api/sources");
  if (status !== 200) {
    body.replaceChildren(el("p", { class: "error" }, (data && data.error) || T.network_error));
    return;
  }
  if (!data.figures.length) {
    body.replaceChildren(el("p", { class: "muted" }, T.sources_none));
    return;
  }
  const rows = data.figures.map((f) => el("tr", {},
    el("td", {}, f.where), el("td", {}, f.what), el("td", {}, f.printed),
    el("td", { class: "cells" }, el("ul", {}, f.cells.map((c) =>
      el("li", {}, `${c.file} · ${c.sheet} · ${c.cell} = ${c.value}`))))));
  body.replaceChildren(el("table", { class: "table sources-table" },
    el("thead", {}, el("tr", {}, el("th", {}, T.sources_where), el("th", {}, T.sources_what),
      el("th", {}, T.sources_printed), el("th", {}, T.sources_cells))),
    el("tbody", {}, rows)));
}

function setUpSources() {
  const box = $("#sources");
  if (box) box.addEventListener("toggle", () => { if (box.open) showSources(); });
}

setUpSources();
