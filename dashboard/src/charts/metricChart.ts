// A metric per round (validation accuracy, loss, any metric the trainers report) as a uPlot line
// chart, with the same numbers in a table for screen readers and for copying. The figure's
// data-points attribute says how many rounds the chart draws and data-y-ticks the labels of its
// y axis (drawn on the canvas), for tests and scripts.

import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { h, replace, table } from "../dom";
import { metric, tickLabels } from "../format";

export interface MetricSeries {
  label: string;
  color: string;
  /** One value per round of `rounds`, null where the round has none. */
  values: (number | null)[];
}

export class MetricChart {
  readonly element: HTMLElement;
  private readonly plotArea: HTMLDivElement;
  private readonly dataTable: HTMLDetailsElement;
  private readonly empty: HTMLParagraphElement;
  private plot: uPlot | null = null;
  private seriesLabels = "";

  /** `control` (a metric picker) goes in the caption, beside the title. */
  constructor(
    id: string,
    private readonly title: string,
    private yLabel: string,
    control?: HTMLElement,
  ) {
    this.plotArea = h("div", { class: "plot", role: "img", "aria-label": title });
    this.empty = h("p", { class: "muted" }, "No rounds with this metric yet.");
    this.dataTable = h("details", { class: "chart-data" });
    this.element = h(
      "figure",
      { id, class: "chart", "data-points": 0 },
      h("figcaption", {}, title, control ?? null),
      this.empty,
      this.plotArea,
      this.dataTable,
    );
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(this.plotArea);
  }

  /** Draws `series` over `rounds`; `yLabel` names the y axis when the metric changed. */
  update(rounds: number[], series: MetricSeries[], yLabel: string = this.yLabel): void {
    const points = rounds.filter((_, index) => series.some((s) => s.values[index] !== null)).length;
    this.element.dataset.points = String(points);
    this.empty.hidden = points > 0;
    this.plotArea.hidden = points === 0;
    this.plotArea.setAttribute("aria-label", `${this.title}: ${points} round${points === 1 ? "" : "s"}; the values are in the table below`);
    replace(
      this.dataTable,
      h("summary", {}, `${this.title}: the values`),
      table(
        this.title,
        ["Round", ...series.map((s) => s.label)],
        rounds.map((round, index) => [String(round), ...series.map((s) => metric(s.values[index]))]),
      ),
    );

    const data: uPlot.AlignedData = [rounds, ...series.map((s) => s.values)];
    const labels = [yLabel, ...series.map((s) => s.label)].join("\n");
    this.yLabel = yLabel;
    if (this.plot && labels === this.seriesLabels) {
      this.plot.setData(data);
      return;
    }
    this.plot?.destroy();
    this.seriesLabels = labels;
    this.plot = new uPlot(
      {
        ...this.size(),
        scales: { x: { time: false } },
        axes: [
          {
            label: "round",
            incrs: [1, 2, 5, 10, 20, 50, 100],
            values: (_, ticks) => ticks.map((tick) => (Number.isInteger(tick) ? String(tick) : "")),
          },
          {
            label: this.yLabel,
            size: 70,
            values: (_, ticks) => {
              const labels = tickLabels(ticks);
              this.element.dataset.yTicks = labels.join(" ");
              return labels;
            },
          },
        ],
        series: [{ label: "round" }, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: true, size: 7 }, spanGaps: true }))],
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
      },
      data,
      this.plotArea,
    );
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(280, this.plotArea.clientWidth || 480), height: 220 };
  }
}
