import { compatibility } from './plugins';

describe('plugin compatibility on the Plugins page', () => {
  const manifest = { apiVersion: 1, host: '>=0.1.0 <1.0.0', helpers: [] };

  it('names what the plugin needs when it loaded', () => {
    expect(compatibility({ enabled: true, manifest, hub: { state: 'loaded' } })).toEqual({ ok: true, label: 'compatible, loaded', detail: 'needs Wirehook >=0.1.0 <1.0.0, plugin API 1' });
  });

  it("gives the hub's reason when it was refused or cannot be read", () => {
    expect(compatibility({ enabled: true, manifest, hub: { state: 'failed', error: 'needs Wirehook >=2.0.0, this host is Wirehook 0.1.0' } })).toEqual({
      ok: false,
      label: 'refused on the hub',
      detail: 'needs Wirehook >=2.0.0, this host is Wirehook 0.1.0',
    });
    expect(compatibility({ enabled: true, problem: 'package.json is missing' }).ok).toBe(false);
    expect(compatibility({ enabled: false, manifest }).label).toBe('disabled');
  });
});
