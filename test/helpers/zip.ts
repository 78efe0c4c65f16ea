import zlib from 'node:zlib';

/** One file of a zip archive made by zipOf. */
export interface ZipEntry {
  name: string;
  data: Buffer;
  /** Deflate the data (method 8), as zip does; else stored. */
  deflate?: boolean;
  /** The size the headers claim, when they lie. */
  claimedSize?: number;
}

/** A zip archive written byte by byte, so that a test can make the hostile ones no zip program would. */
export function zipOf(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const body = e.deflate ? zlib.deflateRawSync(e.data) : e.data;
    // method, time and date, CRC-32, sizes and the name's length: the same in both headers.
    const fields = (h: Buffer, at: number) => {
      h.writeUInt16LE(e.deflate ? 8 : 0, at);
      h.writeUInt32LE(0, at + 2);
      h.writeUInt32LE(zlib.crc32(e.data), at + 6);
      h.writeUInt32LE(body.length, at + 10);
      h.writeUInt32LE(e.claimedSize ?? e.data.length, at + 14);
      h.writeUInt16LE(name.length, at + 18);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    fields(local, 8);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    fields(central, 10);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
