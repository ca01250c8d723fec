// Each client's validation of each round's model: a table whose cells are shaded by the value, so a
// client that lags (non-IID data, a bad site) stands out; the number is always written in the cell.

import type { ValidationRecord } from "../api";
import { h, section, scrollRegion } from "../dom";
import { metric } from "../format";

/** The heatmap of `chosen` (the metric the validation chart shows), or of accuracy or the first metric reported. */
export function validationHeatmap(validations: ValidationRecord[], chosen: string | null = null): HTMLElement {
  const metricNames = [...new Set(validations.flatMap((validation) => Object.keys(validation.metrics)))];
  const name = chosen && metricNames.includes(chosen) ? chosen : metricNames.includes("accuracy") ? "accuracy" : metricNames[0];
  if (!name) {
    return section("validations", "Validation by client", h("p", { class: "muted" }, "No validation reported yet."));
  }

  const rounds = [...new Set(validations.map((validation) => validation.round))].sort((a, b) => a - b);
  const clients = [...new Set(validations.map((validation) => validation.clientId))].sort();
  const byCell = new Map(validations.map((validation) => [`${validation.clientId}\n${validation.round}`, validation]));
  const values = validations.map((validation) => validation.metrics[name]).filter((value): value is number => value !== undefined);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const higherIsBetter = !/loss|error/i.test(name);

  return section(
    "validations",
    "Validation by client",
    h("p", { class: "summary" }, `${name} of each round's model on each client's held-out data (${higherIsBetter ? "darker is better" : "darker is worse"})`),
    scrollRegion(
      "Validation by client",
      false,
      h(
        "table",
        { id: "validation-heatmap", class: "heatmap" },
        h("caption", {}, `Validation ${name} by client and round`),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "Client"),
            rounds.map((round) => h("th", { scope: "col" }, `Round ${round}`)),
          ),
        ),
        h(
          "tbody",
          {},
          clients.map((client) =>
            h(
              "tr",
              {},
              h("th", { scope: "row" }, client),
              rounds.map((round) => {
                const value = byCell.get(`${client}\n${round}`)?.metrics[name];
                if (value === undefined) return h("td", { class: "missing" }, "–");
                const strength = high > low ? (value - low) / (high - low) : 1;
                // The shade stops at 65 % so the dark text keeps a contrast of 5:1 or more on every cell.
                return h("td", { style: `--strength: ${(0.08 + 0.57 * strength).toFixed(3)}` }, metric(value));
              }),
            ),
          ),
        ),
      ),
    ),
  );
}
