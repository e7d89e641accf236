// A request body read against a budget. A declared Content-Length over the budget is refused
// before any byte is read; a body without one (chunked) is counted as it arrives and reading stops
// at the first byte over the budget, so nobody can make the server hold more than the budget.
// Takes a node request (scripts/serve.ts) or a web Request's body (route handlers).

export type TBodyRead = { ok: true; bytes: Buffer<ArrayBuffer> } | { ok: false; reason: "too-large" };

type TBody = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

async function* chunksOf(body: TBody): AsyncGenerator<Uint8Array> {
  if (!("getReader" in body)) return yield* body;
  const reader = body.getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) yield next.value;
  } finally {
    // Stopping early (over budget) cancels the rest rather than reading it.
    await reader.cancel().catch(() => undefined);
  }
}

export async function readBodyWithin(body: TBody | null, declaredLength: string | null | undefined, maxBytes: number): Promise<TBodyRead> {
  const declared = declaredLength == null || declaredLength === "" ? null : Number(declaredLength);
  if (declared !== null && Number.isFinite(declared) && declared > maxBytes) return { ok: false, reason: "too-large" };
  if (!body) return { ok: true, bytes: Buffer.alloc(0) };
  const chunks: Uint8Array[] = [];
  let total = 0;
  // Leaving the loop early ends the iteration (return()), so the rest is not read.
  for await (const chunk of chunksOf(body)) {
    total += chunk.byteLength;
    if (total > maxBytes) return { ok: false, reason: "too-large" };
    chunks.push(chunk);
  }
  return { ok: true, bytes: Buffer.concat(chunks, total) };
}
