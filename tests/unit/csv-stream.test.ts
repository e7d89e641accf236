// Guards the export stream (issue 12): rows are produced only as fast as the client reads them
// (backpressure, flat memory), and a client that goes away stops the row source.
import { describe, expect, it } from "vitest";
import { csvResponse } from "@/lib/format/csv";

function counting(limit = Infinity) {
  const state = { produced: 0, closed: false };
  async function* rows() {
    try {
      while (state.produced < limit) {
        state.produced++;
        yield [state.produced, "王静", "-12.00"];
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, rows: rows() };
}

describe("csvResponse", () => {
  it("produces rows only as the client reads them", async () => {
    const { state, rows } = counting();
    const reader = csvResponse("x.csv", ["编号", "姓名", "金额"], rows).body!.getReader();
    await reader.read(); // the header
    await reader.read(); // the first thousand rows
    await new Promise((resolve) => setTimeout(resolve, 50));
    // One chunk read, at most one more waiting in the queue: never the whole (endless) source.
    expect(state.produced).toBeLessThanOrEqual(2001);
    await reader.cancel();
  });

  it("stops the row source when the client goes away", async () => {
    const { state, rows } = counting();
    const reader = csvResponse("x.csv", ["编号"], rows).body!.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    expect(state.closed).toBe(true);
    const producedAtCancel = state.produced;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(state.produced).toBe(producedAtCancel);
  });

  it("writes every row once, with the BOM and CRLF, then ends", async () => {
    const { rows } = counting(2500);
    const bytes = await csvResponse("x.csv", ["编号", "姓名", "金额"], rows).arrayBuffer();
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    const lines = text.split("\r\n");
    expect(lines[0]).toBe('\uFEFF"编号","姓名","金额"');
    expect(lines[1]).toBe('"1","王静","-12.00"');
    expect(lines[2500]).toBe('"2500","王静","-12.00"');
    expect(lines).toHaveLength(2502); // header, 2,500 rows, and the empty string after the last CRLF
  });
});
