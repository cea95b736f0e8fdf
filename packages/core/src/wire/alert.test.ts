import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { fromHex } from "./bytes.js";
import { decodeAlert, encodeAlert } from "./alert.js";
import { ALERT_DESCRIPTION, alertName } from "./constants.js";
import { RecordDecoder } from "./record.js";

const fixture = (name: string) =>
  fromHex(readFileSync(new URL(`./fixtures/${name}.hex`, import.meta.url), "utf8"));

describe("decodeAlert", () => {
  it("decodes OpenSSL's handshake_failure", () => {
    const [record] = new RecordDecoder().push(fixture("alert-handshake-failure"));
    expect(record).toMatchObject({ kind: "tls", contentType: 21 });
    if (record?.kind !== "tls") throw new Error("not TLS");
    expect(decodeAlert(record.fragment)).toEqual({
      level: 2,
      description: 40,
      name: "handshake_failure",
    });
  });

  it("names the alerts a scanner meets and keeps unknown ones", () => {
    expect(
      [40, 70, 71, 86, 112, 120].map((code) => decodeAlert(encodeAlert(2, code)).name),
    ).toEqual([
      "handshake_failure",
      "protocol_version",
      "insufficient_security",
      "inappropriate_fallback",
      "unrecognized_name",
      "no_application_protocol",
    ]);
    expect(decodeAlert(fromHex("01fe"))).toEqual({
      level: 1,
      description: 254,
      name: "unknown(254)",
    });
    expect(alertName(ALERT_DESCRIPTION.close_notify)).toBe("close_notify");
  });

  it("needs exactly two bytes", () => {
    expect(() => decodeAlert(fromHex("02"))).toThrow(
      expect.objectContaining({ code: "truncated", field: "Alert.description", offset: 1 }),
    );
    expect(() => decodeAlert(fromHex("022800"))).toThrow(
      expect.objectContaining({ code: "invalid", field: "Alert", offset: 2 }),
    );
  });
});
