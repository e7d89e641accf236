// The zip container of an .xlsx, written as it goes and never ahead of its reader. An entry of
// unknown length (a worksheet of a million rows) is deflated by node:zlib on the thread pool and
// its sizes and CRC follow its data (a data descriptor, general-purpose bit 3), so nothing of it
// is kept; the central directory at the end lists every entry.
//
// Backpressure is end to end: compressed bytes are written to the output only while it takes
// them, the deflate stream stops reading while they wait, and `write` returns a promise while the
// deflate stream's input is full — so whoever produces the XML waits for the client. (exceljs's
// writer fed the zip from an unbounded buffer: with rows arriving faster than the deflate took
// them, memory grew to +988 MB over a 1,000,000-row export; docs/benchmarks/2026-12-07-bulk.md §2.)
//
// Why not a library: archiver (what exceljs uses) computes the CRC in JavaScript and queues its
// entries; node:zlib has both deflate and a native crc32, and an .xlsx needs nothing of zip but
// stored names, deflate and the directory. Classic (32-bit) zip only: an entry or archive past
// 4 GiB is refused with an error rather than written wrong; a worksheet is capped by Excel at
// 1,048,576 rows, about 1 GB of XML for the widest export we have.
import { once } from "node:events";
import type { Writable } from "node:stream";
import { createDeflateRaw, crc32, deflateRawSync, type DeflateRaw } from "node:zlib";

/** The output was destroyed (the client left, the file was closed) before the zip was finished. */
export class ZipOutputGone extends Error {
  constructor(cause?: unknown) {
    super("zip output destroyed before the archive was finished", { cause });
  }
}

type TEntry = { name: Buffer; flags: number; crc: number; compressedSize: number; size: number; offset: number };

const ZIP32_MAX = 0xffff_ffff;
/** Bit 3: sizes and CRC in a data descriptor after the data. Bit 11: the name is UTF-8. */
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const METHOD_DEFLATE = 8;
const VERSION_NEEDED = 20;
/** Compressed bytes handed to the output at a time. */
const CHUNK = 64 * 1024;

async function waitForDrain(output: Writable): Promise<void> {
  if (!output.writableNeedDrain) return;
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      output.off("drain", done);
      output.off("close", done);
      output.off("error", fail);
      resolve();
    };
    const fail = (error: Error) => {
      output.off("drain", done);
      output.off("close", done);
      reject(error);
    };
    output.once("drain", done);
    output.once("close", done);
    output.once("error", fail);
  });
}

/** MS-DOS time and date of a wall clock (the zip's only way to date an entry). */
function dosDateTime(wallClock: Date): { time: number; date: number } {
  return {
    time: (wallClock.getUTCHours() << 11) | (wallClock.getUTCMinutes() << 5) | Math.floor(wallClock.getUTCSeconds() / 2),
    date: ((wallClock.getUTCFullYear() - 1980) << 9) | ((wallClock.getUTCMonth() + 1) << 5) | wallClock.getUTCDate(),
  };
}

export type TZipEntryWriter = {
  /** Adds bytes to the entry; a promise while the deflate stream's input is full (await it). */
  write(data: Buffer): Promise<void> | undefined;
  /** Ends the entry: the rest of its compressed data, then its data descriptor. */
  end(): Promise<void>;
};

export class StreamingZip {
  private offset = 0;
  private readonly entries: TEntry[] = [];
  private readonly stamp: { time: number; date: number };
  private open: DeflateRaw | null = null;

  /**
   * @param wallClock the entries' modification time as the reader's clock shows it (zip has no zones)
   * @param level deflate level: 1 by default — an .xlsx is XML, which compresses well at any
   *   level, and level 1 costs a few percent of size and most of the deflate time.
   */
  constructor(
    private readonly output: Writable,
    wallClock: Date,
    private readonly level = 1,
  ) {
    this.stamp = dosDateTime(wallClock);
  }

  private async put(bytes: Buffer): Promise<void> {
    if (this.output.destroyed) throw new ZipOutputGone();
    this.offset += bytes.length;
    try {
      if (!this.output.write(bytes)) await waitForDrain(this.output);
    } catch (error) {
      // Destroyed with an error while waiting (the download was cancelled, the disk is full).
      throw new ZipOutputGone(error);
    }
    if (this.output.destroyed) throw new ZipOutputGone();
  }

  private begin(name: string, flags: number): TEntry {
    if (this.open) throw new Error("zip: the previous entry is still open");
    return { name: Buffer.from(name, "utf8"), flags: flags | FLAG_UTF8, crc: 0, compressedSize: 0, size: 0, offset: this.offset };
  }

