/** A capture file that cannot be read (further): names the file and the byte offset of the problem. */
export class CaptureFileError extends Error {
  override readonly name = 'CaptureFileError';

  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${file}: ${reason} at byte offset ${offset}`);
  }
}

/** Live capture could not start or failed: missing `cap` module, no permission, unknown interface. */
export class LiveCaptureError extends Error {
  override readonly name = 'LiveCaptureError';

  constructor(
    message: string,
    readonly device: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}
