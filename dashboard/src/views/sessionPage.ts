// One session: where it is, its configuration, the metric charts, the round timeline, each client's
// validations, the combiners, the model trail, the event log and the clients, kept current by the live stream.

import type { FedNApi, RoundRecord, SessionRecord, SessionStatusView } from "../api";
import { MetricChart } from "../charts/metricChart";
import { type ArrivalSample, RoundTimeline } from "../charts/roundTimeline";
import { h, replace, section } from "../dom";
import { dateTime, timeSpan } from "../format";
import type { View } from "../view";
import { clientsPanel } from "./clientsPanel";
import { eventsPanel } from "./eventsPanel";
import { sessionControls } from "./sessionControls";
import { shardsPanel } from "./shardsPanel";
import { trailPanel } from "./trailPanel";
import { validationHeatmap } from "./validationHeatmap";

const eventsShown = 100;

export function sessionPage(api: FedNApi, main: HTMLElement, sessionId: string): View {
  const header = h("div", { class: "session-header" });
  const config = h("div");
  const accuracy = new MetricChart("accuracy-chart", "Validation accuracy by round", "accuracy");
  const loss = new MetricChart("loss-chart", "Loss by round", "loss");
  const timeline = new RoundTimeline("round-timeline");
  const validations = h("div");
  const shards = h("div");
  const trail = h("div");
  const events = h("div");
  const clients = h("div");
  const arrivals = new Map<number, ArrivalSample[]>();
  replace(
    main,
    h("p", { class: "crumbs" }, h("a", { href: "#/" }, "Overview"), " / session"),
    header,
    h("div", { class: "grid" }, section("metrics", "Metrics", h("div", { class: "charts" }, accuracy.element, loss.element)), config),
    section("timeline", "Rounds", timeline.element, shards),
    h("div", { class: "grid" }, validations, clients),
    trail,
    events,
  );

  let session: SessionRecord | null = null;
  let rounds: RoundRecord[] = [];
  // The header changes with every phase; the configuration and the trail only with the session record.
  const refreshHeader = async () => {
    const [record, status] = await Promise.all([api.session(sessionId), api.sessionStatus(sessionId)]);
    session = record;
    replace(
      header,
      sessionHeader(api, record, status, () => void refreshHeader()),
    );
    return record;
  };
  const refreshSession = async () => {
    const record = await refreshHeader();
    replace(config, configPanel(record));
    replace(trail, trailPanel(record.currentModelId ? await api.trail(record.currentModelId) : []));
  };
  const refreshRounds = async () => {
    const [records, reported] = await Promise.all([api.rounds(sessionId), api.validations(sessionId)]);
    rounds = records;
    sample(arrivals, rounds);
    const numbers = rounds.map((round) => round.round);
    const validation = (name: string) => rounds.map((round) => round.validationMetrics?.[name] ?? null);
    accuracy.update(numbers, [{ label: "accuracy", color: "#1a6fb5", values: validation("accuracy") }]);
    loss.update(numbers, [
      { label: "validation loss", color: "#b5461a", values: validation("loss") },
      { label: "training loss", color: "#6b4fb3", values: rounds.map((round) => round.trainingMetrics?.loss ?? null) },
    ]);
    timeline.update(rounds, arrivals);
    replace(validations, validationHeatmap(reported));
    replace(shards, shardsPanel(rounds));
    if (session && session.status === "running") {
      await refreshHeader();
    }
  };
  const refreshEvents = async () => replace(events, eventsPanel(await api.events(sessionId, eventsShown)));
  const refreshClients = async () => replace(clients, clientsPanel(await api.clients()));

  // A running round's bar grows with the clock, not only when something is reported.
  const ticker = window.setInterval(() => rounds.some((round) => !round.endedAt) && timeline.update(rounds, arrivals), 1000);
  return {
    sessionId,
    refresh: (part) => {
      switch (part) {
        case "session":
          return refreshSession();
        case "rounds":
          return refreshRounds();
        case "events":
          return refreshEvents();
        case "clients":
          return refreshClients();
        default:
          return Promise.resolve();
      }
    },
    dispose: () => window.clearInterval(ticker),
  };
}

/**
 * Remembers how many updates each unfinished round had received, and when. A finished round's
 * curve comes from its combiners (`ShardFigures.arrivals`), so its samples are no longer needed.
 */
function sample(arrivals: Map<number, ArrivalSample[]>, rounds: RoundRecord[]): void {
  const now = Date.now();
  for (const round of rounds) {
    if (round.endedAt || round.status === "planned") continue;
    const samples = arrivals.get(round.round) ?? [{ at: Date.parse(round.startedAt), received: 0 }];
    if (samples[samples.length - 1]!.received !== round.updatesReceived) {
      samples.push({ at: now, received: round.updatesReceived });
    }
    arrivals.set(round.round, samples);
  }
}

function sessionHeader(api: FedNApi, session: SessionRecord, status: SessionStatusView, refresh: () => void): HTMLElement {
  const where =
    status.status === "running" && status.round
      ? `round ${status.round}${status.attempt && status.attempt > 1 ? ` (attempt ${status.attempt})` : ""}${status.phase ? `: ${status.phase}` : ""}`
      : null;
  return h(
    "div",
    {},
    h("h1", {}, session.name ? `${session.name} ` : "", h("code", {}, session.id)),
    h(
      "p",
      { class: "status-line" },
      h("span", { id: "session-status", class: `badge ${session.status}` }, session.status),
      ` ${session.completedRounds} of ${session.config.rounds} rounds done`,
      where ? ` · now ${where}` : "",
    ),
    session.message
      ? session.status === "failed"
        ? h("p", { class: "message", role: "alert" }, session.message)
        : h("p", { class: "muted" }, session.message)
      : null,
    sessionControls(api, session, refresh),
  );
}

function configPanel(session: SessionRecord): HTMLElement {
  const c = session.config;
  const hyperparameters = Object.entries(c.hyperparameters ?? {}).filter(([, value]) => value !== null && value !== undefined);
  const facts: [string, string][] = [
    ["Aggregator", c.aggregator + (hyperparameters.length > 0 ? ` (${hyperparameters.map(([name, value]) => `${name} ${value}`).join(", ")})` : "")],
    ["Rounds", String(c.rounds)],
    ["Combiners", String(c.shards)],
    ["Clients per round", c.clients?.length ? c.clients.join(", ") : c.clientsPerRound ? String(c.clientsPerRound) : "all online"],
    ["Minimum clients", String(c.minClients)],
    ["Round timeout", timeSpan(c.roundTimeout)],
    ["Quorum grace", timeSpan(c.quorumGrace)],
    ["Round retries", String(c.roundRetries)],
    ["Validation", c.validate ? "after every round" : "off"],
    ["Seed model", session.seedModelId],
    ["Created", dateTime(session.createdAt)],
    ["Started", dateTime(session.startedAt)],
    ["Ended", dateTime(session.endedAt)],
  ];
  return section(
    "config",
    "Configuration",
    h(
      "dl",
      { class: "facts" },
      facts.flatMap(([name, value]) => [h("dt", {}, name), h("dd", {}, value)]),
    ),
  );
}
