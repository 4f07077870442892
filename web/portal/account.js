// web/portal/account.js: the signed-in person's page: profile, password,
// two-factor on and off with backup codes, sessions, delete.  Every call
// rides on the access cookie (renewed silently through the refresh cookie,
// api.js); a dead session sends the browser to /login.
import { ApiError, api } from "./api.js";
import { codeField, onSubmit, passwordReveal, showAlert, showError } from "./form.js";
import { attachPolicy } from "./policy.js";

const $ = (id) => document.getElementById(id);
const call = (method, path, body) => api(method, path, body, { authenticated: true });

// To the login page, which comes back here after the sign-in (rd).
function signedOut(reason) {
  const back = encodeURIComponent(`${window.location.origin}/account`);
  window.location.assign(`/login?rd=${back}&${reason}=1`);
}

// Any call that still finds no session (revoked elsewhere, ended) ends here.
window.addEventListener("unhandledrejection", (event) => {
  if (event.reason instanceof ApiError && event.reason.status === 401) signedOut("ended");
});
// onError of every form: a session that is gone is not the form's error.
function sessionGone(error) {
  if (error.status === 401 && ["INVALID_TOKEN", "TOKEN_EXPIRED"].includes(error.code)) {
    signedOut("ended");
    return true;
  }
  return false;
}

// A wrong password or code, which the API refuses without `fields`, is
// said next to the field it concerns.  `fields`: error code -> input name.
function refusals(formId, fields) {
  return (error) => {
    if (sessionGone(error)) return true;
    const name = fields[error.code];
    if (!name) return false;
    const password = error.code === "INVALID_CREDENTIALS";
    error.fields = { [name]: password ? "that password is not right" : "that code is not right" };
    showError($(formId), error, password ? "That password is not right." : undefined);
    return true;
  };
}

let user = null;

async function load() {
  try {
    user = await call("GET", "/users/profile");
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return signedOut("ended");
    $("whoami").textContent = "Your account could not be loaded. Try again in a moment.";
    return undefined;
  }
  $("whoami").textContent = user.email;
  $("password-username").value = user.email;
  $("profile").elements.firstName.value = user.firstName;
  $("profile").elements.lastName.value = user.lastName;
  showMfa(user.mfaEnabled);
  await loadSessions();
  $("account").removeAttribute("aria-busy");
  return undefined;
}

// --- profile ------------------------------------------------------------
onSubmit($("profile"), async ({ firstName, lastName }) => {
  user = await call("PUT", "/users/profile", { firstName, lastName });
  showAlert($("profile"), "Your name is saved.", "ok");
}, { onError: sessionGone });

// --- password -----------------------------------------------------------
passwordReveal($("password"));
attachPolicy($("newPassword"),
  () => (user ? [user.email.split("@")[0], user.firstName, user.lastName] : []));
onSubmit($("password"), async ({ currentPassword, newPassword }) => {
  await call("POST", "/auth/password/change", { currentPassword, newPassword });
  $("password").reset();
  $("newPassword").dispatchEvent(new Event("input"));
  showAlert($("password"), "Your password is changed. Every other device is signed out.", "ok");
  await loadSessions();
}, { onError: refusals("password", { INVALID_CREDENTIALS: "currentPassword" }) });

// --- two-factor ---------------------------------------------------------
function showMfa(on) {
  $("mfa-status").textContent = on ? "On" : "Off";
  $("mfa-status").classList.toggle("on", on);
  $("mfa-on").hidden = !on;
  $("mfa-off").hidden = on;
  $("mfa-setup").hidden = false;
  $("mfa-confirm").hidden = true;
}

onSubmit($("mfa-setup"), async ({ password }) => {
  const setup = await call("POST", "/auth/mfa/setup", { password });
  $("mfa-setup").reset();
  $("mfa-setup").hidden = true;
  $("qr").src = setup.qrCode;
  $("secret").textContent = setup.secret.replace(/=+$/, "").replace(/(.{4})(?=.)/g, "$1 ");
  $("mfa-confirm").hidden = false;
  $("confirm-code").focus();
}, { onError: refusals("mfa-setup", { INVALID_CREDENTIALS: "password" }) });

codeField($("confirm-code"));
onSubmit($("mfa-confirm"), async ({ code }) => {
  const answer = await call("POST", "/auth/mfa/verify-setup", { code });
  $("mfa-confirm").reset();
  $("secret").textContent = "";
  $("qr").removeAttribute("src");
  showMfa(true);
  $("mfa-on").hidden = true;
  showBackupCodes(answer.backupCodes);
  await loadSessions();  // turning 2FA on signed the other devices out
}, { onError: refusals("mfa-confirm", { INVALID_MFA_CODE: "code" }) });

codeField($("regenerate-code"));
onSubmit($("mfa-regenerate"), async ({ code }) => {
  const answer = await call("POST", "/auth/mfa/backup-codes", { code });
  $("mfa-regenerate").reset();
  $("mfa-on").hidden = true;
  showBackupCodes(answer.backupCodes);
}, { onError: refusals("mfa-regenerate", { INVALID_MFA_CODE: "code" }) });

onSubmit($("mfa-disable"), async ({ password, code }) => {
  await call("POST", "/auth/mfa/disable", { password, code: code.trim() });
  $("mfa-disable").reset();
  showMfa(false);
  showAlert($("mfa-setup"), "Two-factor authentication is off.", "ok");
}, { onError: refusals("mfa-disable", { INVALID_CREDENTIALS: "password", INVALID_MFA_CODE: "code" }) });

