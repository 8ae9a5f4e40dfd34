import { performance } from 'node:perf_hooks';
import { MAX_WARNINGS, type CaptureSource, type CaptureSourceState, type CaptureStats } from './capture-source';
import { CaptureCounters } from './counters';
import { LiveCaptureError } from './errors';
import { FrameDecoder, type FrameDecoderOptions } from './frame-decoder';
import { LinkType } from './link-types';
import type { DecodedPacket } from './stream-events';

export interface LiveCaptureOptions {
  /** Interface name (`eth0`, `lo`, `any`). Default: libpcap's first non-loopback interface. */
  device?: string;
  /** Same as `device`. */
  interface?: string;
  /** BPF filter (pcap-filter(7) syntax), e.g. `tcp port 8080`. Default: everything. */
  filter?: string;
  /** Bytes kept of each packet (default 65535); longer packets are marked truncated. */
  snapLength?: number;
  /** libpcap's kernel buffer in bytes (default 16 MiB). */
  bufferSize?: number;
  signal?: AbortSignal;
  counters?: CaptureCounters;
  decoder?: FrameDecoder;
  decoderOptions?: Omit<FrameDecoderOptions, 'counters'>;
}

export interface CaptureDevice {
  name: string;
  description?: string;
  addresses: string[];
  loopback: boolean;
}

// The slice of the `cap` package (native libpcap binding) used here.
interface CapHandle {
  open(device: string, filter: string, bufferSize: number, buffer: Buffer): string;
  close(): void;
  on(event: 'packet', listener: (bytes: number, truncated: boolean) => void): unknown;
  setMinBytes?(bytes: number): void;
}
interface CapDevice {
  name: string;
  description?: string;
  addresses?: { addr?: string }[];
  flags?: string;
}
interface CapModule {
  Cap: {
    new (): CapHandle;
    findDevice(ip?: string): string | undefined;
    deviceList(): CapDevice[];
  };
}

let capModule: CapModule | null = null;

/**
 * Handles whose open() failed after libpcap created them. cap's destructor would then stop a
 * libuv poll handle that was never initialised and abort the process during garbage collection,
 * so they are kept reachable for the life of the process (a few hundred bytes each).
 */
const failedHandles: CapHandle[] = [];

/** Loads `cap` on first use: it is an optional native dependency, absent on machines that never capture live. */
function loadCap(device: string): CapModule {
  if (capModule !== null) return capModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    capModule = require('cap') as CapModule;
    return capModule;
  } catch (error) {
    throw new LiveCaptureError(
      `live capture needs the optional package "cap" (a libpcap binding), which is not installed or did not build: ` +
        `install libpcap-dev and a C++ toolchain, then reinstall dependencies (${(error as Error).message})`,
      device,
      error,
    );
  }
}

const LINK_TYPES: Record<string, number> = {
  NULL: LinkType.NULL,
  ETHERNET: LinkType.ETHERNET,
  RAW: LinkType.RAW,
  LINKTYPE_LINUX_SLL: LinkType.LINUX_SLL,
};

const SLAB_SIZE = 1024 * 1024;

/**
 * Live capture from a network interface through libpcap (`cap` package): BPF filter, snap length,
 * kernel buffer size. Each packet is copied out of cap's single receive buffer into a slab (so the
 * views in DecodedPacket stay valid), timestamped on arrival (cap does not expose libpcap's
 * timestamp) and decoded. `start` resolves when `stop` is called or the signal aborts.
 */
export class LiveCapture implements CaptureSource {
  readonly counters: CaptureCounters;
  readonly decoder: FrameDecoder;
  private state: CaptureSourceState = 'idle';
  private readonly warnings: string[] = [];
  private error: string | undefined;
  private handle: CapHandle | null = null;
  private finish: (() => void) | null = null;
  private fail: ((error: Error) => void) | null = null;
  private slab: Buffer = Buffer.alloc(0);
  private slabUsed = 0;
  private readonly device: string | undefined;
  private linkType = -1;

  constructor(private readonly options: LiveCaptureOptions = {}) {
    this.decoder = options.decoder ?? new FrameDecoder({ ...options.decoderOptions, counters: options.counters });
    this.counters = this.decoder.counters;
    this.device = options.device ?? options.interface;
  }

  /** A live capture already opened: fails here (LiveCaptureError) when `cap` is missing, the interface unknown or capture not permitted. */
  static async open(options: LiveCaptureOptions = {}): Promise<LiveCapture> {
    const capture = new LiveCapture(options);
    capture.openHandle();
    return capture;
  }

  /** Interfaces libpcap can open. Throws LiveCaptureError when `cap` is missing. */
  static devices(): CaptureDevice[] {
    const cap = loadCap('');
    return cap.Cap.deviceList().map((device) => ({
      name: device.name,
      ...(device.description ? { description: device.description } : {}),
      addresses: (device.addresses ?? []).map((address) => address.addr ?? '').filter((address) => address !== ''),
      loopback: (device.flags ?? '').includes('LOOPBACK'),
    }));
  }

