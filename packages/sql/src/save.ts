/**
 * Saving a file of any size through the contents API, as JupyterLab's uploader does: base64 chunks of
 * 1 MiB numbered 1, 2, … and -1 for the last (the `chunk` field; a Jupyter server appends them to the
 * file, the VRE's drive assembles them). A file that fits in one chunk is saved in one plain request.
 */

/** The size of a chunk, as JupyterLab's uploader (filebrowser's CHUNK_SIZE). */
export const CHUNK_BYTES = 1024 * 1024;

/** The part of the contents manager a save needs. */
export interface SavingContents {
  save(path: string, options?: object): Promise<unknown>;
}

/** Writes the bytes given to `write` to `path`, a chunk at a time; `close` saves the rest. */
export class ChunkedSave {
  constructor(
    private readonly contents: SavingContents,
    readonly path: string
  ) {}

  /** Bytes saved so far (and held, less than a chunk). */
  get bytes(): number {
    return this.total;
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.total += bytes.byteLength;
    let offset = 0;
    while (offset < bytes.byteLength) {
      if (this.filled === CHUNK_BYTES) {
        // A full chunk with more bytes after it: not the last one, it can go.
        await this.flush(++this.chunk);
      }
      const take = Math.min(CHUNK_BYTES - this.filled, bytes.byteLength - offset);
      this.buffer.set(bytes.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
    }
  }

  /** Saves what is held: the last chunk, or the whole file if it never filled a chunk. */
  async close(): Promise<void> {
    const content = toBase64(this.buffer.subarray(0, this.filled));
    this.filled = 0;
    await this.contents.save(this.path, {
      type: 'file',
      format: 'base64',
      content,
      ...(this.chunk > 0 ? { chunk: -1 } : {})
    });
  }

  private async flush(chunk: number): Promise<void> {
    const content = toBase64(this.buffer.subarray(0, this.filled));
    this.filled = 0;
    await this.contents.save(this.path, { type: 'file', format: 'base64', content, chunk });
  }

  private readonly buffer = new Uint8Array(CHUNK_BYTES);
  private filled = 0;
  private chunk = 0;
  private total = 0;
}

/** Base64 of bytes, 32 KiB at a time (String.fromCharCode takes its arguments on the stack). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