let downloadUrl = null;
function showBackupCodes(codes) {
  $("codes").replaceChildren(...codes.map((c) => {
    const li = document.createElement("li");
    li.textContent = c;
    return li;
  }));
  const text = `Backup codes for ${user.email}\nEach code works once.\n\n${codes.join("\n")}\n`;
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
  $("download-codes").href = downloadUrl;
  $("copy-codes").onclick = async () => {
    try {
      await navigator.clipboard.writeText(text);
      $("copy-codes").textContent = "Copied";
    } catch (e) {
      $("copy-codes").textContent = "Copy failed: select the codes instead";
    }
  };
  $("backup-codes").hidden = false;
  $("backup-codes-title").focus();
}
$("codes-saved").addEventListener("click", () => {
  $("codes").replaceChildren();
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = null;
  $("download-codes").href = "#";
  $("copy-codes").textContent = "Copy";
  $("backup-codes").hidden = true;
  showMfa(true);
});

// --- sessions -----------------------------------------------------------
function device(userAgent) {
  if (!userAgent) return "Unknown device";
  const browser = [["Edg/", "Edge"], ["Firefox/", "Firefox"], ["Chrome/", "Chrome"], ["Safari/", "Safari"]]
    .find(([token]) => userAgent.includes(token));
  const system = [["Android", "Android"], ["iPhone", "iPhone"], ["iPad", "iPad"], ["Windows", "Windows"],
    ["Mac OS", "macOS"], ["Linux", "Linux"]].find(([token]) => userAgent.includes(token));
  if (!browser && !system) return userAgent.slice(0, 60);
  return [browser && browser[1], system && `on ${system[1]}`].filter(Boolean).join(" ");
}

function when(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

async function loadSessions() {
  const { sessions } = await call("GET", "/auth/sessions");
  const items = sessions.map((s) => {
    const li = document.createElement("li");
    const who = document.createElement("div");
    who.className = "who";
    const name = document.createElement("strong");
    name.textContent = device(s.userAgent);
    who.append(name);
    if (s.current) {
      const badge = document.createElement("span");
      badge.className = "status on";
      badge.textContent = "This device";
      who.append(" ", badge);
    }
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.textContent = `${s.ip} · signed in ${when(s.createdAt)} · last active ${when(s.lastUsedAt)}`;
    who.append(meta);
    li.append(who);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = s.current ? "Sign out" : "Revoke";
    button.setAttribute("aria-label", s.current ? "Sign out of this device" : `Revoke ${device(s.userAgent)}, ${s.ip}`);
    button.addEventListener("click", () => (s.current ? signOut(false) : revoke(s.sessionId, button)));
    li.append(button);
    return li;
  });
  $("sessions").replaceChildren(...items);
  const current = sessions.find((s) => s.current);
  if (current) watchSessionEnd(current);
}

async function revoke(id, button) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    await call("DELETE", `/auth/sessions/${encodeURIComponent(id)}`);
    await loadSessions();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (!sessionGone(error)) showAlert($("sessions-form"), "That session could not be revoked. Reload the page and try again.");
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

async function signOut(everywhere) {
  try {
    await call("POST", "/auth/logout", everywhere ? { allDevices: true } : {});
  } finally {
    signedOut("signedout");
  }
}
$("signout").addEventListener("click", () => signOut(false));
// A session's end is fixed at sign-in: staying means a new sign-in.  This
// one is ended first, so the login page asks for the password instead of
// resuming it.
$("stay").addEventListener("click", async () => {
  try {
    await call("POST", "/auth/logout", {});
  } finally {
    signedOut("renew");
  }
});
$("ending-signout").addEventListener("click", () => signOut(false));
onSubmit($("sessions-form"), () => signOut(true), { onError: sessionGone });

// The session's end is fixed at sign-in: warn a few minutes before it,
// and go to the login page when it comes.
let endTimers = [];
// setTimeout with a delay beyond 2^31-1 ms (24.8 days: a 30-day session)
// fires at once; this waits in steps instead.
function at(time, fn) {
  const step = () => {
    const left = time - Date.now();
    if (left <= 0) fn();
    else endTimers.push(setTimeout(step, Math.min(left, 2 ** 31 - 1)));
  };
  step();
}
function watchSessionEnd(current) {
  for (const t of endTimers) clearTimeout(t);
  endTimers = [];
  const ends = Date.parse(current.expiresAt);
  const lifetime = ends - Date.parse(current.createdAt);
  const warnBefore = Math.min(5 * 60 * 1000, lifetime / 10);
  const show = () => {
    const left = Math.max(0, Math.round((ends - Date.now()) / 1000));
    $("ending-text").textContent = left > 60
      ? `Your session ends in ${Math.ceil(left / 60)} minutes.`
      : `Your session ends in ${left} seconds.`;
    $("ending").hidden = false;
  };
  at(ends - warnBefore, () => {
    show();
    endTimers.push(setInterval(show, 1000));
  });
  at(ends, () => signedOut("ended"));
}

// --- delete -------------------------------------------------------------
onSubmit($("delete"), async ({ password }) => {
  await call("DELETE", "/users/profile", { password });
  window.location.assign("/login?deleted=1");
}, { onError: refusals("delete", { INVALID_CREDENTIALS: "password" }) });

load();
