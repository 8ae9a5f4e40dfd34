import { Point } from '@influxdata/influxdb-client';

/** `data` → fields and `tags` → tags of one point at `time` (ms); throws when no field is left. */
export function toPoint(measurement: string, data: Record<string, unknown>, tags: Record<string, unknown> | undefined, time: number): Point {
  const point = new Point(measurement).timestamp(new Date(time));
  for (const [name, value] of Object.entries(tags ?? {})) point.tag(name, String(value));
  let fields = 0;
  for (const [name, value] of Object.entries(data)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) continue; // line protocol has no NaN or Infinity
      point.floatField(name, value);
    } else if (typeof value === 'boolean') point.booleanField(name, value);
    else if (typeof value === 'string') point.stringField(name, value);
    else point.stringField(name, JSON.stringify(value));
    fields++;
  }
  if (fields === 0) throw Object.assign(new Error(`point "${measurement}" has no field (data holds only null or non-finite values)`), { retryable: false });
  return point;
}
