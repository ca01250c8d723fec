// Which reported metric a chart shows: trainers report any names (accuracy, loss, meanAbsoluteError,
// f1), so the choice is among what the rounds hold, not a fixed list.

import { h, replace } from "../dom";

export class MetricPicker {
  readonly element: HTMLSelectElement;
  private chosen: string | null = null;

  constructor(
    id: string,
    label: string,
    private readonly preferred: string,
    onChange: () => void,
  ) {
    this.element = h("select", { id, class: "metric-picker", "aria-label": label });
    this.element.addEventListener("change", () => {
      this.chosen = this.element.value;
      onChange();
    });
  }

  /** Offers `names`; returns the one to show: the user's choice while it is offered, else the preferred one, else the first. */
  offer(names: string[]): string | null {
    const sorted = [...new Set(names)].sort();
    const current = this.chosen && sorted.includes(this.chosen) ? this.chosen : sorted.includes(this.preferred) ? this.preferred : (sorted[0] ?? null);
    if (sorted.join("\n") !== [...this.element.options].map((option) => option.value).join("\n")) {
      replace(
        this.element,
        sorted.map((name) => h("option", { value: name }, name)),
      );
    }
    this.element.hidden = sorted.length < 2;
    if (current) this.element.value = current;
    return current;
  }
}
