// The server nodes of a deployment of several: which are alive, where they serve. A single server shows nothing.

import type { NodeRecord } from "../api";
import { h, section, table } from "../dom";
import { ago, dateTime } from "../format";

/** A node that has not said it is alive for this long is taken for dead (three of its 5 s heartbeats). */
const silenceLimitMs = 15_000;

export function nodesPanel(nodes: NodeRecord[], now: number = Date.now()): HTMLElement | null {
  if (nodes.length === 0) {
    return null;
  }

  const alive = (node: NodeRecord) => now - Date.parse(node.lastSeen) < silenceLimitMs;
  return section(
    "nodes",
    "Server nodes",
    h("p", { class: "summary" }, `${nodes.filter(alive).length} of ${nodes.length} alive`),
    table(
      "Server nodes of this deployment",
      ["Node", "Status", "Address", "Started", "Last seen"],
      nodes.map((node) => [
        node.id,
        h("span", { class: `badge ${alive(node) ? "online" : "offline"}` }, alive(node) ? "alive" : "gone"),
        node.address,
        dateTime(node.startedAt),
        h("time", { datetime: node.lastSeen, title: dateTime(node.lastSeen) }, ago(node.lastSeen)),
      ]),
      { id: "nodes-table" },
    ),
  );
}
