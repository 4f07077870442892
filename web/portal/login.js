// web/portal/login.js: the password step (POST /auth/login, cookie mode),
// then the second factor when the account has one (POST /auth/mfa/verify
// with a TOTP or backup code), then on to `rd` through GET /auth/redirect,
// which applies the redirect allow-list (anything else lands on "/", the
// account page): this script never decides where a URL may go.
import { api, refreshSession } from "./api.js";
import { link, onSubmit, param, passwordReveal, showAlert } from "./form.js";

const passwordStep = document.getElementById("password-step");
const codeStep = document.getElementById("code-step");
const notice = document.getElementById("notice");
const rd = param("rd");
passwordStep.elements.rd.value = rd;
passwordStep.elements.email.value = param("email");
passwordReveal(passwordStep);

// Over plain HTTP to a real host the browser drops authd's Secure cookies:
// a sign-in would succeed and still leave the person signed out.  Say so
// rather than loop (loopback is a secure context, as in the dev stack).
if (!window.isSecureContext) {
  document.getElementById("insecure").hidden = false;
  passwordStep.querySelector("button[type=submit]").disabled = true;
}

const NOTICES = {
  verified: "Your email is confirmed. Sign in to continue.",
  reset: "Your password is changed. Sign in with the new one.",
  signedout: "You are signed out.",
  deleted: "Your account is deleted.",
  ended: "Your session ended. Sign in again to continue.",
  renew: "Sign in again to start a new session.",
};
for (const [key, text] of Object.entries(NOTICES)) {
  if (param(key)) {
    notice.textContent = text;
    notice.hidden = false;
  }
}

function goOn() {
  window.location.assign(rd ? `/auth/redirect?rd=${encodeURIComponent(rd)}` : "/account");
}

// A session that is still alive (a refresh cookie) goes on without the
// form; not after an explicit sign-out or a revocation.
if (!["signedout", "ended", "deleted", "renew"].some(param)) {
  refreshSession().then((alive) => {
    if (alive) goOn();
  });
}
(passwordStep.elements.email.value ? passwordStep.elements.password : passwordStep.elements.email).focus();

let sessionToken = null;
onSubmit(passwordStep, async ({ email, password, rememberMe }) => {
  const answer = await api("POST", "/auth/login", { email, password, rememberMe, setCookie: true });
  if (answer && answer.mfaRequired) {
    sessionToken = answer.sessionToken;
    passwordStep.elements.password.value = "";
    passwordStep.hidden = true;
    codeStep.hidden = false;
    document.getElementById("title").textContent = "Two-factor authentication";
    document.getElementById("lead").textContent = "One more step to confirm it is you.";
    codeStep.elements.code.focus();
    return;
  }
  goOn();
}, {
  onError(error) {
    const email = encodeURIComponent(passwordStep.elements.email.value.trim());
    if (error.code === "EMAIL_NOT_VERIFIED") {
      showAlert(passwordStep, ["Your email address is not confirmed yet. ",
        link("Enter the code we emailed you", `/verify?email=${email}`), "."]);
      return true;
    }
    if (error.code === "PASSWORD_RESET_REQUIRED") {
      // An imported account (or one an administrator reset): a new password
      // through the reset flow, then back here.
      showAlert(passwordStep, ["This account needs a new password before it can sign in. ",
        link("Set a new password", `/forgot?email=${email}`), "."]);
      return true;
    }
    return false;
  },
});

let backup = false;
const codeInput = codeStep.elements.code;
// "123 456" pasted from an app becomes 123456; anything with letters is a
// backup code and stays as typed (the server takes either in one field).
codeInput.addEventListener("input", () => {
  const digits = codeInput.value.replace(/[\s-]+/g, "");
  if (/^\d{1,6}$/.test(digits) && digits !== codeInput.value) codeInput.value = digits;
});
document.getElementById("use-backup").addEventListener("click", (event) => {
  backup = !backup;
  codeInput.value = "";
  codeInput.inputMode = backup ? "text" : "numeric";
  codeInput.autocomplete = backup ? "off" : "one-time-code";
  document.getElementById("code-label").textContent = backup ? "Backup code" : "Authentication code";
  document.getElementById("code-hint").textContent = backup
    ? "One of the ten codes you saved when you turned on two-factor authentication (xxxxx-xxxxx)."
    : "The 6-digit code from your authenticator app.";
  event.target.textContent = backup ? "Use the authenticator app instead" : "Use a backup code instead";
  codeInput.focus();
});
document.getElementById("start-over").addEventListener("click", () => {
  sessionToken = null;
  codeStep.hidden = true;
  passwordStep.hidden = false;
  document.getElementById("title").textContent = "Sign in";
  document.getElementById("lead").textContent = "Welcome back.";
  passwordStep.elements.password.focus();
});

onSubmit(codeStep, async ({ code }) => {
  await api("POST", "/auth/mfa/verify", { sessionToken, code: code.trim(), setCookie: true });
  goOn();
}, {
  onError(error) {
    if (error.code !== "MFA_SESSION_EXPIRED") return false;
    document.getElementById("start-over").click();
    showAlert(passwordStep, "This sign-in took too long or had too many wrong codes. Enter your password again.");
    return true;
  },
});
