// The model trail: the current global model and its ancestors, newest first.

import type { ModelRecord } from "../api";
import { h, section, table, unlessEmpty, scrollRegion } from "../dom";
import { bytes, dateTime } from "../format";

export function trailPanel(trail: ModelRecord[]): HTMLElement {
  return section(
    "trail",
    "Model trail",
    unlessEmpty(trail.length, "No model yet.", () =>
      scrollRegion(
        "Model trail",
        false,
        table(
          "The session's current model and its ancestors, newest first",
          ["Model", "Round", "Session", "Size", "Created", "Parent"],
          trail.map((model) => [
            h("code", {}, model.id),
            model.round ? String(model.round) : "seed",
            model.sessionId ?? "–",
            bytes(model.sizeBytes),
            dateTime(model.createdAt),
            model.parentId ? h("code", {}, model.parentId) : "–",
          ]),
          { id: "trail-table" },
        ),
      ),
    ),
  );
}
