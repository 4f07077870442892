// web/portal/signup.js: POST /auth/register, then on to /verify.
import { api } from "./api.js";
import { link, onSubmit, passwordReveal, showAlert } from "./form.js";
import { attachPolicy, personalFrom } from "./policy.js";

const form = document.getElementById("signup");
passwordReveal(form);
attachPolicy(form.elements.password, personalFrom(form));

onSubmit(form, async ({ firstName, lastName, email, password }) => {
  await api("POST", "/auth/register", { firstName, lastName, email, password });
  window.location.assign(`/verify?email=${encodeURIComponent(email.trim())}&sent=1`);
}, {
  onError(error) {
    if (error.code !== "EMAIL_EXISTS") return false;
    const email = encodeURIComponent(form.elements.email.value.trim());
    showAlert(form, ["An account with this email already exists. ",
      link("Sign in", `/login?email=${email}`), ", ", link("reset the password", `/forgot?email=${email}`),
      ", or if you signed up but have not confirmed yet, ", link("enter the emailed code", `/verify?email=${email}`), "."]);
    return true;
  },
});
