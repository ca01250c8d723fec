// A small element builder: the dashboard renders with the DOM directly, no framework. Text is always
// set as text (never parsed as HTML), so names and messages from clients cannot inject markup.

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === "function") {
      element.addEventListener(name.replace(/^on/, ""), value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children.flat());
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `parent`. */
export function replace(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  append(parent, children.flat());
}

/** A section with a heading, labelled by it for assistive technology. */
export function section(id: string, title: string, ...children: (Child | Child[])[]): HTMLElement {
  return h("section", { id, "aria-labelledby": `${id}-title`, class: "panel" }, h("h2", { id: `${id}-title` }, title), ...children);
}

/**
 * A region that scrolls (a long table), reachable from the keyboard: focusable, so its content can
 * be scrolled without a mouse, and named for screen readers.
 */
export function scrollRegion(label: string, short: boolean, ...children: (Child | Child[])[]): HTMLDivElement {
  return h("div", { class: short ? "scroll short" : "scroll", tabindex: 0, role: "region", "aria-label": label }, ...children);
}

/** A table with a caption and column headers; `rows` are cells (strings or elements). */
export function table(caption: string, headers: string[], rows: Child[][], attributes: Attributes = {}): HTMLTableElement {
  return h(
    "table",
    attributes,
    h("caption", {}, caption),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        headers.map((header) => h("th", { scope: "col" }, header)),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map((cells) =>
        h(
          "tr",
          {},
          cells.map((cell, index) => (index === 0 ? h("th", { scope: "row" }, cell) : h("td", {}, cell))),
        ),
      ),
    ),
  );
}

/** `render()` when there is something to show, else a short note that there is nothing yet. */
export function unlessEmpty(count: number, nothingYet: string, render: () => Child): Child {
  return count === 0 ? h("p", { class: "muted" }, nothingYet) : render();
}
