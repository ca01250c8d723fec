// The control-plane API as the dashboard reads it: typed records (camelCase JSON, enums as
// lower-case strings) and one client that sends the signed-in admin token with every request.

export type SessionStatus = "created" | "running" | "stopping" | "completed" | "stopped" | "failed";
export type RoundStatus = "planned" | "training" | "reducing" | "validating" | "committed" | "failed" | "stopped";

export interface Page<T> {
  items: T[];
  continuationToken?: string | null;
}

export interface SessionConfig {
  rounds: number;
  roundTimeout: string;
  minClients: number;
  clientsPerRound?: number | null;
  clients?: string[] | null;
  quorumGrace: string;
  roundRetries: number;
  aggregator: string;
  hyperparameters: Record<string, number | null>;
  shards: number;
  validate: boolean;
  keepRounds: number;
  /** The compute package (the SHA-256 of its manifest) every client runs; absent when clients use their own trainers. */
  package?: string | null;
}

export interface SessionRecord {
  id: string;
  name?: string | null;
  config: SessionConfig;
  status: SessionStatus;
  seedModelId: string;
  currentModelId?: string | null;
  completedRounds: number;
  /** What the session's rounds moved over the network, failed attempts included. */
  traffic?: SessionTraffic | null;
  /** The defences the session uses (its aggregator's, its norm bound, its example cap), in a few words each. */
  defences?: string[] | null;
  /** The differential privacy spent so far, for a session with a DP aggregator. */
  privacy?: PrivacySpent | null;
  createdAt: string;
  startedAt?: string | null;
  endedAt?: string | null;
  message?: string | null;
}

/** (ε, δ) after the committed rounds (RDP accountant, sampling rate 1: an upper bound). */
export interface PrivacySpent {
  epsilon: number;
  delta: number;
  rounds: number;
  noiseMultiplier: number;
  clipNorm: number;
}

/** One aggregation method of the server's registry. */
export interface AggregatorInfo {
  name: string;
  summary: string;
  isLinear: boolean;
  hyperparameters: { name: string; description: string; default?: number | null; range: string }[];
}

/** Bytes a round moved: one copy of the model per task sent, and the updates its combiners read. */
export interface RoundTraffic {
  modelBytes: number;
  trainingBytesDown: number;
  validationBytesDown: number;
  bytesUp: number;
}

export interface SessionTraffic {
  bytesDown: number;
  bytesUp: number;
  round: number;
  attempt: number;
}

export interface SessionStatusView {
  sessionId: string;
  status: SessionStatus;
  completedRounds: number;
  currentModelId?: string | null;
  orchestration?: string | null;
  round?: number | null;
  attempt?: number | null;
  phase?: string | null;
  message?: string | null;
}

export interface ShardFigures {
  shard: number;
  expected: number;
  aggregated: number;
  rejected: number;
  examples: number;
  seconds: number;
  closedBy?: string | null;
  /** Updates aggregated by each time, oldest first. */
  arrivals?: { at: string; aggregated: number }[] | null;
  /** Bytes of the updates the combiner read. */
  bytesUp?: number;
}

export interface RoundRecord {
  sessionId: string;
  round: number;
  status: RoundStatus;
  attempt: number;
  inputModelId: string;
  outputModelId?: string | null;
  assignedClients: number;
  updatesReceived: number;
  updatesAggregated: number;
  updatesRejected: number;
  shards: ShardFigures[];
  traffic?: RoundTraffic | null;
  trainingMetrics?: Record<string, number> | null;
  validationMetrics?: Record<string, number> | null;
  startedAt: string;
  deadline?: string | null;
  endedAt?: string | null;
  message?: string | null;
  /** Set when most of the clients that answered were refused (RoundRecord.Warning). */
  warning?: string | null;
}

export interface ValidationRecord {
  sessionId: string;
  round: number;
  clientId: string;
  modelId: string;
  numExamples: number;
  metrics: Record<string, number>;
  receivedAt: string;
}

