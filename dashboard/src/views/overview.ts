// The overview: every session with its status and configuration, the clients, and the server nodes of a deployment of several.

import type { FedNApi, SessionRecord } from "../api";
import { h, replace, section, table, unlessEmpty } from "../dom";
import { dateTime, timeSpan } from "../format";
import type { View } from "../view";
import { clientsPanel } from "./clientsPanel";
import { nodesPanel } from "./nodesPanel";
import { sessionControls } from "./sessionControls";

export function overview(api: FedNApi, main: HTMLElement): View {
  const sessions = h("div");
  const clients = h("div");
  const nodes = h("div");
  replace(main, h("h1", {}, "Federation"), sessions, clients, nodes);

  const refreshSessions = async () => replace(sessions, sessionsPanel(api, await api.sessions(), refreshSessions));
  // Nodes change as rarely as clients connect, so they are read with the clients.
  const refreshClients = async () => {
    const [clientList, nodeList] = await Promise.all([api.clients(), api.nodes()]);
    replace(clients, clientsPanel(clientList));
    replace(nodes, nodesPanel(nodeList));
  };
  return {
    sessionId: null,
    refresh: (part) => (part === "clients" ? refreshClients() : part === "sessions" ? refreshSessions() : Promise.resolve()),
  };
}

function sessionsPanel(api: FedNApi, sessions: SessionRecord[], refresh: () => void): HTMLElement {
  return section(
    "sessions",
    "Sessions",
    unlessEmpty(sessions.length, "No session yet: ./fedn session start creates one.", () =>
      table(
        "Sessions, newest first",
        ["Session", "Status", "Rounds", "Aggregator", "Combiners", "Round timeout", "Started", "Ended", "Control"],
        sessions.map((session) => [
          h("a", { href: `#/sessions/${encodeURIComponent(session.id)}` }, session.name ? `${session.name} (${session.id})` : session.id),
          h("span", { class: `badge ${session.status}` }, session.status),
          `${session.completedRounds} / ${session.config.rounds}`,
          session.config.aggregator,
          String(session.config.shards),
          timeSpan(session.config.roundTimeout),
          dateTime(session.startedAt),
          dateTime(session.endedAt),
          sessionControls(api, session, refresh),
        ]),
        { id: "sessions-table" },
      ),
    ),
  );
}