  private localHeader(entry: TEntry): Buffer {
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(VERSION_NEEDED, 4);
    header.writeUInt16LE(entry.flags, 6);
    header.writeUInt16LE(METHOD_DEFLATE, 8);
    header.writeUInt16LE(this.stamp.time, 10);
    header.writeUInt16LE(this.stamp.date, 12);
    // With a data descriptor these three are zero here and follow the data.
    header.writeUInt32LE(entry.crc, 14);
    header.writeUInt32LE(entry.compressedSize, 18);
    header.writeUInt32LE(entry.size, 22);
    header.writeUInt16LE(entry.name.length, 26);
    header.writeUInt16LE(0, 28);
    return Buffer.concat([header, entry.name]);
  }

  /** A small entry whose bytes are all at hand (the workbook's parts beside its worksheets). */
  async file(name: string, content: string): Promise<void> {
    const entry = this.begin(name, 0);
    const data = Buffer.from(content, "utf8");
    const compressed = deflateRawSync(data, { level: this.level });
    entry.crc = crc32(data);
    entry.size = data.length;
    entry.compressedSize = compressed.length;
    await this.put(this.localHeader(entry));
    await this.put(compressed);
    this.entries.push(entry);
  }

  /** An entry written piece by piece; only one is open at a time. */
  async stream(name: string): Promise<TZipEntryWriter> {
    const entry = this.begin(name, FLAG_DESCRIPTOR);
    await this.put(this.localHeader(entry));
    const deflate = createDeflateRaw({ level: this.level, chunkSize: CHUNK });
    this.open = deflate;
    // Takes compressed bytes only as fast as the output does: while `put` waits, this loop does
    // not read, the deflate stream's output fills, it stops compressing, and `write` waits.
    const pump = (async () => {
      for await (const chunk of deflate as AsyncIterable<Buffer>) {
        entry.compressedSize += chunk.length;
        await this.put(chunk);
      }
    })();
    // Awaited by `write` and `end`; a failure before then must not count as unhandled.
    pump.catch(() => {});
    return {
      write: (data) => {
        entry.crc = crc32(data, entry.crc);
        entry.size += data.length;
        if (entry.size > ZIP32_MAX) throw new Error("zip: an entry larger than 4 GiB needs zip64, which this writer does not write");
        if (deflate.write(data)) return undefined;
        // The deflate's input is full: wait until it drains, or stop with the pump's failure (the
        // output went away: the pump destroyed the deflate stream, which will never drain).
        return Promise.race([once(deflate, "drain").then(() => undefined), pump]);
      },
      end: async () => {
        deflate.end();
        await pump;
        this.open = null;
        const descriptor = Buffer.alloc(16);
        descriptor.writeUInt32LE(0x08074b50, 0);
        descriptor.writeUInt32LE(entry.crc, 4);
        descriptor.writeUInt32LE(entry.compressedSize, 8);
        descriptor.writeUInt32LE(entry.size, 12);
        await this.put(descriptor);
        this.entries.push(entry);
      },
    };
  }

  /** Writes the central directory and ends the output. */
  async finish(): Promise<void> {
    if (this.open) throw new Error("zip: an entry is still open");
    const start = this.offset;
    if (start > ZIP32_MAX) throw new Error("zip: an archive larger than 4 GiB needs zip64, which this writer does not write");
    const records = this.entries.map((entry) => {
      const record = Buffer.alloc(46);
      record.writeUInt32LE(0x02014b50, 0);
      record.writeUInt16LE(VERSION_NEEDED, 4); // made by: MS-DOS, zip 2.0
      record.writeUInt16LE(VERSION_NEEDED, 6);
      record.writeUInt16LE(entry.flags, 8);
      record.writeUInt16LE(METHOD_DEFLATE, 10);
      record.writeUInt16LE(this.stamp.time, 12);
      record.writeUInt16LE(this.stamp.date, 14);
      record.writeUInt32LE(entry.crc, 16);
      record.writeUInt32LE(entry.compressedSize, 20);
      record.writeUInt32LE(entry.size, 24);
      record.writeUInt16LE(entry.name.length, 28);
      // extra field, comment, disk number, internal and external attributes: none
      record.writeUInt32LE(entry.offset, 42);
      return Buffer.concat([record, entry.name]);
    });
    const directory = Buffer.concat(records);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(start, 16);
    await this.put(Buffer.concat([directory, end]));
    this.output.end();
  }

  /** Stops an unfinished zip: the open entry's deflate stream is released (the output is the caller's). */
  abort(): void {
    this.open?.destroy();
    this.open = null;
  }
}
