// Guards the schedule of sign-in waits (issue 22 §5): nothing for the first failures, then 1 s
// doubling with each failure, never beyond the cap — a stranger's guesses slow a name, never lock it.
import { describe, expect, it } from "vitest";
import { signInWaitSeconds } from "@/lib/auth/sign-in-delay";

describe("signInWaitSeconds", () => {
  it("waits 1, 2, 4 … s after the free failures of a name, at most 60 s", () => {
    const schedule = [0, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1000].map((failures) => [failures, signInWaitSeconds(failures, 5, 60)]);
    expect(schedule).toEqual([
      [0, 0],
      [1, 0],
      [4, 0],
      [5, 1],
      [6, 2],
      [7, 4],
      [8, 8],
      [9, 16],
      [10, 32],
      [11, 60],
      [12, 60],
      [1000, 60],
    ]);
  });

  it("waits up to the window for an address: 1 s after 20 failures, 900 s from the 30th", () => {
    const schedule = [19, 20, 21, 29, 30, 500].map((failures) => [failures, signInWaitSeconds(failures, 20, 900)]);
    expect(schedule).toEqual([
      [19, 0],
      [20, 1],
      [21, 2],
      [29, 512],
      [30, 900],
      [500, 900],
    ]);
  });
});
