import type { LivePart } from "./live";

/** A page of the dashboard: what it watches and how it reads a changed part again. */
export interface View {
  /** The session the page follows, or null for the federation. */
  sessionId: string | null;
  refresh(part: LivePart): Promise<void>;
  dispose?(): void;
}
