// web/portal/form.js: what every form of the portal does the same way:
// a loading state while a request is out, the contract's `fields` shown
// next to the inputs they name, the other errors as one plain sentence at
// the top of the form, and nothing the user typed lost on an error.

import { ApiError } from "./api.js";

// "in 3 minutes", "in 45 seconds", "in 1 hour and 5 minutes".
export function waitPhrase(seconds) {
  const s = Math.max(1, Math.ceil(seconds || 1));
  const unit = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (s < 60) return `in ${unit(s, "second")}`;
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) return `in ${unit(minutes, "minute")}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `in ${unit(hours, "hour")}${rest ? ` and ${unit(rest, "minute")}` : ""}`;
}

// The contract's error codes as sentences a person can act on.
export function sentenceFor(error) {
  switch (error.code) {
    case "INVALID_CREDENTIALS":
      return "That email and password do not match an account. Check both and try again.";
    case "ACCOUNT_LOCKED":
      return `Too many failed attempts: this account is locked for now. Try again ${waitPhrase(error.retryAfter)}, or reset your password.`;
    case "RATE_LIMITED":
      return `Too many attempts from this network. Try again ${waitPhrase(error.retryAfter)}.`;
    case "ACCOUNT_DISABLED":
      return "This account is disabled. Ask the administrator of this site.";
    case "PASSWORD_RESET_REQUIRED":
      return "This account needs a new password before it can sign in. Use \"Forgot your password?\" to set one.";
    case "EMAIL_NOT_VERIFIED":
      return "Your email address is not verified yet. Enter the code we sent you.";
    case "EMAIL_EXISTS":
      return "An account with this email already exists. Sign in, or reset the password.";
    case "INVALID_CODE":
      return "That code is not right. Check the latest email we sent and try again.";
    case "CODE_EXPIRED":
      return "That code has expired or was replaced by a newer one. Ask for a new code.";
    case "INVALID_MFA_CODE":
      return "That code is not right. Use the current code from your authenticator app, or a backup code.";
    case "MFA_SESSION_EXPIRED":
      return "This sign-in took too long or had too many wrong codes. Start again with your password.";
    case "MFA_REQUIRED":
      return "Confirm with your second factor first: sign out and sign in again with your authenticator code.";
    case "MFA_ALREADY_ENABLED":
      return "Two-factor authentication is already on.";
    case "MFA_NOT_ENABLED":
      return "Two-factor authentication is off.";
    case "MFA_NOT_PENDING":
      return "That setup has expired. Start the setup again.";
    case "FORBIDDEN_ORIGIN":
      return "This page is not allowed to make that change. Open the portal from its own address.";
    case "VALIDATION_ERROR":
      return "Some fields need attention.";
    case "NETWORK":
      return error.message;
    case "SERVICE_UNAVAILABLE":
      return "The service is unavailable right now. Try again in a moment.";
    default:
      return "Something went wrong. Try again in a moment.";
  }
}

function alertOf(form) {
  return form.querySelector(".alert");
}

// `content`: a sentence, or a list of sentences and nodes (links).
export function showAlert(form, content, kind = "error") {
  const box = alertOf(form);
  box.replaceChildren(...[].concat(content));
  box.className = `alert ${kind}`;
  box.hidden = false;
  if (kind === "error") box.focus({ preventScroll: false });
}

export function clearErrors(form) {
  const box = alertOf(form);
  if (box) {
    box.hidden = true;
    box.textContent = "";
  }
  for (const input of form.querySelectorAll("[aria-invalid=true]")) input.removeAttribute("aria-invalid");
  for (const p of form.querySelectorAll(".field-error")) p.textContent = "";
}

// Puts each of error.fields next to the input of that name (the API's
// field names are the inputs' names; its message goes in the element
// whose id is the input's id + "-error"); the rest goes to the alert.
export function showError(form, error, sentence = sentenceFor(error)) {
  let first = null;
  for (const [name, message] of Object.entries(error.fields || {})) {
    const input = form.elements.namedItem(name);
    const slot = input && document.getElementById(`${input.id}-error`);
    if (!slot) continue;
    input.setAttribute("aria-invalid", "true");
    slot.textContent = capitalised(message);
    first = first || input;
  }
  showAlert(form, sentence);
  if (first) first.focus();  // the field to fix, rather than the alert
}

function capitalised(message) {
  return message ? message.charAt(0).toUpperCase() + message.slice(1) + "." : "";
}

// Runs `action(values)` on submit with the submit button busy; an ApiError
// is shown (or handed to `onError` first, which returns true when it dealt
// with it).  The inputs keep what the user typed.
export function onSubmit(form, action, { onError } = {}) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    if (button.getAttribute("aria-busy") === "true") return;
    clearErrors(form);
    button.setAttribute("aria-busy", "true");
    button.disabled = true;
    try {
      await action(values(form));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (!(onError && onError(error))) showError(form, error);
    } finally {
      button.removeAttribute("aria-busy");
      button.disabled = button.hasAttribute("data-cooldown");  // a wait the action started
    }
  });
}

export function values(form) {
  const out = {};
  for (const element of form.elements) {
    if (!element.name) continue;
    out[element.name] = element.type === "checkbox" ? element.checked : element.value;
  }
  return out;
}

// A "Show" button beside every password input.
export function passwordReveal(root = document) {
  for (const button of root.querySelectorAll("button.reveal")) {
    const input = document.getElementById(button.getAttribute("aria-controls"));
    button.addEventListener("click", () => {
      const show = input.type === "password";
      input.type = show ? "text" : "password";
      button.textContent = show ? "Hide" : "Show";
      button.setAttribute("aria-pressed", String(show));
    });
  }
}

// A six-digit code field that takes a paste of "123 456" or "123-456".
export function codeField(input) {
  input.addEventListener("input", () => {
    const digits = input.value.replace(/\D+/g, "").slice(0, 6);
    if (digits !== input.value) input.value = digits;
  });
}

export function link(text, href) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  return a;
}

// The query parameter `name` of this page's URL, or "".
export function param(name) {
  return new URLSearchParams(window.location.search).get(name) || "";
}
