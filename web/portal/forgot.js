// web/portal/forgot.js: POST /auth/password/forgot (the same answer
// whether or not the account exists), then on to /reset.
import { api } from "./api.js";
import { onSubmit, param } from "./form.js";

const form = document.getElementById("forgot");
form.elements.email.value = param("email");
form.elements.email.focus();

onSubmit(form, async ({ email }) => {
  await api("POST", "/auth/password/forgot", { email });
  window.location.assign(`/reset?email=${encodeURIComponent(email.trim())}&sent=1`);
});
