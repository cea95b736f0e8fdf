/** Protocol versions tlsgate can probe, oldest first. */
export const PROTOCOLS = ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/**
 * The version number each protocol puts on the wire: ProtocolVersion {major, minor} as one
 * uint16. SSLv2's CLIENT-HELLO carries 0x0002; TLS 1.3 negotiates 0x0304 in supported_versions
 * while its ServerHello legacy_version still says 0x0303.
 */
export const PROTOCOL_VERSIONS: Readonly<Record<Protocol, number>> = {
  SSLv2: 0x0002,
  SSLv3: 0x0300,
  "TLSv1.0": 0x0301,
  "TLSv1.1": 0x0302,
  "TLSv1.2": 0x0303,
  "TLSv1.3": 0x0304,
};

const PROTOCOL_BY_VERSION: ReadonlyMap<number, Protocol> = new Map(
  PROTOCOLS.map((protocol) => [PROTOCOL_VERSIONS[protocol], protocol]),
);

/** True for the exact names in PROTOCOLS ("TLSv1.2", not "TLS1.2"). */
export function isProtocol(value: string): value is Protocol {
  return (PROTOCOLS as readonly string[]).includes(value);
}

/** The wire version of a protocol, e.g. "TLSv1.2" → 0x0303. */
export function protocolVersion(protocol: Protocol): number {
  return PROTOCOL_VERSIONS[protocol];
}

/** The protocol a wire version stands for, e.g. 0x0303 → "TLSv1.2"; unknown → undefined. */
export function protocolByVersion(version: number): Protocol | undefined {
  return PROTOCOL_BY_VERSION.get(version);
}
