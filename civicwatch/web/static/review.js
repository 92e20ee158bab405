// civicwatch: the review queue's keys (c confirm, x reject, j/n next, k/p previous, o open).
// Reviews go through the JSON review route with the session's CSRF token; the buttons work without this.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const queue = document.getElementById("queue");
  if (!queue) return;
  const items = Array.from(queue.querySelectorAll(".queue-item"));
  const status = document.getElementById("queue-status");
  const counter = document.getElementById("since-training");
  let current = 0;

  function select(index) {
    if (index < 0 || index >= items.length) return;
    items[current].classList.remove("current");
    items[current].setAttribute("aria-selected", "false");
    current = index;
    items[current].classList.add("current");
    items[current].setAttribute("aria-selected", "true");
    items[current].focus();
    items[current].scrollIntoView({ block: "nearest" });
  }

  function step(direction) {
    // the next (or previous) event not reviewed yet, else simply the next one
    for (let i = current + direction; i >= 0 && i < items.length; i += direction) {
      if (!items[i].classList.contains("done")) return select(i);
    }
    select(current + direction);
  }

  async function review(action) {
    const item = items[current];
    if (!item || item.classList.contains("done")) return step(1);
    const id = item.dataset.eventId;
    const response = await fetch(`/api/events/${id}/review`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": queue.dataset.csrf },
      body: JSON.stringify({ action }),
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      status.textContent = `Event ${id} not reviewed: ${body.detail || response.status}`;
      return;
    }
    const state = action === "confirm" ? "confirmed" : "rejected";
    item.classList.add("done", `done-${state}`);
    item.querySelector(".state").textContent = state;
    counter.textContent = String(Number(counter.textContent) + 1);
    status.textContent = `Event ${id} ${state}.`;
    step(1);
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest("input, textarea, select, button")) return;
    const actions = {
      c: () => review("confirm"),
      x: () => review("reject"),
      j: () => step(1),
      n: () => step(1),
      k: () => step(-1),
      p: () => step(-1),
      o: () => { window.location.href = `/events/${items[current].dataset.eventId}`; },
    };
    const run = actions[event.key];
    if (run) {
      event.preventDefault();
      run();
    }
  });
  select(0);
});
