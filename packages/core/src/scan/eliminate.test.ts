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
          : { kind: "failed", code: "reset", message: "connection reset" };
      },
      { parts: 1 },
    );
    expect(result).toEqual({
      complete: false,
      accepted: [0x1000],
      code: "reset",
      message: "connection reset",
    });
  });

  it("refuses a server that picks a code that was not offered", async () => {
    const result = await eliminate(candidates, async () => ({ kind: "chosen", code: 0xc02f }), {
      parts: 2,
    });
    expect(result.complete).toBe(false);
    expect(!result.complete && result.message).toBe("server chose 0xC02F, which was not offered");
  });
});

describe("eliminate with an anchor", () => {
  const curves = [29, 23, 24, 25, 30];
  /** A TLS 1.2 ECDSA server: no suite at all unless the certificate's curve (23) is offered. */
  function ecdsaServer(supported: number[], serverOrder: boolean) {
    const offers: number[][] = [];
    const offer = async (codes: readonly number[]): Promise<OfferResult> => {
      offers.push([...codes]);
      if (!codes.includes(23)) return { kind: "refused" };
      const pick = serverOrder
        ? supported.find((code) => codes.includes(code))
        : codes.find((code) => supported.includes(code));
      return pick === undefined ? { kind: "refused" } : { kind: "chosen", code: pick };
    };
    return { offer, offers };
  }

  it("keeps the anchor last in every offer and finds every curve a client-ordered server has", async () => {
    const server = ecdsaServer([24, 29, 23, 30], false);
    const result = await eliminate(curves, server.offer, { parts: 2, anchor: 23 });
    expect(result.complete).toBe(true);
    expect([...result.accepted].sort()).toEqual([23, 24, 29, 30]);
    expect(server.offers.every((offer) => offer.at(-1) === 23)).toBe(true);
  });

  it("stops at the anchor when the server ranks it first", async () => {
    const server = ecdsaServer([23, 24, 29], true);
    const result = await eliminate(curves, server.offer, { parts: 1, anchor: 23 });
    expect(result).toEqual({ complete: true, accepted: [23] });
  });

  it("offers the anchor alone at the end, and leaves it out when the server refuses it", async () => {
    const server = ecdsaServer([29], false);
    const result = await eliminate(curves, server.offer, { parts: 1, anchor: 23 });
    expect(result).toEqual({ complete: true, accepted: [29] });
    expect(server.offers.at(-1)).toEqual([24, 25, 30, 23]);
  });
});

describe("splitEvenly", () => {
  it("deals round robin, drops nothing and makes no empty part", () => {
    expect(splitEvenly([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([
      [1, 4, 7],
      [2, 5],
      [3, 6],
    ]);
    expect(splitEvenly([1, 2], 5)).toEqual([[1], [2]]);
    expect(splitEvenly([], 4)).toEqual([]);
  });
});
