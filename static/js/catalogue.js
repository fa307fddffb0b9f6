// Progressive enhancement for the catalogue: forms marked data-autosubmit submit as soon as a
// select changes, so the "Sort" button (kept for visitors without JavaScript) can be hidden.
document.querySelectorAll("form[data-autosubmit]").forEach((form) => {
  form.classList.add("is-enhanced");
  form.querySelectorAll("select").forEach((select) => {
    select.addEventListener("change", () => form.submit());
  });
});

// On a phone each filter is a sideways-scrolling row: bring the chosen option into view.
document.querySelectorAll(".filter-group__options").forEach((row) => {
  const active = row.querySelector(".chip--active");
  if (active && row.scrollWidth > row.clientWidth) {
    row.scrollLeft = active.parentElement.offsetLeft - row.offsetLeft - 8;
  }
});
