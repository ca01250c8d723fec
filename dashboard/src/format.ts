// How numbers, times and durations read on the dashboard: the same everywhere.

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

export function time(iso: string | null | undefined): string {
  return iso ? timeFormat.format(new Date(iso)) : "–";
}

export function dateTime(iso: string | null | undefined): string {
  return iso ? dateTimeFormat.format(new Date(iso)) : "–";
}

/** "12 s ago", "3 min ago", or the date for older. */
export function ago(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return "never";
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return dateTime(iso);
}

export function seconds(value: number): string {
  return value < 10 ? `${value.toFixed(2)} s` : value < 120 ? `${value.toFixed(1)} s` : `${(value / 60).toFixed(1)} min`;
}

/** A metric's value: 4 decimals, 4 significant digits below 0.1 (0.01213, not 0.0121), 1 decimal from 100. */
export function metric(value: number | null | undefined): string {
  if (value === null || value === undefined) return "–";
  const size = Math.abs(value);
  return size >= 100 ? value.toFixed(1) : size >= 0.1 || size === 0 ? value.toFixed(4) : value.toPrecision(4);
}

/**
 * Labels for evenly spaced axis ticks with as many decimals as their step needs, so neighbouring
 * ticks never read the same (0.0120, 0.0125 rather than 0.012, 0.012).
 */
export function tickLabels(ticks: number[]): string[] {
  const step = ticks.length > 1 ? Math.abs(ticks[1]! - ticks[0]!) : 0;
  let decimals = 0;
  while (step > 0 && decimals < 12 && Math.abs(step * 10 ** decimals - Math.round(step * 10 ** decimals)) > 1e-6) decimals++;
  return ticks.map((tick) => (step > 0 ? tick.toFixed(decimals) : metric(tick)));
}

export function bytes(value: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${unit === 0 ? size : size.toFixed(1)} ${units[unit]}`;
}

/** A .NET TimeSpan ("00:10:00", "1.02:00:00") as people say it. */
export function timeSpan(value: string): string {
  const match = /^(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(value);
  if (!match) return value;
  const total = Number(match[1] ?? 0) * 86400 + Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4]);
  return total >= 3600 ? `${+(total / 3600).toFixed(2)} h` : total >= 60 ? `${+(total / 60).toFixed(2)} min` : `${total} s`;
}
