/**
 * A small multipart/form-data parser. Node 20's `Request.formData()` rejects
 * the compact part headers grammY writes (`content-disposition:form-data;name="x";filename=y`),
 * so the fake parses bodies itself, accepting quoted and unquoted parameters.
 */

export interface MultipartField {
  name: string;
  value: string;
}

export interface MultipartFile {
  name: string;
  filename: string;
  contentType?: string;
  bytes: Uint8Array;
}

export interface MultipartBody {
  fields: MultipartField[];
  files: MultipartFile[];
}

export function boundaryOf(contentType: string): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

export function parseMultipart(body: Buffer, boundary: string): MultipartBody {
  const delimiter = Buffer.from(`--${boundary}`);
  const result: MultipartBody = { fields: [], files: [] };
  let position = body.indexOf(delimiter);
  while (position !== -1) {
    let partStart = position + delimiter.length;
    if (body.subarray(partStart, partStart + 2).toString() === "--") break; // closing delimiter
    if (body.subarray(partStart, partStart + 2).toString() === "\r\n") partStart += 2;
    const next = body.indexOf(delimiter, partStart);
    if (next === -1) break;
    let partEnd = next;
    if (body.subarray(partEnd - 2, partEnd).toString() === "\r\n") partEnd -= 2;
    addPart(result, body.subarray(partStart, partEnd));
    position = next;
  }
  return result;
}

function addPart(result: MultipartBody, part: Buffer): void {
  const headerEnd = part.indexOf("\r\n\r\n");
  if (headerEnd === -1) return;
  const headers = parseHeaders(part.subarray(0, headerEnd).toString("utf8"));
  const content = part.subarray(headerEnd + 4);
  const disposition = headers.get("content-disposition") ?? "";
  const name = dispositionParam(disposition, "name");
  if (name === undefined) return;
  const filename = dispositionParam(disposition, "filename");
  if (filename === undefined) {
    result.fields.push({ name, value: content.toString("utf8") });
  } else {
    result.files.push({ name, filename, contentType: headers.get("content-type"), bytes: new Uint8Array(content) });
  }
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function dispositionParam(disposition: string, key: string): string | undefined {
  const pattern = new RegExp(`(?:^|;)\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, "i");
  const match = pattern.exec(disposition);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : (match[2] ?? "").trim();
}
