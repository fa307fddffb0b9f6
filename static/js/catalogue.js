// Progressive enhancement for the catalogue: forms marked data-autosubmit submit as soon as a
// select changes, so the "Sort" button (kept for visitors without JavaScript) can be hidden.
document.querySelectorAll("form[data-autosubmit]").forEach((form) => {
  form.classList.add("is-enhanced");
  form.querySelectorAll("select").forEach((select) => {
    select.addEventListener("change", () => form.submit());
  });
});
