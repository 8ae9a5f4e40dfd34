/**
 * The next time a 6-field cron (seconds first, as `jobs.schedule` takes it: node-cron syntax) fires,
 * for the Jobs page's "next run". Fields: numbers, `*`, lists `a,b`, ranges `a-b`, steps `*\/n` and
 * `a-b/n`, month and weekday names; weekday 7 is Sunday like 0.
 */
interface Field {
  min: number;
  max: number;
  names?: string[];
}

const FIELDS: Field[] = [
  { min: 0, max: 59 },
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

export class CronError extends Error {}

function value(text: string, field: Field): number {
  const lower = text.toLowerCase();
  const named = field.names?.findIndex((n) => lower.startsWith(n) && lower.length <= n.length + 6) ?? -1;
  if (named >= 0 && /^[a-z]+$/.test(lower)) return named + field.min;
  if (!/^\d+$/.test(text)) throw new CronError(`"${text}" is not a number`);
  const n = Number(text);
  if (n < field.min || n > field.max) throw new CronError(`${n} is outside ${field.min}-${field.max}`);
  return n;
}

function expand(text: string, field: Field): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new CronError(`bad step in "${part}"`);
    let from: number;
    let to: number;
    if (range === '*') {
      from = field.min;
      to = field.max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      from = value(a, field);
      to = value(b, field);
      if (from > to) throw new CronError(`range "${range}" runs backwards`);
    } else {
      from = value(range, field);
      to = stepText === undefined ? from : field.max;
    }
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return out;
}

export interface CronSchedule {
  seconds: Set<number>;
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  dayRestricted: boolean;
  weekdayRestricted: boolean;
}

export function parseCron(expression: string): CronSchedule {
  let parts = expression.trim().split(/\s+/);
  if (parts.length === 5) parts = ['0', ...parts];
  if (parts.length !== 6) throw new CronError(`expected 6 fields (seconds first), got ${parts.length}`);
  const sets = parts.map((p, i) => expand(p, FIELDS[i]));
  const weekdays = new Set([...sets[5]].map((d) => (d === 7 ? 0 : d)));
  return {
    seconds: sets[0],
    minutes: sets[1],
    hours: sets[2],
    days: sets[3],
    months: sets[4],
    weekdays,
    dayRestricted: parts[3] !== '*',
    weekdayRestricted: parts[5] !== '*',
  };
}

function dayMatches(s: CronSchedule, date: Date): boolean {
  const day = s.days.has(date.getDate());
  const weekday = s.weekdays.has(date.getDay());
  // Classic cron: when both are restricted, either one matching is enough.
  if (s.dayRestricted && s.weekdayRestricted) return day || weekday;
  return day && weekday;
}

/** The first time after `after` (local time) the cron fires, or null when it never does within 5 years. */
export function nextCronRun(expression: string, after: number): number | null {
  const s = parseCron(expression);
  const date = new Date(after);
  date.setMilliseconds(0);
  date.setSeconds(date.getSeconds() + 1);
  const limit = after + 5 * 366 * 24 * 3600 * 1000;
  while (date.getTime() <= limit) {
    if (!s.months.has(date.getMonth() + 1)) {
      date.setMonth(date.getMonth() + 1, 1);
      date.setHours(0, 0, 0);
      continue;
    }
    if (!dayMatches(s, date)) {
      date.setDate(date.getDate() + 1);
      date.setHours(0, 0, 0);
      continue;
    }
    if (!s.hours.has(date.getHours())) {
      date.setHours(date.getHours() + 1, 0, 0);
      continue;
    }
    if (!s.minutes.has(date.getMinutes())) {
      date.setMinutes(date.getMinutes() + 1, 0);
      continue;
    }
    if (!s.seconds.has(date.getSeconds())) {
      date.setSeconds(date.getSeconds() + 1);
      continue;
    }
    return date.getTime();
  }
  return null;
}
