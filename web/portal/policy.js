// web/portal/policy.js: the password rules, as the server enforces them
// (GET /auth/password-policy), ticked off as the user types, with a meter.
// The server stays the judge: this only shows what it will check.

const LETTER_UPPER = /\p{Lu}/u;
const LETTER_LOWER = /\p{Ll}/u;
const DIGIT = /\p{Nd}/u;
const SYMBOL = /[^\p{L}\p{Nd}]/u;

let policyPromise = null;
export function loadPolicy() {
  if (!policyPromise) {
    policyPromise = fetch("/auth/password-policy", { headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : null))
      .catch(() => null);
  }
  return policyPromise;
}

// The rules of `policy` as [id, text, test(password, personal) -> bool].
function rulesOf(policy) {
  const rules = [];
  rules.push(["length", `${policy.minLength} to ${policy.maxLength} characters`,
    (pw) => { const n = [...pw].length; return n >= policy.minLength && n <= policy.maxLength; }]);
  if (policy.requireUppercase) rules.push(["upper", "an uppercase letter", (pw) => LETTER_UPPER.test(pw)]);
  if (policy.requireLowercase) rules.push(["lower", "a lowercase letter", (pw) => LETTER_LOWER.test(pw)]);
  if (policy.requireDigit) rules.push(["digit", "a digit", (pw) => DIGIT.test(pw)]);
  if (policy.requireSymbol) rules.push(["symbol", "a symbol, such as ! or #", (pw) => SYMBOL.test(pw)]);
  if (policy.forbidPersonalInfo) {
    rules.push(["personal", "not your email or name", (pw, personal) => {
      if (!pw) return false;
      const folded = pw.toLocaleLowerCase();
      return personal().every((part) => [...part].length < 3 || !folded.includes(part.toLocaleLowerCase()));
    }]);
  }
  return rules;
}

// Puts a strength meter and the list of rules under the new-password
// `input` (after its .password-wrap), ticked as the user types;
// `personal()` returns the email's local part and the names.  The list's
// id is the input's id + "-rules", which the input's aria-describedby names.
export async function attachPolicy(input, personal = () => []) {
  const policy = await loadPolicy();
  if (!policy) return;  // the server still judges; the page just cannot help
  const meter = document.createElement("div");
  meter.className = "meter";
  meter.setAttribute("role", "meter");
  meter.setAttribute("aria-label", "Password strength");
  meter.setAttribute("aria-valuemin", "0");
  meter.setAttribute("aria-valuemax", "4");
  const meterBar = document.createElement("span");
  meter.append(meterBar);
  const rulesList = document.createElement("ul");
  rulesList.className = "rules";
  rulesList.id = `${input.id}-rules`;
  rulesList.setAttribute("aria-live", "polite");
  input.closest(".password-wrap").after(meter, rulesList);
  const rules = rulesOf(policy);
  rulesList.replaceChildren(...rules.map(([id, text]) => {
    const li = document.createElement("li");
    li.dataset.rule = id;
    li.textContent = text;
    return li;
  }));
  if (policy.bannedList) {
    const li = document.createElement("li");
    li.textContent = "not a commonly used password (checked when you submit)";
    li.className = "note";
    rulesList.append(li);
  }
  const update = () => {
    const pw = input.value;
    let met = 0;
    for (const [id, text, test] of rules) {
      const ok = test(pw, personal);
      const li = rulesList.querySelector(`[data-rule="${id}"]`);
      li.classList.toggle("met", ok);
      li.setAttribute("aria-label", `${text}: ${ok ? "done" : "not yet"}`);
      if (ok) met += 1;
    }
    // Strength: the share of rules met, then a bonus for length beyond the minimum.
    const length = [...pw].length;
    let score = pw ? Math.round((met / rules.length) * 3) : 0;
    if (met === rules.length && length >= policy.minLength + 4) score = 4;
    meterBar.className = score ? `s${score}` : "";
    meter.setAttribute("aria-valuenow", String(score));
  };
  input.addEventListener("input", update);
  for (const other of document.querySelectorAll("[data-personal]")) other.addEventListener("input", update);
  update();
}

// What the personal-information rule compares against, from the page's
// inputs marked data-personal (email: its local part).
export function personalFrom(form) {
  return () => {
    const out = [];
    for (const input of form.querySelectorAll("[data-personal]")) {
      const value = input.value.trim();
      out.push(input.type === "email" ? value.split("@")[0] : value);
    }
    return out.filter(Boolean);
  };
}
