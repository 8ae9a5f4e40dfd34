import { CronError, nextCronRun, parseCron } from './cron';

const at = (text: string) => new Date(text).getTime();
const local = (ms: number | null) => (ms === null ? null : new Date(ms).toString().slice(4, 24));

describe('nextCronRun (6-field cron, seconds first)', () => {
  it('finds the next second, minute and hour matches', () => {
    expect(local(nextCronRun('*/10 * * * * *', at('2026-03-01T10:00:03')))).toBe('Mar 01 2026 10:00:10');
    expect(local(nextCronRun('0 */5 * * * *', at('2026-03-01T10:07:00')))).toBe('Mar 01 2026 10:10:00');
    expect(local(nextCronRun('30 15 3 * * *', at('2026-03-01T10:00:00')))).toBe('Mar 02 2026 03:15:30');
  });

  it('is strictly after the given time', () => {
    expect(local(nextCronRun('0 0 * * * *', at('2026-03-01T10:00:00')))).toBe('Mar 01 2026 11:00:00');
  });

  it('reads weekday and month names, ranges, lists and steps; 7 is Sunday', () => {
    // 2026-03-01 is a Sunday.
    expect(local(nextCronRun('0 0 9 * * mon-fri', at('2026-03-01T12:00:00')))).toBe('Mar 02 2026 09:00:00');
    expect(local(nextCronRun('0 0 9 * * 7', at('2026-03-02T12:00:00')))).toBe('Mar 08 2026 09:00:00');
    expect(local(nextCronRun('0 0 0 1 jan,jul *', at('2026-03-01T12:00:00')))).toBe('Jul 01 2026 00:00:00');
    expect(local(nextCronRun('0 0 8-18/5 * * *', at('2026-03-01T09:00:00')))).toBe('Mar 01 2026 13:00:00');
  });

  it('takes a day of month or a weekday when both are restricted (classic cron)', () => {
    // The 15th, or any Monday: from Sunday the 1st the next is Monday the 2nd.
    expect(local(nextCronRun('0 0 0 15 * mon', at('2026-03-01T12:00:00')))).toBe('Mar 02 2026 00:00:00');
  });

  it('accepts 5 fields (no seconds) and says null for a date that never comes', () => {
    expect(local(nextCronRun('30 4 * * *', at('2026-03-01T00:00:00')))).toBe('Mar 01 2026 04:30:00');
    expect(nextCronRun('0 0 0 31 2 *', at('2026-03-01T00:00:00'))).toBeNull();
  });

  it('refuses malformed expressions with the reason', () => {
    expect(() => parseCron('* * *')).toThrow(CronError);
    expect(() => parseCron('61 * * * * *')).toThrow('61 is outside 0-59');
    expect(() => parseCron('*/0 * * * * *')).toThrow('bad step');
    expect(() => parseCron('0 0 5-2 * * *')).toThrow('runs backwards');
  });
});
