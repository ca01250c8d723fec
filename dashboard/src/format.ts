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

export function metric(value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : Math.abs(value) >= 100 ? value.toFixed(1) : value.toFixed(4);
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
