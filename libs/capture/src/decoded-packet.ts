import type { DecodedPacket, Endpoint, Transport } from './stream-events';

const EMPTY = Buffer.alloc(0);

/**
 * The decoder's DecodedPacket. Creating a Buffer view costs about as much as decoding a packet, so
 * `frame` and `payload` are made on first read (the recorder reads `frame`, DNS reads `payload`; TCP
 * payloads go to the reassembler as ranges: `payloadBuffer` from `payloadOffset`). The source bytes
 * are held in private fields: invisible to JSON, spreading and equality checks.
 * Note: `{ ...packet }` does not copy `frame` or `payload` (they are accessors); read them explicitly.
 */
export class CapturedPacket implements DecodedPacket {
  streamId: number | undefined = undefined;
  #source: Buffer;
  #start: number;
  #frame: Buffer | null;
  /** The payload as a range; once `payload` is read, the view itself (from 0 to its length). */
  #payloadBuffer: Buffer;
  #payloadStart: number;
  #payloadEnd: number;

  constructor(
    public timestamp: number,
    public interfaceId: number,
    public linkType: number,
    public captureLength: number,
    public length: number,
    public truncated: boolean,
    public fragmented: boolean,
    public ipVersion: 4 | 6 | 0,
    public src: Endpoint,
    public dst: Endpoint,
    public transport: Transport,
    public tcp: DecodedPacket['tcp'],
    payloadBuffer: Buffer,
    payloadStart: number,
    payloadEnd: number,
    public payloadLength: number,
    source: Buffer,
    start: number,
    frame: Buffer | null,
  ) {
    this.#source = source;
    this.#start = start;
    this.#frame = frame;
    this.#payloadBuffer = payloadBuffer;
    this.#payloadStart = payloadStart;
    this.#payloadEnd = payloadEnd;
  }

  get payload(): Buffer {
    const buf = this.#payloadBuffer;
    const start = this.#payloadStart;
    const end = this.#payloadEnd;
    if (start === 0 && end === buf.length) return buf;
    const view = start === end ? EMPTY : buf.subarray(start, end);
    this.payload = view;
    return view;
  }

  set payload(payload: Buffer) {
    this.#payloadBuffer = payload;
    this.#payloadStart = 0;
    this.#payloadEnd = payload.length;
  }

  /** The buffer holding the payload, from `payloadOffset` for `payload.length` bytes (no view made). */
  get payloadBuffer(): Buffer {
    return this.#payloadBuffer;
  }

  get payloadOffset(): number {
    return this.#payloadStart;
  }

  /** Captured payload bytes (`payload.length` without making the view). */
  get payloadCaptured(): number {
    return this.#payloadEnd - this.#payloadStart;
  }

  get frame(): Buffer {
    if (this.#frame === null) this.#frame = this.#source.subarray(this.#start, this.#start + this.captureLength);
    return this.#frame;
  }

  set frame(frame: Buffer) {
    this.#frame = frame;
  }

  toJSON(): DecodedPacket {
    return { ...this, frame: this.frame, payload: this.payload };
  }
}
