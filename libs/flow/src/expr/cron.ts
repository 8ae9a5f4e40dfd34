/**
 * Checks 6-field cron expressions (seconds first) as `jobs.schedule` takes them. This is the
 * common subset node-cron (the runtime's scheduler) accepts: numbers, `*`, ranges `a-b`, steps
 * `*\/n` and `a-b/n`, lists `a,b`, month and weekday names. Anything else is refused with the field
 * and the reason, so the editor can show it on the node.
 */

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const FULL_MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FULL_DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

const FIELDS: CronField[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 7, names: DAYS },
];

function value(text: string, field: CronField): number | string {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < field.min || n > field.max) return `${field.name} ${n} is outside ${field.min}-${field.max}`;
    return n;
  }
  const lower = text.toLowerCase();
  if (field.names) {
    const full = field.names === MONTHS ? FULL_MONTHS : FULL_DAYS;
    let index = field.names.indexOf(lower);
    if (index === -1) index = full.indexOf(lower);
    if (index !== -1) return field.names === MONTHS ? index + 1 : index;
  }
  return `${field.name}: ${JSON.stringify(text)} is not a number${field.names ? ' or a name' : ''}`;
}

function checkItem(item: string, field: CronField): string | null {
  if (item === '') return `${field.name}: empty list element`;
  const [range, step, ...rest] = item.split('/');
  if (rest.length > 0) return `${field.name}: ${JSON.stringify(item)} has more than one "/"`;
  if (step !== undefined) {
    if (!/^\d+$/.test(step) || Number(step) < 1) return `${field.name}: step ${JSON.stringify(step)} must be a whole number >= 1`;
    if (Number(step) > field.max) return `${field.name}: step ${step} is larger than ${field.max}`;
    if (range !== '*' && !range.includes('-')) return `${field.name}: a step goes after "*" or a range ("*/${step}", "a-b/${step}")`;
  }
  if (range === '*') return null;
  const bounds = range.split('-');
  if (bounds.length > 2) return `${field.name}: ${JSON.stringify(range)} is not a range`;
  const values: number[] = [];
  for (const bound of bounds) {
    const v = value(bound, field);
    if (typeof v === 'string') return v;
    values.push(v);
  }
  if (values.length === 2 && values[0] > values[1]) return `${field.name}: range ${range} goes backwards`;
  return null;
}

/** Null when the expression is a valid 6-field cron, else the reason (naming the field). */
export function validateCron(expression: string): string | null {
  if (typeof expression !== 'string' || expression.trim() === '') return 'cron is empty';
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6) return `cron must have 6 fields (seconds first), e.g. "0 */5 * * * *"; this has ${fields.length}`;
  for (let i = 0; i < 6; i++) {
    for (const item of fields[i].split(',')) {
      const problem = checkItem(item, FIELDS[i]);
      if (problem) return problem;
    }
  }
  return null;
}

/** Window lengths a tumbling window can have (aligned to the clock) and the cron that closes them. */
export function windowCron(seconds: number): string | null {
  if (!Number.isInteger(seconds) || seconds < 1) return null;
  if (seconds < 60) return 60 % seconds === 0 ? (seconds === 1 ? '* * * * * *' : `*/${seconds} * * * * *`) : null;
  if (seconds < 3600) {
    if (seconds % 60 !== 0 || 60 % (seconds / 60) !== 0) return null;
    const minutes = seconds / 60;
    return minutes === 1 ? '0 * * * * *' : `0 */${minutes} * * * *`;
  }
  if (seconds < 86400) {
    if (seconds % 3600 !== 0 || 24 % (seconds / 3600) !== 0) return null;
    const hours = seconds / 3600;
    return hours === 1 ? '0 0 * * * *' : `0 0 */${hours} * * *`;
  }
  return seconds === 86400 ? '0 0 0 * * *' : null;
}
