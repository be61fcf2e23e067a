/**
 * Saving a file of any size through the contents API, as JupyterLab's uploader does: base64 chunks of
 * 1 MiB numbered 1, 2, … and -1 for the last (the `chunk` field; a Jupyter server appends them to the
 * file, the VRE's drive assembles them). A file that fits in one chunk is saved in one plain request.
 */
import { englishMessages, type Messages } from '@odatis-vre/harmonised';
import { errorMessage } from '@odatis-vre/query';

/** The size of a chunk, as JupyterLab's uploader (filebrowser's CHUNK_SIZE). */
export const CHUNK_BYTES = 1024 * 1024;

/** The part of the contents manager a save needs. */
export interface SavingContents {
  save(path: string, options?: object): Promise<unknown>;
}

/** The part of the contents manager a save that replaces a file needs. */
export interface ReplacingContents extends SavingContents {
  get(path: string, options?: { content?: boolean }): Promise<unknown>;
  rename(oldPath: string, newPath: string): Promise<unknown>;
  delete(path: string): Promise<void>;
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

/**
 * Saves `path` whole or not at all: the chunks go to a temporary file beside it, which `close` moves into
 * place once complete and `discard` deletes. Until `close`, the file at `path` (or its absence) is as it
 * was, whatever stops the save half-way: a cancel, an engine error, a chunk refused.
 */
export class ReplacingSave {
  constructor(
    private readonly contents: ReplacingContents,
    readonly path: string,
    /** The language of its errors: the extension's `translator.load('odatis_vre')`; default English. */
    private readonly trans: Messages = englishMessages
  ) {
    this.partial = new ChunkedSave(contents, partialPath(path));
  }

  /** The temporary file the chunks go to. */
  get partialPath(): string {
    return this.partial.path;
  }

  get bytes(): number {
    return this.partial.bytes;
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.partial.write(bytes);
  }

  /** Saves the rest, then puts the complete file in place of the old one. */
  async close(): Promise<void> {
    await this.partial.close();
    const exists = await this.contents.get(this.path, { content: false }).then(
      () => true,
      () => false
    );
    // A Jupyter server's rename refuses an existing target (and has no replace): the old file is deleted
    // just before the rename, so the path is without a file only between these two requests.
    if (exists) await this.contents.delete(this.path);
    try {
      await this.contents.rename(this.partial.path, this.path);
    } catch (reason) {
      if (!exists) throw reason;
      // The old file is gone: the complete one is kept under its temporary name, which the error gives.
      this.kept = true;
      throw new Error(
        this.trans.__(
          'The old "%1" was deleted to make way for the new one, which could not be moved there: it is kept as "%2" (%3).',
          this.path,
          this.partial.path,
          errorMessage(reason, this.trans)
        )
      );
    }
    this.closed = true;
  }

  /** Deletes the temporary file unless the save was closed (or its result kept after a failed move). */
  async discard(): Promise<void> {
    if (this.closed || this.kept) return;
    await this.contents.delete(this.partial.path).catch(() => undefined);
  }

  private readonly partial: ChunkedSave;
  private closed = false;
  private kept = false;
}

/**
 * A temporary name beside `path`: `dir/name.partial-k3x9q2.csv`. Visible (a Jupyter server refuses hidden
 * names unless `allow_hidden`), and with the same extension: the browser drive keeps the file type and
 * MIME type of the name a file was saved under when it is renamed.
 */
export function partialPath(path: string, random = Math.random().toString(36).slice(2, 8)): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  const split = dot > slash + 1 ? dot : path.length;
  return `${path.slice(0, split)}.partial-${random}${path.slice(split)}`;
}

/** Base64 of bytes, 32 KiB at a time (String.fromCharCode takes its arguments on the stack). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
