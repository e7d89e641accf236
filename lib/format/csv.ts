// CSV that Excel opens correctly: UTF-8 with a BOM, every field quoted, CRLF line ends, streamed.

/** Quotes a field; a leading = + - @ is prefixed with ' so a spreadsheet never runs it as a formula. */
export function csvField(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? "" : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** A download response streaming `rows` under `head`, a thousand lines per chunk. */
export function csvResponse(fileName: string, head: string[], rows: AsyncIterable<Array<string | number | null | undefined>>): Response {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        controller.enqueue(encoder.encode(`\uFEFF${head.map(csvField).join(",")}\r\n`));
        let chunk: string[] = [];
        for await (const row of rows) {
          chunk.push(row.map(csvField).join(","));
          if (chunk.length >= 1000) {
            controller.enqueue(encoder.encode(`${chunk.join("\r\n")}\r\n`));
            chunk = [];
          }
        }
        if (chunk.length) controller.enqueue(encoder.encode(`${chunk.join("\r\n")}\r\n`));
        controller.close();
      } catch (error) {
        console.error("CSV export failed", error);
        controller.error(error);
      }
    },
  });
  const name = encodeURIComponent(fileName);
  return new Response(stream, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename*=UTF-8''${name}`, "Cache-Control": "no-store" },
  });
}
