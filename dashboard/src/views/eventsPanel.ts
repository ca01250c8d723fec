// The session's event log, newest first: rounds planned and committed, updates refused and why.

import type { StatusEvent } from "../api";
import { h, section, table, unlessEmpty, scrollRegion } from "../dom";
import { time } from "../format";

export function eventsPanel(events: StatusEvent[]): HTMLElement {
  return section(
    "events",
    "Events",
    unlessEmpty(events.length, "No event yet.", () =>
      scrollRegion(
        "Events",
        true,
        table(
          `The latest ${events.length} events, newest first`,
          ["Time", "Level", "Kind", "Round", "Client", "What happened"],
          events.map((event) => [
            time(event.time),
            h("span", { class: `badge ${event.level}` }, event.level),
            event.kind,
            event.round ? String(event.round) : "–",
            event.clientId ?? "–",
            event.message,
          ]),
          { id: "events-table" },
        ),
      ),
    ),
  );
}
