import { inflateRawSync } from 'node:zlib';

/** One file of a zip archive. */
export interface ZipEntry {
  name: string;
  compressedSize: number;
  size: number;
  /** The file's bytes, inflated. */
  read(): Buffer;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

/**
 * Lists the entries of a zip archive (stored or deflated, no zip64): enough to look inside the
 * Lambda package serverless builds, without a dependency.
 */
export function readZipEntries(archive: Buffer): ZipEntry[] {
  let end = -1;
  // The end record is the last 22 bytes, followed by a comment of up to 64 KiB.
  for (let offset = archive.length - 22; offset >= Math.max(0, archive.length - 65_557); offset--) {
    if (archive.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) {
      end = offset;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip archive: no end of central directory record');

  const count = archive.readUInt16LE(end + 10);
  let offset = archive.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index++) {
    if (archive.readUInt32LE(offset) !== CENTRAL_DIRECTORY_ENTRY) {
      throw new Error(`zip central directory entry ${index} is malformed`);
    }
    const method = archive.readUInt16LE(offset + 10);
    const compressedSize = archive.readUInt32LE(offset + 20);
    const size = archive.readUInt32LE(offset + 24);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    const localHeader = archive.readUInt32LE(offset + 42);
    const name = archive.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;

    entries.push({
      name,
      compressedSize,
      size,
      read() {
        if (archive.readUInt32LE(localHeader) !== LOCAL_FILE_HEADER) {
          throw new Error(`zip local header of ${name} is malformed`);
        }
        const dataStart =
          localHeader +
          30 +
          archive.readUInt16LE(localHeader + 26) +
          archive.readUInt16LE(localHeader + 28);
        const data = archive.subarray(dataStart, dataStart + compressedSize);
        if (method === 0) return Buffer.from(data);
        if (method === 8) return inflateRawSync(data);
        throw new Error(`zip entry ${name} uses compression method ${method}`);
      },
    });
  }
  return entries;
}
