// The backup archive: a gzip-compressed tar written and read as a stream (tar-stream), so a
// database of any size goes through a fixed amount of memory. Every file's SHA-256 is taken from
// the very bytes written into the archive and listed in the manifest, and checked again on restore.
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { open } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip, constants as zlibConstants } from "node:zlib";
import tar from "tar-stream";

export type TArchivedFile = { path: string; size: number; sha256: string };

const CHUNK = 1 << 20;

export class ArchiveWriter {
  readonly files: TArchivedFile[] = [];
  private readonly pack = tar.pack();
  private readonly done: Promise<void>;

  constructor(file: string) {
    // Level 1: PostgreSQL pages compress well even so, and a backup of a large database must not
    // take the two cores of a county's laptop for long.
    const gzip = createGzip({ level: zlibConstants.Z_BEST_SPEED });
    this.done = pipeline(this.pack, gzip, createWriteStream(file, { mode: 0o600 }));
    this.done.catch(() => {});
  }

  async directory(name: string, mode = 0o700): Promise<void> {
    await new Promise<void>((resolve, reject) => this.pack.entry({ name, type: "directory", mode }, (error) => (error ? reject(error) : resolve())));
  }

  async buffer(name: string, bytes: Buffer, mode = 0o600): Promise<TArchivedFile> {
    await new Promise<void>((resolve, reject) => this.pack.entry({ name, mode, size: bytes.length }, bytes, (error) => (error ? reject(error) : resolve())));
    const entry = { path: name, size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
    this.files.push(entry);
    return entry;
  }

  /**
   * Adds a file of a running PostgreSQL: its size is fixed when it is opened; a file that shrinks
   * while being read is padded with zeros and one that grows is cut (as pg_basebackup does): WAL
   * replay rewrites those pages. A file removed before it is opened is skipped (returns null).
   */
  async file(name: string, fullPath: string): Promise<TArchivedFile | null> {
    let handle;
    try {
      handle = await open(fullPath, "r");
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return null;
      throw error;
    }
    try {
      const stat = await handle.stat();
      const size = stat.size;
      const hash = createHash("sha256");
      let entry!: ReturnType<typeof this.pack.entry>;
      // The pack calls back once the entry's bytes are all in the archive.
      const finished = new Promise<void>((resolve, reject) => {
        entry = this.pack.entry({ name, size, mode: stat.mode & 0o777, mtime: stat.mtime }, (error) => (error ? reject(error) : resolve()));
      });
      let position = 0;
      while (position < size) {
        const chunk = Buffer.alloc(Math.min(CHUNK, size - position));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
        // bytesRead 0: the file shrank; the rest of the chunk stays zero.
        const part = bytesRead === 0 ? chunk : chunk.subarray(0, bytesRead);
        hash.update(part);
        position += part.length;
        if (!entry.write(part)) await once(entry, "drain");
      }
      (entry as NodeJS.WritableStream).end();
      await finished;
      const archived = { path: name, size, sha256: hash.digest("hex") };
      this.files.push(archived);
      return archived;
    } finally {
      await handle.close();
    }
  }

  async finish(): Promise<void> {
    this.pack.finalize();
    await this.done;
  }

  /** Stops writing after a failure; the caller removes the partial file. */
  abort(): void {
    this.pack.destroy();
  }
}

export type TArchiveEntry = { name: string; type: "file" | "directory"; mode: number; stream: NodeJS.ReadableStream & AsyncIterable<Buffer> };

/** Calls `onEntry` for every entry in order; each entry's stream must be consumed before the next. */
export async function readArchive(file: string, onEntry: (entry: TArchiveEntry) => Promise<void>): Promise<void> {
  const extract = tar.extract();
  const feeding = pipeline(createReadStream(file), createGunzip(), extract);
  feeding.catch(() => {});
  for await (const entry of extract) {
    const { header } = entry;
    if (header.type !== "file" && header.type !== "directory") throw new Error(`备份文件中有不支持的条目：${header.name}`);
    await onEntry({ name: header.name, type: header.type, mode: header.mode ?? 0o600, stream: entry as unknown as TArchiveEntry["stream"] });
    entry.resume();
  }
  await feeding;
}
