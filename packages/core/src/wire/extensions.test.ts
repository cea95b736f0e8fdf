import { describe, expect, it } from "vitest";

import { ByteReader, ByteWriter, fromHex, toHex } from "./bytes.js";
import { EXTENSION_TYPE } from "./constants.js";
import { EncodeError } from "./errors.js";
import {
  alpn,
  ecPointFormats,
  encryptThenMac,
  extendedMasterSecret,
  heartbeat,
  keyShare,
  padding,
  pskKeyExchangeModes,
  rawExtension,
  readExtensions,
  renegotiationInfo,
  serverName,
  sessionTicket,
  signatureAlgorithms,
  signatureAlgorithmsCert,
  statusRequest,
  supportedGroups,
  supportedVersions,
  writeExtensions,
} from "./extensions.js";
import type { Extension } from "./extensions.js";

const cases: [string, Extension, number, string][] = [
  ["server_name", serverName("example.com"), 0, "000e 00 000b 6578616d706c652e636f6d"],
  ["supported_groups", supportedGroups([0x001d, 0x0017, 0x11ec]), 10, "0006 001d 0017 11ec"],
  ["ec_point_formats", ecPointFormats(), 11, "03 00 01 02"],
  ["ec_point_formats uncompressed", ecPointFormats([0]), 11, "01 00"],
  ["signature_algorithms", signatureAlgorithms([0x0403, 0x0804]), 13, "0004 0403 0804"],
  ["signature_algorithms_cert", signatureAlgorithmsCert([0x0401]), 50, "0002 0401"],
  ["supported_versions", supportedVersions([0x0304, 0x0303]), 43, "04 0304 0303"],
  [
    "key_share",
    keyShare([{ group: 0x001d, keyExchange: fromHex("aabb") }]),
    51,
    "0006 001d 0002 aabb",
  ],
  ["key_share empty", keyShare([]), 51, "0000"],
  ["psk_key_exchange_modes", pskKeyExchangeModes(), 45, "01 01"],
  ["alpn", alpn(["h2", "http/1.1"]), 16, "000c 02 6832 08 687474702f312e31"],
  ["status_request", statusRequest(), 5, "01 0000 0000"],
  ["renegotiation_info", renegotiationInfo(), 0xff01, "00"],
  ["extended_master_secret", extendedMasterSecret(), 23, ""],
  ["session_ticket", sessionTicket(), 35, ""],
  ["heartbeat", heartbeat(), 15, "01"],
  ["padding", padding(3), 21, "000000"],
  ["encrypt_then_mac", encryptThenMac(), 22, ""],
  ["raw", rawExtension(0xfe0d, fromHex("0102")), 0xfe0d, "0102"],
];

describe("extension builders", () => {
  it.each(cases)("%s", (_name, extension, type, hex) => {
    expect(extension.type).toBe(type);
    expect(toHex(extension.data)).toBe(toHex(fromHex(hex)));
  });

  it("uses the IANA numbers", () => {
    expect(EXTENSION_TYPE.renegotiation_info).toBe(0xff01);
    expect(EXTENSION_TYPE.key_share).toBe(51);
  });

  it("rejects what the wire cannot carry", () => {
    expect(() => serverName("")).toThrow(EncodeError);
    expect(() => serverName("bücher.example")).toThrow(EncodeError);
    expect(() => alpn([""])).toThrow(EncodeError);
    expect(() => supportedGroups([0x10000])).toThrow(
      expect.objectContaining({ field: "supported_groups[0]" }),
    );
    expect(() => padding(-1)).toThrow(EncodeError);
    expect(() => rawExtension(0x10000, new Uint8Array(0))).toThrow(EncodeError);
  });

  it("writes and reads an extensions block", () => {
    const list = [serverName("a"), padding(2), rawExtension(0x1234, fromHex("ff"))];
    const w = new ByteWriter();
    writeExtensions(w, list, "Hello");
    const bytes = w.finish();
    expect(toHex(bytes)).toBe("001500000006000400000161001500020000123400" + "01ff");
    expect(readExtensions(new ByteReader(bytes), "Hello")).toEqual(list);
  });
});
