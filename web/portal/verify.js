// web/portal/verify.js: POST /auth/verify-email with the mailed code;
// resend with the wait shown (a fresh mail, or the limit's Retry-After).
import { api } from "./api.js";
import { codeField, onSubmit, param, showAlert, waitPhrase } from "./form.js";

const form = document.getElementById("verify");
const resend = document.getElementById("resend");
const button = document.getElementById("resend-button");
const cooldown = document.getElementById("cooldown");
form.elements.email.value = param("email");
codeField(form.elements.code);
(param("email") ? form.elements.code : form.elements.email).focus();

const RESEND_SECONDS = 60;
let timer = null;
function startCooldown(seconds) {
  let left = seconds;
  clearInterval(timer);
  button.disabled = true;
  button.setAttribute("data-cooldown", "");
  const tick = () => {
    if (left <= 0) {
      clearInterval(timer);
      button.removeAttribute("data-cooldown");
      button.disabled = false;
      cooldown.textContent = "";
      return;
    }
    cooldown.textContent = `(you can ask again ${waitPhrase(left)})`;
    left -= 1;
  };
  tick();
  timer = setInterval(tick, 1000);
}
if (param("sent")) startCooldown(RESEND_SECONDS);

onSubmit(form, async ({ email, code }) => {
  await api("POST", "/auth/verify-email", { email, code });
  const back = encodeURIComponent(`${window.location.origin}/account`);
  window.location.assign(`/login?rd=${back}&email=${encodeURIComponent(email.trim())}&verified=1`);
});

onSubmit(resend, async () => {
  const email = form.elements.email.value;
  if (!email.trim()) {
    form.elements.email.focus();
    showAlert(resend, "Enter your email above first.");
    return;
  }
  await api("POST", "/auth/resend-verification", { email });
  showAlert(resend, "If that account is waiting for confirmation, a new code is on its way. It replaces the earlier ones.", "ok");
  startCooldown(RESEND_SECONDS);
}, {
  onError(error) {
    if (error.code === "RATE_LIMITED" && error.retryAfter) startCooldown(error.retryAfter);
    return false;
  },
});
