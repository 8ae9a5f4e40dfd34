import type { DecodedPacket, Endpoint, Transport } from './stream-events';

/**
 * The decoder's DecodedPacket. Creating a Buffer view costs about as much as decoding a packet, so
 * `frame` is made on first read (the recorder reads it; most consumers never do). The source bytes
 * are held in private fields: invisible to JSON, spreading and equality checks.
 * Note: `{ ...packet }` does not copy `frame` (it is an accessor); read it explicitly.
 */
export class CapturedPacket implements DecodedPacket {
  streamId: number | undefined = undefined;
  #source: Buffer;
  #start: number;
  #frame: Buffer | null;

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
    public payload: Buffer,
    public payloadLength: number,
    source: Buffer,
    start: number,
    frame: Buffer | null,
  ) {
    this.#source = source;
    this.#start = start;
    this.#frame = frame;
  }

  get frame(): Buffer {
    if (this.#frame === null) this.#frame = this.#source.subarray(this.#start, this.#start + this.captureLength);
    return this.#frame;
  }

  set frame(frame: Buffer) {
    this.#frame = frame;
  }

  toJSON(): DecodedPacket {
    return { ...this, frame: this.frame };
  }
}
