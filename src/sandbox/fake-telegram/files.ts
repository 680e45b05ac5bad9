/**
 * Uploaded files and the fake's file storage: file ids, unique ids, file paths
 * and the media objects (PhotoSize[], Document, Voice, ...) messages carry.
 */
import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import type { Audio, Document, PhotoSize, Sticker, Video, VideoNote, Voice } from "grammy/types";
import { badRequest } from "./errors.js";

/** A file that arrived with a call (multipart part or in-process grammY InputFile). */
export class UploadedFile {
  constructor(
    readonly bytes: Uint8Array,
    readonly filename?: string,
    readonly mimeType?: string,
  ) {}

  toJSON(): { upload: string; size: number } {
    return { upload: this.filename ?? "file", size: this.bytes.byteLength };
  }
}

/** grammY's InputFile (or anything shaped like it). */
interface InputFileLike {
  fileData: unknown;
  filename?: string;
  toRaw?: () => Promise<Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>>;
}

export function isInputFileLike(value: unknown): value is InputFileLike {
  return typeof value === "object" && value !== null && "fileData" in value;
}

const PLACEHOLDER = new TextEncoder().encode("fake-telegram placeholder file\n");

/** Reads a grammY InputFile into an UploadedFile without touching the network. */
export async function readInputFile(file: InputFileLike): Promise<UploadedFile> {
  const data = file.fileData;
  const filename = file.filename;
  if (data instanceof Uint8Array) return new UploadedFile(data, filename);
  if (data instanceof URL || (typeof data === "string" && /^https?:\/\//i.test(data))) {
    return new UploadedFile(PLACEHOLDER, filename ?? basename(String(data)));
  }
  if (typeof data === "string") return new UploadedFile(await readFile(data), filename ?? basename(data));
  if (typeof file.toRaw === "function") return new UploadedFile(await collect(await file.toRaw()), filename);
  return new UploadedFile(PLACEHOLDER, filename);
}

async function collect(raw: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  if (raw instanceof Uint8Array) return raw;
  const chunks: Uint8Array[] = [];
  for await (const chunk of raw) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Replaces every InputFile found in params (also inside arrays/objects like `media`) with an UploadedFile. */
export async function resolveInputFiles(value: unknown): Promise<unknown> {
  if (isInputFileLike(value)) return readInputFile(value);
  if (value instanceof UploadedFile || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return Promise.all(value.map(resolveInputFiles));
  if (typeof value === "object" && value !== null) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([key, item]) => [key, await resolveInputFiles(item)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

export type FileKind = "photo" | "document" | "video" | "audio" | "voice" | "sticker" | "animation" | "video_note";

const KIND_INFO: Record<FileKind, { prefix: string; folder: string; ext: string; mime: string; label: string }> = {
  photo: { prefix: "AgACAgIAAxkBAAI", folder: "photos", ext: "jpg", mime: "image/jpeg", label: "Photo" },
  document: { prefix: "BQACAgIAAxkBAAI", folder: "documents", ext: "dat", mime: "application/octet-stream", label: "Document" },
  video: { prefix: "BAACAgIAAxkBAAI", folder: "videos", ext: "mp4", mime: "video/mp4", label: "Video" },
  audio: { prefix: "CQACAgIAAxkBAAI", folder: "music", ext: "mp3", mime: "audio/mpeg", label: "Audio" },
  voice: { prefix: "AwACAgIAAxkBAAI", folder: "voice", ext: "oga", mime: "audio/ogg", label: "Voice" },
  sticker: { prefix: "CAACAgIAAxkBAAI", folder: "stickers", ext: "webp", mime: "image/webp", label: "Sticker" },
  animation: { prefix: "CgACAgIAAxkBAAI", folder: "animations", ext: "mp4", mime: "video/mp4", label: "Animation" },
  video_note: { prefix: "DQACAgIAAxkBAAI", folder: "video_notes", ext: "mp4", mime: "video/mp4", label: "VideoNote" },
};

const MIME_BY_EXT: Record<string, string> = {
  ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp",
  ".pdf": "application/pdf", ".txt": "text/plain", ".csv": "text/csv", ".json": "application/json",
  ".zip": "application/zip", ".mp4": "video/mp4", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".oga": "audio/ogg",
  ".doc": "application/msword", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

export function guessMimeType(filename: string | undefined): string | undefined {
  return filename ? MIME_BY_EXT[extname(filename).toLowerCase()] : undefined;
}

export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_size: number;
  file_path: string;
  kind: FileKind;
  bytes?: Uint8Array;
  mimeType: string;
  /** The media object a message carries for this file (shared by all sizes of a photo). */
  media: unknown;
}

/** Message field values for each kind of media. */
export type MediaValue = PhotoSize[] | Document | Video | VideoNote | Audio | Voice | Sticker;

/** Where a file comes from when a bot sends media: fresh upload, URL, or existing file_id. */
export type FileSource = UploadedFile | string;

export interface MediaDetails {
  filename?: string;
  mimeType?: string;
  duration?: number;
  emoji?: string;
  title?: string;
  performer?: string;
  width?: number;
  height?: number;
  setName?: string;
}

export interface FileStoreSnapshot {
  counter: number;
  files: Array<Omit<StoredFile, "bytes"> & { bytes?: string }>;
}

export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  private readonly byPath = new Map<string, StoredFile>();
  private counter = 0;

  get(fileId: string): StoredFile | undefined {
    return this.files.get(fileId);
  }

  byFilePath(path: string): StoredFile | undefined {
    return this.byPath.get(path);
  }

  /**
   * Resolves a bot-provided file (upload, URL or file_id) into the media value
   * for a message of the given kind. Reusing a file_id returns the same media.
   */
  mediaFor(kind: FileKind, source: FileSource, details: MediaDetails = {}): MediaValue {
    if (typeof source === "string" && !/^https?:\/\//i.test(source)) {
      const existing = this.files.get(source);
      if (!existing || source.startsWith("attach://")) throw badRequest("wrong file identifier/HTTP URL specified");
      if (existing.kind !== kind) {
        throw badRequest(`can't use file of type ${KIND_INFO[existing.kind].label} as ${KIND_INFO[kind].label}`);
      }
      return structuredClone(existing.media) as MediaValue;
    }
    const upload = typeof source === "string" ? undefined : source;
    const filename = details.filename ?? upload?.filename ?? (typeof source === "string" ? urlFilename(source) : undefined);
    const bytes = upload?.bytes ?? PLACEHOLDER;
    return this.create(kind, bytes, { ...details, filename, mimeType: details.mimeType ?? upload?.mimeType });
  }

  /** Creates a new file of the given kind (used for uploads and for files users send). */
  create(kind: FileKind, bytes: Uint8Array, details: MediaDetails = {}): MediaValue {
    const info = KIND_INFO[kind];
    const mimeType = details.mimeType && details.mimeType !== "application/octet-stream"
      ? details.mimeType
      : guessMimeType(details.filename) ?? info.mime;
    if (kind === "photo") return this.createPhoto(bytes, details);
    const file = this.store(kind, bytes, mimeType, details.filename);
    const base = { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size };
    let media: MediaValue;
    switch (kind) {
      case "document":
        media = { ...base, file_name: details.filename ?? `file_${this.counter}.${info.ext}`, mime_type: mimeType };
        break;
      case "video":
      case "animation":
        media = {
          ...base,
          width: details.width ?? 640,
          height: details.height ?? 360,
          duration: details.duration ?? 1,
          mime_type: mimeType,
        };
        break;
      case "video_note":
        media = { ...base, length: 240, duration: details.duration ?? 1 };
        break;
      case "audio":
        media = {
          ...base, duration: details.duration ?? 1, mime_type: mimeType,
          ...(details.filename ? { file_name: details.filename } : {}),
          ...(details.title ? { title: details.title } : {}),
          ...(details.performer ? { performer: details.performer } : {}),
        };
        break;
      case "voice":
        media = { ...base, duration: details.duration ?? 1, mime_type: "audio/ogg" };
        break;
      case "sticker":
        media = {
          ...base, type: "regular", width: 512, height: 512, is_animated: false, is_video: false,
          ...(details.emoji ? { emoji: details.emoji } : {}),
          ...(details.setName ? { set_name: details.setName } : {}),
        };
        break;
    }
    file.media = media;
    return structuredClone(media);
  }

  private createPhoto(bytes: Uint8Array, details: MediaDetails): PhotoSize[] {
    const width = details.width ?? 1280;
    const height = details.height ?? 960;
    const scale = 90 / Math.max(width, height);
    const thumbBytes = bytes.subarray(0, Math.min(bytes.byteLength, 1024));
    const small = this.store("photo", thumbBytes, "image/jpeg");
    const large = this.store("photo", bytes, "image/jpeg");
    const sizes: PhotoSize[] = [
      { file_id: small.file_id, file_unique_id: small.file_unique_id, file_size: small.file_size,
        width: Math.round(width * scale), height: Math.round(height * scale) },
      { file_id: large.file_id, file_unique_id: large.file_unique_id, file_size: large.file_size, width, height },
    ];
    small.media = sizes;
    large.media = sizes;
    return structuredClone(sizes);
  }

  /** Every file with its bytes as base64 (the sandbox keeps its world across restarts). */
  toSnapshot(): FileStoreSnapshot {
    const files = [...this.files.values()].map(({ bytes, ...file }) => ({ ...file, bytes: bytes ? Buffer.from(bytes).toString("base64") : undefined }));
    return { counter: this.counter, files };
  }

  /** Replaces the store's content with a snapshot's. */
  loadSnapshot(snapshot: FileStoreSnapshot): void {
    this.files.clear();
    this.byPath.clear();
    this.counter = snapshot.counter;
    for (const { bytes, ...rest } of snapshot.files) {
      const file: StoredFile = { ...rest, bytes: bytes === undefined ? undefined : new Uint8Array(Buffer.from(bytes, "base64")) };
      this.files.set(file.file_id, file);
      this.byPath.set(file.file_path, file);
    }
  }

  private store(kind: FileKind, bytes: Uint8Array, mimeType: string, filename?: string): StoredFile {
    const n = ++this.counter;
    const info = KIND_INFO[kind];
    const ext = (filename && extname(filename).slice(1)) || info.ext;
    const file: StoredFile = {
      file_id: `${info.prefix}${Buffer.from(`fake-${kind}-${n}`).toString("base64url")}`,
      file_unique_id: `AQAD${Buffer.from(`u${n}`).toString("base64url")}`,
      file_size: bytes.byteLength,
      file_path: `${info.folder}/file_${n}.${ext}`,
      kind,
      bytes,
      mimeType,
      media: undefined,
    };
    this.files.set(file.file_id, file);
    this.byPath.set(file.file_path, file);
    return file;
  }
}

function urlFilename(url: string): string | undefined {
  try {
    const name = basename(new URL(url).pathname);
    return name || undefined;
  } catch {
    return undefined;
  }
}
