// The admin dashboard: polls /admin/api/overview every 2 s and redraws what changed, reads the packs once; actions go
// to /admin/api with the page's antiforgery token. Rows are keyed (data-id) and kept while unchanged or while their
// editor is open.
"use strict";
const token = document.querySelector('meta[name="antiforgery"]').content;
const PollMs = 2000;

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    // Styles through the CSSOM: the page's Content-Security-Policy refuses style attributes.
    else if (name === "style") Object.assign(node.style, value);
    else if (value !== undefined && value !== null) node.setAttribute(name, value);
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function say(text, isError = false) {
  const message = document.getElementById("message");
  message.textContent = text;
  message.className = isError ? "error" : "";
}

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { "X-CSRF-TOKEN": token, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (response.status === 401) { location.assign("/admin/login"); throw new Error("signed out"); }
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error(json?.detail || json?.title || `HTTP ${response.status}`);
  return json;
}

async function act(description, method, path, body) {
  try {
    const result = await call(method, path, body);
    say(description + ": done");
    await refresh();
    return result;
  } catch (error) {
    say(`${description}: ${error.message}`, true);
    return null;
  }
}

/** Replaces the rows of a table body by key, keeping rows whose content is unchanged or that are being edited. */
function syncRows(tbody, items, key, render) {
  const existing = new Map([...tbody.children].map(row => [row.dataset.id, row]));
  const rows = items.map(item => {
    const signature = JSON.stringify(item);
    const row = existing.get(key(item));
    if (row && (row.dataset.signature === signature || row.querySelector("details[open]"))) return row;
    const fresh = render(item);
    fresh.dataset.id = key(item);
    fresh.dataset.signature = signature;
    return fresh;
  });
  tbody.replaceChildren(...rows);
}

const when = iso => new Date(iso).toLocaleTimeString();
const of = (used, limit) => `${used} / ${limit}`;

function tenantRow(t) {
  const tenantPath = `/admin/api/tenants/${encodeURIComponent(t.tenant_id)}`;
  const keys = t.keys.filter(k => !k.revoked).map(k => el("li", {}, `${k.key_id} (${k.label}) `,
    el("button", { class: "link revoke-key", onclick: () => act(`revoke ${k.key_id}`, "DELETE", `${tenantPath}/keys/${encodeURIComponent(k.key_id)}`) }, "revoke")));
  const q = t.quotas;
  const field = (name, value) => el("label", {}, name.replaceAll("_", " "), el("input", { type: "number", min: "0", name, value }));
  const quotaForm = el("form", { class: "quotas", onsubmit: event => {
    event.preventDefault();
    const values = Object.fromEntries([...new FormData(event.target)].map(([k, v]) => [k, Number(v)]));
    event.target.closest("details").open = false;
    act(`quotas of ${t.tenant_id}`, "PUT", `${tenantPath}/quotas`, values);
  } }, field("max_jobs_in_flight", q.max_jobs_in_flight), field("images_per_day", q.images_per_day),
    field("max_identities", q.max_identities), field("requests_per_minute", q.requests_per_minute), el("button", { type: "submit" }, "Save quotas"));
  return el("tr", {},
    el("td", {}, el("b", {}, t.name), el("div", { class: "muted" }, t.tenant_id)),
    el("td", { class: "status" }, t.suspended ? el("span", { class: "badge bad", title: t.suspended_reason ?? "" }, "suspended") : el("span", { class: "badge ok" }, "active")),
    el("td", {}, of(t.usage.jobs_in_flight, q.max_jobs_in_flight)),
    el("td", {}, t.usage.jobs_queued),
    el("td", {}, meter(t.usage.images_today, q.images_per_day)),
    el("td", {}, of(t.usage.identities, q.max_identities)),
    el("td", {}, el("ul", { class: "keys" }, keys)),
    el("td", { class: "actions" },
      t.suspended
        ? el("button", { class: "resume", onclick: () => act(`resume ${t.tenant_id}`, "POST", `${tenantPath}/resume`) }, "Resume")
        : el("button", { class: "suspend", onclick: () => act(`suspend ${t.tenant_id}`, "POST", `${tenantPath}/suspend`, { reason: "suspended from the dashboard" }) }, "Suspend"),
      el("button", { class: "new-key", onclick: () => newKey(t.tenant_id, tenantPath) }, "New key"),
      el("details", {}, el("summary", {}, "Quotas"), quotaForm)));
}

function meter(used, limit) {
  const fraction = limit > 0 ? Math.min(1, used / limit) : 1;
  return el("span", { class: "meter", title: of(used, limit) }, el("span", { style: { width: `${(fraction * 100).toFixed(1)}%` } }), of(used, limit));
}

async function newKey(tenantId, tenantPath) {
  const key = await act(`new key for ${tenantId}`, "POST", `${tenantPath}/keys`, { label: "dashboard" });
  if (!key) return;
  document.getElementById("key-tenant").textContent = tenantId;
  document.getElementById("key-secret").textContent = key.key;
  document.getElementById("key-dialog").showModal();
}

