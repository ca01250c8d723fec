// One session: where it is, its configuration, the metric charts, the round timeline, each client's
// validations, the combiners, the model trail, the event log and the clients, kept current by the live stream.

import type { AggregatorInfo, FedNApi, RoundRecord, SessionRecord, SessionStatusView, ValidationRecord } from "../api";
import { MetricChart, type MetricSeries } from "../charts/metricChart";
import { type ArrivalSample, RoundTimeline } from "../charts/roundTimeline";
import { h, replace, section } from "../dom";
import { bytes, dateTime, timeSpan } from "../format";
import type { View } from "../view";
import { clientsPanel } from "./clientsPanel";
import { eventsPanel } from "./eventsPanel";
import { MetricPicker } from "./metricPicker";
import { sessionControls } from "./sessionControls";
import { shardsPanel } from "./shardsPanel";
import { trailPanel } from "./trailPanel";
import { validationHeatmap } from "./validationHeatmap";

const eventsShown = 100;

export function sessionPage(api: FedNApi, main: HTMLElement, sessionId: string): View {
  const header = h("div", { class: "session-header" });
  const warnings = h("div");
  const config = h("div");
  const validationPick = new MetricPicker("validation-metric", "Validation metric", "accuracy", () => redraw());
  const trainingPick = new MetricPicker("training-metric", "Training metric", "loss", () => redraw());
  const validationChart = new MetricChart("validation-chart", "Validation by round", "accuracy", validationPick.element);
  const trainingChart = new MetricChart("training-chart", "Training by round", "loss", trainingPick.element);
  const trafficChart = new MetricChart("traffic-chart", "Traffic by round", "MiB");
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
    warnings,
    h(
      "div",
      { class: "grid" },
      section("metrics", "Metrics", h("div", { class: "charts" }, validationChart.element, trainingChart.element, trafficChart.element)),
      config,
    ),
    section("timeline", "Rounds", timeline.element, shards),
    h("div", { class: "grid" }, validations, clients),
    trail,
    events,
  );

  let session: SessionRecord | null = null;
  let rounds: RoundRecord[] = [];
  let reported: ValidationRecord[] = [];
  // Declared (hoisted) so the pickers, made first, can call it when the user picks another metric.
  function redraw(): void {
    const numbers = rounds.map((round) => round.round);
    const of = (metrics: (round: RoundRecord) => Record<string, number> | null | undefined, name: string | null) =>
      rounds.map((round) => (name === null ? null : (metrics(round)?.[name] ?? null)));
    const validated = validationPick.offer(rounds.flatMap((round) => Object.keys(round.validationMetrics ?? {})));
    const trained = trainingPick.offer(rounds.flatMap((round) => Object.keys(round.trainingMetrics ?? {})));
    validationChart.update(
      numbers,
      [{ label: `validation ${validated ?? ""}`, color: "#1a6fb5", values: of((round) => round.validationMetrics, validated) }],
      validated ?? "",
    );
    // The training metric beside its validation counterpart when both exist (training loss and validation loss).
    const alsoValidated = trained !== null && rounds.some((round) => round.validationMetrics?.[trained] !== undefined);
    trainingChart.update(
      numbers,
      [
        { label: `training ${trained ?? ""}`, color: "#6b4fb3", values: of((round) => round.trainingMetrics, trained) },
        ...(alsoValidated ? [{ label: `validation ${trained}`, color: "#b5461a", values: of((round) => round.validationMetrics, trained) }] : []),
      ],
      trained ?? "",
    );
    trafficChart.update(numbers, trafficSeries(rounds));
    replace(validations, validationHeatmap(reported, validated));
  }
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
  const aggregators = api.aggregators().catch(() => [] as AggregatorInfo[]);
  const refreshSession = async () => {
    const record = await refreshHeader();
    replace(config, configPanel(record, await aggregators));
    replace(trail, trailPanel(record.currentModelId ? await api.trail(record.currentModelId) : []));
  };
  const refreshRounds = async () => {
    [rounds, reported] = await Promise.all([api.rounds(sessionId), api.validations(sessionId)]);
    sample(arrivals, rounds);
    redraw();
    timeline.update(rounds, arrivals);
    replace(shards, shardsPanel(rounds));
    replace(warnings, roundWarnings(rounds));
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
 * Each round's bytes down and up and the running total, in MiB: the lecture's communication slide
 * (a round of a 10 MB model and 3 clients moves 60 MB) drawn beside the accuracy it bought.
 */
function trafficSeries(rounds: RoundRecord[]): MetricSeries[] {
  const mib = 1048576;
  const down = rounds.map((round) => (round.traffic ? (round.traffic.trainingBytesDown + round.traffic.validationBytesDown) / mib : null));
  const up = rounds.map((round) => (round.traffic ? round.traffic.bytesUp / mib : null));
  let total = 0;
  const running = down.map((value, index) => (value === null ? null : (total += value + up[index]!)));
  return [
    { label: "down", color: "#1a6fb5", values: down },
    { label: "up", color: "#b5461a", values: up },
    { label: "running total", color: "#555555", values: running },
  ];
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

/** Rounds whose model rests on fewer updates than were refused: the session may have "completed" on the wrong clients. */
function roundWarnings(rounds: RoundRecord[]): HTMLElement | null {
  const warned = rounds.filter((round) => round.warning);
  if (warned.length === 0) return null;
  return h(
    "div",
    { id: "session-warnings", class: "message warning", role: "status" },
    h(
      "p",
      {},
      `${warned.length} round${warned.length === 1 ? "" : "s"} committed with most updates refused; the model is likely not what this session was meant to train.`,
    ),
    h(
      "ul",
      {},
      warned.slice(-5).map((round) => h("li", {}, `Round ${round.round}: ${round.warning}`)),
    ),
  );
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
      session.traffic ? h("span", { id: "session-traffic" }, ` · ${bytes(session.traffic.bytesDown)} down, ${bytes(session.traffic.bytesUp)} up`) : "",
    ),
    session.message
      ? session.status === "failed"
        ? h("p", { class: "message", role: "alert" }, session.message)
        : h("p", { class: "muted" }, session.message)
      : null,
    sessionControls(api, session, refresh),
  );
}

