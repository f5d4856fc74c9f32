// Signs in with the admin key (the server sets the session cookie), then opens the page asked for, or the dashboard.
"use strict";
const token = document.querySelector('meta[name="antiforgery"]').content;

document.getElementById("login").addEventListener("submit", async event => {
  event.preventDefault();
  const error = document.getElementById("login-error");
  error.textContent = "";
  const response = await fetch("/admin/login", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-TOKEN": token },
    body: JSON.stringify({ key: document.getElementById("key").value }),
  });
  if (response.ok) {
    const back = new URLSearchParams(location.search).get("ReturnUrl");
    // Only paths of this dashboard: never an address elsewhere.
    location.assign(back && back.startsWith("/admin") && !back.startsWith("//") ? back : "/admin");
    return;
  }
  const problem = await response.json().catch(() => ({}));
  error.textContent = problem.detail || problem.title || `sign-in failed (${response.status})`;
});
