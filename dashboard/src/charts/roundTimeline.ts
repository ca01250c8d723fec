// The rounds on one time axis: when tasks went out, how long the combiners took (training and
// updates arriving), the rest until the model was committed (reduce, validation), and the count of
// updates over time: as the combiners recorded it, or, while a round runs, as the page saw it.
// A table carries the same facts in words.

import type { RoundRecord } from "../api";
import { h, replace, table } from "../dom";
import { seconds, time } from "../format";

const svgNs = "http://www.w3.org/2000/svg";

/** Updates a round had by a time (received, while the dashboard watches a running round). */
export interface ArrivalSample {
  at: number;
  received: number;
}

export class RoundTimeline {
  readonly element: HTMLElement;
  private readonly drawing: HTMLDivElement;
  private readonly facts: HTMLDetailsElement;

  constructor(id: string) {
    this.drawing = h("div", { class: "timeline" });
    this.facts = h("details", { class: "chart-data" });
    this.element = h(
      "figure",
      { id, class: "chart" },
      h("figcaption", {}, "Round timeline"),
      h(
        "p",
        { class: "legend" },
        h("span", { class: "swatch dispatch" }),
        " tasks dispatched ",
        h("span", { class: "swatch training" }),
        " training and updates arriving ",
        h("span", { class: "swatch closing" }),
        " aggregation, validation, commit ",
        h("span", { class: "swatch arrivals" }),
        " updates so far (of the tasks)",
      ),
      this.drawing,
      this.facts,
    );
  }

  update(rounds: RoundRecord[], arrivals: Map<number, ArrivalSample[]>, now: number = Date.now()): void {
    replace(
      this.facts,
      h("summary", {}, "Round timeline: the facts"),
      table(
        "Round timeline",
        ["Round", "Status", "Dispatched", "Tasks", "Updates received", "Aggregated", "Rejected", "Combiners took", "Ended"],
        rounds.map((round) => [
          String(round.round),
          round.status,
          time(round.startedAt),
          String(round.assignedClients),
          String(round.updatesReceived),
          String(round.updatesAggregated),
          String(round.updatesRejected),
          round.shards.length > 0 ? seconds(combinersSeconds(round)) : "–",
          time(round.endedAt),
        ]),
      ),
    );
    if (rounds.length === 0) {
      replace(this.drawing, h("p", { class: "muted" }, "No rounds yet."));
      return;
    }

    const start = Math.min(...rounds.map((round) => Date.parse(round.startedAt)));
    const end = Math.max(now, ...rounds.map((round) => Date.parse(round.endedAt ?? round.startedAt)));
    const span = Math.max(1, end - start);
    const rowHeight = 26;
    const labelWidth = 70;
    const width = 800;
    const plotWidth = width - labelWidth - 10;
    const x = (ms: number) => labelWidth + ((ms - start) / span) * plotWidth;
    const svg = svgElement("svg", { viewBox: `0 0 ${width} ${rounds.length * rowHeight + 24}`, role: "img", class: "timeline-svg" });
    svg.setAttribute(
      "aria-label",
      `Timeline of ${rounds.length} round${rounds.length === 1 ? "" : "s"} over ${seconds(span / 1000)}; the facts are in the table below`,
    );

    rounds.forEach((round, row) => {
      const y = row * rowHeight + 4;
      const began = Date.parse(round.startedAt);
      const ended = round.endedAt ? Date.parse(round.endedAt) : now;
      const combinersDone = round.shards.length > 0 ? Math.min(ended, began + combinersSeconds(round) * 1000) : ended;
      const label = svgElement("text", { x: 4, y: y + 15, class: "timeline-label" });
      label.textContent = `round ${round.round}`;
      svg.append(
        label,
        rect(
          x(began),
          y,
          x(combinersDone) - x(began),
          18,
          "training",
          `round ${round.round}: training and updates arriving, ${seconds((combinersDone - began) / 1000)}`,
        ),
        rect(
          x(combinersDone),
          y,
          x(ended) - x(combinersDone),
          18,
          "closing",
          `round ${round.round}: aggregation, validation and commit, ${seconds((ended - combinersDone) / 1000)}`,
        ),
        rect(x(began) - 1, y - 2, 3, 22, "dispatch", `round ${round.round}: ${round.assignedClients} tasks dispatched at ${time(round.startedAt)}`),
      );
      const samples = recordedArrivals(round) ?? arrivals.get(round.round) ?? [];
      if (samples.length > 1 && round.assignedClients > 0) {
        // A count only steps up: flat until the next arrival, then straight up.
        const height = (count: number) => (y + 18 - (Math.min(count, round.assignedClients) / round.assignedClients) * 18).toFixed(1);
        const points = samples.flatMap((sample, index) => {
          const at = x(sample.at).toFixed(1);
          return index === 0 ? [`${at},${height(sample.received)}`] : [`${at},${height(samples[index - 1]!.received)}`, `${at},${height(sample.received)}`];
        });
        svg.append(svgElement("polyline", { points: points.join(" "), class: "arrivals" }));
      }
    });

    const axis = svgElement("text", { x: labelWidth, y: rounds.length * rowHeight + 18, class: "timeline-axis" });
    axis.textContent = `${time(new Date(start).toISOString())}  →  ${seconds(span / 1000)}  →  ${time(new Date(end).toISOString())}`;
    svg.append(axis);
    replace(this.drawing, svg);
  }
}

/** How long the slowest combiner took: the combiners start when the tasks go out. */
function combinersSeconds(round: RoundRecord): number {
  return Math.max(...round.shards.map((shard) => shard.seconds));
}

/** The combiners' curves summed: at each point, what every shard had aggregated by then. */
function recordedArrivals(round: RoundRecord): ArrivalSample[] | null {
  const points = round.shards.flatMap((shard) =>
    (shard.arrivals ?? []).map((point) => ({ shard: shard.shard, at: Date.parse(point.at), aggregated: point.aggregated })),
  );
  if (points.length === 0) return null;
  points.sort((a, b) => a.at - b.at);
  const latest = new Map<number, number>();
  const curve: ArrivalSample[] = [{ at: Date.parse(round.startedAt), received: 0 }];
  for (const point of points) {
    latest.set(point.shard, point.aggregated);
    curve.push({ at: point.at, received: [...latest.values()].reduce((sum, count) => sum + count, 0) });
  }
  return curve;
}

function rect(x: number, y: number, width: number, height: number, kind: string, title: string): SVGRectElement {
  const element = svgElement("rect", { x: x.toFixed(1), y, width: Math.max(0, width).toFixed(1), height, class: kind });
  const tooltip = svgElement("title", {});
  tooltip.textContent = title;
  element.append(tooltip);
  return element as SVGRectElement;
}

function svgElement(tag: string, attributes: Record<string, string | number>): SVGElement {
  const element = document.createElementNS(svgNs, tag) as SVGElement;
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, String(value));
  }
  return element;
}
