// docgen's page: plain JavaScript over the JSON API (see README, "网页").
"use strict";

const T = JSON.parse(document.getElementById("t").textContent);
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

function fileEntry(file, label) {
  const picker = el("input", { type: "file", accept: ".xlsx,.xlsm", hidden: true });
  picker.addEventListener("change", () => {
    if (picker.files.length) uploadFiles([picker.files[0]], file.name);
  });
  return el("li", { "data-name": file.name },
    el("div", { class: "file-row" },
      label ? el("span", { class: "file-name", title: file.name }, el("strong", {}, label), " ",
        el("span", { class: "file-kind" }, file.name.split("/").pop())) :
        el("span", { class: "file-name", title: file.name }, file.name.split("/").pop()),
      statusBadge(file.problems || []),
      el("label", { class: "button" }, T.replace, picker),
      el("button", { type: "button", class: "remove", onclick: () => removeFile(file.name) }, T.remove)),
    problemList(file.problems || []));
}

async function refreshCheck() {
  const { status, data } = await api("GET", "/api/check");
  if (status !== 200) return;
  const tallies = data.files.filter((f) => f.kind === "tally");
  const list = $("#tally-list");
  list.replaceChildren(...(tallies.length ? tallies.map((f) => fileEntry(f)) :
    [el("li", { class: "empty" }, T.no_tallies)]));
  const rosters = $("#roster-list");
  rosters.replaceChildren(...["units", "hazards", "students"].map((kind) => {
    const file = data.files.find((f) => f.kind === kind);
    if (file) return fileEntry(file, T["kind_" + kind]);
    return el("li", { class: "empty" },
      el("div", { class: "file-row" },
        el("span", { class: "file-name" }, T["kind_" + kind]),
        el("span", { class: "badge none" }, T.no_roster)));
  }));
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
}

async function uploadOne(file, replace) {
  const form = new FormData();
  form.append("files", file, file.name);
  const url = replace ? "/api/files?replace=" + encodeURIComponent(replace) : "/api/files";
  return api("POST", url, form);
}

async function uploadFiles(files, replace) {
  $("#upload-messages").replaceChildren();
  const busy = say("#upload-messages", "info", T.uploading);
  for (const file of files) {
    const { status, data } = await uploadOne(file, replace);
    if (status === 409 && !replace) {
      const name = data.error;
      const box = say("#upload-messages", "error", name + " ");
      box.append(el("button", { type: "button", onclick: async () => {
        box.remove();
        const target = conflictName(file, data);
        const again = await uploadOne(file, target);
        if (again.status !== 200) say("#upload-messages", "error", again.data.error);
        refreshCheck();
      } }, T.replace));
    } else if (status !== 200) {
      say("#upload-messages", "error", data.error);
    }
  }
  busy.remove();
  refreshCheck();
}

function conflictName(file, data) {
  return data.name || null;
}

async function removeFile(name) {
  if (!window.confirm(fmt(T.confirm_remove, { name }))) return;
  const { status, data } = await api("DELETE", pathUrl("/api/files/", name));
  if (status !== 204) say("#upload-messages", "error", data.error);
  refreshCheck();
}

// A drop zone and its file input: ``take(files)`` gets the files dropped or chosen.
function dropZone(drop, input, take) {
  input.addEventListener("change", () => {
    if (input.files.length) take(Array.from(input.files));
    input.value = "";
  });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files.length) take(Array.from(e.dataTransfer.files));
  });
}

function setUpDrop() {
  dropZone($("#drop"), $("#file-input"), uploadFiles);
}

// ---------------------------------------------------------------- ② settings

function toggleOptional() {
  for (const set of document.querySelectorAll("fieldset.optional")) {
    const on = set.querySelector("legend input").checked;
    for (const input of set.querySelectorAll(".grid input")) input.disabled = !on;
    set.classList.toggle("off", !on);
  }
}

function settingsValues(form) {
  const values = {};
  for (const input of form.querySelectorAll("input, textarea, select")) {
    if (!input.name) continue;
    if (input.type === "checkbox") values[input.name] = input.checked;
    else if (input.name.startsWith("summary.years.")) continue;
    else values[input.name] = input.value;
  }
  values["summary.years"] = [form.elements["summary.years.0"].value, form.elements["summary.years.1"].value];
  return values;
}

function setUpSettings() {
  const form = $("#settings-form");
  form.addEventListener("change", toggleOptional);
  toggleOptional();
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const message = $("#settings-message");
    const { status, data } = await api("POST", "/api/settings", settingsValues(form));
    message.className = "message " + (status === 200 ? "ok" : "error");
    message.textContent = status === 200 ? "✓ " + T.saved : data.error;
  });
}

// ---------------------------------------------------------------- ③ build, ④ preview

let polling = null;

async function startBuild() {
  $("#build-message").replaceChildren();
  const { status, data } = await api("POST", "/api/build", { pdf: $("#pdf").checked });
  if (status !== 202) {
    say("#build-message", "error", data.error);
    return;
  }
  $("#build").disabled = true;
  $("#progress").hidden = false;
  showProgress({ done: 0, total: 0, stage: T.building });
  polling = setInterval(() => poll(data.job), 400);
}

function showProgress(job) {
  $("#progress-stage").textContent = job.stage || T.building;
  $("#progress-count").textContent = job.total ? `${job.done} / ${job.total}` : "";
  $("#progress-fill").style.width = job.total ? (100 * job.done / job.total).toFixed(1) + "%" : "3%";
}

async function poll(id) {
  const { status, data } = await api("GET", "/api/build/" + id);
  if (status !== 200) return;
  showProgress(data);
  if (data.state === "running") return;
  clearInterval(polling);
  $("#build").disabled = false;
  $("#progress").hidden = true;
  if (data.state === "done") {
    await showOutputs();
    showPreview();
  } else {
    const box = say("#build-message", "error", T.build_failed + "：" + data.error);
    const list = problemList(data.problems || []);
    if (list) box.append(list);
    refreshCheck();
  }
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
      el("h3", {}, fmt(T.build_done, { n: files.length })),
      el("a", { class: "button download", id: "download-zip", href: "/api/outputs.zip", download: "" },
        "⇩ " + T.download_zip)),
    el("div", { class: "totals" }, r.totals));
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
  for (const input of document.querySelectorAll(".template-upload")) {
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
  dropZone($("#format-drop"), $("#format-input"), (files) => formatDraft(files[0]));
}

setUpDrop();
setUpFormat();
setUpSettings();
setUpTemplates();
$("#build").addEventListener("click", startBuild);
refreshCheck();
if (window.DOCGEN.finished) { showOutputs(); showPreview(); }
