// Start and stop: the two control operations the dashboard offers, with their outcome announced.

import type { FedNApi, SessionRecord } from "../api";
import { h } from "../dom";

export function sessionControls(api: FedNApi, session: SessionRecord, onDone: () => void): HTMLElement {
  const outcome = h("span", { class: "outcome", role: "status", "aria-live": "polite" });
  const act = async (button: HTMLButtonElement, action: () => Promise<void>, done: string) => {
    button.disabled = true;
    try {
      await action();
      outcome.textContent = done;
      onDone();
    } catch (error) {
      outcome.textContent = error instanceof Error ? error.message : String(error);
      outcome.classList.add("error");
      button.disabled = false;
    }
  };
  const canStart = session.status === "created";
  const canStop = session.status === "running";
  const start: HTMLButtonElement = h(
    "button",
    {
      type: "button",
      class: "primary",
      disabled: !canStart,
      "aria-label": `Start session ${session.id}`,
      onclick: () => act(start, () => api.startSession(session.id), "Start requested."),
    },
    "Start",
  );
  const stop: HTMLButtonElement = h(
    "button",
    {
      type: "button",
      class: "danger",
      disabled: !canStop,
      "aria-label": `Stop session ${session.id}`,
      onclick: () => {
        if (window.confirm(`Stop session ${session.id}? The round in progress ends without committing.`)) {
          void act(stop, () => api.stopSession(session.id), "Stop requested: the round in progress ends without committing.");
        }
      },
    },
    "Stop",
  );
  return h("div", { class: "controls" }, start, stop, outcome);
}
