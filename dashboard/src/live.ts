// Follows /api/v1/live: server-sent events whose type names the part of the federation that
// changed. EventSource cannot send an Authorization header, so the stream is read with fetch and
// parsed here; the token never goes into a URL (where logs and proxies would keep it).

import { FedNApi } from "./api";

export type LivePart = "sessions" | "session" | "rounds" | "events" | "clients";
export type LiveState = "connecting" | "live" | "reconnecting" | "refused";

export interface LiveHandlers {
  /** A part changed; read it again. */
  changed(part: LivePart): void;
  /** The stream's state, for the page's status line. */
  state(state: LiveState, detail?: string): void;
}

/** Watches the federation (or one session) until the returned function is called. */
export function watch(api: FedNApi, sessionId: string | null, handlers: LiveHandlers): () => void {
  const stop = new AbortController();
  void run(api, sessionId, handlers, stop.signal);
  return () => stop.abort();
}

async function run(api: FedNApi, sessionId: string | null, handlers: LiveHandlers, signal: AbortSignal): Promise<void> {
  const url = `${FedNApi.basePath}/live${sessionId ? `?sessionId=${encodeURIComponent(sessionId)}` : ""}`;
  let retryMs = 1000;
  handlers.state("connecting");
  while (!signal.aborted) {
    try {
      const response = await fetch(url, { headers: { Authorization: api.authorization, Accept: "text/event-stream" }, cache: "no-store", signal });
      if (response.status === 401 || response.status === 403) {
        handlers.state("refused", "the token was refused; sign in again");
        return;
      }
      if (!response.ok || !response.body) {
        throw new Error(`${response.status} ${response.statusText}`);
      }
      handlers.state("live");
      await readEvents(response.body, signal, (type, data) => {
        if (type === "retry") {
          retryMs = Number(data) || retryMs;
        } else if (type !== "keepalive") {
          handlers.changed(type as LivePart);
        }
      });
      // The server ends a stream after a while; the next one starts at once.
    } catch (error) {
      if (signal.aborted) {
        return;
      }
      handlers.state("reconnecting", error instanceof Error ? error.message : String(error));
      await sleep(retryMs, signal);
    }
  }
}

/** Reads "event:"/"data:"/"retry:" fields (the text/event-stream format) and calls back per event. */
async function readEvents(body: ReadableStream<Uint8Array>, signal: AbortSignal, onEvent: (type: string, data: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  signal.addEventListener("abort", () => void reader.cancel(), { once: true });
  let buffer = "";
  let type = "message";
  let data: string[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffer.search(/\r?\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(buffer[newline] === "\r" ? newline + 2 : newline + 1);
      if (line === "") {
        if (data.length > 0 || type !== "message") {
          onEvent(type, data.join("\n"));
        }
        type = "message";
        data = [];
      } else if (!line.startsWith(":")) {
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") type = text;
        else if (field === "data") data.push(text);
        else if (field === "retry") onEvent("retry", text);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
