/**
 * Telegram's response envelope and the error helpers the fake uses to produce
 * Telegram-worded failures.
 */

export interface ResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

export type ApiSuccess = { ok: true; result: unknown; description?: string };
export type ApiFailure = {
  ok: false;
  error_code: number;
  description: string;
  parameters?: ResponseParameters;
};
export type ApiResult = ApiSuccess | ApiFailure;

/** Thrown inside the fake to abort a call with a Telegram error envelope. */
export class ApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
    this.name = "ApiError";
  }

  toResult(): ApiFailure {
    const result: ApiFailure = { ok: false, error_code: this.errorCode, description: this.description };
    if (this.parameters) result.parameters = { ...this.parameters };
    return result;
  }
}

/** 400 with the usual "Bad Request: " prefix. */
export function badRequest(reason: string, parameters?: ResponseParameters): ApiError {
  return new ApiError(400, `Bad Request: ${reason}`, parameters);
}

/** 403 with the usual "Forbidden: " prefix. */
export function forbidden(reason: string): ApiError {
  return new ApiError(403, `Forbidden: ${reason}`);
}

export function tooManyRequests(retryAfter: number): ApiError {
  return new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
}

export function ok(result: unknown): ApiSuccess {
  return { ok: true, result };
}
