// The clients: who is online, when each was last heard from, and what each has moved.

import type { ClientRecord } from "../api";
import { h, section, table, unlessEmpty } from "../dom";
import { ago, bytes, dateTime } from "../format";

export function clientsPanel(clients: ClientRecord[]): HTMLElement {
  const online = clients.filter((client) => client.online).length;
  const sorted = [...clients].sort((a, b) => Number(b.online) - Number(a.online) || a.id.localeCompare(b.id));
  return section(
    "clients",
    "Clients",
    h("p", { class: "summary" }, `${online} of ${clients.length} online`),
    unlessEmpty(clients.length, "No client has connected yet.", () =>
      table(
        "Clients, online first",
        ["Client", "Status", "Last seen", "First seen", "Sent down", "Uploaded"],
        sorted.map((client) => [
          client.name && client.name !== client.id ? `${client.id} (${client.name})` : client.id,
          h("span", { class: `badge ${client.online ? "online" : "offline"}` }, client.online ? "online" : "offline"),
          h("time", { datetime: client.lastSeen ?? "", title: dateTime(client.lastSeen) }, ago(client.lastSeen)),
          dateTime(client.firstSeen),
          bytes(client.bytesDown ?? 0),
          bytes(client.bytesUp ?? 0),
        ]),
        { id: "clients-table" },
      ),
    ),
  );
}
