import { describe, expect, it } from "vitest";
import { serverHandshakeSecret } from "./tls13-decrypt.js";

describe("serverHandshakeSecret", () => {
  it("takes the secret of the SERVER_HANDSHAKE_TRAFFIC_SECRET line, whatever its place", () => {
    const keylog = [
      "CLIENT_HANDSHAKE_TRAFFIC_SECRET aa 0102",
      "SERVER_HANDSHAKE_TRAFFIC_SECRET aa 0a0B0c",
      "SERVER_TRAFFIC_SECRET_0 aa 0d0e",
    ];
    expect(serverHandshakeSecret(keylog)).toEqual(Uint8Array.of(0x0a, 0x0b, 0x0c));
  });

  it.each([
    [[]],
    [["SERVER_TRAFFIC_SECRET_0 aa 0d0e"]],
    [["SERVER_HANDSHAKE_TRAFFIC_SECRET aa"]],
    [["SERVER_HANDSHAKE_TRAFFIC_SECRET aa 0g"]],
    [["SERVER_HANDSHAKE_TRAFFIC_SECRET aa 012"]],
  ])("is null without a well-formed line: %j", (keylog) => {
    expect(serverHandshakeSecret(keylog)).toBeNull();
  });
});
