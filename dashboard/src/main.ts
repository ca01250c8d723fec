// The dashboard's shell: sign-in, the two pages (#/ and #/sessions/ID), and one live stream that
// tells the current page what to read again.

import "./styles.css";
import { ApiError, FedNApi } from "./api";
import { forgetToken, signIn, storedToken } from "./auth";
import { h, replace } from "./dom";
import { type LivePart, type LiveState, watch } from "./live";
import type { View } from "./view";
import { overview } from "./views/overview";
import { sessionPage } from "./views/sessionPage";

const main = document.getElementById("main")!;
const liveState = document.getElementById("live-state")!;
const signOut = document.getElementById("sign-out") as HTMLButtonElement;

let api: FedNApi | null = null;
let view: View | null = null;
let stopWatching: (() => void) | null = null;

async function start(reason?: string): Promise<void> {
  const token = reason ? null : storedToken();
  api = token ? new FedNApi(token) : await signIn(main, reason);
  signOut.hidden = false;
  route();
}

function route(): void {
  if (!api) return;
  leaveView();
  const match = /^#\/sessions\/(.+)$/.exec(location.hash);
  const sessionId = match ? decodeURIComponent(match[1]!) : null;
  view = sessionId ? sessionPage(api, main, sessionId) : overview(api, main);
  document.title = sessionId ? `${sessionId} · FedN dashboard` : "FedN dashboard";
  const current = view;
  // Every part once now, then whatever the stream says changed.
  const parts: LivePart[] = sessionId ? ["session", "rounds", "events", "clients"] : ["sessions", "clients"];
  for (const part of parts) void refresh(current, part);
  stopWatching = watch(api, sessionId, {
    changed: (part) => void refresh(current, part),
    state: showLiveState,
  });
}

async function refresh(target: View, part: LivePart): Promise<void> {
  try {
    await target.refresh(part);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      return signOutWith(`Signed out: ${error.message}`);
    }
    if (target === view) {
      main.prepend(h("p", { class: "message", role: "alert" }, `Could not read ${part}: ${error instanceof Error ? error.message : String(error)}`));
    }
  }
}

function showLiveState(state: LiveState, detail?: string): void {
  const text: Record<LiveState, string> = { connecting: "connecting…", live: "live", reconnecting: "reconnecting…", refused: "not live" };
  liveState.textContent = text[state];
  liveState.className = `live-state ${state}`;
  liveState.title = detail ?? "";
  if (state === "refused") void signOutWith(`Signed out: ${detail ?? "the token was refused"}`);
}

function leaveView(): void {
  stopWatching?.();
  stopWatching = null;
  view?.dispose?.();
  view = null;
}

/** Back to sign-in with `reason`: on request, or when the API refuses the token (once, however many requests it refuses). */
async function signOutWith(reason: string): Promise<void> {
  if (!api) return;
  api = null;
  leaveView();
  forgetToken();
  signOut.hidden = true;
  replace(liveState);
  await start(reason);
}

signOut.addEventListener("click", () => void signOutWith("Signed out."));
window.addEventListener("hashchange", route);
void start();
