// What each combiner did in each round: the hierarchical tier of the federation, made visible.

import type { RoundRecord } from "../api";
import { h, table, unlessEmpty, scrollRegion } from "../dom";
import { seconds } from "../format";

export function shardsPanel(rounds: RoundRecord[]): HTMLElement {
  const rows = [...rounds]
    .reverse()
    .flatMap((round) =>
      round.shards.map((shard) => [
        String(round.round),
        String(shard.shard),
        String(shard.expected),
        String(shard.aggregated),
        String(shard.rejected),
        shard.examples.toLocaleString(),
        seconds(shard.seconds),
        shard.closedBy ?? "–",
      ]),
    );
  return h(
    "div",
    { id: "shards", class: "subsection" },
    h("h3", {}, "Combiners"),
    unlessEmpty(rows.length, "No combiner has finished yet.", () =>
      scrollRegion(
        "Combiners",
        false,
        table(
          "Combiners by round and shard, newest round first",
          ["Round", "Shard", "Expected", "Aggregated", "Rejected", "Examples", "Took", "Closed by"],
          rows,
          { id: "shards-table" },
        ),
      ),
    ),
  );
}
