import { describe, expect, it } from "vitest";
import { eliminate, splitEvenly, type OfferResult } from "./eliminate.js";

/** A model server: accepts `supported`, picks by its own order or the client's. */
function modelServer(supported: number[], serverOrder: boolean) {
  const offers: number[][] = [];
  const offer = async (codes: readonly number[]): Promise<OfferResult> => {
    offers.push([...codes]);
    const pick = serverOrder
      ? supported.find((code) => codes.includes(code))
      : codes.find((code) => supported.includes(code));
    return pick === undefined ? { kind: "refused" } : { kind: "chosen", code: pick };
  };
  return { offer, offers };
}

describe("eliminate", () => {
  const candidates = Array.from({ length: 40 }, (_, i) => 0x1000 + i);
  const supported = [0x1027, 0x1003, 0x1011, 0x1012, 0x1000];

  it.each([1, 3, 8])("finds exactly the accepted codes with %i parts", async (parts) => {
    const server = modelServer(supported, true);
    const result = await eliminate(candidates, server.offer, { parts });
    expect(result.complete).toBe(true);
    expect([...result.accepted].sort()).toEqual([...supported].sort());
    // One offer per accepted code plus one refusal per non-empty part.
    expect(server.offers).toHaveLength(supported.length + splitEvenly(candidates, parts).length);
  });

  it("in one part, returns the server's preference order when the server chooses", async () => {
    const server = modelServer(supported, true);
    const result = await eliminate(candidates, server.offer, { parts: 1 });
    expect(result.accepted).toEqual(supported);
  });

  it("reports an incomplete enumeration when an offer fails, keeping what was seen", async () => {
    let calls = 0;
    const result = await eliminate(
      candidates,
      async (codes): Promise<OfferResult> => {
        calls += 1;
        return calls === 1
          ? { kind: "chosen", code: codes[0]! }
          : { kind: "failed", message: "reset" };
      },
      { parts: 1 },
    );
    expect(result).toEqual({ complete: false, accepted: [0x1000], message: "reset" });
  });

  it("refuses a server that picks a code that was not offered", async () => {
    const result = await eliminate(candidates, async () => ({ kind: "chosen", code: 0xc02f }), {
      parts: 2,
    });
    expect(result.complete).toBe(false);
    expect(!result.complete && result.message).toBe("server chose 0xC02F, which was not offered");
  });
});

describe("splitEvenly", () => {
  it("keeps order and drops nothing", () => {
    expect(splitEvenly([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(splitEvenly([1, 2], 5)).toEqual([[1], [2]]);
    expect(splitEvenly([], 4)).toEqual([]);
  });
});