function configPanel(session: SessionRecord, aggregators: AggregatorInfo[]): HTMLElement {
  const c = session.config;
  const hyperparameters = Object.entries(c.hyperparameters ?? {}).filter(([, value]) => value !== null && value !== undefined);
  const method = aggregators.find((a) => a.name === c.aggregator.toLowerCase());
  const privacy = session.privacy;
  const facts: [string, string][] = [
    ["Aggregator", c.aggregator + (hyperparameters.length > 0 ? ` (${hyperparameters.map(([name, value]) => `${name} ${value}`).join(", ")})` : "")],
    ...(method
      ? ([["Method", `${method.summary}; ${method.isLinear ? "linear: combiners send exact partial sums" : "robust: the reducer reads every update"}`]] as [
          string,
          string,
        ][])
      : []),
    ["Compute package", c.package ? `${c.package} (clients check every file against it before running it)` : "none: each client runs its own trainer"],
    ["Defences", session.defences?.length ? session.defences.join("; ") : "none"],
    ...(privacy
      ? ([
          [
            "Privacy",
            `ε ${privacy.epsilon.toFixed(2)} at δ ${privacy.delta} after ${privacy.rounds} round${privacy.rounds === 1 ? "" : "s"} (σ ${privacy.noiseMultiplier}, clipping at ${privacy.clipNorm}; RDP, no amplification by sampling)`,
          ],
        ] as [string, string][])
      : []),
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
      facts.flatMap(([name, value]) => [h("dt", {}, name), h("dd", { "data-fact": name.toLowerCase() }, value)]),
    ),
  );
}
