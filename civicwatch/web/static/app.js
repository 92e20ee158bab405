// civicwatch: the little JavaScript the pages use. Everything works without it.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Forms marked data-confirm ask before they are sent (rejecting an event, for one).
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
  // The review form asks before a rejection (the button pressed is the event's submitter).
  for (const form of document.querySelectorAll("form[data-confirm-reject]")) {
    form.addEventListener("submit", (event) => {
      if (event.submitter && event.submitter.value === "reject" && !window.confirm(form.dataset.confirmReject)) {
        event.preventDefault();
      }
    });
  }
  // Filter forms: leave empty fields out of the URL, so links stay short and shareable.
  for (const form of document.querySelectorAll("form.filters")) {
    form.addEventListener("submit", () => {
      for (const field of form.querySelectorAll("input, select")) {
        if (field.name && field.value === "") field.disabled = true;
      }
    });
  }
});
