/**
 * Reads the files of a zip archive, as the Build REST API returns an artifact
 * (`GET .../builds/{id}/artifacts?artifactName=...`, `Accept: application/zip`). Only what an
 * artifact zip uses: stored (0) and deflated (8) entries, found through the central directory
 * (PKWARE APPNOTE 4.3.12, 4.3.16). Inflating is injected: the browser's `DecompressionStream`
 * in the page, the same or zlib in tests. No ZIP64: a report artifact is far below 4 GiB.
 */

/** A file of the archive. */
export interface ZipFile {
  name: string;
  data: Uint8Array;
}

/** Inflates raw DEFLATE data (RFC 1951, no zlib header). */
export type InflateRaw = (data: Uint8Array) => Promise<Uint8Array>;

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

/** Thrown for bytes that are not a zip archive this reader understands. */
export class ZipFormatError extends Error {
  override name = 'ZipFormatError';
}

/**
 * Every file (not directory) of `bytes` whose name `want` accepts, in archive order.
 *
 * @throws ZipFormatError when the archive is malformed or uses a method other than 0 or 8.
 */
export async function unzip(
  bytes: Uint8Array,
  inflateRaw: InflateRaw,
  want: (name: string) => boolean = () => true,
): Promise<ZipFile[]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number) => {
    if (at < 0 || at + 4 > bytes.length) throw new ZipFormatError('zip: truncated');
    return view.getUint32(at, true);
  };
  const u16 = (at: number) => {
    if (at < 0 || at + 2 > bytes.length) throw new ZipFormatError('zip: truncated');
    return view.getUint16(at, true);
  };
  let end = -1;
  // The end record is 22 bytes plus a comment of up to 65,535 bytes, at the very end.
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i -= 1) {
    if (u32(i) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new ZipFormatError('zip: no end of central directory');
  const count = u16(end + 10);
  let offset = u32(end + 16);
  const decoder = new TextDecoder();
  const files: ZipFile[] = [];
  for (let n = 0; n < count; n += 1) {
    if (u32(offset) !== CENTRAL_FILE_HEADER) throw new ZipFormatError('zip: bad central directory');
    const method = u16(offset + 10);
    const compressedSize = u32(offset + 20);
    const nameLength = u16(offset + 28);
    const extraLength = u16(offset + 30);
    const commentLength = u16(offset + 32);
    const localOffset = u32(offset + 42);
    const name = decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/') || !want(name)) continue;
    if (u32(localOffset) !== LOCAL_FILE_HEADER) throw new ZipFormatError(`zip: bad local header for ${name}`);
    const start = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28);
    if (start + compressedSize > bytes.length) throw new ZipFormatError(`zip: ${name} is truncated`);
    const raw = bytes.subarray(start, start + compressedSize);
    if (method === 0) files.push({ name, data: raw });
    else if (method === 8) files.push({ name, data: await inflateRaw(raw) });
    else throw new ZipFormatError(`zip: ${name} uses compression method ${method}`);
  }
  return files;
}