function jobRow(j) {
  const live = j.status === "queued" || j.status === "running";
  const fraction = j.total_steps > 0 ? j.step / j.total_steps : 0;
  return el("tr", { class: j.status },
    el("td", { class: "mono" }, j.id),
    el("td", {}, j.tenant_id),
    el("td", { class: "status" }, el("span", { class: `badge ${j.status}` }, j.status)),
    el("td", {}, el("progress", { max: j.total_steps || 1, value: j.step }), ` ${j.step}/${j.total_steps} (${Math.round(fraction * 100)}%)`),
    el("td", { class: "prompt" }, j.prompt),
    el("td", { class: "mono" }, j.seeds[0] ?? ""),
    el("td", {}, live ? el("button", { class: "cancel", onclick: () => act(`cancel ${j.id}`, "POST", `/admin/api/jobs/${encodeURIComponent(j.id)}/cancel`) }, "Cancel") : ""));
}

const failureRow = f => el("tr", {}, el("td", { class: "mono" }, f.id), el("td", {}, f.tenant_id), el("td", {}, when(f.updated_at)), el("td", { class: "error" }, f.error ?? ""));

const workerRow = w => el("tr", {},
  el("td", { class: "mono" }, w.id), el("td", { class: "mono" }, w.device), el("td", {}, w.capacity ?? "transport default"), el("td", {}, w.in_flight),
  el("td", {}, w.completed), el("td", {}, w.jobs_per_minute), el("td", {}, when(w.last_seen)));

function drawThroughput(minutes) {
  const canvas = document.getElementById("throughput");
  const g = canvas.getContext("2d");
  const [w, h, left, bottom] = [canvas.width, canvas.height, 28, 18];
  g.clearRect(0, 0, w, h);
  const max = Math.max(1, ...minutes.map(m => m.succeeded + m.failed));
  const bar = (w - left) / minutes.length;
  const y = count => (h - bottom) * (1 - count / max);
  minutes.forEach((m, i) => {
    const x = left + i * bar;
    g.fillStyle = "#2e7d32";
    g.fillRect(x + 1, y(m.succeeded), bar - 2, h - bottom - y(m.succeeded));
    g.fillStyle = "#c62828";
    g.fillRect(x + 1, y(m.succeeded + m.failed), bar - 2, y(m.succeeded) - y(m.succeeded + m.failed));
  });
  g.fillStyle = "#555";
  g.font = "11px sans-serif";
  g.fillText(String(max), 2, 10);
  g.fillText("0", 2, h - bottom);
  g.fillText("-60 min", left, h - 4);
  g.fillText("now", w - 24, h - 4);
  g.strokeStyle = "#bbb";
  g.beginPath(); g.moveTo(left, h - bottom + 0.5); g.lineTo(w, h - bottom + 0.5); g.stroke();
}

function renderGallery(tenants) {
  const gallery = document.getElementById("gallery");
  const signature = JSON.stringify(tenants);
  if (gallery.dataset.signature === signature) return;
  gallery.dataset.signature = signature;
  gallery.replaceChildren(...tenants.map(t => el("div", { class: "gallery-tenant", "data-id": t.tenant_id },
    el("h3", {}, t.tenant_id),
    el("div", { class: "thumbs" }, t.images.map(i => el("figure", { "data-job-id": i.job_id },
      el("img", { src: i.url, alt: i.prompt, loading: "lazy", onerror: event => event.target.classList.add("expired") }),
      el("figcaption", {}, i.prompt, el("br"), el("span", { class: "mono" }, `seed ${i.seed}`))))))));
  if (tenants.length === 0) gallery.append(el("p", { class: "muted" }, "no outputs yet"));
}

function packRow(p) {
  const d = p.defaults;
  const card = p.card;
  const line = (label, text) => text ? el("div", {}, el("b", {}, label + ": "), text) : "";
  return el("tr", {},
    el("td", {}, el("b", {}, p.name), " ", p.version, p.is_default ? el("span", { class: "badge ok" }, "default") : "",
      el("div", { class: "muted" }, `VAE pixels [${p.pixel_range.join(", ")}]`)),
    el("td", {}, `${d.steps} steps, guidance ${d.guidance}, ${d.width}×${d.height}`),
    el("td", {}, `${p.min_size}–${p.max_size}, multiple of ${p.size_multiple}`),
    el("td", { class: "card-text" }, card
      ? [line("About", card.description), line("Training data", card.training_data), line("Licence", card.licence),
         line("Prompts", card.prompts), line("Readme", card.readme)]
      : el("span", { class: "muted" }, "no model card")));
}

/** Packs are fixed for the host's life: read once when the page opens. */
async function loadPacks() {
  try {
    const list = await call("GET", "/admin/api/packs");
    syncRows(document.querySelector("#packs tbody"), list.items, p => p.name, packRow);
  } catch (error) {
    say("packs: " + error.message, true);
  }
}

async function refresh() {
  try {
    const o = await call("GET", "/admin/api/overview");
    syncRows(document.querySelector("#tenants tbody"), o.tenants, t => t.tenant_id, tenantRow);
    syncRows(document.querySelector("#jobs tbody"), o.jobs, j => j.id, jobRow);
    syncRows(document.querySelector("#failures tbody"), o.failures, f => f.id, failureRow);
    syncRows(document.querySelector("#workers tbody"), o.workers, w => w.id, workerRow);
    drawThroughput(o.throughput);
    renderGallery(o.gallery);
    document.getElementById("updated").textContent = "updated " + when(o.at);
  } catch (error) {
    document.getElementById("updated").textContent = "update failed: " + error.message;
  }
}

document.getElementById("logout").addEventListener("click", async () => {
  await call("POST", "/admin/logout").catch(() => {});
  location.assign("/admin/login");
});

refresh();
loadPacks();
setInterval(refresh, PollMs);