export interface ClientRecord {
  id: string;
  name?: string | null;
  online: boolean;
  lastSeen?: string | null;
  node?: string | null;
  firstSeen: string;
  /** Bytes of models the client was sent, and of updates it uploaded, over every task it answered. */
  bytesDown?: number;
  bytesUp?: number;
  attributes?: Record<string, string> | null;
}

/** A server node of a deployment of several (`fedn server` on the Durable Task Framework). */
export interface NodeRecord {
  id: string;
  address: string;
  startedAt: string;
  lastSeen: string;
}

export interface ModelRecord {
  id: string;
  parentId?: string | null;
  sessionId?: string | null;
  round?: number | null;
  sizeBytes: number;
  description?: string | null;
  createdAt: string;
}

export interface StatusEvent {
  id: string;
  sessionId?: string | null;
  time: string;
  level: "info" | "warning" | "error";
  kind: string;
  message: string;
  round?: number | null;
  clientId?: string | null;
}

/** A refusal of the API, with the problem details' explanation. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The API under `/api/v1` of the page's origin, as one admin. */
export class FedNApi {
  static readonly basePath = "/api/v1";

  constructor(private readonly token: string) {}

  /** The token's Authorization header, for requests made elsewhere (the live stream). */
  get authorization(): string {
    return `Bearer ${this.token}`;
  }

  sessions(): Promise<SessionRecord[]> {
    return this.all<SessionRecord>("/sessions");
  }

  /** The aggregation methods the server knows, from its registry. */
  aggregators(): Promise<AggregatorInfo[]> {
    return this.get("/aggregators");
  }

  session(id: string): Promise<SessionRecord> {
    return this.get(`/sessions/${encodeURIComponent(id)}`);
  }

  sessionStatus(id: string): Promise<SessionStatusView> {
    return this.get(`/sessions/${encodeURIComponent(id)}/status`);
  }

  rounds(sessionId: string): Promise<RoundRecord[]> {
    return this.all<RoundRecord>(`/sessions/${encodeURIComponent(sessionId)}/rounds`);
  }

  validations(sessionId: string): Promise<ValidationRecord[]> {
    return this.all<ValidationRecord>(`/sessions/${encodeURIComponent(sessionId)}/validations`);
  }

  clients(): Promise<ClientRecord[]> {
    return this.all<ClientRecord>("/clients");
  }

  nodes(): Promise<NodeRecord[]> {
    return this.all<NodeRecord>("/nodes");
  }

  events(sessionId: string, limit: number): Promise<StatusEvent[]> {
    return this.get<Page<StatusEvent>>(`/events?sessionId=${encodeURIComponent(sessionId)}&newestFirst=true&pageSize=${limit}`).then((page) => page.items);
  }

  trail(modelId: string): Promise<ModelRecord[]> {
    return this.get(`/models/${encodeURIComponent(modelId)}/trail`);
  }

  async startSession(id: string): Promise<void> {
    await this.send("POST", `/sessions/${encodeURIComponent(id)}/start`);
  }

  async stopSession(id: string): Promise<void> {
    await this.send("POST", `/sessions/${encodeURIComponent(id)}/stop`);
  }

  private async get<T>(path: string): Promise<T> {
    return (await this.send("GET", path)).json() as Promise<T>;
  }

  /** Every page of a listing. */
  private async all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let continuation: string | null | undefined;
    do {
      const separator = path.includes("?") ? "&" : "?";
      const query = continuation ? `${separator}continuationToken=${encodeURIComponent(continuation)}` : "";
      const page = await this.get<Page<T>>(`${path}${query}`);
      items.push(...page.items);
      continuation = page.continuationToken;
    } while (continuation);
    return items;
  }

  private async send(method: string, path: string): Promise<Response> {
    const response = await fetch(FedNApi.basePath + path, {
      method,
      headers: { Authorization: this.authorization, Accept: "application/json" },
      cache: "no-store",
    });
    if (!response.ok) {
      throw new ApiError(response.status, await explain(response));
    }
    return response;
  }
}

async function explain(response: Response): Promise<string> {
  try {
    const problem = (await response.json()) as { title?: string; detail?: string };
    return problem.detail ?? problem.title ?? `${response.status} ${response.statusText}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}