  describe(): string {
    const filter = this.options.filter ? ` filter "${this.options.filter}"` : '';
    return `live ${this.device ?? '(default interface)'}${filter} snaplen ${this.snapLength()}`;
  }

  async start(onPacket: (packet: DecodedPacket) => void): Promise<void> {
    if (this.state === 'running') throw new Error(`${this.describe()}: already started`);
    const handle = this.handle ?? this.openHandle();
    handle.setMinBytes?.(0);
    this.state = 'running';
    this.error = undefined;

    const signal = this.options.signal;
    const stopOnAbort = (): void => void this.stop();
    const done = new Promise<void>((resolve, reject) => {
      this.finish = resolve;
      this.fail = reject;
    });
    handle.on('packet', (bytes: number) => this.onCapturedPacket(bytes, onPacket));
    if (signal !== undefined) {
      if (signal.aborted) void this.stop();
      else signal.addEventListener('abort', stopOnAbort, { once: true });
    }
    try {
      await done;
    } finally {
      signal?.removeEventListener('abort', stopOnAbort);
    }
  }

  /** Opens the libpcap handle (packets are not read before `start` hands over a callback). */
  private openHandle(): CapHandle {
    if (this.handle !== null) return this.handle;
    const device = this.device ?? '(default interface)';
    try {
      const cap = loadCap(device);
      const name = this.device ?? cap.Cap.findDevice() ?? '';
      if (name === '') throw new LiveCaptureError('no capture interface found (libpcap lists none that is up)', device);
      const handle = new cap.Cap();
      const linkTypeName = this.open(handle, name);
      const linkType = LINK_TYPES[linkTypeName];
      if (linkType === undefined) {
        handle.close();
        throw new LiveCaptureError(`interface ${name} has a link type the decoder does not support (${linkTypeName})`, name);
      }
      this.linkType = linkType;
      this.handle = handle;
      return handle;
    } catch (error) {
      this.state = 'failed';
      this.error = (error as Error).message;
      throw error;
    }
  }

  async stop(): Promise<void> {
    const handle = this.handle;
    if (handle === null) return;
    this.handle = null;
    handle.close();
    if (this.state === 'running') this.state = 'stopped';
    this.finish?.();
  }

  stats(): CaptureStats {
    return {
      ...this.counters.snapshot(),
      source: this.describe(),
      state: this.state,
      warnings: [...this.warnings],
      ...(this.error === undefined ? {} : { error: this.error }),
    };
  }

  private snapLength(): number {
    return Math.max(64, Math.min(262_144, this.options.snapLength ?? 65_535));
  }

  private receiveBuffer: Buffer = Buffer.alloc(0);

  private open(handle: CapHandle, device: string): string {
    this.receiveBuffer = Buffer.alloc(this.snapLength());
    try {
      return handle.open(device, this.options.filter ?? '', this.options.bufferSize ?? 16 * 1024 * 1024, this.receiveBuffer);
    } catch (error) {
      failedHandles.push(handle);
      const message = (error as Error).message;
      if (/permi|not permitted|EPERM|EACCES/i.test(message)) {
        throw new LiveCaptureError(
          `capture on ${device} is not permitted (${message}): run as root or grant CAP_NET_RAW and CAP_NET_ADMIN ` +
            `(e.g. setcap cap_net_raw,cap_net_admin=eip "$(command -v node)")`,
          device,
          error,
        );
      }
      throw new LiveCaptureError(`cannot open ${device} for capture: ${message}`, device, error);
    }
  }

  private onCapturedPacket(bytes: number, onPacket: (packet: DecodedPacket) => void): void {
    if (this.handle === null) return;
    const timestamp = performance.timeOrigin + performance.now();
    const counters = this.counters;
    counters.packets++;
    counters.bytes += bytes;
    // cap reuses one receive buffer: copy the frame out so the packet's views stay valid.
    if (this.slabUsed + bytes > this.slab.length) {
      this.slab = Buffer.allocUnsafe(Math.max(SLAB_SIZE, bytes));
      this.slabUsed = 0;
    }
    const frame = this.slab.subarray(this.slabUsed, this.slabUsed + bytes);
    this.receiveBuffer.copy(frame, 0, 0, bytes);
    this.slabUsed += (bytes + 7) & ~7;
    try {
      // cap does not report the length on the wire; the decoder infers it from the IP header when cut.
      const packet = this.decoder.decodeFrame(frame, this.linkType, timestamp, bytes, 0);
      if (packet !== null) onPacket(packet);
    } catch (error) {
      // The consumer threw: stop rather than let a native callback raise an uncaught exception.
      this.state = 'failed';
      this.error = `packet handler failed: ${(error as Error).message}`;
      this.warnings.push(this.error);
      if (this.warnings.length > MAX_WARNINGS) this.warnings.shift();
      const handle = this.handle;
      this.handle = null;
      handle?.close();
      this.fail?.(error as Error);
    }
  }
}

/** The name the worker uses for the live `CaptureSource`. */
export { LiveCapture as LiveCaptureSource };
