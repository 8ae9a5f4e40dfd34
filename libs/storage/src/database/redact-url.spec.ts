import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  it('hides the password of a URL and keeps the rest', () => {
    expect(redactUrl('postgres://wirehook:p%40ss@db.example:5432/wirehook?sslmode=require')).toBe(
      'postgres://wirehook:***@db.example:5432/wirehook?sslmode=require',
    );
    expect(redactUrl('postgres://db.example/wirehook')).toBe('postgres://db.example/wirehook');
  });

  it('hides a password given as a query parameter', () => {
    expect(redactUrl('postgres://db.example/w?user=u&password=secret')).toBe('postgres://db.example/w?user=u&password=***');
  });

  it('hides what looks like a password in text that is not a URL', () => {
    expect(redactUrl('postgres://u:se cret@[bad')).toBe('postgres://u:***@[bad');
  });
});
