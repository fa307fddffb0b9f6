// Account page: a filter box and "use my browser's zone" for the time-zone select.
// Progressive enhancement only: without JavaScript the grouped <select> works
// (type a city name to jump to it) and the form posts the same value.
(function () {
  "use strict";
  var select = document.querySelector("[data-time-zone-select]");
  if (!select) return;

  var tools = document.createElement("div");
  tools.className = "tz-tools";
  var search = document.createElement("input");
  search.type = "search";
  search.placeholder = "Filter time zones, e.g. Berlin or +05:30";
  search.setAttribute("aria-label", "Filter time zones");
  search.setAttribute("aria-controls", select.id);
  tools.appendChild(search);

  var detected = null;
  try {
    detected = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    detected = null;
  }
  var detectedOption = detected && select.querySelector('option[value="' + detected.replace(/"/g, "") + '"]');
  if (detectedOption && !detectedOption.selected) {
    var use = document.createElement("button");
    use.type = "button";
    use.className = "button button--secondary button--small";
    use.textContent = "Use " + detected.replace(/_/g, " ") + " (this device)";
    use.addEventListener("click", function () {
      detectedOption.selected = true;
      use.remove();
    });
    tools.appendChild(use);
  }
  select.parentNode.insertBefore(tools, select);

  search.addEventListener("input", function () {
    var needle = search.value.trim().toLowerCase();
    var firstMatch = null;
    select.querySelectorAll("option").forEach(function (option) {
      var haystack = (option.value + " " + option.textContent).toLowerCase().replace(/_/g, " ");
      var match = !needle || haystack.indexOf(needle) !== -1;
      option.hidden = !match;
      if (match && !firstMatch) firstMatch = option;
    });
    select.querySelectorAll("optgroup").forEach(function (group) {
      group.hidden = !group.querySelector("option:not([hidden])");
    });
    if (needle && firstMatch) firstMatch.selected = true;
  });
})();
