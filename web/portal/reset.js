// web/portal/reset.js: POST /auth/password/reset with the mailed code and
// the new password; every session of the account ends, so on to /login.
import { api } from "./api.js";
import { codeField, onSubmit, param, passwordReveal } from "./form.js";
import { attachPolicy, personalFrom } from "./policy.js";

const form = document.getElementById("reset");
form.elements.email.value = param("email");
if (param("sent")) {
  document.getElementById("lead").textContent =
    "If an account has that email, a 6-digit code is on its way. Enter it with your new password.";
}
document.getElementById("again").href = `/forgot?email=${encodeURIComponent(param("email"))}`;
codeField(form.elements.code);
passwordReveal(form);
attachPolicy(form.elements.newPassword, personalFrom(form));
(param("email") ? form.elements.code : form.elements.email).focus();

onSubmit(form, async ({ email, code, newPassword }) => {
  await api("POST", "/auth/password/reset", { email, code, newPassword });
  const back = encodeURIComponent(`${window.location.origin}/account`);
  window.location.assign(`/login?rd=${back}&email=${encodeURIComponent(email.trim())}&reset=1`);
});
